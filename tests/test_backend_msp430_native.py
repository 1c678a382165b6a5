"""The MSP430 machine code the backend lays itself (jlforth/backend/msp430.py):
blocks of code inside the direct-threaded definitions, compare-and-branch,
locals in r7/r8, run on the simulated LaunchPad.

Each program runs twice, as the portable code (`native=False`: plain Forth,
every local in the return-stack frame) and as the real build; both must print
what Julia prints (computed here in Python).  Each test also checks that the
rules it is about fired in the real build.  The programs are few and small:
the MSP430 simulator is Python."""
from __future__ import annotations

import io
import re

import pytest

from jlforth import targets
from jlforth.backend.forth import compile_source
from jlforth.board.open import open_board
from jlforth.loader.link import ForthLink
from jlforth.run import run_entry, upload

TARGET = targets.get("msp430g2553")


@pytest.fixture(scope="module")
def link(tmp_path_factory):
    board = open_board(TARGET, state_dir=tmp_path_factory.mktemp("board"), timeout=300)
    lk = ForthLink(board.url, baud=TARGET.baud, timeout=60)
    lk.sync()
    yield lk
    lk.close()
    board.close()


def run_both(link, src: str):
    """(portable output, native output, native Forth text, native error or None)."""
    outs, errs = [], []
    text = ""
    for native in (False, True):
        fp = compile_source(src, "t.jl", TARGET, native=native)
        if not native:
            assert "f," not in "\n".join(line for line, c in fp.upload_lines() if c.kind == "function")
        err = upload(link, fp, "t.jl")
        assert err is None, err.format()
        out = io.StringIO()
        err = run_entry(link, fp, "t.jl", out, idle_timeout=120)
        outs.append(out.getvalue())
        errs.append(None if err is None else err.format())
        if native:
            text = fp.text()
    assert errs[0] == errs[1]
    return outs[0], outs[1], text, errs[1]


def word(text: str, name: str) -> str:
    w = text[text.index(": " + name):]
    return w[:w.index(";\n")]


S16 = [-32768, -32767, -2, -1, 0, 1, 2, 255, 256, 32766, 32767]
U16 = [0, 1, 2, 255, 256, 32767, 32768, 65534, 65535]
OPS = [("==", lambda a, b: a == b), ("!=", lambda a, b: a != b), ("<", lambda a, b: a < b),
       (">", lambda a, b: a > b), ("<=", lambda a, b: a <= b), (">=", lambda a, b: a >= b)]


def cmp_function(name, T, left, right, params):
    body = [f"function {name}({params})", f"    m = {T}(0)"]
    for k, (op, _) in enumerate(OPS):
        body += [f"    if {left} {op} {right}", f"        m |= {T}({1 << k})", "    end"]
    return "\n".join(body + ["    return m", "end", ""])


def mask(a, b):
    return sum(1 << k for k, (_, f) in enumerate(OPS) if f(a, b))


@pytest.mark.parametrize("T,values", [("Int16", S16), ("UInt16", U16)])
def test_compare_and_branch(link, T, values):
    """Registers against registers, frame cells (a third and fourth argument:
    r7/r8 are taken), literals (constant-generator ones and others) and
    computed operands, signed and unsigned."""
    lits = [values[0], 0, 255, values[-1]]
    src = [cmp_function("rr", T, "a", "b", f"a::{T}, b::{T}"),
           cmp_function("ff", T, "c", "d", f"a::{T}, b::{T}, c::{T}, d::{T}"),
           cmp_function("tt", T, "(a ⊻ z)", "(b ⊻ z)", f"a::{T}, b::{T}, z::{T}")]
    for i, v in enumerate(lits):
        src.append(cmp_function(f"rl{i}", T, "a", f"{T}({v})", f"a::{T}"))
        src.append(cmp_function(f"lr{i}", T, f"{T}({v})", "(a ⊻ z)", f"a::{T}, z::{T}"))
    vs = ", ".join(f"{T}({v})" for v in values)
    src += [f"vs = {T}[{vs}]", "for a in vs", "    for b in vs",
            f"        print(rr(a, b), ' ', ff(a, a, a, b), ' ', tt(a, b, {T}(0)), ' ')", "    end"]
    src += [f"    print(rl{i}(a), ' ', lr{i}(a, {T}(0)), ' ')" for i in range(len(lits))]
    src += ["end", "println()"]
    want = []
    for a in values:
        for b in values:
            want += [mask(a, b)] * 3
        for v in lits:
            want += [mask(a, v), mask(v, a)]
    want_text = " ".join(map(str, want)) + " \n"
    portable, native, text, _ = run_both(link, "\n".join(src) + "\n")
    assert portable == want_text
    assert native == want_text
    rr = word(text, "rr(")
    assert "$1207 f," in rr and "$1208 f," in rr          # push r7, push r8: a and b in registers
    flat = rr.replace(" ] [ ", " ").replace("\n", " ")
    # cmp; jl/jge/jlo/jhs over the THEN part, which is in the same block: a native
    # jump, no branch cell for the kernel's THEN
    assert re.search(r"\$9[0-9a-f]{3} f, +(\$[0-9a-f]{4} f, +){0,2}\$(3[4-9ab]|2[89a-f])[0-9a-f]{2} f,", flat)
    assert "fhere -1 f, 20306" not in rr and " then" not in rr
    for w in ("<", ">", "=", "<>", "u<", "u>"):            # every comparison fused
        assert f" {w} if" not in text


def test_loops_arrays_recursion_and_updates(link):
    src = """
v = zeros(Int16, 24)
bs = zeros(UInt8, 16)

function fill!(v, n::Int16)
    x = UInt16(7)
    for i in 1:n
        x = x * UInt16(75) + UInt16(74)
        @inbounds v[i] = (x >> 3) % Int16
    end
end

function sort!(v, n::Int16)
    for i in 1:n - 1
        for j in 1:n - i
            @inbounds a = v[j]
            @inbounds b = v[j + 1]
            if a > b
                @inbounds v[j] = b
                @inbounds v[j + 1] = a
            end
        end
    end
end

function bytes!(bs, n::Int16)
    k = 0x00
    for i in 1:n
        k = (k << 1) ⊻ UInt8(i)
        bs[i] = k
    end
    s = UInt16(0)
    for i in 1:n
        s += UInt16(bs[i]) << 8 | UInt16(bs[i]) >> 2
    end
    return s
end

function isqrt16(n::UInt16)
    r = 0x0000
    bit = 0x4000
    while bit > n
        bit >>= 2
    end
    while bit != 0x0000
        if n >= r + bit
            n -= r + bit
            r = (r >> 1) + bit
        else
            r >>= 1
        end
        bit >>= 2
    end
    return r
end

function steps(n::Int16)
    k = Int16(0)
    while n != Int16(1)
        n = (n & Int16(1)) != Int16(0) ? Int16(3) * n + Int16(1) : n ÷ Int16(2)
        k += Int16(1)
    end
    return k
end

fib(n::Int16) = n < Int16(2) ? n : fib(n - Int16(1)) + fib(n - Int16(2))

function mix(a::Int16, b::Int16, c::Int16, d::Int32)
    s = Int16(0)
    for i in a:b
        s += i * c
        s -= Int16(3)
        s = s ⊻ i
        d += Int32(i)
    end
    return d + Int32(s)
end

fill!(v, Int16(24))
sort!(v, Int16(24))
for x in v
    print(x, ' ')
end
println()
println(bytes!(bs, Int16(16)))
t = 0x0000
for n in 0x0001:0x0100
    global t += isqrt16(n)
end
println(t, ' ', isqrt16(0xffff), ' ', steps(Int16(27)), ' ', fib(Int16(12)))
println(mix(Int16(-5), Int16(20), Int16(7), Int32(100000)))
"""
    w16 = lambda x: (x + 32768) % 65536 - 32768      # noqa: E731
    x, v = 7, []
    for i in range(24):
        x = (x * 75 + 74) & 0xFFFF
        v.append(w16(x >> 3))
    v.sort()
    k, bs = 0, []
    for i in range(1, 17):
        k = ((k << 1) & 0xFF) ^ i
        bs.append(k)
    s = 0
    for b in bs:
        s = (s + ((b << 8) | (b >> 2))) & 0xFFFF

    def isqrt(n):
        return int(n ** 0.5) if n < 65535 else 255

    def steps(n):
        k = 0
        while n != 1:
            n = 3 * n + 1 if n & 1 else n // 2
            k += 1
        return k

    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    sm, d = 0, 100000
    for i in range(-5, 21):
        sm = w16(sm + w16(i * 7))
        sm = w16(sm - 3)
        sm = w16(sm ^ i)
        d += i
    want = (" ".join(map(str, v)) + " \n" + f"{s}\n"
            + f"{sum(isqrt(n) for n in range(1, 257))} 255 {steps(27)} {fib(12)}\n" + f"{d + sm}\n")
    assert isqrt(65535) == 255
    portable, native, text, _ = run_both(link, src)
    assert portable == want
    assert native == want
    srt = word(text, "sort!(")
    assert "drop f," in srt                              # REPEAT's back branch in a block
    assert "$5317 f," in srt or "$5318 f," in srt        # inc r7 / inc r8: a loop counter in place
    assert "l@" not in srt or "(ldrop)" not in srt
    fb = word(text, "fib(")
    assert "$1207 f," in fb and "$4137 f," in fb         # push r7 on entry, pop r7 at the exit
    iq = word(text, "isqrt16(")
    assert "$c312 f," in iq                              # clrc ; rrc: unsigned shifts in place
    assert "rshift" not in iq


def test_errors_keep_their_line_and_registers(link):
    """A BoundsError thrown from a word holding locals in r7/r8: the same error
    at the same line; the next program runs normally (the registers are the
    kernel's again)."""
    src = """
a = zeros(Int16, 4)
function get(a, i::Int16, j::Int16)
    s = Int16(0)
    for k in i:j
        s += a[k]
    end
    return s
end
println(get(a, Int16(1), Int16(4)))
println(get(a, Int16(2), Int16(5)))
"""
    portable, native, text, err = run_both(link, src)
    assert portable == native == "0\n"
    assert err is not None and "BoundsError" in err and ":6:" in err
    portable, native, _, err = run_both(link, "x = Int16(3)\nprintln(x * Int16(5))\n")
    assert err is None and portable == native == "15\n"


def test_prologue_clears_only_locals_read_before_written(link):
    from clear_locals_program import CLEAR_SRC, clear_expected
    portable, native, _text, err = run_both(link, CLEAR_SRC)
    assert err is None, err
    assert portable == native == clear_expected()


def test_shifts_and_arguments_as_on_the_avr(link):
    from test_backend_avr_native import SHIFT_SRC, shift_expected
    portable, native, text, err = run_both(link, SHIFT_SRC)
    assert err is None, err
    assert portable == native == shift_expected()


def test_data_stack_check_before_recursion_is_inline(link):
    """`LINE jl.?ds` before a recursive call that keeps a value is a compare of
    PSP with S0 - 21 in the block.  Worked by hand: deep needs 5 cells above
    its argument (the kept g, the argument n - 1, the line and jl.?ds's own
    two), so the limit is 16 + 1 - 5 = 12 (`depth 12 >`: (S0 + 4 - PSP) / 2 >
    12 is PSP < S0 - 21).  Level k of deep(N) (k = 1 the outermost) holds the
    k - 1 values of g kept by the levels above it, its own g and the argument
    n - 1 when it checks: k + 1 cells, k + 2 with the line, over the limit from
    k = 11 on.  deep(10) checks up to k = 10 and returns 10; deep(11) stops at
    k = 11 with the error of the threaded check (StackOverflowError, code -3)
    at the line of the call."""
    src = """
g = Int16(1)
function deep(n::Int16)::Int16
    if n == Int16(0)
        return Int16(0)
    end
    g + deep(n - Int16(1))
end
println(deep(Int16(10)))
println(deep(Int16(11)))
"""
    portable, native, text, err = run_both(link, src)
    assert portable == native == "10\n"
    assert err is not None and "StackOverflowError" in err and ":7:" in err
    dp = word(text, "deep(")
    assert "s0 21 - f," in dp and "' jl.?ds f," in dp           # the check inline
    assert "jl.?ds recurse" not in dp
    portable, native, _, err = run_both(link, "x = Int16(3)\nprintln(x * Int16(5))\n")
    assert err is None and portable == native == "15\n"


def test_recursive_call_is_native(link):
    """A block followed by `recurse` does ?rp's check and docol's work itself
    (the two cells `recurse` lays stay in the thread: ?rp, where a failed check
    goes to throw, and the xt, read for the call).  count(n) is n; count(3000)
    needs more than 3000 return-stack cells of the chip's 512 bytes of RAM:
    the kernel's return-stack error (-5, StackOverflowError) at the line of
    the function, as from the threaded code; the board is fine after it."""
    src = """
x = Int16(1)
count(n::Int16)::Int16 = n == Int16(0) ? Int16(0) : Int16(1) + count(n - Int16(1))
println(count(Int16(10)))
println(count(Int16(3000)))
"""
    portable, native, text, err = run_both(link, src)
    assert portable == native == "10\n"
    assert err is not None and "StackOverflowError" in err and ":3:" in err
    cw = word(text, "count(")
    assert "' ?rp 2 + @ f," in cw and "$1204 f," in cw               # push IP: the call inline
    portable, native, _, err = run_both(link, "x = Int16(3)\nprintln(x * Int16(5))\n")
    assert err is None and portable == native == "15\n"


def test_multiply_by_a_constant_is_shifts_and_adds(link):
    """`k *` (or `* k`) with a constant k inline: Horner over k's bits
    (3: `mov x, r; add r, r; add x, r`), over -k and negated when shorter
    (-7), a single bit as shifts (16384), 0 as the literal 0; 1000 (9 shifts
    and 5 adds) stays the kernel's `*`.  Julia's products wrap to 16 bits."""
    src = """
m3(x::Int16) = Int16(3) * x + Int16(1)
m10(x::Int16) = x * Int16(10)
mneg7(x::Int16) = x * Int16(-7)
mbig(x::Int16) = x * Int16(16384)
m0(x::Int16) = x * Int16(0)
m1000(x::Int16) = Int16(1000) * x
mu255(x::UInt16) = x * 0x00ff
function show(x::Int16)
    println(m3(x), ' ', m10(x), ' ', mneg7(x), ' ', mbig(x), ' ', m0(x), ' ', m1000(x), ' ',
            mu255(x % UInt16))
end
show(Int16(0))
show(Int16(1))
show(Int16(-1))
show(Int16(7))
show(Int16(-300))
show(Int16(12345))
show(Int16(-32767) - Int16(1))
"""
    w16 = lambda v: (v + 32768) % 65536 - 32768      # noqa: E731
    want = ""
    for x in (0, 1, -1, 7, -300, 12345, -32768):
        want += (f"{w16(3 * x + 1)} {w16(x * 10)} {w16(x * -7)} {w16(x * 16384)} 0 "
                 f"{w16(1000 * x)} {(x % 65536) * 255 % 65536}\n")
    portable, native, text, err = run_both(link, src)
    assert err is None, err
    assert portable == want
    assert native == want
    # the small functions are inlined into show: of its seven products, 3, 10 and
    # -7 are shifts and adds, 16384 a shift and 0 the literal already (the front
    # end), 1000 and 255 (7 shifts and 7 adds) stay the kernel's `*`
    assert len(re.findall(r"(?m)(?:^|\s)\*(?=\s)", word(text, "show("))) == 2


def test_divide_by_zero_check_is_inline(link):
    """`LINE jl.dz` before `mod` / `u/mod`: `tst TOS` in the block, jl.dz itself
    only for a zero divisor (DivideError at the line of the division).
    Julia's % truncates: 17 % 5 = 2, -17 % 5 = -2, 17 % -5 = 2; 65535 ÷ 7 =
    9362 (7 * 9362 = 65534), 7 ÷ 65535 = 0."""
    src = """
r(a::Int16, b::Int16) = a % b
q(a::UInt16, b::UInt16) = a ÷ b
u7 = 0x0007
um = 0xffff
println(r(Int16(17), Int16(5)), ' ', r(Int16(-17), Int16(5)), ' ', r(Int16(17), Int16(-5)), ' ',
        q(um, u7), ' ', q(u7, um))
println(r(Int16(3), Int16(0)))
"""
    portable, native, text, err = run_both(link, src)
    assert portable == native == "2 -2 2 9362 0\n"
    assert err is not None and "DivideError" in err and ":2:" in err
    assert "jl.dz mod" not in text and "jl.dz u/mod" not in text
    assert text.count("' jl.dz f,") >= 2


def test_if_else_then_and_the_loop_back_inside_one_block(link):
    """An IF whose ELSE and THEN fall in the same block is native jumps (no
    branch cell, no stub); a loop whose BEGIN starts the block jumps back to
    it (`jmp`, no REPEAT cell); `exit` inside such an IF.  Worked by hand:
    f(20): even i up to 10 (0 2 4 6 8 10) -1 each, even i over 10 (12 14 16
    18) +2 each, odd i (1 + 3 + ... + 19 = 100): -6 + 8 + 100 = 102; f(5):
    -3 (0 2 4) + 4 (1 3) = 1; f(0) = 0.  g(-5) = -1, g(7) = 8."""
    src = """
function f(n::Int16)::Int16
    s = Int16(0)
    i = Int16(0)
    while i < n
        if (i & Int16(1)) == Int16(0)
            if i > Int16(10)
                s += Int16(2)
            else
                s -= Int16(1)
            end
        else
            s += i
        end
        i += Int16(1)
    end
    return s
end
function g(x::Int16)::Int16
    if x < Int16(0)
        return Int16(-1)
    end
    y = x + Int16(1)
    return y
end
println(f(Int16(20)), ' ', f(Int16(5)), ' ', f(Int16(0)), ' ', g(Int16(-5)), ' ', g(Int16(7)))
println(f(Int16(1)) + g(Int16(2)))
"""
    portable, native, text, err = run_both(link, src)
    assert err is None, err
    assert portable == native == "102 1 0 -1 8\n2\n"            # f(1) = -1 (i = 0), g(2) = 3
    fw = word(text, "f(")
    assert fw.count("20306") == 1                     # only WHILE's exit cell
    assert "drop f," not in fw and "[ 2drop ]" in fw   # REPEAT: a jump back, BEGIN dropped
    gw = word(text, "g(")
    assert "20306" not in gw and " then" not in gw
    flat = re.sub(r"\s*\]\s*\[\s*", " ", gw)
    assert "$4134 f, $4430 f," in flat                # the exit inside the IF: mov @sp+, IP ; NEXT


def test_else_runs_the_end_of_the_word_itself(link):
    """`if A else B then END ;` where B holds a call: A ends with END (the frame
    dropped, r7/r8 popped) and leaves the word itself instead of jumping to
    the THEN.  When the IF's test is in A's block (h, k) the IF is a native
    jump and B follows in the same block (ELSE's cell laid for the THEN only);
    when A starts after a call (h2) the IF is a stub and ELSE's cell goes
    above the IF's (2swap).  Worked by hand: h(10) = h(7) + 1 = h(4) + 2 =
    h(1) + 3 = 2 + 3 = 5; h(9) = h(0) + 3 = 3; h(2) = 4.  k(2, 10, 3) =
    k(1, 3, 10) + 2 = k(0, 10, 3) + 1 + 2 = k(-1, 3, 10) + 0 + 3 = 13 + 3 = 16;
    k(-5, 1, 2) = 3.  h2(10) = h2(1) + 3 = dbl(1) + 1 + 3 = 6, h2(2) = 5, dbl
    called twice."""
    src = """
cnt = Int16(0)
function dbl(x::Int16)::Int16
    global cnt += Int16(1)
    return x * Int16(2)
end
h(n::Int16)::Int16 = n < Int16(3) ? n * Int16(2) : h(n - Int16(3)) + Int16(1)
k(a::Int16, b::Int16, c::Int16)::Int16 = a < Int16(0) ? b + c : k(a - Int16(1), c, b) + a
h2(n::Int16)::Int16 = n < Int16(3) ? dbl(n) + Int16(1) : h2(n - Int16(3)) + Int16(1)
println(h(Int16(10)), ' ', h(Int16(9)), ' ', h(Int16(2)), ' ', k(Int16(2), Int16(10), Int16(3)), ' ',
        k(Int16(-5), Int16(1), Int16(2)))
println(h2(Int16(10)), ' ', h2(Int16(2)), ' ', cnt)
"""
    portable, native, text, err = run_both(link, src)
    assert err is None, err
    assert portable == native == "5 3 4 16 3\n6 5 2\n"
    for name in ("h(", "k("):
        w = word(text, name)
        flat = re.sub(r"\s*\]\s*\[\s*", " ", w)
        # the exit (mov @sp+, IP ; NEXT), ELSE's cell that only THEN reads, the ELSE part
        assert re.search(r"\$4134 f, \$4430 f, +fhere -1 f, 20306 \$", flat), flat
        assert w.count("then") == 1                              # the ELSE's, after the recursion
    flat = re.sub(r"\s*\]\s*\[\s*", " ", word(text, "h2("))
    assert re.search(r"\$4134 f, \$4430 f, +fhere -1 f, 20306 2swap", flat), flat


def test_remainder_is_inline(link):
    """MOD (Julia's rem: the sign of the dividend) inline around the kernel's
    div3216, after jl.dz or with a literal divisor.  Worked by hand: -17 % -5 =
    -2 (-17 = 3 * -5 - 2); -32768 % -1 = 0; -32768 % 7 = -1 (7 * -4681 =
    -32767); 32767 % -32768 = 32767; 0 % -3 = 0; 100 % 7 = 2; 123 % 10 = 3,
    -123 % 10 = -3; a zero divisor is still DivideError."""
    src = """
r(a::Int16, b::Int16) = a % b
r10(a::Int16) = a % Int16(10)
m = Int16(-32767) - Int16(1)
println(r(Int16(-17), Int16(-5)), ' ', r(m, Int16(-1)), ' ', r(m, Int16(7)), ' ', r(Int16(32767), m), ' ',
        r(Int16(0), Int16(-3)), ' ', r(Int16(100), Int16(7)), ' ', r10(Int16(123)), ' ', r10(Int16(-123)))
z = Int16(0)
println(r(Int16(1), z))
"""
    portable, native, text, err = run_both(link, src)
    assert portable == native == "-2 0 -1 32767 0 2 3 -3\n"
    assert err is not None and "DivideError" in err and ":2:" in err
    assert " mod" not in text and "' u/mod 12 + @ f," in text


def test_the_kernel_words_read_by_the_inline_code(link):
    """The inline code takes two constants from ?RP (`mov &g_here, W ; add
    #RS_SLACK, W`) and div3216's address from U/MOD (`call #div3216` 10 bytes
    in): check the kernel still has those instructions there."""
    out = link.run("' ?rp @ u. ' ?rp 4 + @ u. ' u/mod 10 + @ u.").split()
    assert [int(x) for x in out] == [0x421F, 0x503F, 0x12B0]


def test_updates_in_place_and_index_arithmetic(link):
    """`P op1 op2 ... P!` on P itself (`a = (a >> 1) + b`: `rra; add` on a's
    register; `b = ~b + 3 - c`: `inv; add #3; sub 0(sp)` on b's), `P x op P!`
    with x computed (`c = c - (a + b)`: `sub r11, 0(sp)`), `1+ 1-` (v[i + 1]'s
    index) nothing.  Worked by hand: upd(100, 7, 50): a = 50 + 7 = 57, c = 50 -
    64 = -14, b = -8 + 3 + 14 = 9, 57 + 18 - 14 = 61; upd(-9, -3, 1000): a = -5 -
    3 = -8, c = 1000 + 11 = 1011, b = 2 + 3 - 1011 = -1006, -8 - 2012 + 1011 =
    -1009; v[3] = 77."""
    portable, native, text, err = run_both(link, UPD_SRC)
    assert err is None, err
    assert portable == native == "61 -1009 77\n"
    up = re.sub(r"\s*\]\s*\[\s*", " ", word(text, "upd("))
    assert "$1108 f, $5708 f," in up                              # rra r8 ; add r7, r8
    assert "$e337 f, $5037 f, $0003 f, $8117 f, $0000 f," in up    # inv r7 ; add #3, r7 ; sub 0(sp), r7
    assert "$8b81 f, $0000 f," in up                              # sub r11, 0(sp)
    nx = re.sub(r"\s*\]\s*\[\s*", " ", word(text, "nxt("))
    assert "$531b" not in nx and "$831b" not in nx                # no inc / dec r11
    # the word's last block leaves the word itself (mov @sp+, IP ; NEXT), not
    # through the EXIT that `;` lays after it
    assert up.rstrip().endswith("$4134 f, $4430 f, ]"), up


UPD_SRC = """
v = zeros(Int16, 4)
function upd(a::Int16, b::Int16, c::Int16)::Int16
    a = (a >> 1) + b
    c = c - (a + b)
    b = ~b + Int16(3) - c
    return a + b * Int16(2) + c
end
function nxt(v, i::Int16)::Int16
    @inbounds x = v[i + 1]
    return x
end
v[3] = Int16(77)
println(upd(Int16(100), Int16(7), Int16(50)), ' ', upd(Int16(-9), Int16(-3), Int16(1000)), ' ', nxt(v, Int16(2)))
"""


def test_frame_cells_stay_in_registers_inside_a_block(link):
    """After `x l! n` the scratch register keeps x for later `l@ n` in the same
    block, until the cell is written again, the frame moves, a label joins
    two paths (ELSE, THEN) or the registers are wanted.  Worked by hand,
    cache(5): i = 1: a 3, b 4, c = a 3, d 6, s 10; i = 2: a 6, b 8, c 6, d 12,
    s 30; i = 3: a 9, b 12 > 10: c 3, a 4, d 7, s 49; i = 4: a 12, b 16: c 4,
    a 5, d 9, s 74; i = 5: a 15, b 20: c 5, a 6, d 11, s 105."""
    src = """
function cache(n::Int16)::Int16
    a = Int16(0)
    b = Int16(0)
    c = Int16(0)
    d = Int16(0)
    s = Int16(0)
    for i in Int16(1):n
        a = i * Int16(3)
        b = a + i
        if b > Int16(10)
            c = b - a
            a = c + Int16(1)
        else
            c = a
        end
        d = a + c
        s = s + d + b
    end
    return s
end
println(cache(Int16(5)), ' ', cache(Int16(2)), ' ', cache(Int16(0)))
"""
    portable, native, text, err = run_both(link, src)
    assert err is None, err
    assert portable == native == "105 30 0\n"
