"""The AVR code the backend lays itself (jlforth/backend/avr.py): locals in
registers and the peephole rules, run on the simulated Uno.

Each program runs twice, as the portable code (every local in the return-stack
frame, no laid machine code: `native=False`) and as the real build, and both
must print what Julia prints (computed here in Python).  Each test also checks
that the rule it is about did fire in the real build."""
from __future__ import annotations

import io
import re

import pytest

from jlforth.backend.forth import compile_source
from jlforth.run import run_entry, upload

from test_backend_harness import jl  # noqa: F401  (fixture)

S16 = [-32768, -32767, -256, -255, -2, -1, 0, 1, 2, 5, 6, 255, 256, 32766, 32767]
U16 = [0, 1, 2, 5, 6, 255, 256, 32767, 32768, 65534, 65535]
OPS = [("==", lambda a, b: a == b), ("!=", lambda a, b: a != b), ("<", lambda a, b: a < b),
       (">", lambda a, b: a > b), ("<=", lambda a, b: a <= b), (">=", lambda a, b: a >= b)]


def run_both(jl, src: str):
    """(portable output, native output, native Forth text: the readable form, with
    the laid code's notes, and the uploaded lines of the Julia functions)."""
    outs = []
    text = ""
    for native in (False, True):
        fp = compile_source(src, "t.jl", jl.target, native=native)
        err = upload(jl.link, fp, "t.jl")
        assert err is None, err.format()
        out = io.StringIO()
        err = run_entry(jl.link, fp, "t.jl", out, idle_timeout=120)
        assert err is None, err.format()
        outs.append(out.getvalue())
        if native:
            text = fp.text()
            code = "\n".join(line for line, c in fp.upload_lines() if c.kind == "function")
    return outs[0], outs[1], text, code


def mask(a, b):
    return sum(1 << k for k, (_, f) in enumerate(OPS) if f(a, b))


def cmp_function(name, T, left, right, params):
    body = [f"function {name}({params})", f"    m = {T}(0)"]
    for k, (op, _) in enumerate(OPS):
        body.append(f"    if {left} {op} {right}")
        body.append(f"        m |= {T}({1 << k})")
        body.append("    end")
    body += ["    return m", "end", ""]
    return "\n".join(body)


@pytest.mark.parametrize("T,values", [("Int16", S16), ("UInt16", U16)])
def test_compare_and_branch_all_operand_kinds(jl, T, values):
    lits = [values[0], 0, 1, 255, 256, values[-2], values[-1]]
    src = [cmp_function("rr", T, "a", "b", f"a::{T}, b::{T}"),                      # register, register
           cmp_function("tr", T, "(a ⊻ z)", "b", f"a::{T}, b::{T}, z::{T}")]       # computed, register
    for i, v in enumerate(lits):
        src.append(cmp_function(f"rl{i}", T, "a", f"{T}({v})", f"a::{T}"))          # register, literal
        src.append(cmp_function(f"tl{i}", T, "(a ⊻ z)", f"{T}({v})", f"a::{T}, z::{T}"))   # computed, literal
    vs = ", ".join(f"{T}({v})" for v in values)
    src.append(f"vs = {T}[{vs}]")
    src.append("for a in vs")
    src.append("    for b in vs")
    src.append(f"        print(rr(a, b), ' ', tr(a, b, {T}(0)), ' ')")
    src.append("    end")
    for i in range(len(lits)):
        src.append(f"    print(rl{i}(a), ' ', tl{i}(a, {T}(0)), ' ')")
    src.append("end")
    src.append("println()")
    want = []
    for a in values:
        for b in values:
            want += [mask(a, b)] * 2
        for v in lits:
            want += [mask(a, v)] * 2
    want_text = " ".join(map(str, want)) + " \n"
    portable, native, text, code = run_both(jl, "\n".join(src) + "\n")
    assert portable == want_text
    assert native == want_text
    assert "fhere -1 f, 20306" in code            # compare-and-branch fired
    # all fused but `x > typemax` (no k+1 to compare with: left to the kernel's words)
    code = code.replace("32767 > if", "").replace("65535 u> if", "")
    assert not any(f" {w} if" in code for w in ("<", ">", "=", "<>", "u<", "u>", "0="))


def test_registers_spill_recursion_and_updates(jl):
    src = """
function many(a::Int16, b::Int32, c::UInt16)
    x1 = a + Int16(1); x2 = a + Int16(2); x3 = a + Int16(3); x4 = a + Int16(4)
    d = b * Int32(3)
    s = Int16(0)
    for i in Int16(1):Int16(20)
        s += i
        x1 += Int16(1); x2 -= Int16(1); x3 += Int16(1000); x4 -= Int16(300)
        x1 += x2; x3 -= x1
        d += Int32(i)
        if s > Int16(100)
            s += Int16(1)
            break
        end
    end
    k = c >> 3
    k2 = c << 2
    k3 = c >> 8
    k4 = c << 8
    return Int32(s + x1 + x2 + x3 + x4) + d + Int32(k) + Int32(k2) + Int32(k3) + Int32(k4)
end

fib(n::Int16) = n < Int16(2) ? n : fib(n - Int16(1)) + fib(n - Int16(2))

iseven2(n::Int16) = n == Int16(0) ? true : isodd2(n - Int16(1))
isodd2(n::Int16) = n == Int16(0) ? false : iseven2(n - Int16(1))

println(many(Int16(7), Int32(100000), 0xabcd))
println(fib(Int16(15)))
println(iseven2(Int16(10)), isodd2(Int16(7)))
"""

    def many(a, b, c):
        w = lambda v: (v + 32768) % 65536 - 32768      # noqa: E731
        x1, x2, x3, x4 = a + 1, a + 2, a + 3, a + 4
        d = b * 3
        s = 0
        for i in range(1, 21):
            s = w(s + i)
            x1 = w(x1 + 1); x2 = w(x2 - 1); x3 = w(x3 + 1000); x4 = w(x4 - 300)   # noqa: E702
            x1 = w(x1 + x2); x3 = w(x3 - x1)                                    # noqa: E702
            d += i
            if s > 100:
                s = w(s + 1)
                break
        k, k2, k3, k4 = c >> 3, (c << 2) & 0xFFFF, c >> 8, (c << 8) & 0xFFFF
        return w(s + x1 + x2 + x3 + x4) + d + k + k2 + k3 + k4

    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    want = f"{many(7, 100000, 0xabcd)}\n{fib(15)}\ntruetrue\n"
    portable, native, text, code = run_both(jl, src)
    assert portable == want
    assert native == want
    many_word = text[text.index(": many("):]
    many_word = many_word[:many_word.index(";\n")]
    assert "l@" in many_word                      # more cells than registers: some stay in the frame
    assert "$92" in many_word and "$90" in many_word   # registers saved and restored
    assert "( ahead )" in many_word               # break: one RJMP
    assert "8 rshift" in many_word and "8 lshift" in many_word and "u2/ u2/ u2/" in many_word


def test_prologue_clears_only_locals_read_before_written(jl):
    from clear_locals_program import CLEAR_SRC, clear_expected
    portable, native, text, _ = run_both(jl, CLEAR_SRC)
    assert portable == native == clear_expected()

    def prologue(name):
        w = text[text.index(": " + name):]
        return w[:w.index("( frame:")]

    eor = re.compile(r"\$2[4-7][0-9a-f]{2} f,")
    assert not eor.search(prologue("pick("))         # x, y: written on every path first
    assert not eor.search(prologue("dirty("))
    assert eor.search(prologue("carried("))          # k and d read as 0


SHIFT_SRC = """
function sh(a::Int16, b::UInt16, c::Int16)
    w = a * c
    x = a
    y = b
    x >>= 1
    y >>= 2
    c <<= 3
    t = x - c
    u = t ⊻ Int16(y)
    return u - x + w
end

as = Int16[-32768, -7, -1, 0, 1, 5, 32767]
cs = Int16[-4097, -1, 0, 3, 4096]
for a in as
    for c in cs
        print(sh(a, (a % UInt16) ⊻ 0x00f3, c), " ")
    end
end
println()
"""


def shift_expected() -> str:
    def s16(v):
        v &= 0xFFFF
        return v - 0x10000 if v & 0x8000 else v

    out = []
    for a in (-32768, -7, -1, 0, 1, 5, 32767):
        for c in (-4097, -1, 0, 3, 4096):
            b = (a & 0xFFFF) ^ 0xF3
            x, y, c2 = a >> 1, b >> 2, s16(c << 3)
            t = s16(x - c2)
            out.append(f"{s16((t ^ y) - x + a * c)} ")
    return "".join(out) + "\n"


def test_in_place_shifts_store_fetch_and_arguments(jl):
    portable, native, text, _ = run_both(jl, SHIFT_SRC)
    assert portable == native == shift_expected()
    assert "( r14 2/ )" in text and "( r16 u2/ u2/ )" in text and "( r12 2* 2* 2* )" in text
    assert re.search(r"\( r(\d+)! r\1@ \)", text) and re.search(r"\( r\d+@ r\d+@ \)", text)
    # the arguments: movw r12,r24 (c), then b and a straight from the stack (four
    # `ld r, Y+`), then the top reloaded once (ld r24, Y+; ld r25, Y+)
    w = text[text.index(": sh("):]
    ops = [int(x, 16) for x in re.findall(r"\$([0-9a-f]{4}) f,", w[:w.index("( frame:")])]
    assert ops[-7] == 0x016c and ops[-2:] == [0x9189, 0x9199]
    assert all(op & 0xFE0F == 0x9009 for op in ops[-6:-2])
