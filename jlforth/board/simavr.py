"""A simulated Arduino Uno: the ``simboard`` harness (tools/simboard) on simavr.

The harness is a subprocess. Its UART0 appears as a pty (or a TCP socket) whose
pyserial URL is :attr:`SimavrBoard.url`; writes to GPIOR0 become exact-cycle
markers; flash and EEPROM can be dumped and persisted across "power cycles".

    with SimavrBoard("fw.hex", reset_pc=0) as board:
        port = serial.serial_for_url(board.url, baudrate=38400, timeout=2)
        port.write(b"x")          # the CPU starts on the first byte (wait_first_byte)
        ...
        cycles = board.close()

The simulator never outlives this object: close() terminates it, and atexit,
__del__ and --die-with-parent cover the remaining ways out.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Optional, Sequence

from . import BoardError
from .process import PathLike, SimulatorBoard

_REPO_TOOL = Path(__file__).resolve().parents[2] / "tools" / "simboard"
_PKG_BIN = Path(__file__).resolve().parents[1] / "data" / "bin" / "simboard"


def find_simboard(build: bool = True) -> Path:
    """Locate the harness: $JLFORTH_SIMBOARD, the packaged binary, or the repo's
    tools/simboard/simboard (built with make if only the source is there)."""
    env = os.environ.get("JLFORTH_SIMBOARD")
    if env:
        p = Path(env)
        if not (p.is_file() and os.access(p, os.X_OK)):
            raise BoardError(f"JLFORTH_SIMBOARD={env} is not an executable file")
        return p
    if _PKG_BIN.is_file() and os.access(_PKG_BIN, os.X_OK):
        return _PKG_BIN
    repo_bin = _REPO_TOOL / "simboard"
    src = _REPO_TOOL / "simboard.c"
    stale = src.is_file() and (not repo_bin.is_file() or src.stat().st_mtime > repo_bin.stat().st_mtime)
    if build and stale:
        r = subprocess.run(["make", "-C", str(_REPO_TOOL), "simboard"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise BoardError("building simboard failed:\n" + r.stdout)
    if repo_bin.is_file() and os.access(repo_bin, os.X_OK):
        return repo_bin
    raise BoardError("simboard binary not found (set JLFORTH_SIMBOARD or run make -C tools/simboard)")


class SimavrBoard(SimulatorBoard):
    """An ATmega328P (by default) running ``firmware`` under simboard.

    Parameters
    ----------
    firmware: Intel HEX image (flash; records at >= 0x810000 go to EEPROM).
    reset_pc: byte address the chip starts at (0x7E00: BOOTRST with a 512-byte boot section).
    state_dir: keeps flash.bin/eeprom.bin across runs; a new board on the same
        directory is the same chip after a power cycle.
    eeprom: optional EEPROM HEX image.
    timeout: wall-clock seconds after which the simulator stops itself (always set).
    max_cycles: optional cycle limit.
    wait_first_byte: hold the CPU until the host sends a byte (pyserial discards
        anything received before the port is opened).
    bridge: "pty" (url is the pty path) or "tcp" (url is socket://127.0.0.1:PORT).
    extra_args: more simboard options (e.g. "--realtime").
    target_name: the Board.target_name to report (default: mcu).

    After the simulator ended, ``exit_reason``, ``exit_pc`` (crashes) and
    ``cycles`` hold what its EXIT line said.
    """

    name = "simboard"

    def __init__(self, firmware: PathLike, *, mcu: str = "atmega328p", freq: int = 16_000_000,
                 reset_pc: int = 0x7E00, state_dir: Optional[PathLike] = None,
                 eeprom: Optional[PathLike] = None, timeout: float = 600.0,
                 max_cycles: Optional[int] = None, wait_first_byte: bool = True,
                 bridge: str = "pty", binary: Optional[PathLike] = None,
                 extra_args: Sequence[str] = (), start_timeout: float = 10.0,
                 target_name: Optional[str] = None):
        self._prepare(firmware, state_dir, timeout, bridge, start_timeout,
                      {"flash": "flash.bin", "eeprom": "eeprom.bin"})
        self.target_name = target_name or mcu
        self._binary = Path(binary) if binary else find_simboard()

        args = [str(self._binary), "-m", mcu, "-f", str(freq), "--reset-pc", hex(reset_pc)]
        args += self._protocol_args(timeout, wait_first_byte, state_dir, max_cycles)
        if eeprom is not None:
            args += ["--eeprom", str(eeprom)]
        args += list(extra_args)
        args.append(str(self.firmware))
        self.args = args
        self._start()

    def dump_eeprom(self) -> bytes:
        """The whole EEPROM (1 KiB on a 328P) as it is now (or was at exit)."""
        return self._dump("eeprom")
