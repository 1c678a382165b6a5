"""Run an instrumented image on the simulated board and collect what its
probes wrote to the marker register, with the simulator's cycle count."""
from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from ..image import Image, build_lines
from ..loader.link import NAK, OK, ForthLink


class TeachError(Exception):
    """A user-facing failure of explain / trace / size."""


def teach_data(target) -> dict:
    """The target's [teach] table (see the target TOMLs): the chip's part of
    measuring, as data."""
    return target.raw.get("teach", {})


def marker_address(target) -> int:
    """Data-space address of the register whose writes the simulator records."""
    return marker_register(target)[0]


def marker_register(target) -> Tuple[int, int]:
    """(address, width in bits) of the marker register.  A 16-bit marker takes
    a cell in one word store (``!``), which the simulator records whole; an
    8-bit one takes bytes (``c!``)."""
    name = target.board.get("marker")
    if name and name in target.registers:
        return target.registers[name]
    raise TeachError(f"no marker register known for {target.name}")


def marker_store(target) -> str:
    """The Forth word that writes one marker value."""
    return "!" if marker_register(target)[1] >= target.cell_bits else "c!"


def _forth_with_registers(target, text: str) -> str:
    regs = target.registers

    def addr(m):
        name = m.group(1)
        if name not in regs:
            raise TeachError(f"{target.name}: the [teach] table names an unknown register {name}")
        return f"${regs[name][0]:x}"
    return re.sub(r"\{([A-Za-z0-9_]+)\}", addr, text)


def timer_off(target) -> str:
    """Forth that masks the millisecond interrupt while measuring programs that
    do not read the clock, so it does not land in the numbers ("" if none)."""
    text = teach_data(target).get("timer_off", "")
    return _forth_with_registers(target, text) + " " if text else ""


def timer_mask_address(target) -> Optional[int]:
    """The register timer_off writes (TIMSK0 on the AVR), or None."""
    m = re.search(r"\{([A-Za-z0-9_]+)\}", teach_data(target).get("timer_off", ""))
    r = target.registers.get(m.group(1)) if m else None
    return r[0] if r else None


def uart_idle(target) -> str:
    """Forth that leaves the serial transmitter idle (one NUL byte sent, then
    wait until it is out), so a program's first print does not wait for the
    echo of the command line a varying number of cycles."""
    text = teach_data(target).get("uart_idle", "")
    return _forth_with_registers(target, text) + " " if text else ""


def before_run(target, clock: bool) -> str:
    """What runs before the measured word: the timer masked (unless the
    program reads the clock), the transmitter idle."""
    return ("" if clock else timer_off(target)) + uart_idle(target)


def describe_error(answer: str, source_lines: Sequence[str] = ()) -> str:
    """The kernel's error answer (``NAME CODE MESSAGE``) as Julia says it,
    with the source line when the message names one."""
    import re
    from ..backend.forth import ERROR_MESSAGES
    m = re.match(r"\S+ (-?\d+) (.*)$", answer.strip())
    if not m:
        return answer
    code, msg = int(m.group(1)), m.group(2)
    at = re.search(r"\s*at line (\d+)\s*$", msg)
    line = int(at.group(1)) if at else None
    text = ERROR_MESSAGES.get(code) or (msg[: at.start()] if at else msg)
    if line:
        text += f" at line {line}"
        if 0 < line <= len(source_lines):
            text += f": {source_lines[line - 1].strip()}"
    return text


def build_image(lines: Sequence[str], target, path: str) -> Image:
    img = build_lines([(0, ln) for ln in lines], target, path=path, no_main=True, check=False)
    if not img.fits:
        raise TeachError(f"the instrumented program does not fit the {target.name} "
                         f"({img.program_bytes} bytes of flash, {img.ram_used} of RAM)")
    return img


def _simavr(hexp, eep, target, timeout):
    from ..board.simavr import SimavrBoard
    return SimavrBoard(hexp, mcu=target.board["mcu"], freq=target.clock_hz,
                       reset_pc=target.board["reset_pc"], eeprom=eep, timeout=timeout,
                       target_name=target.name)


def _msp430sim(hexp, eep, target, timeout):
    from ..board.msp430sim import Msp430SimBoard
    return Msp430SimBoard(hexp, timeout=timeout, freq=target.clock_hz, target_name=target.name)


#: the simulated boards that boot an image, by the target's board.simulator
_BOARDS = {"simavr": _simavr, "msp430sim": _msp430sim}


def booting_simulators() -> List[str]:
    return list(_BOARDS)


@dataclass
class RunResult:
    output: str = ""
    error: str = ""                  # the kernel's error answer, if any
    stopped: bool = False            # stopped by the cycle budget
    markers: List[Tuple[int, int]] = field(default_factory=list)


class SimRun:
    """A simulated board booted with an image (at the prompt: no turnkey)."""

    def __init__(self, img: Image, target, timeout: float = 600.0):
        boot = _BOARDS.get(target.board.get("simulator"))
        if boot is None:
            raise TeachError(f"measuring needs the simulated board; {target.name} has none that "
                             "boots an image yet")
        self.target = target
        self._tmp = tempfile.TemporaryDirectory(prefix="jlforth-teach-")
        hexp, eep = img.write(Path(self._tmp.name) / "prog.hex")
        self.board = boot(hexp, eep, target, timeout)
        try:
            self.link = ForthLink(self.board.url, baud=target.baud, timeout=30)
            self.link.sync()
        except BaseException:
            self.board.close()
            self._tmp.cleanup()
            raise

    def run(self, line: str) -> str:
        r = self.link.send(line)
        if r.error:
            raise TeachError(f"the target refused `{line}`: {r.error}")
        return r.output

    def _last_marker_cycle(self) -> Optional[int]:
        path = getattr(self.board, "_markers_path", None)
        if path is None:
            m = self.board.markers()
            return m[-1][1] if m else None
        try:
            with open(path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - 200))
                tail = f.read().decode("ascii", "replace").split("\n")
        except OSError:
            return None
        for ln in reversed(tail[:-1]):
            parts = ln.split()
            if len(parts) == 3 and parts[0] == "MARK":
                return int(parts[2])
        return None

    def measure(self, line: str, budget: Optional[int] = None, wall: float = 120.0) -> RunResult:
        """Run one line; stop it (Ctrl-C) once the markers show `budget`
        cycles after the first one.  Markers written by this line only."""
        before = len(self.board.markers())
        port = self.link.port
        port.write(line.encode("latin-1") + b"\r")
        echo = (line + " ").encode("latin-1")
        buf = bytearray()
        first = None
        res = RunResult()
        t0 = time.monotonic()
        last_poll = 0.0
        while True:
            chunk = port.read(port.in_waiting or 1)
            if chunk:
                buf += chunk
                if buf.endswith(OK) or buf.endswith(NAK):
                    break
            now = time.monotonic()
            if budget is not None and not res.stopped and now - last_poll > 0.05:
                last_poll = now
                c = self._last_marker_cycle()
                if c is not None:
                    if first is None:
                        ms = self.board.markers()[before:before + 1]
                        first = ms[0][1] if ms else None
                    if first is not None and c - first > budget:
                        res.stopped = True
                        self.link.interrupt()
            if not res.stopped and now - t0 > wall:
                res.stopped = True
                self.link.interrupt()
            if now - t0 > wall + 30:
                raise TeachError("the simulated board stopped answering")
        body = bytes(buf[len(echo):]) if buf.startswith(echo) else bytes(buf)
        if buf.endswith(NAK):
            q = body.rfind(b"?? ")
            res.error = body[q + 3:].rstrip(b"\r\n\x15").decode("latin-1")
            body = body[:q]
        else:
            body = body[: -len(OK)]
        res.output = body.decode("utf-8", "replace").lstrip("\x00")
        time.sleep(0.05)
        res.markers = self.board.markers()[before:]
        return res

    def close(self) -> None:
        try:
            self.link.close()
        finally:
            self.board.close()
            self._tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
