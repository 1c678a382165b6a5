"""A simulated board in a subprocess that speaks the simulators' common
protocol (tools/simboard/README.md): ``PTY``/``TCP`` and ``READY`` lines,
``MARK value cycle`` lines in a markers file, SIGUSR1 = reset button,
SIGUSR2 = dump flash without stopping, SIGTERM = save state and stop, and a
last ``EXIT reason cycles=N`` line.  simavr's harness (SimavrBoard) and the
MSP430 simulator (Msp430SimBoard) differ only in how they are started.

The simulator never outlives its board: close() terminates it, and atexit,
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
from typing import Optional, Union

from . import Board, BoardError

PathLike = Union[str, os.PathLike]

_EXIT_RE = re.compile(r"EXIT (\S+)(?: pc=(0x[0-9a-fA-F]+))? cycles=(\d+)")
_live: "weakref.WeakSet[SimulatorBoard]" = weakref.WeakSet()


class SimulatorBoard(Board):
    """Start with ``_prepare()``, append the simulator's own options to
    ``_protocol_args()``, set ``self.args``, then ``_start()``."""

    simulated = True
    name = "simulator"                  # in messages and thread names

    def _prepare(self, firmware: PathLike, state_dir, timeout, bridge, start_timeout,
                 dumps: dict) -> None:
        if bridge not in ("pty", "tcp"):
            raise ValueError("bridge must be 'pty' or 'tcp'")
        if not timeout or timeout <= 0:
            raise ValueError("timeout must be a positive number of seconds")
        self.firmware = Path(firmware)
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self.bridge = bridge
        self.exit_reason: Optional[str] = None
        self.exit_pc: Optional[int] = None
        self.cycles: Optional[int] = None
        self.url = ""
        self._start_timeout = start_timeout
        self._proc: Optional[subprocess.Popen] = None
        self._tmp = tempfile.mkdtemp(prefix=f"{self.name}-")
        self._markers_path = os.path.join(self._tmp, "markers")
        self._log_path = os.path.join(self._tmp, "stderr.log")
        # what each --dump-X option writes: {"flash": path, "eeprom": path, ...}
        self._dumps = {k: os.path.join(self._tmp, f) for k, f in dumps.items()}
        self._cond = threading.Condition()
        self._lines: list[str] = []
        self._eof = False

    def _protocol_args(self, timeout, wait_first_byte, state_dir, max_cycles) -> list[str]:
        args = ["--timeout", str(timeout), "--markers", self._markers_path, "--die-with-parent"]
        for what, path in self._dumps.items():
            args += [f"--dump-{what}", path]
        args += ["--pty"] if self.bridge == "pty" else ["--tcp", "0"]
        if not wait_first_byte:
            args.append("--no-wait-first-byte")
        if state_dir is not None:
            args += ["--state", str(state_dir)]
        if max_cycles is not None:
            args += ["--max-cycles", str(int(max_cycles))]
        return args

    def _env(self) -> Optional[dict]:
        return None

    # ---------------------------------------------------------------- plumbing
    @staticmethod
    def _read_stdout(ref, proc: subprocess.Popen, cond: threading.Condition) -> None:
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
            raise BoardError(f"{self.name} ended before {what}: {self.log().strip()[-2000:]}")
        raise BoardError(f"{self.name}: no {what} line within {timeout} s")

    def _signal(self, sig: int) -> None:
        if not self.running:
            raise BoardError(f"simulator is not running (exit: {self.exit_reason})")
        self._proc.send_signal(sig)

    def _close_log(self) -> None:
        try:
            self._log.close()
        except Exception:
            pass

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
        self._close_log()

    def _start(self) -> None:
        self.exit_reason = self.exit_pc = self.cycles = None
        self._lines, self._eof = [], False
        for p in [self._markers_path, *self._dumps.values()]:
            try:
                os.unlink(p)
            except OSError:
                pass
        self._log = open(self._log_path, "wb")
        # Note: --die-with-parent (PR_SET_PDEATHSIG) fires when the *thread*
        # that started the process exits; start boards from a long-lived thread.
        # A session of its own: a Ctrl-C typed at the terminal (SIGINT to its
        # process group) is for the host program (the REPL or `term` sends
        # the chip a break), never a stop of the simulated board.
        self._proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=self._log, close_fds=True, env=self._env(),
                                      start_new_session=True)
        _live.add(self)
        self._reader = threading.Thread(target=self._read_stdout,
                                        args=(weakref.ref(self), self._proc, self._cond),
                                        daemon=True, name=f"{self.name}-{self._proc.pid}")
        self._reader.start()
        try:
            line = self._expect(("PTY ", "TCP "), self._start_timeout)
            self.url = line[4:] if line.startswith("PTY ") else "socket://" + line[4:]
            self._expect(("READY",), self._start_timeout)
        except BaseException:
            self._kill()
            raise

    def _dump(self, what: str) -> bytes:
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
        with open(self._dumps[what], "rb") as f:
            return f.read()

    # -------------------------------------------------------------- public API
    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log(self) -> str:
        """What the simulator wrote to stderr."""
        try:
            with open(self._log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def reset(self) -> None:
        """Press the reset button: registers and RAM cleared, flash (and EEPROM) kept."""
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

    def dump_flash(self) -> bytes:
        """The whole flash as it is now (or was at exit)."""
        return self._dump("flash")

    def wait_exit(self, timeout: Optional[float] = None) -> tuple[str, int]:
        """Wait for the simulator to end by itself ("done", "crashed", "timeout",
        "max-cycles", "hangup"). Returns (reason, cycles)."""
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
        self._close_log()
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
