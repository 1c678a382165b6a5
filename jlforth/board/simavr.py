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

import atexit
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Optional, Sequence, Union

from . import Board, BoardError

PathLike = Union[str, os.PathLike]

_REPO_TOOL = Path(__file__).resolve().parents[2] / "tools" / "simboard"
_PKG_BIN = Path(__file__).resolve().parents[1] / "data" / "bin" / "simboard"

_live: "weakref.WeakSet[SimavrBoard]" = weakref.WeakSet()


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


_EXIT_RE = re.compile(r"EXIT (\S+)(?: pc=(0x[0-9a-fA-F]+))? cycles=(\d+)")


class SimavrBoard(Board):
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

    simulated = True

    def __init__(self, firmware: PathLike, *, mcu: str = "atmega328p", freq: int = 16_000_000,
                 reset_pc: int = 0x7E00, state_dir: Optional[PathLike] = None,
                 eeprom: Optional[PathLike] = None, timeout: float = 600.0,
                 max_cycles: Optional[int] = None, wait_first_byte: bool = True,
                 bridge: str = "pty", binary: Optional[PathLike] = None,
                 extra_args: Sequence[str] = (), start_timeout: float = 10.0,
                 target_name: Optional[str] = None):
        if bridge not in ("pty", "tcp"):
            raise ValueError("bridge must be 'pty' or 'tcp'")
        if not timeout or timeout <= 0:
            raise ValueError("timeout must be a positive number of seconds")
        self.target_name = target_name or mcu
        self.firmware = Path(firmware)
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self.exit_reason: Optional[str] = None
        self.exit_pc: Optional[int] = None
        self.cycles: Optional[int] = None
        self._proc: Optional[subprocess.Popen] = None
        self._tmp = tempfile.mkdtemp(prefix="simboard-")
        self._markers_path = os.path.join(self._tmp, "markers")
        self._flash_path = os.path.join(self._tmp, "flash.bin")
        self._eeprom_path = os.path.join(self._tmp, "eeprom.bin")
        self._log_path = os.path.join(self._tmp, "stderr.log")
        self._cond = threading.Condition()
        self._lines: list[str] = []
        self._eof = False
        self._binary = Path(binary) if binary else find_simboard()

        args = [str(self._binary), "-m", mcu, "-f", str(freq),
                "--reset-pc", hex(reset_pc), "--timeout", str(timeout),
                "--markers", self._markers_path,
                "--dump-flash", self._flash_path, "--dump-eeprom", self._eeprom_path,
                "--die-with-parent"]
        args += ["--pty"] if bridge == "pty" else ["--tcp", "0"]
        if not wait_first_byte:
            args.append("--no-wait-first-byte")
        if state_dir is not None:
            args += ["--state", str(state_dir)]
        if eeprom is not None:
            args += ["--eeprom", str(eeprom)]
        if max_cycles is not None:
            args += ["--max-cycles", str(int(max_cycles))]
        args += list(extra_args)
        args.append(str(self.firmware))
        self.args = args

        self.bridge = bridge
        self._start_timeout = start_timeout
        self._start()

    # ---------------------------------------------------------------- plumbing
    @staticmethod
    def _read_stdout(ref: "weakref.ref[SimavrBoard]", proc: subprocess.Popen,
                     cond: threading.Condition) -> None:
        # Holds the board only weakly, so an abandoned board can be collected
        # (and its __del__ kill the simulator) while this thread still runs.
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self = ref()
            if self is None or proc is not self._proc:
                return
            with cond:
                self._lines.append(line)
                m = _EXIT_RE.match(line)
                if m:
                    self.exit_reason = m.group(1)
                    self.exit_pc = int(m.group(2), 16) if m.group(2) else None
                    self.cycles = int(m.group(3))
                cond.notify_all()
            del self
        self = ref()
        with cond:
            if self is not None and proc is self._proc:
                self._eof = True
            cond.notify_all()

    def _expect(self, prefixes: tuple, timeout: float, start: int = 0) -> str:
        """Wait for a stdout line starting with one of prefixes, at index >= start."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self._lines[start:]:
                    if line.startswith(prefixes):
                        return line
                left = deadline - time.monotonic()
                if self._eof or left <= 0:
                    break
                self._cond.wait(left)
        what = "/".join(p.strip() for p in prefixes)
        if self._eof:
            raise BoardError(f"simboard ended before {what}: {self.log().strip()[-2000:]}")
        raise BoardError(f"simboard: no {what} line within {timeout} s")

    def _signal(self, sig: int) -> None:
        if not self.running:
            raise BoardError(f"simulator is not running (exit: {self.exit_reason})")
        self._proc.send_signal(sig)

    def _kill(self) -> None:
        p = self._proc
        if p is None:
            return
        if p.poll() is None:
            p.kill()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self._cleanup_files()

    def _cleanup_files(self) -> None:
        try:
            self._log.close()
        except Exception:
            pass

    # -------------------------------------------------------------- public API
    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log(self) -> str:
        """What the simulator wrote to stderr (simavr messages)."""
        try:
            with open(self._log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def reset(self) -> None:
        """Press the reset button: registers and RAM cleared, flash and EEPROM kept."""
        with self._cond:
            start = len(self._lines)
        self._signal(signal.SIGUSR1)
        self._expect(("RESET",), 10.0, start)

    def markers(self) -> list[tuple[int, int]]:
        out = []
        try:
            with open(self._markers_path, "rb") as f:
                data = f.read().decode("ascii", "replace")
        except OSError:
            return out
        for line in data.split("\n")[:-1]:       # only complete lines
            parts = line.split()
            if len(parts) == 3 and parts[0] == "MARK":
                out.append((int(parts[1]), int(parts[2])))
        return out

    def _dump(self, path: str) -> bytes:
        if self.running:
            with self._cond:
                start = len(self._lines)
            self._signal(signal.SIGUSR2)
            try:
                self._expect(("DUMPED", "EXIT"), 10.0, start)
            except BoardError:
                if self.running:
                    raise
        elif self._proc is not None:
            self._proc.wait()
            self._reader.join(5)
        with open(path, "rb") as f:
            return f.read()

    def dump_flash(self) -> bytes:
        """The whole flash (32 KiB on a 328P) as it is now (or was at exit)."""
        return self._dump(self._flash_path)

    def dump_eeprom(self) -> bytes:
        """The whole EEPROM (1 KiB on a 328P) as it is now (or was at exit)."""
        return self._dump(self._eeprom_path)

    def wait_exit(self, timeout: Optional[float] = None) -> tuple[str, int]:
        """Wait for the simulator to end by itself (cli;sleep -> "done", "crashed",
        "timeout", "max-cycles", "hangup"). Returns (reason, cycles)."""
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise BoardError(f"simulator still running after {timeout} s") from None
        self._reader.join(5)
        if self.exit_reason is None:
            raise BoardError(f"simulator died (status {self._proc.returncode}): {self.log()[-2000:]}")
        return self.exit_reason, self.cycles

    def close(self) -> Optional[int]:
        """Stop the simulator (saving --state and dumps); returns the final cycle count."""
        p = self._proc
        if p is None:
            return self.cycles
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self._reader.join(5)
        if p.stdout:
            p.stdout.close()
        self._cleanup_files()
        _live.discard(self)
        return self.cycles

    def power_cycle(self) -> str:
        """Switch off and on again: a new simulator on the same state_dir.
        Returns the new url (a new pty path or port)."""
        if self.state_dir is None:
            raise BoardError("power_cycle needs a state_dir")
        self.close()
        self._start()
        return self.url

    def _start(self) -> None:
        self.exit_reason = self.exit_pc = self.cycles = None
        self._lines, self._eof = [], False
        for p in (self._markers_path, self._flash_path, self._eeprom_path):
            try:
                os.unlink(p)
            except OSError:
                pass
        self._log = open(self._log_path, "wb")
        # Note: --die-with-parent (PR_SET_PDEATHSIG) fires when the *thread*
        # that started the process exits; start boards from a long-lived thread.
        self._proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=self._log, close_fds=True)
        _live.add(self)
        self._reader = threading.Thread(target=self._read_stdout,
                                        args=(weakref.ref(self), self._proc, self._cond), daemon=True,
                                        name=f"simboard-{self._proc.pid}")
        self._reader.start()
        try:
            line = self._expect(("PTY ", "TCP "), self._start_timeout)
            self.url = line[4:] if line.startswith("PTY ") else "socket://" + line[4:]
            self._expect(("READY",), self._start_timeout)
        except BaseException:
            self._kill()
            raise

    def __del__(self):
        try:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()
                self._proc.wait(5)
            shutil.rmtree(self._tmp, ignore_errors=True)
        except Exception:
            pass


@atexit.register
def _kill_all() -> None:
    for b in list(_live):
        try:
            b.close()
        except Exception:
            pass
