"""The Julia REPL on a live (simulated) target.

The session test drives ``jlforth repl`` through a pty with pexpect, as a
user at a terminal would: definitions, expressions, redefinition with its
dependents, ``?`` help, ``;`` Forth mode, Ctrl-C of an endless loop.
The smaller tests call the REPL object directly (no pty) and its helpers.
"""
from __future__ import annotations

import io
import os
import sys

import pexpect
import pytest

from jlforth.check.types import BOOL, CHAR, INT8, INT16, INT32, UINT8, UINT16, UINT32
from jlforth.repl import Repl, _julia_show, _statements

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_values_are_shown_as_julia_shows_them():
    assert _julia_show([0xFFFF], INT16) == "-1"
    assert _julia_show([0xFF80], INT8) == "-128"
    assert _julia_show([5], UINT8) == "0x05"
    assert _julia_show([0x1234], UINT16) == "0x1234"
    assert _julia_show([0x86A0, 0x0001], INT32) == "100000"
    assert _julia_show([0xFFFF, 0xFFFF], INT32) == "-1"
    assert _julia_show([1, 0], UINT32) == "0x00000001"
    assert _julia_show([1], BOOL) == "true" and _julia_show([0], BOOL) == "false"
    assert _julia_show([97], CHAR) == "'a'" and _julia_show([10], CHAR) == "'\\n'"


def test_statements_are_split_at_lines_and_semicolons():
    text = "function f(x::Int16)\n  return x\nend\nx = 1; y = \"a;b\"\nf(2)"
    assert _statements(text) == [(1, "function f(x::Int16)\n  return x\nend"),
                                 (4, "x = 1"), (4, 'y = "a;b"'), (5, "f(2)")]


@pytest.fixture
def repl(forth, target):
    out = io.StringIO()
    r = Repl(forth, target, out=out)
    r.out_buffer = out
    return r


def said(r) -> str:
    text = r.out_buffer.getvalue()
    r.out_buffer.seek(0)
    r.out_buffer.truncate()
    return text


def test_forth_mode_sends_lines_raw(repl):
    repl.handle(";1 2 + .")
    assert said(repl) == "3 ok\n"
    repl.handle(";: dbl 2* ;")
    repl.handle(";21 dbl .")
    assert said(repl).endswith("42 ok\n")
    repl.handle(";nosuchword")
    assert "?? nosuchword -13 undefined word" in said(repl)


def test_incomplete_input_asks_for_more(repl):
    assert not repl.complete("function f(x)")
    assert not repl.complete("for i in 1:3\n  println(i)")
    assert not repl.complete("x = (1 +")
    assert repl.complete("function f(x)\n  x\nend")
    assert repl.complete(";: half")                  # Forth lines are single lines
    assert repl.complete("?f")


def test_definitions_expressions_and_globals(repl):
    repl.handle("function sq(x::Int16)\n  y = x * x\n  return y\nend")
    out = said(repl)
    assert "sq (generic function with 1 method)" in out and "uploaded sq(i16)" in out
    repl.handle("sq(12) + 1")
    assert said(repl) == "145\n\n"
    repl.handle("n = Int32(70000)")
    assert said(repl).startswith("70000")
    repl.handle("n += 1")
    repl.handle("n")
    assert said(repl).endswith("70001\n\n")
    repl.handle("xs = UInt8[3, 4]")
    repl.handle("xs[1] = 9; xs")
    assert said(repl).endswith("2-element Vector{UInt8}:\n 0x09\n 0x04\n\n")
    repl.handle('println("hi ", sq(3))')
    assert said(repl) == "hi 9\n\n"
    repl.handle("sq(2) == 4")
    assert said(repl) == "true\n\n"


def test_errors_point_into_the_input(repl):
    repl.handle("nope + 1")
    out = said(repl)
    assert out.startswith("ERROR: REPL[1]:1:1: undefined variable `nope`")
    assert "    nope + 1\n    ^" in out
    repl.handle("xs = [1, 2]")
    said(repl)
    repl.handle("xs[3]")
    assert said(repl).startswith("ERROR: BoundsError")
    repl.handle("1 ÷ 0")
    assert "DivideError" in said(repl)
    repl.handle("xs[1] + 1")                          # the session goes on
    assert said(repl) == "2\n\n"


def test_the_temporary_word_is_removed(repl, forth):
    repl.handle("function f(x::Int16)\n  y = x + 1\n  return y\nend")
    before = forth.run("fhere u.")
    repl.handle("f(1) + f(2)")
    assert said(repl).endswith("5\n\n")
    assert forth.run("fhere u.") == before
    assert "__repl_()" not in forth.run("words")


@pytest.mark.parametrize("chip", ["atmega328p", "msp430g2553"])
def test_session_through_a_pty(tmp_path, chip):
    PROMPT = f"julia@{chip}> "
    env = dict(os.environ, TERM="dumb", JLFORTH_HISTORY=str(tmp_path / "history"),
               PYTHONPATH=REPO)
    c = pexpect.spawn(sys.executable, ["-m", "jlforth", "repl", "--target", chip], env=env,
                      cwd=str(tmp_path), encoding="utf-8", timeout=60, dimensions=(40, 200))
    try:
        def ask(*lines):
            for line in lines:
                c.sendline(line)
            c.expect_exact(PROMPT)
            return c.before.replace("\r\n", "\n")

        c.expect_exact(PROMPT)
        # a multi-line definition
        out = ask("function sq(x::Int16)", "  y = x * x", "  return y", "end")
        assert "sq (generic function with 1 method)" in out and "uploaded sq(i16)" in out
        out = ask("function cube(x::Int16)", "  y = sq(x) * x", "  return y", "end")
        assert "uploaded cube(i16)" in out
        # expressions
        assert "27\n" in ask("cube(3)")
        assert "0x0a\n" in ask("0x05 + 0x05")
        # redefinition: only sq is sent; cube, compiled against the old sq, gets
        # there through a jump patched into the old code; the REPL says so
        out = ask("function sq(x::Int16)", "  y = x * x + 1", "  return y", "end")
        assert "re-uploaded sq(i16); cube(i16) reaches the new code through a jump" in out
        assert "30\n" in ask("cube(3)")
        # a tiny function is inlined into its callers: they change, and are re-sent
        ask("twice(x::Int16) = 2 * x")
        assert "uploaded quad(i16)" in ask("function quad(x::Int16)", "  y = twice(twice(x))",
                                           "  return y", "end")
        out = ask("twice(x::Int16) = 3 * x")
        assert "re-uploaded twice(i16); and quad(i16), which uses it" in out
        assert "9\n" in ask("quad(1)")
        # ? help: signature, Forth text, flash size
        out = ask("?cube")
        assert "cube(x::Int16)::Int16" in out and ": cube(i16)" in out
        assert "bytes of flash" in out
        # ; mode
        assert "3 ok" in ask(";1 2 + .")
        ask(";: dbl 2* ;")
        assert "42 ok" in ask(";21 dbl .")
        # Ctrl-C stops an endless loop on the target; the dictionary is intact
        c.sendline("while true")
        c.sendline("end")
        c.expect_exact("end")
        import time
        time.sleep(1.5)
        c.sendintr()
        c.expect("InterruptException")
        c.expect_exact(PROMPT)
        assert "30\n" in ask("cube(3)")
        assert "42 ok" in ask(";21 dbl .")
        # history is kept
        c.sendeof()
        c.expect(pexpect.EOF)
        c.close()
        assert c.exitstatus == 0
        assert "cube(3)" in (tmp_path / "history").read_text()
    finally:
        if c.isalive():
            c.terminate(force=True)


def test_size_form_session(forth, target):
    """`jlforth repl --size`: definitions go up as bytecode words and run."""
    out = io.StringIO()
    r = Repl(forth, target.with_code("size"), out=out)
    r.out_buffer = out
    r.handle("function sq(x::Int16)\n  y = x * x\n  return y\nend")
    assert "uploaded sq(i16)" in said(r)
    r.handle("sq(12) + 1")
    assert said(r) == "145\n\n"
    # the word's code starts with a call of the bytecode interpreter
    first, second, vm = (int(v) for v in forth.run("' sq(i16) @ u. ' sq(i16) 2 + @ u. ' ~vm u.").split())
    if target.arch == "avr":        # CALL ~vm (a word address) or RCALL
        assert (first == 0x940E and second == (vm & 0x7FFF) // 2) or (first & 0xF000) == 0xD000
    else:                           # CALL r9 (docol), then the cell ~vm
        assert first == 0x1289 and second == vm
