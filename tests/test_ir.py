"""IR shape for key constructs and optimiser rewrites on the IR."""
import textwrap

from jlforth import ir
from jlforth.check import types as T
from jlforth.check.types import BOOL, INT16, UINT8
from jlforth.frontend import frontend
from jlforth.ir.target import SimpleTarget
from jlforth.opt import optimize
from jlforth.opt.fold import fold_expr
from jlforth.opt.passes import dead_code, strength

TARGET = SimpleTarget("test", 16, {"PORTB": (0x25, 8), "PINB": (0x23, 8)})


def compile_(src, optimize=True):
    return frontend(textwrap.dedent(src), "t.jl", TARGET, optimize=optimize)


def fn(p, name):
    return [f for f in p.functions.values() if f.src_name == name][0]


def C(v, t=INT16):
    return ir.Const(v, t)


# ---------------------------------------------------------------- IR shapes

def test_for_range_and_loops():
    p = compile_("""
        function f(n)
            s = 0
            for i in 1:n
                s += i
            end
            for j in n:-2:1
                j == 3 && continue
                s -= j
            end
            while s > 100
                s ÷= 2
                s < 10 && break
            end
            s
        end
        r = f(10)
        """, optimize=False)
    body = fn(p, "f").body
    kinds = [type(s).__name__ for s in body]
    assert kinds == ["Assign", "ForRange", "ForRange", "While", "Return"]
    assert body[1].step is None and body[2].step.value == -2
    assert isinstance(body[2].body[0], ir.If) and isinstance(body[2].body[0].then[0], ir.Continue)
    assert isinstance(body[3].body[1].then[0], ir.Break)


def test_for_over_array_uses_unchecked_loads():
    p = compile_("""
        xs = Int16[3, 1, 2]
        for x in xs
            println(x)
        end
        """, optimize=False)
    loop = p.main.body[0]
    assert isinstance(loop, ir.ForRange) and loop.stop.value == 3
    load = loop.body[0].value
    assert isinstance(load, ir.ArrayLoad) and not load.checked


def test_print_ops():
    p = compile_("""
        x = 5
        println("x = $x, next = $(x + 1), ", true, ' ', 'c')
        """)
    stmts = p.main.body[1:]
    kinds = [(type(s).__name__, getattr(s, "text", None)) for s in stmts]
    assert kinds[0] == ("PrintStr", "x = ")
    assert kinds[1][0] == "Print"
    assert kinds[2] == ("PrintStr", ", next = ")
    assert kinds[3][0] == "Print"
    assert kinds[4] == ("PrintStr", ", true c\n")


def test_checked_conversion_and_hardware():
    p = compile_("""
        function f(x::Int16)
            PORTB[] = UInt8(x)
            y = PINB[]
            y % Int8
        end
        r = f(Int16(3))
        """, optimize=False)
    body = fn(p, "f").body
    conv = body[0].value
    assert isinstance(conv, ir.Convert) and conv.checked and conv.loc.line == 3
    assert isinstance(body[1].value, ir.RegRead)
    ret = body[-1].value
    assert isinstance(ret, ir.Convert) and not ret.checked and ret.type == T.INT8


def test_forth_ops():
    p = compile_("""
        @forth "cr"
        x = @forth(Int16, "+", 1, 2)
        """)
    assert isinstance(p.main.body[0], ir.ForthStmt) and p.main.body[0].text == "cr"
    e = p.main.body[1].value
    assert isinstance(e, ir.Forth) and e.type == INT16 and len(e.args) == 2


def test_dump_is_text():
    p = compile_("f(x) = x + 1\ny = f(2)\nprintln(y)")
    text = ir.dump(p)
    assert "function main()::Nothing" in text
    assert "global y::Int16" in text


# ---------------------------------------------------------------- folding

def test_fold_uses_julia_semantics():
    e = ir.BinOp("add", C(32767), C(1), INT16)
    assert fold_expr(e).value == -32768
    e = ir.BinOp("shl", C(1), C(20), INT16)
    assert fold_expr(e).value == 0
    e = ir.BinOp("shr", C(-8), C(-1), INT16)
    assert fold_expr(e).value == -16
    e = ir.Compare("lt", C(-1, T.INT32), C(1, T.INT32))
    assert fold_expr(e).value == 1


def test_fold_keeps_runtime_errors():
    e = ir.BinOp("div", C(1), C(0), INT16)
    assert isinstance(fold_expr(e), ir.BinOp)
    e = ir.Convert(C(300), UINT8, True)
    assert isinstance(fold_expr(e), ir.Convert)
    e = ir.Convert(C(300), UINT8, False)
    assert fold_expr(e).value == 44


def test_fold_program_constants_and_branches():
    p = compile_("""
        const N = 4
        function f(x)
            if N > 3
                return x * N
            else
                return x
            end
            println("unreachable")
        end
        r = f(2)
        """)
    # f is tiny after folding: inlined into main and folded
    assert "f" not in p.functions
    assert p.main.body[0].value.value == 8


def test_dead_code_after_return():
    stmts = [ir.Return(C(1)), ir.PrintStr("dead")]
    assert len(dead_code(stmts)) == 1
    branchy = [ir.If(ir.Const(1, BOOL), [ir.Return(C(1))], [ir.Return(C(2))]), ir.PrintStr("dead")]
    assert len(dead_code(branchy)) == 1


def test_strength_reduction_markers():
    x = ir.Var("x", INT16, "param")
    e = strength(ir.BinOp("mul", ir.LocalGet(x), C(8), INT16))
    assert isinstance(e, ir.BinOp) and e.op == "shl" and e.b.value == 3 and e.count_in_range
    e = strength(ir.BinOp("add", ir.LocalGet(x), C(1), INT16))
    assert isinstance(e, ir.UnOp) and e.op == "inc"
    e = strength(ir.BinOp("sub", ir.LocalGet(x), C(1), INT16))
    assert isinstance(e, ir.UnOp) and e.op == "dec"
    e = strength(ir.BinOp("add", ir.LocalGet(x), C(-1), INT16))
    assert isinstance(e, ir.UnOp) and e.op == "dec"
    u = ir.Var("u", T.UINT16, "param")
    e = strength(ir.BinOp("div", ir.LocalGet(u), C(16, T.UINT16), T.UINT16))
    assert e.op == "lshr" and e.b.value == 4
    e = strength(ir.BinOp("rem", ir.LocalGet(u), C(16, T.UINT16), T.UINT16))
    assert e.op == "and" and e.b.value == 15
    # signed division by a power of two is not a shift (rounding differs)
    e = strength(ir.BinOp("div", ir.LocalGet(x), C(4), INT16))
    assert e.op == "div"
    e = strength(ir.BinOp("shl", ir.LocalGet(x), C(3), INT16))
    assert e.count_in_range
    e = strength(ir.BinOp("shl", ir.LocalGet(x), C(16), INT16))
    assert not e.count_in_range


def test_inlining_preserves_argument_evaluation():
    p = compile_("""
        @inline twice(x) = x + x
        g() = PINB[]
        r = twice(g())
        """)
    # g() is tiny too: the register is read exactly once
    reads = [n for n in ir.walk_stmts(p.main.body) if isinstance(n, ir.RegRead)]
    assert len(reads) == 1
    assert not [n for n in ir.walk_stmts(p.main.body) if isinstance(n, ir.Call)]


def test_recursive_functions_are_not_inlined():
    p = compile_("fact(n) = n <= 1 ? 1 : n * fact(n - 1)\nr = fact(5)")
    assert "fact" in p.functions
    calls = [n for n in ir.walk_stmts(p.main.body) if isinstance(n, ir.Call)]
    assert len(calls) == 1


def test_unused_functions_removed():
    p = compile_("used(x) = x\nunused(x::Int16) = x * 3\ny = 1\nfor i in 1:used(y)\n println(i)\nend")
    assert not [f for f in p.functions.values() if f.src_name == "unused"]


def test_optimize_is_idempotent():
    p = compile_("f(x) = x * 2 + 1\nfor i in 1:3\n  println(f(i))\nend")
    before = ir.dump(p)
    optimize(p)
    assert ir.dump(p) == before


def test_constant_in_range_index_drops_bounds_check():
    p = compile_("xs = Int16[1, 2, 3]\nxs[2] = 5\ny = xs[end]\nz = 4\nw = xs[z]")
    stores = [n for n in ir.walk_stmts(p.main.body) if isinstance(n, ir.ArrayStore)]
    loads = [n for n in ir.walk_stmts(p.main.body) if isinstance(n, ir.ArrayLoad)]
    assert [s.checked for s in stores] == [False]
    assert [l.checked for l in loads] == [False, True]
