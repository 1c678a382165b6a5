"""A simulated MSP430G2553 LaunchPad: ``python -m jlforth.sim.msp430`` in a
subprocess, its USCI_A0 UART on a pty (or TCP socket).

    with Msp430SimBoard("fw.hex") as board:
        port = serial.serial_for_url(board.url, baudrate=115200, timeout=2)
        port.write(b"\\r")        # the CPU starts on the first byte (wait_first_byte)
        ...
        board.markers()           # [(value, cycle), ...] for writes to MARKER_ADDR
        cycles = board.close()

Same protocol as the AVR harness (see tools/simboard/README.md), so launchers
can treat both alike.  The simulator never outlives this object: close()
terminates it, and atexit, __del__ and --die-with-parent cover the rest.
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Optional, Sequence, Union

from . import Board, BoardError

PathLike = Union[str, os.PathLike]

_live: "weakref.WeakSet[Msp430SimBoard]" = weakref.WeakSet()
_EXIT_RE = re.compile(r"EXIT (\S+)(?: pc=(0x[0-9a-fA-F]+))? cycles=(\d+)")
_REPO_ROOT = Path(__file__).resolve().parents[2]


class Msp430SimBoard(Board):
    """An MSP430G2553 running ``firmware`` (Intel HEX or ELF) in the simulator.

    Parameters
    ----------
    state_dir: keeps flash.bin/info.bin across runs ("power cycle").
    timeout: wall-clock seconds after which the simulator stops itself.
    max_cycles: optional cycle limit.
    freq: MCLK in Hz for time conversions (default: from the DCO settings).
    wait_first_byte: hold the CPU until the host sends a byte.
    bridge: "pty" or "tcp".
    extra_args: more CLI options (e.g. "--realtime").

    After the simulator ended, ``exit_reason``, ``exit_pc`` and ``cycles``
    hold what its EXIT line said.
    """

    simulated = True
    target_name = "msp430g2553"

    def __init__(self, firmware: PathLike, *, state_dir: Optional[PathLike] = None,
                 timeout: float = 600.0, max_cycles: Optional[int] = None,
                 freq: Optional[float] = None, wait_first_byte: bool = True,
                 bridge: str = "pty", extra_args: Sequence[str] = (),
                 start_timeout: float = 20.0, python: Optional[str] = None,
                 target_name: Optional[str] = None):
        if bridge not in ("pty", "tcp"):
            raise ValueError("bridge must be 'pty' or 'tcp'")
        if not timeout or timeout <= 0:
            raise ValueError("timeout must be a positive number of seconds")
        if target_name:
            self.target_name = target_name
        self.firmware = Path(firmware)
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self.exit_reason: Optional[str] = None
        self.exit_pc: Optional[int] = None
        self.cycles: Optional[int] = None
        self.url = ""
        self._proc: Optional[subprocess.Popen] = None
        self._tmp = tempfile.mkdtemp(prefix="msp430sim-")
        self._markers_path = os.path.join(self._tmp, "markers")
        self._flash_path = os.path.join(self._tmp, "flash.bin")
        self._info_path = os.path.join(self._tmp, "info.bin")
        self._log_path = os.path.join(self._tmp, "stderr.log")
        self._cond = threading.Condition()
        self._lines: list[str] = []
        self._eof = False

        args = [python or sys.executable, "-m", "jlforth.sim.msp430",
                "--timeout", str(timeout), "--markers", self._markers_path,
                "--dump-flash", self._flash_path, "--dump-info", self._info_path,
                "--die-with-parent"]
        args += ["--pty"] if bridge == "pty" else ["--tcp", "0"]
        if not wait_first_byte:
            args.append("--no-wait-first-byte")
        if state_dir is not None:
            args += ["--state", str(state_dir)]
        if max_cycles is not None:
            args += ["--max-cycles", str(int(max_cycles))]
        if freq is not None:
            args += ["--freq", str(freq)]
        args += list(extra_args)
        args.append(str(self.firmware))
        self.args = args
        self.bridge = bridge
        self._start_timeout = start_timeout
        self._start()

    # ------------------------------------------------------------ plumbing
    @staticmethod
    def _read_stdout(ref, proc, cond) -> None:
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
            raise BoardError(f"msp430 simulator ended before {what}: {self.log().strip()[-2000:]}")
        raise BoardError(f"msp430 simulator: no {what} line within {timeout} s")

    def _signal(self, sig: int) -> None:
        if not self.running:
            raise BoardError(f"simulator is not running (exit: {self.exit_reason})")
        self._proc.send_signal(sig)

    def _start(self) -> None:
        self.exit_reason = self.exit_pc = self.cycles = None
        self._lines, self._eof = [], False
        for p in (self._markers_path, self._flash_path, self._info_path):
            try:
                os.unlink(p)
            except OSError:
                pass
        self._log = open(self._log_path, "wb")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(_REPO_ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        self._proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=self._log, close_fds=True, env=env)
        _live.add(self)
        self._reader = threading.Thread(target=self._read_stdout,
                                        args=(weakref.ref(self), self._proc, self._cond),
                                        daemon=True, name=f"msp430sim-{self._proc.pid}")
        self._reader.start()
        try:
            line = self._expect(("PTY ", "TCP "), self._start_timeout)
            self.url = line[4:] if line.startswith("PTY ") else "socket://" + line[4:]
            self._expect(("READY",), self._start_timeout)
        except BaseException:
            self._kill()
            raise

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
        try:
            self._log.close()
        except Exception:
            pass

    # ----------------------------------------------------------- public API
    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log(self) -> str:
        try:
            with open(self._log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def reset(self) -> None:
        """Press the reset button: registers and peripherals reset, flash kept."""
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
        for line in data.split("\n")[:-1]:
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
        """Main flash 0xC000-0xFFFF (16 KiB) as it is now (or was at exit)."""
        return self._dump(self._flash_path)

    def dump_info(self) -> bytes:
        """Information memory 0x1000-0x10FF (256 bytes)."""
        return self._dump(self._info_path)

    def wait_exit(self, timeout: Optional[float] = None) -> tuple[str, int]:
        """Wait for the simulator to end by itself ("done", "crashed", "timeout",
        "max-cycles"). Returns (reason, cycles)."""
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise BoardError(f"simulator still running after {timeout} s") from None
        self._reader.join(5)
        if self.exit_reason is None:
            raise BoardError(f"simulator died (status {self._proc.returncode}): {self.log()[-2000:]}")
        return self.exit_reason, self.cycles

    def close(self) -> Optional[int]:
        """Stop the simulator (saving state and dumps); returns the final cycle count."""
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
        try:
            self._log.close()
        except Exception:
            pass
        _live.discard(self)
        return self.cycles

    def power_cycle(self) -> str:
        """Switch off and on again (a new simulator on the same state_dir)."""
        if self.state_dir is None:
            raise BoardError("power_cycle needs a state_dir")
        self.close()
        self._start()
        return self.url

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
