"""``jlforth run FILE.jl``: compile, upload line by line, run ``main``, print its output.

The upload is deliberately small (one ForthLink.send per line, stop at the
first error); the real loader (incremental upload, packing, progress) lives in
jlforth/loader.  Errors are reported as ``FILE:LINE: error: MESSAGE`` with the
Julia line: from `` at line N`` in the kernel's answer for run-time errors, or
from the function (global, array) whose definition the target refused.
"""
from __future__ import annotations

import codecs
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, TextIO

from .backend.forth import ERROR_MESSAGES, Chunk, ForthProgram, compile_source
from .errors import CompileError
from .loader.link import NAK, OK, ForthError, ForthLink, LinkError

_AT_LINE = re.compile(r"\s*at line (\d+)\s*$")
_ERROR = re.compile(rb"\?\? (\S+) (-?\d+) ([^\x15]*)\x15\r\n$")


@dataclass
class TargetError:
    """A Julia-level error from the target: where and what."""
    file: str
    line: Optional[int]
    message: str
    code: int
    word: str = ""

    def format(self, source_lines: Optional[List[str]] = None) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        out = f"{where}: error: {self.message}"
        if source_lines and self.line and 1 <= self.line <= len(source_lines):
            out += "\n    " + source_lines[self.line - 1].rstrip()
        return out


def julia_message(code: int, kernel_message: str) -> str:
    return ERROR_MESSAGES.get(code) or kernel_message


def map_error(err: ForthError, file: str, chunk: Optional[Chunk] = None, running: bool = False) -> TargetError:
    """A kernel error answer -> a TargetError at the Julia line."""
    msg = err.message
    m = _AT_LINE.search(msg)
    line = None
    if m:
        line = int(m.group(1))
        msg = msg[: m.start()]
    if running or line is not None:
        text = julia_message(err.code, msg)
    else:
        what = f" while defining {chunk.what}" if chunk is not None and chunk.what else ""
        text = f"the target refused `{err.word}`{what}: {msg} ({err.code})"
    if line is None and chunk is not None and chunk.loc is not None:
        line = chunk.loc.line
    return TargetError(file, line, text, err.code, err.word)


def upload(link: ForthLink, fp: ForthProgram, file: str, fresh: bool = True) -> Optional[TargetError]:
    """Send the program line by line; the first error stops it."""
    if fresh:
        r = link.send("empty")
        if r.error:
            return TargetError(file, None, f"cannot empty the dictionary: {r.error}", r.error.code)
    for line, chunk in fp.upload_lines():
        r = link.send(line)
        if r.error:
            return map_error(r.error, file, chunk)
    return None


def run_entry(link: ForthLink, fp: ForthProgram, file: str, out: TextIO,
              idle_timeout: float = 30.0) -> Optional[TargetError]:
    """Run the program's entry word, streaming its output to ``out``."""
    port = link.port
    line = fp.entry
    port.write(line.encode("latin-1") + b"\r")
    echo = (line + " ").encode("latin-1")
    buf = bytearray()
    shown = 0                          # bytes of the body already written
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    last = time.monotonic()

    def body() -> bytes:
        return bytes(buf[len(echo):]) if buf.startswith(echo) else bytes(buf)

    def show(upto: int):
        nonlocal shown
        b = body()
        if upto > shown:
            out.write(decoder.decode(b[shown:upto]))
            out.flush()
            shown = upto

    try:
        while True:
            chunk = port.read(port.in_waiting or 1)
            if chunk:
                buf += chunk
                last = time.monotonic()
                if buf.endswith(OK) or buf.endswith(NAK):
                    break
                if len(buf) < len(echo) and echo.startswith(bytes(buf)):
                    continue
                b = body()
                hold = len(b) - len(OK)
                q = b.rfind(b"?? ", max(0, len(b) - 160))
                if q >= 0:
                    hold = min(hold, q)
                show(max(hold, shown))
            elif time.monotonic() - last > idle_timeout:
                raise LinkError(f"no answer from the target within {idle_timeout:g} s")
    except KeyboardInterrupt:
        link.interrupt()
        link._read_answer(5.0)
        out.write(decoder.decode(b"", final=True))
        out.flush()
        raise
    b = body()
    if buf.endswith(OK):
        show(len(b) - len(OK))
        out.write(decoder.decode(b"", final=True))
        out.flush()
        return None
    m = _ERROR.search(bytes(buf))
    end = b.rfind(b"?? ")
    show(end if end >= 0 else len(b))
    out.write(decoder.decode(b"", final=True))
    out.flush()
    if not m:
        return TargetError(file, None, "unreadable error answer from the target", 0)
    err = ForthError(m.group(1).decode("latin-1"), int(m.group(2)), m.group(3).decode("latin-1"), line)
    where = fp.function_chunks().get(fp.entry.lower())
    if err.code == E_RS_OVER and not _AT_LINE.search(err.message):
        # the kernel's return-stack check carries no line; when one function
        # recurses, it is the one that ran out
        rec = _recursive_functions(fp)
        if len(rec) == 1:
            where = rec[0]
    return map_error(err, file, where, running=True)


E_RS_OVER = -5


def _recursive_functions(fp: ForthProgram) -> List[Chunk]:
    """Function chunks that call themselves or a word of their own cycle
    (the backend lays ``recurse`` or a ``?rp``-checked call there)."""
    out = []
    for c in fp.chunks:
        if c.kind != "function":
            continue
        toks = " ".join(str(it[1]) for it in c.items).split()
        if "recurse" in toks or "?rp" in toks:
            out.append(c)
    return out


def compile_file(path: Path, target) -> ForthProgram:
    """Raises CompileError (also for an unreadable file)."""
    try:
        source = path.read_bytes()
    except OSError as e:
        from .errors import Loc
        raise CompileError(f"cannot read the file: {e.strerror or e}", Loc(str(path), 1, 1))
    return compile_source(source, str(path), target)


def run_julia(args, target, connect) -> int:
    """The .jl path of ``jlforth run``; ``connect(args, target)`` gives (board, link)."""
    from .cli import CliError
    path = Path(args.file)
    try:
        fp = compile_file(path, target)
    except CompileError as e:
        print(e.format(), file=sys.stderr)
        return 1
    source_lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    board, link = connect(args, target)
    try:
        err = upload(link, fp, str(path))
        if err is None:
            err = run_entry(link, fp, str(path), sys.stdout, idle_timeout=args.timeout)
        if err is not None:
            sys.stdout.flush()
            print(err.format(source_lines), file=sys.stderr)
            return 1
        return 0
    except LinkError as e:
        raise CliError(str(e)) from None
    except KeyboardInterrupt:
        return 130
    finally:
        link.close()
        board.close()
