"""Each optimiser rewrite, run on the target before and after: the program prints
the same (and what Julia prints), and the rewrite really happened (checked on
the optimised IR or Forth)."""
from __future__ import annotations

from textwrap import dedent

import pytest

from jlforth.frontend import frontend
from jlforth.ir import dump as dump_ir
from test_backend_harness import jl  # noqa: F401  (fixture)

CASES = {
    "fold": ("""
        const K = 7
        x = Int16(3)
        println(K * 6 + 1, " ", typemax(Int16) + Int16(1), " ", x + (2 * K), " ", 0xff % Int8)
        println(Int32(K) << 20, " ", -(typemin(Int8)), " ", fld(-7, 2), " ", cld(-7, 2), " ", K > 5)
    """, "43 -32768 17 -1\n7340032 -128 -4 -3 true\n",
        lambda ir, forth: "(mul" not in ir and '43 -32768' in forth),

    "prune-branches-and-loops": ("""
        const DEBUG = false
        const K = 7
        if K > 5
            println("big")
        else
            println("small")
        end
        while DEBUG
            println("never")
        end
        for i in 5:1
            println("never")
        end
        for i in 1:0x00
            println("never")
        end
        if DEBUG
            println("debug")
        end
        println("end")
    """, "big\nend\n", lambda ir, forth: "never" not in forth and "small" not in forth),

    "dead-code": ("""
        function f(x::Int16)
            if x > 0
                return x
                println("after return")
            end
            for i in 1:3
                print(i)
                break
                println("after break")
            end
            while true
                continue
                println("after continue")
            end
            x
        end
        function g(x::Int16)
            for i in 1:5
                if i == x
                    println(" found")
                    return i
                    i += 1
                end
            end
            Int16(0)
        end
        println(f(Int16(5)), " ", g(Int16(3)))
    """, " found\n5 3\n", lambda ir, forth: "after" not in forth),

    "strength-multiply": ("""
        function f(x::Int16, y::Int32, u::UInt8)
            println(x * 8, " ", x * 2, " ", 4 * x, " ", y * Int32(1024), " ", u * 0x10, " ", x * 1, " ", x * 0)
        end
        f(Int16(-5), Int32(-3), 0x11)
        f(typemax(Int16), typemax(Int32), 0xff)
        f(Int16(12345), Int32(2097152), 0x10)
    """, "-40 -10 -20 -3072 16 -5 0\n"
         # 32767*8 = 262136 -> -8; *2 -> -2; *4 -> -4; (2^31-1)*1024 -> -1024; 255*16 = 4080 -> 240
         "-8 -2 -4 -1024 240 32767 0\n"
         # 12345*8 = 98760 - 65536 = 33224 -> -32312; 24690; 49380 -> -16156; 2^21*2^10 = 2^31 -> typemin
         "-32312 24690 -16156 -2147483648 0 12345 0\n",
        lambda ir, forth: "(shl" in ir and "(mul" not in ir),

    "strength-unsigned-division": ("""
        function g(u::UInt16, w::UInt32, b::UInt8)
            println(u ÷ 0x0004, " ", u % 0x0008, " ", fld(u, 0x0010), " ", mod(u, 0x0002), " ",
                    w ÷ 0x00000100, " ", w % 0x00010000, " ", b ÷ 0x02, " ", b % 0x04, " ", u ÷ 0x0001)
        end
        g(0xffff, 0xdeadbeef, 0xff)
        g(0x0007, 0x00000001, 0x03)
    """, "16383 7 4095 1 14593470 48879 127 3 65535\n1 7 0 1 0 1 1 3 7\n",
        lambda ir, forth: "(lshr" in ir and "(div" not in ir and "(rem" not in ir),

    "strength-increment": ("""
        function h(x::Int16, b::UInt8, d::Int32)
            println(x + 1, " ", x - 1, " ", 1 + x, " ", x + 0, " ", b + 0x01, " ", b - 0x01, " ", d + Int32(1),
                    " ", d - Int32(1))
        end
        h(typemax(Int16), 0xff, typemax(Int32))
        h(typemin(Int16), 0x00, typemin(Int32))
    """, "-32768 32766 -32768 32767 0 254 -2147483648 2147483646\n"
         "-32767 32767 -32767 -32768 1 255 -2147483647 2147483647\n",
        lambda ir, forth: "(inc" in ir and "(dec" in ir),

    "inline": ("""
        c = 0
        function next!()
            global c += 1
            c
        end
        @inline add3(x) = x + Int16(3)
        twice(x) = x * 2
        both(a, b) = a - b
        println(add3(Int16(4)), " ", twice(next!()), " ", both(next!(), next!()), " ", twice(Int16(21)), " ", c)
    """, "7 2 -1 42 3\n",
        lambda ir, forth: "twice(" not in forth and "add3(" not in forth and "both(" not in forth),

    "unreachable-functions": ("""
        function unused(x::Int16)
            println("unused ", x)
        end
        used(x) = println("used ", x)
        used(Int16(1))
    """, "used 1\n", lambda ir, forth: "unused" not in forth),

    "static-bounds-checks": ("""
        xs = Int16[10, 20, 30]
        xs[2] += Int16(1)
        println(xs[1] + xs[2] + xs[end])
    """, "61\n", lambda ir, forth: "jl.ix" not in forth),

    # conversions whose operand always fits need no InexactError check: a mask,
    # a logical shift, a remainder or quotient by a constant of a non-negative value
    "conversions-that-always-fit": ("""
        function f(x::UInt16, y::Int16)
            a = Int16(x & 0x0001) + Int16(x >> 2)
            b = Int8(x % 0x0032) + Int8(UInt8(y & Int16(0x3f)))
            return Int32(a) + Int32(b)
        end
        println(f(0xffff, Int16(-1)), " ", f(0x0007, Int16(5)))
    """, f"{1 + 0xffff // 4 + 0xffff % 50 + 63} {1 + 7 // 4 + 7 % 50 + 5}\n",
        lambda ir, forth: "jl.inex" not in forth),

    "conversions-that-may-not-fit-are-checked": ("""
        function g(x::UInt16)
            return Int8(x & 0x00ff)
        end
        println(g(0x0005))
        println(g(0x00c8))
    """, None, lambda ir, forth: "jl.inex" in forth),

    "errors-are-kept": ("""
        println("before")
        println(Int16(1) ÷ Int16(0))
    """, None, lambda ir, forth: True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rewrite_before_and_after(jl, name):
    src, want, applied = CASES[name]
    src = dedent(src)
    plain = jl.run(src, optimize=False)
    opt = jl.run(src, optimize=True)
    assert plain.output == opt.output
    if want is None and name == "conversions-that-may-not-fit-are-checked":
        for r in (plain, opt):                        # Int8(200): InexactError at line 3
            assert r.output == "5\n"
            assert r.error.code == -257 and r.error.line == 3
    elif want is None:
        # the folder keeps operations that raise: both raise DivideError at line 3
        for r in (plain, opt):
            assert r.output == "before\n"
            assert r.error.code == -10 and r.error.line == 3
    else:
        assert plain.error is None and opt.error is None, (plain.error, opt.error)
        assert opt.output == want
    ir_text = dump_ir(frontend(src, "t.jl", jl.target, optimize=True))
    assert applied(ir_text, opt.forth.text()), ir_text


def test_optimised_code_is_smaller(jl):
    """The rewrites pay: less Forth for the same program."""
    src = dedent(CASES["strength-multiply"][0]) + dedent(CASES["inline"][0])
    plain = jl.compile(src, optimize=False)
    opt = jl.compile(src, optimize=True)
    size = lambda fp: sum(len(line) for line, _ in fp.upload_lines())
    assert size(opt) < size(plain)
