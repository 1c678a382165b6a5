"""The kernel's wire protocol, host side (forth_kernel/README.md, "Wire protocol").

The host sends one line ending in CR and waits for its answer before sending
the next: the kernel echoes the line, prints any output, then ends with
``" ok" CR LF``, or with an error answer ``"?? NAME CODE MESSAGE" NAK CR LF``.
Nothing is paced by time: a line is sent as soon as the previous answer is in.

A kernel that can interpret a line while it arrives (the ATmega328P's) is
sent each line with a leading STX: it then compiles each word during the
transmission of the next, and the answer is the same.  :meth:`ForthLink.sync`
finds out whether the kernel does this (one that does not echoes the STX).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Optional

import serial

STX = b"\x02"
OK = b" ok\r\n"
NAK = b"\x15\r\n"
_ERROR = re.compile(rb"\?\? (\S+) (-?\d+) ([^\x15]*)\x15\r\n$")


class LinkError(Exception):
    """The target did not answer: a timeout, a reset or a lost connection."""


@dataclass
class ForthError(Exception):
    """The target's error answer for one line."""
    word: str
    code: int
    message: str
    line: str = ""

    def __str__(self) -> str:
        return f"{self.word}: {self.message} ({self.code})"


@dataclass
class Reply:
    line: str            # what was sent
    output: str          # what the target printed for it, echo removed
    error: Optional[ForthError] = None
    raw: bytes = b""

    @property
    def echoed(self) -> bool:
        """The answer starts with the line's echo: the kernel that answered is
        the one the line went to (a reset in between shows up as a banner)."""
        return self.raw.startswith(self.line.encode("latin-1") + b" ")


class ForthLink:
    """One connection to a kernel. ``url`` is anything pyserial opens."""

    def __init__(self, url: str, baud: int = 38400, timeout: float = 10.0):
        self.url = url
        self.timeout = timeout
        try:
            self.port = serial.serial_for_url(url, baudrate=baud, timeout=0.05)
        except (serial.SerialException, OSError) as e:
            raise LinkError(f"cannot open {url}: {e}") from None
        self.bytes_sent = 0
        self.banner = ""
        self.stream = False      # lines go with STX (found out by sync)

    # -- low level ---------------------------------------------------------
    def _read_answer(self, timeout: float) -> bytes:
        """Read until an ok or an error answer ends the input."""
        buf = bytearray()
        deadline = time.monotonic() + timeout
        while True:
            chunk = self.port.read(self.port.in_waiting or 1)
            if chunk:
                buf += chunk
                if buf.endswith(OK) or buf.endswith(NAK):
                    return bytes(buf)
                deadline = max(deadline, time.monotonic() + min(timeout, 2.0))
            elif time.monotonic() > deadline:
                raise LinkError(f"no answer from the target within {timeout:g} s "
                                f"(got {bytes(buf[-80:])!r}); was it reset or disconnected?")

    def sync(self, timeout: Optional[float] = None) -> str:
        """Get in step with the target: send a comment line with a fresh tag
        and read up to its answer.  Whatever came before it (a boot banner,
        answers to earlier lines) is returned, without the tag's answer."""
        self._syncs = getattr(self, "_syncs", 0) + 1
        tag = f"\\ sync{self._syncs}"
        end = (tag + "  ok\r\n").encode()
        self.port.write(STX + tag.encode() + b"\r")
        buf = bytearray()
        deadline = time.monotonic() + (timeout or self.timeout)
        while not buf.endswith(end):
            chunk = self.port.read(self.port.in_waiting or 1)
            buf += chunk
            if not chunk and time.monotonic() > deadline:
                raise LinkError(f"no answer from the target at {self.url} "
                                f"(got {bytes(buf[-80:])!r})")
        head = buf[: -len(end)]
        self.stream = not head.endswith(STX)
        self.banner = head.decode("latin-1").replace(" ok\r\n", "").strip("\x02 \r\n")
        return self.banner

    def send(self, line: str, timeout: Optional[float] = None) -> Reply:
        """Send one line, return the target's answer (never raises ForthError)."""
        data = (STX if self.stream else b"") + line.encode("latin-1") + b"\r"
        self.port.write(data)
        self.bytes_sent += len(data)
        raw = self._read_answer(timeout or self.timeout)
        text = raw.decode("latin-1")
        body = text
        echo = line + " "
        if body.startswith(echo):
            body = body[len(echo):]
        m = _ERROR.search(raw)
        if m:
            err = ForthError(m.group(1).decode("latin-1"), int(m.group(2)),
                             m.group(3).decode("latin-1"), line)
            return Reply(line, body[: body.rfind("?? ")], err, raw)
        return Reply(line, body[: -len(OK)], None, raw)

    def run(self, line: str, timeout: Optional[float] = None) -> str:
        """Send a line; its output, or ForthError."""
        r = self.send(line, timeout)
        if r.error:
            raise r.error
        return r.output

    def interrupt(self) -> None:
        """Ctrl-C: break the word running on the target."""
        self.port.write(b"\x03")

    def close(self) -> None:
        try:
            self.port.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
