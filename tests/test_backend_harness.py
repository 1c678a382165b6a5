"""Running compiled Julia on the simulated Uno from tests, and tests of that harness.

Other test modules import ``JuliaBoard`` and the ``jl`` fixture factory from
here: one board per test module (a boot costs ~0.1 s, a fresh board per test
~0.3 s); every program starts with ``empty``, so programs do not see each other.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import Optional, Sequence

import pytest

from jlforth import targets
from jlforth.backend.forth import ForthProgram, compile_source
from jlforth.board.open import open_board
from jlforth.check import types as T
from jlforth.loader import ForthLink
from jlforth.run import TargetError, map_error, run_entry, upload


@dataclass
class Result:
    output: str
    error: Optional[TargetError] = None
    forth: Optional[ForthProgram] = None

    @property
    def ok(self) -> bool:
        return self.error is None


class JuliaBoard:
    """Compile, upload and run Julia programs on one simulated board."""

    def __init__(self, link: ForthLink, target):
        self.link = link
        self.target = target

    def compile(self, source: str, filename: str = "t.jl", optimize: bool = True) -> ForthProgram:
        return compile_source(source, filename, self.target, optimize=optimize)

    def load(self, source: str, filename: str = "t.jl", optimize: bool = True) -> ForthProgram:
        fp = self.compile(source, filename, optimize)
        err = upload(self.link, fp, filename)
        if err is not None:
            raise AssertionError(f"upload failed: {err.format()}")
        return fp

    def run(self, source: str, filename: str = "t.jl", optimize: bool = True) -> Result:
        fp = self.compile(source, filename, optimize)
        err = upload(self.link, fp, filename)
        if err is not None:
            return Result("", err, fp)
        out = io.StringIO()
        err = run_entry(self.link, fp, filename, out, idle_timeout=60)
        return Result(out.getvalue(), err, fp)

    def output(self, source: str, **kw) -> str:
        r = self.run(source, **kw)
        if r.error is not None:
            raise AssertionError(f"target error: {r.error.format()}\n--- output so far:\n{r.output}")
        return r.output

    def call(self, fp: ForthProgram, word: str, args: Sequence[tuple] = ()) -> Result:
        """Run one word of a loaded program with literal arguments ((value, type) pairs)."""
        toks = [forth_literal(v, t) for v, t in args]
        line = " ".join(toks + [word])
        r = self.link.send(line)
        if r.error:
            return Result(r.output, map_error(r.error, fp.source_file, running=True), fp)
        return Result(r.output, None, fp)


def forth_literal(v: int, t) -> str:
    if t.bits > 16:
        return f"{v}."
    return str(v)


def word_named(fp: ForthProgram, prefix: str) -> str:
    """The Forth name of the (only) specialisation of a Julia function."""
    names = [c.name for c in fp.chunks if c.kind == "function" and c.name.startswith(prefix + "(")]
    assert len(names) == 1, names
    return names[0]


def open_julia_board(tmp_path_factory, code: str = "", chip: str = ""):
    """code: the code form ("speed", "size", "portable"); JLFORTH_TEST_CODE
    runs every module that uses the jl fixture in another form, and
    JLFORTH_TEST_TARGET on another chip (by hand: some tests are written for
    the ATmega328P's registers and stack sizes)."""
    target = targets.get(chip or os.environ.get("JLFORTH_TEST_TARGET", "atmega328p")).with_code(
        code or os.environ.get("JLFORTH_TEST_CODE", "speed"))
    board = open_board(target, state_dir=tmp_path_factory.mktemp("board"), timeout=300)
    link = ForthLink(board.url, baud=target.baud, timeout=60)
    link.sync()
    return board, link, JuliaBoard(link, target)


@pytest.fixture(scope="module")
def jl(tmp_path_factory):
    board, link, jb = open_julia_board(tmp_path_factory)
    yield jb
    link.close()
    board.close()


def julia_print(v: int, t) -> str:
    """What Julia's print shows for a value of the model."""
    if t is T.BOOL:
        return "true" if v else "false"
    return str(v)


# ---------------------------------------------------------------- the harness itself

def test_output_is_exact_and_lf_only(jl):
    assert jl.output('println("hello")\nprint(1, 2)\nprintln()\n') == "hello\n12\n"


def test_programs_are_isolated(jl):
    jl.output("x = 1\nfunction f()\n  global x\n  x += 1\nend\nf()\nprintln(x)\n")
    r = jl.run("println(2)\n")
    assert r.output == "2\n"
    assert "g.x" not in r.forth.text()


def test_runtime_error_carries_the_julia_line(jl):
    r = jl.run("function f(x::Int16)\n    Int8(x)\nend\nprintln(f(Int16(5)))\nprintln(f(Int16(300)))\n")
    assert r.output == "5\n"
    assert r.error is not None and r.error.line == 2 and r.error.code == -257
    assert r.error.message.startswith("InexactError")


def test_call_a_word_with_arguments(jl):
    fp = jl.load("function f(a::Int16, b::Int32)\n    println(a * b)\nend\n"
                 "flag = false\nif flag\n    f(Int16(1), Int32(1))\nend\n")
    r = jl.call(fp, word_named(fp, "f"), [(-3, T.INT16), (100000, T.INT32)])
    assert r.output == "-300000\n"
