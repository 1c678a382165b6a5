"""Checker: promotion, method selection and specialisation, scopes, globals and
the error messages (text, line:col and caret) for rejected programs."""
import textwrap

import pytest

from jlforth import ir
from jlforth.check import types as T
from jlforth.errors import CompileError
from jlforth.frontend import frontend
from jlforth.ir.target import SimpleTarget

TARGET = SimpleTarget("test", 16, {"PORTB": (0x25, 8), "DDRB": (0x24, 8), "PINB": (0x23, 8),
                                   "OCR1A": (0x88, 16)})


def compile_(src, optimize=False):
    return frontend(textwrap.dedent(src), "t.jl", TARGET, optimize=optimize)


def err(src):
    with pytest.raises(CompileError) as ei:
        compile_(src)
    return ei.value


def funcs(p, src_name):
    return [f for f in p.functions.values() if f.src_name == src_name]


def ret_type_of(expr_src, decls=""):
    """Type of `expr_src` as returned from a function."""
    p = compile_(f"{decls}\nfunction probe()\n  {expr_src}\nend\nprobe()\n")
    (f,) = funcs(p, "probe")
    return f.ret


# ---------------------------------------------------------------- promotion through the checker

@pytest.mark.parametrize("expr,want", [
    ("Int8(1) + Int16(1)", T.INT16),
    ("UInt8(1) + Int16(1)", T.INT16),
    ("Int16(1) + UInt16(1)", T.UINT16),
    ("Int32(1) + UInt16(1)", T.INT32),
    ("UInt32(1) + Int16(1)", T.UINT32),
    ("UInt32(1) + Int32(1)", T.UINT32),
    ("true + Int8(1)", T.INT8),
    ("true + true", T.INT16),
    ("true * false", T.BOOL),
    ("0x01 + 1", T.INT16),
    ("0x0001 + 1", T.UINT16),
    ("0x01 << 3", T.UINT8),
    ("1 << 0x03", T.INT16),
    ("Int32(5) >> 1", T.INT32),
    ("Int16(-7) ÷ UInt16(2)", T.INT16),      # Julia's mixed-sign div method, not promotion
    ("UInt8(200) ÷ Int8(-3)", T.UINT8),
    ("mod(Int8(-1), 0x03)", T.UINT8),
    ("100000", T.INT32),
    ("32767", T.INT16),
    ("-32768", T.INT16),
    ("'a' + 1", T.CHAR),
    ("'b' - 'a'", T.INT16),
    ("x % UInt8", T.UINT8),
    ("widen(Int16(3))", T.INT32),
    ("abs(Int8(-3))", T.INT8),
    ("max(Int8(1), 0x0002)", T.UINT16),
    ("clamp(Int16(5), Int8(0), Int8(3))", T.INT16),
    ("millis()", T.UINT32),
    ("length(xs)", T.INT16),
    ("xs[2]", T.UINT8),
    ("PORTB[]", T.UINT8),
    ("OCR1A[]", T.UINT16),
    ("x > 0 ? x : -x", T.INT16),
    ("3 == 0x03", T.BOOL),
    ("typemax(UInt32)", T.UINT32),
    ("2^10", T.INT16),
    ("~0x0f", T.UINT8),
    ("-true", T.INT16),
    ("unsigned(Int16(-1))", T.UINT16),
    ("signed(0xff)", T.INT8),
])
def test_expression_types(expr, want):
    assert ret_type_of(expr, "x = 1\nxs = UInt8[1, 2, 3]") == want


# ---------------------------------------------------------------- methods

def test_method_selection_by_type():
    p = compile_("""
        area(x::Int16) = x * x
        area(x::Int32) = x * 2
        a = area(Int16(3))
        b = area(Int32(3))
        """)
    fs = {f.argtypes: f for f in funcs(p, "area")}
    assert set(fs) == {(T.INT16,), (T.INT32,)}
    assert fs[(T.INT16,)].ret == T.INT16 and fs[(T.INT32,)].ret == T.INT32
    assert p.globals["a"].type == T.INT16 and p.globals["b"].type == T.INT32


def test_untyped_arguments_are_specialised_per_call_site():
    p = compile_("""
        twice(x) = x + x
        a = twice(1)
        b = twice(0x01)
        c = twice(Int32(1))
        d = twice(2)
        """)
    specs = sorted(str(f.argtypes[0]) for f in funcs(p, "twice"))
    assert specs == ["Int16", "Int32", "UInt8"]
    names = {f.name for f in funcs(p, "twice")}
    assert len(names) == 3 and all(n.startswith("twice__") for n in names)


def test_single_specialisation_keeps_plain_name():
    p = compile_("inc(x) = x + 1\ny = inc(1)")
    assert "inc" in p.functions


def test_most_specific_method_wins():
    p = compile_("""
        f(x::Integer) = 1
        f(x::Signed) = 2
        f(x::Int8) = 3
        a = f(Int8(1))
        b = f(Int16(1))
        c = f(0x01)
        d = f(true)
        """)
    ids = {}
    for f in funcs(p, "f"):
        ids[f.argtypes[0]] = f.body[0].value.value
    assert ids == {T.INT8: 3, T.INT16: 2, T.UINT8: 1, T.BOOL: 1}


def test_vector_parameters():
    p = compile_("""
        function total(v::Vector{UInt8})
            s = 0
            for x in v
                s += x
            end
            s
        end
        a = UInt8[1, 2, 3]
        b = zeros(UInt8, 5)
        t = total(a) + total(b)
        """)
    specs = funcs(p, "total")
    assert len(specs) == 2          # one per array length
    assert all(f.ret == T.INT16 for f in specs)


def test_no_method_error_lists_candidates():
    e = err("""
        f(x::Int16) = x
        f(x::Int32) = x
        f(0x01)
        """)
    assert e.message == "no method f(::UInt8); candidates: f(x::Int16); f(x::Int32)"
    assert (e.line, e.col) == (4, 1)


def test_ambiguous_method():
    e = err("""
        g(x::Int16, y) = 1
        g(x, y::Int16) = 2
        g(Int16(1), Int16(2))
        """)
    assert "is ambiguous" in e.message


def test_arity_mismatch():
    e = err("f(x) = x\nf(1, 2)")
    assert e.message.startswith("no method f(::Int16, ::Int16)")


def test_recursion_and_mutual_recursion():
    p = compile_("""
        fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2)
        iseven2(n) = n == 0 ? true : isodd2(n - 1)
        isodd2(n) = n == 0 ? false : iseven2(n - 1)
        a = fib(10)
        b = iseven2(10)
        """)
    (fib,) = funcs(p, "fib")
    assert fib.ret == T.INT16 and fib.recursive
    assert funcs(p, "iseven2")[0].ret == T.BOOL
    assert p.globals["b"].type == T.BOOL


def test_declared_return_type_converts():
    p = compile_("""
        function f(x::Int32)::Int16
            return x
        end
        y = f(Int32(5))
        """)
    (f,) = funcs(p, "f")
    r = f.body[0]
    assert isinstance(r.value, ir.Convert) and r.value.checked and r.value.type == T.INT16


def test_implicit_return_of_last_expression_and_if():
    p = compile_("""
        function sgn(x)
            if x > 0
                1
            elseif x < 0
                -1
            else
                0
            end
        end
        s = sgn(5)
        """)
    (f,) = funcs(p, "sgn")
    assert f.ret == T.INT16
    assert isinstance(f.body[0], ir.If)


def test_function_returning_nothing():
    p = compile_("""
        function blink()
            PORTB[] = 0x20
            delay_ms(100)
        end
        blink()
        """)
    (f,) = funcs(p, "blink")
    assert f.ret == T.NOTHING
    e = err("""
        function blink()
            delay_ms(100)
        end
        x = blink()
        """)
    assert "no value" in e.message


def test_mixed_return_types_only_rejected_when_used():
    compile_("""
        function f(x)
            if x > 0
                return 1
            end
            println("neg")
        end
        f(3)
        """)
    e = err("""
        function f(x)
            x > 0 && return 1
            return 0x00
        end
        y = f(3)
        """)
    assert "several possible types" in e.message


# ---------------------------------------------------------------- scopes and variables

def test_local_type_stability():
    e = err("""
        function f()
            y = 1
            y = 0x02
        end
        f()
        """)
    assert e.message.startswith("variable `y` is Int16 (first assigned at line 3) but is assigned a UInt8 here")
    assert (e.line, e.col) == (4, 5)
    assert "in f() called here" in e.format()


def test_annotated_local_converts():
    p = compile_("""
        function f()
            y::Int32 = 1
            y = 0x02
            y += 1
            y
        end
        z = f()
        """)
    (f,) = funcs(p, "f")
    assert f.ret == T.INT32
    assigns = [s for s in f.body if isinstance(s, ir.Assign)]
    assert all(a.value.type == T.INT32 for a in assigns)


def test_loop_body_is_a_new_scope():
    e = err("""
        function f()
            for i in 1:3
                k = i
            end
            k
        end
        f()
        """)
    assert e.message == "undefined variable `k`"


def test_outer_local_is_assigned_from_loop():
    p = compile_("""
        function f()
            s = 0
            for i in 1:3
                s += i
            end
            s
        end
        r = f()
        """)
    (f,) = funcs(p, "f")
    assert len([v for v in f.locals if v.name == "s"]) == 1


def test_local_hoisted_from_later_assignment():
    # x is assigned at function level later, so the loop assigns the function's x
    p = compile_("""
        function f()
            for i in 1:2
                x = i
            end
            x = 0
            x
        end
        r = f()
        """)
    (f,) = funcs(p, "f")
    assert [v.name for v in f.locals].count("x") == 1


def test_global_requires_declaration_in_function():
    p = compile_("""
        count = 0
        function bump()
            global count
            count += 1
        end
        bump()
        """)
    (f,) = funcs(p, "bump")
    assert any(isinstance(s, ir.GlobalSet) for s in f.body)
    # without `global`, the assignment creates a local (Julia's hard scope)
    p = compile_("""
        count = 0
        function bump()
            count = 5
            count
        end
        bump()
        """)
    (f,) = funcs(p, "bump")
    assert not any(isinstance(s, ir.GlobalSet) for s in f.body)


def test_global_type_is_fixed():
    e = err("""
        x = 0
        x = 0x01
        """)
    assert "global `x` is Int16" in e.message
    p = compile_("""
        x::UInt8 = 0
        x = 3
        """)
    assert p.globals["x"].type == T.UINT8


def test_top_level_loop_assignment_to_global_is_ambiguous():
    e = err("""
        n = 0
        for i in 1:3
            n += i
        end
        """)
    assert "ambiguous" in e.message and "global n" in e.message
    compile_("""
        n = 0
        for i in 1:3
            global n += i
        end
        """)


def test_const_folding_and_rebinding():
    p = compile_("const N = 3 * 4\nx = N + 1")
    assert p.globals["x"].init == 13
    e = err("const N = 3\nN = 4")
    assert "constant `N`" in e.message


def test_let_and_begin():
    p = compile_("""
        function f()
            let a = 1, b = a + 1
                begin
                    c = a + b
                end
                c
            end
        end
        r = f()
        """)
    assert funcs(p, "f")[0].ret == T.INT16


def test_chained_comparison_evaluates_middle_once():
    p = compile_("""
        f() = 3
        g(n) = 0 <= f() < n
        r = g(5)
        """)
    (g,) = funcs(p, "g")
    calls = [n for n in ir.walk_stmts(g.body) if isinstance(n, ir.Call)]
    assert len(calls) == 1


def test_arrays_and_bounds_checks():
    p = compile_("""
        xs = Int16[3, 1, 2]
        const T = UInt8[1, 2, 3]
        buf = zeros(UInt8, 4)
        function f(i)
            buf[i] = T[i]
            @inbounds buf[1] = 0x00
            xs[end]
        end
        r = f(2)
        """)
    assert p.arrays["T"].readonly and not p.arrays["buf"].readonly
    (f,) = funcs(p, "f")
    stores = [n for n in ir.walk_stmts(f.body) if isinstance(n, ir.ArrayStore)]
    assert [s.checked for s in stores] == [True, False]
    load = f.body[-1].value
    assert isinstance(load, ir.ArrayLoad) and isinstance(load.index, ir.Const) and load.index.value == 3


def test_registers():
    p = compile_("""
        DDRB[] = 0x20
        PORTB[] |= 0x20
        x = PINB[]
        PORTB[] = 1 << 5
        """)
    body = p.main.body
    assert isinstance(body[0], ir.RegWrite) and body[0].reg.address == 0x24
    assert isinstance(body[1].value, ir.BinOp) and isinstance(body[1].value.a, ir.RegRead)
    assert p.globals["x"].type == T.UINT8
    conv = body[3].value
    assert isinstance(conv, ir.Convert) and conv.checked and conv.type == T.UINT8


# ---------------------------------------------------------------- rejected programs: message, position, caret

@pytest.mark.parametrize("src,msg,line,col", [
    ("x = 1.5", "Float64 is not supported on this target", 1, 5),
    ("x = 1f0", "Float32 is not supported on this target", 1, 5),
    ("x = 3 / 4", "floating point is not supported on this target; use ÷", 1, 7),
    ("f(x::Float64) = x", "Float64 is not supported on this target", 1, 6),
    ("x::Int64 = 3", "Int64 is not supported on this target", 1, 4),
    ("y = 0x123456789", "UInt64 is not supported on this target", 1, 5),
    ("g = x -> x + 1", "closures (anonymous functions) are not supported", 1, 7),
    ("function f()\n  h(y) = y\nend", "closures are not supported", 2, 3),
    ("s = \"abc\"", "strings are only supported as print arguments", 1, 5),
    ("println(x)", "undefined variable `x`", 1, 9),
    ("println(foo(1))", "undefined function `foo`", 1, 9),
    ("x = sqrt(4)", "`sqrt` needs floating point", 1, 5),
    ("xs = Int16[1]\npush!(xs, 2)", "arrays have a fixed size", 2, 1),
    ("while 1\nend", "non-boolean (Int16) used in boolean context", 1, 7),
    ("x = !3", "`!` needs a Bool", 1, 5),
    ("break", "`break` outside a loop", 1, 1),
    ("return 1", "`return` outside a function", 1, 1),
    ("x = PORTB", "register `PORTB` must be accessed as `PORTB[]`", 1, 5),
    ("PORTB = 1", "cannot assign to register `PORTB`", 1, 1),
    ("x = 'a' == 97", "comparing Char with Int16 is not supported", 1, 9),
    ("x = (1, 2)", "tuples are not supported", 1, 5),
    ("x = 2^-1", "negative exponents", 1, 6),
    ("n = 3\nx = 2^n", "constant exponent", 2, 6),
    ("f(x) = x\ny = f", "functions cannot be used as values", 2, 5),
    ("function f()\n  b = zeros(UInt8, 4)\nend\nf()", "arrays can only be created at global scope", 2, 7),
    ("xs = zeros(3)", "creates a Float64 array", 1, 6),
    ("xs = Int16[1, 2]\ny = xs[1:2]", "slices", 2, 9),
    ("@time x = 1", "macro `@time` is not supported", 1, 1),
    ("using LinearAlgebra", "only `using MCU` is supported", 1, 1),
    ("println(g(1))\ng(x) = x", "`g` is called before its definition", 1, 9),
    ("const N = millis()", "must be computable at compile time", 1, 11),
    ("x = widen(Int32(1))", "Int64, which is not supported", 1, 5),
    ("x = 1 ? 2 : 3", "non-boolean (Int16) used in boolean context", 1, 5),
    ("x = true ? 1 : 0x01", "different types (Int16 and UInt8)", 1, 10),
    ("x = 1\ny = x::UInt8", "type assertion fails", 2, 6),
    ("f(x::Int16) = 1\nf(x::Int16) = 2", "defined twice", 2, 1),
    ("xs = Int16[1, 2]\nxs = Int16[3, 4]", "arrays cannot be rebound", 2, 1),
    ("x = Int8[300]", "InexactError", 1, 10),
    ("x = f(y=1)", "keyword arguments are not supported", 1, 7),
    ("x = 1 && true", "non-boolean (Int16) used in boolean context", 1, 5),
])
def test_rejected_programs(src, msg, line, col):
    e = err(src)
    assert msg in e.message, e.message
    assert (e.line, e.col) == (line, col), e.format()
    text = e.format()
    first, code, caret = text.splitlines()[:3]
    assert first == f"t.jl:{line}:{col}: error: {e.message}"
    assert caret.index("^") - 4 == col - 1
