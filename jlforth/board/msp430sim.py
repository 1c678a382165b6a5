"""A simulated MSP430G2553 LaunchPad: ``python -m jlforth.sim.msp430`` in a
subprocess, its USCI_A0 UART on a pty (or TCP socket).

    with Msp430SimBoard("fw.hex") as board:
        port = serial.serial_for_url(board.url, baudrate=115200, timeout=2)
        port.write(b"\\r")        # the CPU starts on the first byte (wait_first_byte)
        ...
        board.markers()           # [(value, cycle), ...] for writes to MARKER_ADDR
        cycles = board.close()

Same protocol as the AVR harness (see tools/simboard/README.md): the shared
plumbing is jlforth/board/process.py.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional, Sequence

from .process import PathLike, SimulatorBoard

_REPO_ROOT = Path(__file__).resolve().parents[2]


class Msp430SimBoard(SimulatorBoard):
    """An MSP430G2553 running ``firmware`` (Intel HEX or ELF) in the simulator.

    Parameters
    ----------
    state_dir: keeps flash.bin/info.bin across runs ("power cycle").
    timeout: wall-clock seconds after which the simulator stops itself.
    max_cycles: optional cycle limit.
    freq: MCLK in Hz for time conversions (default: from the DCO settings).
    wait_first_byte: hold the CPU until the host sends a byte.
    bridge: "pty" or "tcp".
    fast_idle: idle time is not paced to the wall clock while a serial byte
        is on its way (--fast-idle): a line and its answer take no wall time
        beyond the simulation's own.
    extra_args: more CLI options (e.g. "--realtime").

    After the simulator ended, ``exit_reason``, ``exit_pc`` and ``cycles``
    hold what its EXIT line said.
    """

    name = "msp430sim"
    target_name = "msp430g2553"

    def __init__(self, firmware: PathLike, *, state_dir: Optional[PathLike] = None,
                 timeout: float = 600.0, max_cycles: Optional[int] = None,
                 freq: Optional[float] = None, wait_first_byte: bool = True,
                 bridge: str = "pty", fast_idle: bool = True, extra_args: Sequence[str] = (),
                 start_timeout: float = 20.0, python: Optional[str] = None,
                 target_name: Optional[str] = None):
        self._prepare(firmware, state_dir, timeout, bridge, start_timeout,
                      {"flash": "flash.bin", "info": "info.bin"})
        if target_name:
            self.target_name = target_name
        args = [python or sys.executable, "-m", "jlforth.sim.msp430"]
        args += self._protocol_args(timeout, wait_first_byte, state_dir, max_cycles)
        if freq is not None:
            args += ["--freq", str(freq)]
        if fast_idle:
            args.append("--fast-idle")
        args += list(extra_args)
        args.append(str(self.firmware))
        self.args = args
        self._start()

    def _env(self) -> dict:
        env = dict(os.environ)     # the simulator is this package: find it
        env["PYTHONPATH"] = os.pathsep.join(
            [str(_REPO_ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        return env

    def dump_info(self) -> bytes:
        """Information memory 0x1000-0x10FF (256 bytes)."""
        return self._dump("info")
