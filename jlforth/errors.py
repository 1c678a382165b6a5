"""Compile errors with source positions.

Every program the compiler rejects produces exactly one :class:`CompileError`.
``str(err)`` is the one-line ``file:line:col: error: message`` form and
:meth:`CompileError.format` adds the offending source line and a caret, the
form the command line prints::

    blink.jl:3:9: error: Float64 is not supported on this target
        x = 1.5
            ^
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Loc:
    """A source position: file name, 1-based line and 1-based column (characters)."""

    file: str = "<input>"
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


NOLOC = Loc("<builtin>", 0, 0)


class CompileError(Exception):
    """A program was rejected. ``loc`` says where, ``message`` says why.

    ``source_line`` (the text of the offending line) is filled in by the front
    end when it knows the source; :meth:`format` uses it for the caret display.
    """

    def __init__(self, message: str, loc: Optional[Loc] = None, source_line: Optional[str] = None,
                 notes: Optional[list] = None):
        self.message = message
        self.loc = loc or Loc()
        self.source_line = source_line
        self.notes = list(notes or [])  # list of (Loc, str) shown after the main message
        super().__init__(str(self))

    @property
    def file(self) -> str:
        return self.loc.file

    @property
    def line(self) -> int:
        return self.loc.line

    @property
    def col(self) -> int:
        return self.loc.col

    def __str__(self) -> str:
        return f"{self.loc}: error: {self.message}"

    def attach_source(self, source: str) -> "CompileError":
        """Remember the offending line of ``source`` (if the error is in it)."""
        if self.source_line is None and self.loc.line >= 1:
            lines = source.splitlines()
            if self.loc.line <= len(lines):
                self.source_line = lines[self.loc.line - 1]
            elif self.loc.line == len(lines) + 1:
                self.source_line = ""
        return self

    def format(self) -> str:
        """``file:line:col: error: message``, then the source line and a caret under the column."""
        out = [str(self)]
        if self.source_line is not None:
            text = self.source_line.rstrip("\r\n")
            # Replace characters that would garble a terminal; keep tabs for alignment.
            shown = "".join(c if (c == "\t" or c.isprintable()) else "?" for c in text)
            out.append("    " + shown)
            col = max(1, self.loc.col)
            pad = "".join("\t" if c == "\t" else " " for c in shown[: col - 1])
            if col - 1 > len(shown):
                pad += " " * (col - 1 - len(shown))
            out.append("    " + pad + "^")
        for nloc, ntext in self.notes:
            out.append(f"{nloc}: note: {ntext}")
        return "\n".join(out)
