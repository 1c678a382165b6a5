"""Open a board: a real port or URL when given, else a fresh simulated one."""
from __future__ import annotations

from typing import Optional

from . import Board, BoardError
from ..targets import Target


class SerialBoard(Board):
    """A physical board (or any pyserial URL): nothing to start or stop."""

    simulated = False

    def __init__(self, url: str, target: Target):
        self.url = url
        self.target_name = target.name

    def reset(self) -> None:
        raise BoardError("reset the board with its button (or by DTR) and reconnect")


def open_board(target: Target, port: Optional[str] = None, *, state_dir=None,
               timeout: float = 600, extra_args=()) -> Board:
    if port:
        return SerialBoard(port, target)
    sim = target.board.get("simulator")
    if sim == "simavr":
        from .simavr import SimavrBoard
        return SimavrBoard(str(target.kernel_file(".hex")), mcu=target.board["mcu"],
                           freq=target.clock_hz, reset_pc=target.board["reset_pc"],
                           state_dir=state_dir, timeout=timeout, target_name=target.name,
                           extra_args=extra_args)
    if sim == "msp430sim":
        from .msp430sim import Msp430SimBoard
        return Msp430SimBoard(str(target.kernel_file(".hex")), state_dir=state_dir,
                              timeout=timeout)
    raise BoardError(f"no simulator for {target.name}")
