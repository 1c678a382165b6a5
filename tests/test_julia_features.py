"""The features of docs/language.md, compiled, uploaded and run on the simulated
Uno; outputs compared with what Julia prints (worked out by hand from Julia's
definitions: wrap-around, promotion, the division family, shifts, conversions,
printing).  Values come from mutable globals or function arguments so the
optimiser cannot fold the operations away: the target computes them.
"""
from __future__ import annotations

from textwrap import dedent

import pytest

from test_backend_harness import jl  # noqa: F401  (fixture)


def run(jl, src: str) -> str:
    return jl.output(dedent(src))


def lines(*xs) -> str:
    return "".join(f"{x}\n" for x in xs)


# ---------------------------------------------------------------- integers

def test_literals_and_their_types(jl):
    assert run(jl, """
        x = 100
        y = 100_000
        z = -32768
        h = 0x1f
        k = 0x01ff
        m = 0x0001ffff
        b = 0b101
        o = 0o777
        c = 'a'
        t = true
        println(x, " ", y, " ", z, " ", h, " ", k, " ", m, " ", b, " ", o, " ", c, " ", t)
        println(x + x, " ", y + y, " ", h + h, " ", b * b)
    """) == lines("100 100000 -32768 31 511 131071 5 511 a true", "200 200000 62 25")


def test_wrap_around(jl):
    assert run(jl, """
        a = typemax(Int16); b = typemin(Int16); u = typemax(UInt16)
        c = Int8(127); d = 0xff; e = typemax(Int32); f = typemax(UInt32); m8 = typemin(Int8)
        println(a + Int16(1), " ", b - Int16(1), " ", u + 0x0001)
        println(c + Int8(1), " ", d + 0x01, " ", e + Int32(1), " ", f + 0x00000001)
        println(a * Int16(2), " ", c * c, " ", d * d, " ", e * e, " ", f * f)
        println(-b, " ", -c, " ", -d, " ", ~d, " ", ~c, " ", -m8, " ", -e, " ", -f)
        println(abs(b), " ", abs(m8), " ", abs(typemin(Int32) + e - e), " ", abs(d))
    """) == lines("-32768 32767 0",
                  "-128 0 -2147483648 0",
                  # 127^2 = 16129 = 63*256 + 1; 255^2 = 65025 = 254*256 + 1;
                  # (2^31-1)^2 = 2^62 - 2^32 + 1 -> 1; (2^32-1)^2 -> 1
                  "-2 1 1 1 1",
                  "-32768 -127 1 0 -128 -128 -2147483647 1",
                  "-32768 -128 -2147483648 255")


def test_promotion(jl):
    assert run(jl, """
        c = Int8(127); d = 0xff; a = typemax(Int16); m1 = Int16(-1); u = typemax(UInt16)
        e = typemax(Int32); f = typemax(UInt32); t = true
        println(c + a)       # Int16: 32894 wraps to -32642
        println(d + c)       # UInt8: 382 - 256
        println(m1 + u)      # UInt16: 65535 + 65535 - 65536
        println(m1 + e)      # Int32
        println(m1 + f)      # UInt32
        println(t + t, " ", t * false, " ", t - t)
        println(d + m1)      # UInt8 + Int16 -> Int16
        println(0x01 - 0x02) # UInt8 wraps
    """) == lines(-32642, 126, 65534, 2147483646, 4294967294, "2 false 0", 254, 255)


def test_comparisons_are_mathematical(jl):
    assert run(jl, """
        m1 = Int16(-1); u = typemax(UInt16); one16 = 0x0001; e = typemax(Int32); f = typemax(UInt32)
        n8 = Int8(-5); x = Int16(7)
        println(m1 < u, " ", m1 == u, " ", m1 < one16, " ", e > f, " ", n8 < 0x00)
        println(f > e, " ", m1 != u, " ", m1 >= f, " ", 0 <= x < 10, " ", 0 <= x < 7)
        println(x == 7, " ", x != 7, " ", x <= 7, " ", x >= 8, " ", -x < x)
    """) == lines("true false true false true",
                  "true true false true false",
                  "true false true false true")


def _trunc(x, y):
    q = abs(x) // abs(y)
    return q if (x < 0) == (y < 0) else -q


def julia_divs(x, y):
    """div rem mod fld cld by their definitions."""
    q = _trunc(x, y)
    r = x - q * y
    return (q, r, x - (x // y) * y, x // y, -((-x) // y))


@pytest.mark.parametrize("T", ["Int8", "Int16", "Int32"])
def test_division_family_signs(jl, T):
    pairs = [(7, 2), (7, -2), (-7, 2), (-7, -2), (6, 3), (-6, 3), (1, 5), (-1, 5), (0, -3)]
    src = "function divs(x, y)\n    println(x ÷ y, ' ', x % y, ' ', mod(x, y), ' ', fld(x, y), ' ', cld(x, y), ' ', " \
          "div(x, y), ' ', rem(x, y))\nend\n"
    for x, y in pairs:
        src += f"divs({T}({x}), {T}({y}))\n"
    want = ""
    for x, y in pairs:
        q, r, m, f, c = julia_divs(x, y)
        want += f"{q} {r} {m} {f} {c} {q} {r}\n"
    assert run(jl, src) == want


def test_unsigned_division(jl):
    assert run(jl, """
        function divs(x, y)
            println(x ÷ y, ' ', x % y, ' ', mod(x, y), ' ', fld(x, y), ' ', cld(x, y))
        end
        divs(0xfffe, 0x0003)
        divs(0xff, 0x10)
        divs(0xfffffffe, 0x00000003)
        divs(0x00000007, 0x00000007)
    """) == lines("21844 2 2 21844 21845", "15 15 15 15 16",
                  "1431655764 2 2 1431655764 1431655765", "1 0 0 1 1")


def test_mixed_signedness_division(jl):
    # Julia's dedicated methods: the result keeps the signed operand's type
    assert run(jl, """
        a = Int16(-7); b = UInt16(2); c = 0x0007; d = Int16(-2)
        println(a ÷ b, " ", a % b, " ", mod(a, b), " ", fld(a, b), " ", cld(a, b))
        println(c ÷ d, " ", c % d, " ", mod(c, d), " ", fld(c, d), " ", cld(c, d))
    """) == lines("-3 -1 1 -4 -3",
                  # div(7, -2) = unsigned(flipsign(3, -2)) = 65533; rem(7, 2) = 1;
                  # mod(0x0007, -2) = rem(-2 + signed(rem(7,-2)), -2) = rem(-1, -2) = -1 (Int16)
                  "65533 1 -1 65532 65533")


def test_typemin_divided_by_minus_one(jl):
    assert run(jl, """
        function f(x, y)
            println(x % y, " ", mod(x, y))
        end
        f(typemin(Int16), Int16(-1))
        f(typemin(Int8), Int8(-1))
        f(typemin(Int32), Int32(-1))
    """) == lines("0 0", "0 0", "0 0")


@pytest.mark.parametrize("T,op", [("Int16", "÷"), ("Int8", "÷"), ("Int32", "÷"), ("Int16", "fld"),
                                  ("Int32", "cld"), ("Int16", "%"), ("UInt16", "mod"), ("UInt32", "÷")])
def test_divide_error_with_the_line(jl, T, op):
    zero_or_min = "typemin" if op in ("÷", "fld", "cld") and T.startswith("Int") else None
    expr = f"x {op} y" if op in ("÷", "%") else f"{op}(x, y)"
    src = f"function f(x::{T}, y::{T})\n    println(x)\n    {expr}\nend\n"
    if zero_or_min:
        src += f"f(typemin({T}), {T}(-1))\n"
    else:
        src += f"f({T}(5), {T}(0))\n"
    r = jl.run(src)
    assert r.error is not None and r.error.code == -10 and r.error.line == 3, r
    assert r.error.message == "DivideError: integer division error"
    assert r.output != ""


# ---------------------------------------------------------------- shifts

def test_shifts(jl):
    assert run(jl, """
        x = Int16(-16); ux = 0xfff0; n = Int16(2); m = Int16(-2); big = Int16(16); huge = Int16(100)
        i8 = typemin(Int8); u8 = 0x81; one32 = Int32(1); f = typemax(UInt32); e = typemax(Int32)
        println(x << n, " ", x >> n, " ", x >>> n, " ", ux >> n, " ", ux << n)
        println(x << m, " ", x >> m, " ", x >>> m)
        println(x << big, " ", x >> big, " ", x >>> big, " ", x >> huge, " ", ux >> big)
        println(i8 >>> n, " ", i8 >> n, " ", u8 << n, " ", i8 << 0x01, " ", u8 >> 0x07)
        println(one32 << 31, " ", f >> Int32(-4), " ", e >> 0x0000001f, " ", f >>> Int8(31), " ", one32 << Int32(32))
        println(x >> Int32(-70000), " ", x << 0xffffffff, " ", one32 << n, " ", e >> m)
    """) == lines("-64 -4 16380 16380 65472",
                  "-4 -64 -64",
                  "0 -1 0 -1 0",
                  "32 -32 4 0 1",
                  "-2147483648 4294967280 0 1 0",
                  "0 0 4 -4")


# ---------------------------------------------------------------- conversions

def test_conversions(jl):
    assert run(jl, """
        v = Int16(300); w = Int16(-1); k = Int16(200); cc = 'A'; u = 0xffff; s = Int16(-2)
        println(v % UInt8, " ", v % Int8, " ", w % UInt16, " ", w % UInt32, " ", Int32(w))
        println(UInt8(k), " ", Char(k - Int16(135)), " ", Int(cc), " ", cc + 1, " ", signed(u), " ", unsigned(s))
        println(widen(v) * widen(v), " ", convert(UInt16, k), " ", Int8(w), " ", Bool(w + Int16(2)))
        println(Int16(Int32(-32768)), " ", UInt32(Int32(5)), " ", Int32(typemax(UInt16)), " ", (w % Int8) % UInt8)
    """) == lines("44 44 65535 4294967295 -1",
                  "200 A 65 B -1 65534",
                  "90000 200 -1 true",
                  "-32768 5 65535 255")


@pytest.mark.parametrize("conv,arg", [("Int8", "Int16(128)"), ("Int8", "Int16(-129)"), ("UInt8", "Int16(-1)"),
                                      ("UInt16", "Int16(-1)"), ("Int16", "0x8000"), ("Int16", "Int32(32768)"),
                                      ("UInt32", "Int32(-1)"), ("Int32", "0x80000000"), ("Char", "Int16(128)"),
                                      ("Bool", "Int16(2)"), ("UInt8", "0x00000100")])
def test_inexact_error_with_the_line(jl, conv, arg):
    r = jl.run(f"function f(x)\n    println(\"start\")\n    y = {conv}(x)\n    println(y)\nend\nf({arg})\n")
    assert r.output == "start\n"
    assert r.error is not None and r.error.code == -257 and r.error.line == 3
    assert r.error.message.startswith("InexactError")


def test_conversions_at_the_limits_succeed(jl):
    assert run(jl, """
        function f(a, b)
            println(Int8(a), " ", Int8(b))
        end
        f(Int16(127), Int16(-128))
        f(0x7f, Int32(-128))
        g(x) = println(UInt16(x))
        g(Int32(65535))
        g(0x00)
    """) == lines("127 -128", "127 -128", 65535, 0)


def test_checked_assignment_to_array_element(jl):
    r = jl.run(dedent("""
        xs = zeros(UInt8, 2)
        function put(v::Int16)
            xs[1] = v
            println(xs[1])
        end
        put(Int16(200))
        put(Int16(256))
    """))
    assert r.output == "200\n"
    assert r.error.code == -257 and r.error.line == 4


# ---------------------------------------------------------------- arrays

def test_arrays(jl):
    assert run(jl, """
        buf = zeros(UInt8, 5)
        xs = Int16[3, 1, 2]
        ys = [10, 20, 30]
        big = Int32[100000, -5, 70000]
        flags = fill(true, 3)
        const TABLE = UInt8[0x3f, 0x06, 0x5b]
        const WIDE = UInt32[0xdeadbeef, 0x00000001]
        const SIGNED = Int16[-1, 300]
        xs[1] = 5
        xs[end] += 1
        buf[2] = 0xaa
        big[2] *= Int32(3)
        flags[2] = false
        println(xs[1], " ", xs[2], " ", xs[3], " ", length(xs), " ", length(buf))
        println(buf[1], " ", buf[2], " ", ys[end], " ", big[1] + big[3], " ", big[2])
        for x in TABLE
            print(x, ' ')
        end
        println(WIDE[1], " ", WIDE[2], " ", SIGNED[1], " ", SIGNED[2])
        for i in eachindex(ys)
            ys[i] = ys[i] * 2
        end
        total = 0
        for y in ys
            global total += y
        end
        println(total, " ", flags[1], " ", flags[2])
    """) == lines("5 1 3 3 5", "0 170 30 170000 -15", "63 6 91 3735928559 1 -1 300", "120 true false")


def test_arrays_as_arguments_specialise_per_length(jl):
    assert run(jl, """
        a = UInt8[1, 2, 3]
        b = UInt8[4, 5, 6, 7]
        function total(v::Vector{UInt8})
            s = 0
            for x in v
                s += x
            end
            s
        end
        function bump!(v)
            for i in eachindex(v)
                v[i] += 0x01
            end
        end
        bump!(a)
        println(total(a), " ", total(b))
    """) == lines("9 22")


def test_bounds_error_with_the_line(jl):
    r = jl.run(dedent("""
        xs = Int16[1, 2, 3]
        function get(i)
            println("get ", i)
            xs[i]
        end
        println(get(3))
        println(get(Int32(4)))
    """))
    assert r.output == "get 3\n3\nget 4\n"
    assert r.error.code == -258 and r.error.line == 5 and r.error.message.startswith("BoundsError")
    for bad in ("0", "Int8(-1)", "0x04", "typemin(Int16)", "Int32(65537)"):
        r = jl.run(f"xs = Int16[1, 2, 3]\nfunction put(i)\n    xs[i] = 7\nend\nput({bad})\n")
        assert r.error is not None and r.error.code == -258 and r.error.line == 3, bad


def test_inbounds_skips_the_check(jl):
    # RAM data is laid out in order, so xs[4] without a check is ys[1]
    assert run(jl, """
        xs = Int16[1, 2, 3]
        ys = Int16[40, 55]
        ys[1] += 4           # written, so ys is in RAM (unwritten arrays live in flash)
        function peek(i)
            @inbounds v = xs[i]
            v
        end
        function poke(i, v)
            @inbounds xs[i] = v
        end
        println(peek(4))
        poke(5, Int16(-9))
        println(ys[2])
    """) == lines(44, -9)


# ---------------------------------------------------------------- output

def test_print_and_interpolation(jl):
    assert run(jl, """
        x = Int16(-5); c = 'c'; t = true; u = 0x1f; n = Int32(-100000)
        println(true, ' ', c, x, u)
        print("x = ", x)
        println()
        println("x = $x, next = $(x + Int16(1)), t = $t, c = $c, n = $n")
        println("quote \\" and tab\\tand backslash \\\\ and ( paren ) done")
        println("µ-controller ✓")
        println(t, !t, ' ', nothing)
    """) == lines("true c-531", "x = -5", "x = -5, next = -4, t = true, c = c, n = -100000",
                  'quote " and tab\tand backslash \\ and ( paren ) done', "µ-controller ✓",
                  "truefalse nothing")


def test_long_strings_are_split_for_the_input_line(jl):
    s = "abcdefghij" * 20
    fp = jl.compile(f'println("{s}")\n')
    assert all(len(line) <= 80 for line, _ in fp.upload_lines())
    assert run(jl, f'println("{s}")\n') == s + "\n"


# ---------------------------------------------------------------- control flow

def test_if_elseif_else_and_ternary(jl):
    assert run(jl, """
        function classify(x)
            if x > 0
                println("positive")
            elseif x < 0
                println("negative")
            else
                println("zero")
            end
            y = x > 0 ? x : -x
            println(y)
        end
        classify(Int16(5)); classify(Int16(-3)); classify(Int16(0))
    """) == lines("positive", 5, "negative", 3, "zero", 0)


def test_while_break_continue(jl):
    assert run(jl, """
        function f()
            i = 0
            while i < 10
                i += 1
                i == 5 && continue
                i > 8 && break
                print(i, ' ')
            end
            println()
            i
        end
        println(f())
    """) == lines("1 2 3 4 6 7 8 ", 9)


def test_ranges(jl):
    assert run(jl, """
        function show(a, b)
            for i in a:b
                print(i, ' ')
            end
            println()
        end
        function show(a, s, b)
            for i in a:s:b
                print(i, ' ')
            end
            println()
        end
        show(Int16(1), Int16(5))
        show(Int16(3), Int16(2))
        show(Int16(1), Int16(2), Int16(9))
        show(Int16(10), Int16(-3), Int16(1))
        show(Int16(32765), typemax(Int16))
        show(typemin(Int16), Int16(-32766))
        show(Int16(32760), Int16(4), typemax(Int16))
        show(0xfd, 0xff)
        show(0xf0, 0x07, 0xff)
        show(Int8(-128), Int8(100), Int8(127))
        show(Int32(2147483645), typemax(Int32))
        show(Int32(-5), Int32(-100000), Int32(-300000))
        show(0xfffffffe, 0x00000001, 0xffffffff)
        for i in 10:-1:8
            print(i, ' ')
        end
        for i = 1:3
            print(i)
        end
        for i ∈ 1:2:5
            print(i)
        end
        println()
    """) == lines("1 2 3 4 5 ", "", "1 3 5 7 9 ", "10 7 4 1 ", "32765 32766 32767 ",
                  "-32768 -32767 -32766 ", "32760 32764 ", "253 254 255 ", "240 247 254 ",
                  "-128 -28 72 ", "2147483645 2147483646 2147483647 ", "-5 -100005 -200005 ",
                  "4294967294 4294967295 ", "10 9 8 123135")


def test_range_with_zero_step(jl):
    r = jl.run("function f(s)\n    for i in 1:s:5\n        print(i)\n    end\nend\nf(Int16(2))\nprintln()\nf(Int16(0))\n")
    assert r.output == "135\n"
    assert r.error.code == -259 and r.error.line == 2 and r.error.message.startswith("ArgumentError")


def test_loop_variable_is_fresh_each_iteration(jl):
    assert run(jl, """
        function f(n)
            for i in 1:n
                i += 10
                print(i, ' ')
            end
            println()
        end
        f(Int16(3))
    """) == lines("11 12 13 ")


def test_break_and_continue_deep_in_ifs(jl):
    assert run(jl, """
        function f(n::Int16)
            found = Int16(0)
            for i in 1:n
                if i > Int16(2)
                    if iseven(i)
                        continue
                    elseif i % Int16(7) == Int16(0)
                        found = i
                        break
                    end
                    if i == Int16(5)
                        print("five ")
                    end
                end
                print(i, ' ')
            end
            println()
            k = Int16(0)
            while true
                k += Int16(1)
                if k > Int16(3)
                    if k == Int16(6)
                        break
                    else
                        continue
                    end
                end
                print(k, ' ')
            end
            println(found, ' ', k)
        end
        f(Int16(20))
    """) == lines("1 2 3 five 5 ", "1 2 3 7 6")


DEEP_LOOPS = """
function f(n::Int16)
    total = Int16(0)
    for i in 1:n
        if i > Int16(3)
            if isodd(i)
                if i > Int16(8)
                    break
                end
                print("odd ", i, " ")
                if i == Int16(7)
                    continue
                end
            else
                if i == Int16(6)
                    print("six ")
                    continue
                end
                total += i
            end
        end
        print(i, "; ")
    end
    println()
    j = Int16(0)
    while j < n
        j += Int16(1)
        if j > Int16(2)
            if iseven(j)
                if j == Int16(8)
                    break
                end
                continue
            end
            if j == Int16(5)
                print("five ")
            else
                print("x ")
            end
        end
    end
    println(total, " ", j)
end
f(Int16(20))
"""


def test_break_and_continue_three_ifs_deep(jl):
    # the control-flow stack needs reordering deeper than one entry: [ n jl.dig ]
    assert "jl.dig" in jl.compile(DEEP_LOOPS).text()
    # for: 1-3 plain; 4 even; 5 odd; 6 "six" continue; 7 odd continue; 8 even; 9 odd > 8: break
    # while: 3 x, 4 continue, 5 five, 6 continue, 7 x, 8 break
    assert jl.output(DEEP_LOOPS) == lines("1; 2; 3; 4; odd 5 5; six odd 7 8; ", "x five x 12 8")


def test_short_circuit_and_not(jl):
    assert run(jl, """
        calls = 0
        function yes(v::Bool)::Bool
            global calls += 1
            v
        end
        a = yes(false) && yes(true)
        b = yes(true) || yes(false)
        c = !yes(false) && (yes(true) || yes(true))
        println(a, " ", b, " ", c, " ", calls)
        function g(x)
            x > 10 || return Int16(0)
            x
        end
        println(g(Int16(5)), " ", g(Int16(15)))
    """) == lines("false true true 4", "0 15")


def test_nested_loops_and_early_return(jl):
    assert run(jl, """
        function find(target::Int16)
            for i in 1:9
                for j in 1:9
                    if i * j == target
                        return i * Int16(10) + j
                    end
                end
            end
            Int16(-1)
        end
        println(find(Int16(42)), " ", find(Int16(97)))
    """) == lines("67 -1")


# ---------------------------------------------------------------- functions

def test_dispatch_and_specialisation(jl):
    fp = jl.compile(dedent("""
        area(w::Int16, h::Int16)::Int16 = w * h
        area(r::Int32) = Int32(3) * r * r
        sq(x) = x * x
        function show(x)
            println(x)
        end
        show(area(Int16(6), Int16(7)))
        show(area(Int32(1000)))
        show(sq(Int16(3)))
        show(sq(0x10))
    """), optimize=False)
    names = {c.name for c in fp.chunks if c.kind == "function"}
    assert {"area(i16,i16)", "area(i32)", "sq(i16)", "sq(u8)", "show(i16)", "show(i32)", "show(u8)"} <= names
    assert run(jl, """
        area(w::Int16, h::Int16)::Int16 = w * h
        area(r::Int32) = Int32(3) * r * r
        sq(x) = x * x
        function show(x)
            println(x)
        end
        show(area(Int16(6), Int16(7)))
        show(area(Int32(1000)))
        show(sq(Int16(3)))
        show(sq(0x10))
    """) == lines(42, 3000000, 9, 0)


def test_recursion_and_mutual_recursion(jl):
    assert run(jl, """
        fact(n::Int32)::Int32 = n <= Int32(1) ? Int32(1) : n * fact(n - Int32(1))
        function is_ev(n::Int16)::Bool
            if n == Int16(0)
                return true
            end
            is_od(n - Int16(1))
        end
        function is_od(n::Int16)::Bool
            if n == Int16(0)
                return false
            end
            is_ev(n - Int16(1))
        end
        println(fact(Int32(12)), " ", is_ev(Int16(10)), " ", is_od(Int16(7)), " ", is_ev(Int16(7)),
                " ", is_od(Int16(100)))
    """) == lines("479001600 true true false false")


def test_mutual_recursion_goes_through_a_flash_cell(jl):
    src = dedent("""
        function ping(n::Int16)
            n <= Int16(0) && return
            print("ping ")
            pong(n - Int16(1))
        end
        function pong(n::Int16)
            n <= Int16(0) && return
            print("pong ")
            ping(n - Int16(1))
        end
        ping(Int16(3))
    """)
    text = jl.compile(src).text()
    assert "fhere -1 f, constant '" in text and "@ execute" in text
    assert jl.output(src) == "ping pong ping "


def test_union_return_used_as_a_statement(jl):
    assert run(jl, """
        function f(x::Int16)
            if x > 0
                println("pos")
                return x
            end
            println("nonpos")
            return 0x01
        end
        f(Int16(1))
        f(Int16(-1))
    """) == lines("pos", "nonpos")


def test_many_locals_and_32_bit_arguments(jl):
    assert run(jl, """
        function f(a::Int32, b::UInt32, c::Int8, d::UInt16)
            x1 = a + Int32(1); x2 = b + 0x00000002; x3 = c + Int8(3); x4 = d + 0x0004
            x5 = x1 * Int32(2); x6 = x2 * 0x00000002
            println(x1, " ", x2, " ", x3, " ", x4, " ", x5, " ", x6)
            x5 + Int32(x4)
        end
        println(f(Int32(-70000), 0xfffffff0, Int8(-3), 0xfff0))
    """) == lines("-69999 4294967282 0 65524 -139998 4294967268", -74474)


# ---------------------------------------------------------------- variables and scope

def test_globals_consts_let_begin(jl):
    assert run(jl, """
        const N = 16
        const MASK = (1 << 4) - 1
        count = 0
        x::UInt8 = 0
        function bump()
            global count
            count += 1
        end
        for i in 1:3
            global count += i
        end
        bump()
        let a = 1, b = a + 1
            println(a + b)
        end
        begin
            y = 2
            z = 3
        end
        x = 300 - 100
        println(count, " ", N, " ", MASK, " ", y * z, " ", x)
    """) == lines(3, "7 16 15 6 200")


def test_typed_local_converts_and_reads_zero(jl):
    assert run(jl, """
        function f(n::Int16)
            s::Int32 = 0
            for i in 1:n
                s += Int32(30000)
            end
            local k::Int16
            println(s, " ", k)
        end
        f(Int16(3))
    """) == lines("90000 0")


# ---------------------------------------------------------------- hardware and macros

def test_registers(jl):
    assert run(jl, """
        DDRB[] = 0x20
        PORTB[] |= 0x20
        a = PORTB[]
        PORTB[] &= ~0x20
        b = PORTB[]
        OCR1A[] = 0x1234
        c = OCR1A[]
        GPIOR1[] = 0x5a
        println(DDRB[], " ", a, " ", b, " ", c, " ", GPIOR1[])
    """) == lines("32 32 0 4660 90")


def test_register_write_is_checked(jl):
    r = jl.run("function f(v)\n    GPIOR1[] = v\nend\nf(Int16(255))\nf(Int16(256))\n")
    assert r.error.code == -257 and r.error.line == 2


def test_millis_and_delay(jl):
    assert run(jl, """
        t0 = millis()
        delay_ms(50)
        t1 = millis()
        d = t1 - t0
        println(d >= 0x00000032, " ", d < 0x0000003c)
    """) == lines("true true")


def test_forth_macro(jl):
    assert run(jl, """
        a = Int16(20); b = Int16(22)
        @forth "42 emit"
        s = @forth(Int16, "+", a, b)
        d = @forth(Int32, "m*", a, b)
        println(" ", s, " ", d)
    """) == lines("* 42 440")


def test_print_evaluates_all_arguments_first(jl):
    # Julia computes every argument before printing: output of a call in the
    # arguments comes first, and an error in an argument prints nothing
    r = jl.run(dedent("""
        function noisy(x::Int16)
            print("<", x, ">")
            x
        end
        println("a ", noisy(Int16(1)), " b ", noisy(Int16(2)))
        d = Int16(0)
        println("never shown ", Int16(1) ÷ d)
    """))
    assert r.output == "<1><2>a 1 b 2\n"
    assert r.error.code == -10 and r.error.line == 8


def test_deep_recursion_stops_with_a_data_stack_error(jl):
    """Each level keeps g's value on the data stack while it recurses.  Worked
    by hand: deep needs 9 cells above its argument (the Int32 addition's four
    and a helper's reserve of five), so jl.?ds lets a call start while the
    depth with its line is at most cells + 1 - 9 (16 on the ATmega328P's 24
    cells, 8 on the G2553's 16).  Level k holds the Int32 g of the k - 1
    levels above it and its own (two cells each) and the argument: 2k + 2
    with the line.  So the first level over the limit is the smallest k with
    2k + 2 > limit: deep(k - 1) returns k - 1, deep(k) stops at the call."""
    limit = jl.target.kernel["data_stack_cells"] + 1 - 9
    k = next(k for k in range(1, 100) if 2 * k + 2 > limit)
    r = jl.run(dedent(f"""
        g = Int32(1)
        function deep(n::Int16)::Int32
            if n == Int16(0)
                return Int32(0)
            end
            g + deep(n - Int16(1))
        end
        println(deep(Int16({k - 1})))
        println(deep(Int16({k})))
    """))
    assert r.output == f"{k - 1}\n"
    assert r.error.code == -3 and r.error.line == 7 and r.error.message.startswith("StackOverflowError")
    assert jl.link.run("1 2 + .") == "3 "          # the board is fine


def test_return_stack_overflow_is_located_at_the_recursive_function(jl):
    # nothing waits on the data stack here: the kernel's return-stack check
    # stops it (it carries no line; the host names the one recursive function)
    r = jl.run(dedent("""
        x = Int16(1)
        count(n::Int16)::Int16 = n == Int16(0) ? Int16(0) : Int16(1) + count(n - Int16(1))
        println(count(Int16(10)))
        println(count(Int16(3000)))
    """))
    assert r.output == "10\n"
    assert r.error.code == -5 and r.error.line == 3 and r.error.message.startswith("StackOverflowError")
    assert jl.link.run("1 2 + .") == "3 "


def test_recursion_on_locals_keeps_the_data_stack_empty(jl):
    # n * fact(n - 1): n is read after the call, so nothing waits on the data stack
    src = dedent("""
        sum_to(n::Int32)::Int32 = n <= Int32(0) ? Int32(0) : n + sum_to(n - Int32(1))
        down(n::Int16)::Int16 = n <= Int16(0) ? Int16(0) : n - down(n - Int16(1))
        println(sum_to(Int32(60)), " ", down(Int16(5)), " ", down(Int16(6)))
    """)
    assert jl.output(src) == lines("1830 3 3")


def test_widening_multiplies(jl):
    """Int32(a) * Int32(b) of 16-bit values compiles to the kernel's 16x16->32
    multiply (m* / um*); the results are Julia's, wrap-around included."""
    r = jl.run(dedent("""
        a = Int16(-32768)
        b = Int16(32767)
        c = Int8(-128)
        u = UInt16(65535)
        v = UInt8(255)
        println(Int32(a) * Int32(a), " ", Int32(a) * Int32(b), " ", Int32(b) * Int32(c))
        println(Int32(u) * Int32(u), " ", UInt32(u) * UInt32(u), " ", UInt32(u) * UInt32(v))
        println(Int32(u) * Int32(a))
    """))
    # by hand: 2^30; -2^15 (2^15 - 1); 32767 * -128; 65535^2 = 4294836225 wraps in
    # Int32 to 4294836225 - 2^32; as UInt32 it fits; 65535 * 255; mixed: d*
    assert r.output == ("1073741824 -1073709056 -4194176\n"
                        "-131071 4294836225 16711425\n"
                        "-2147450880\n")
    assert r.error is None
