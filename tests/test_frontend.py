"""Lexer and parser: AST shapes for every construct, syntax errors with positions,
junk input, and no PLY side effects in the working directory."""
import os
import subprocess
import sys
import textwrap

import pytest

from jlforth.errors import CompileError
from jlforth.frontend import ast, parse_source
from jlforth.frontend.lexer import tokenize

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def P(src):
    return parse_source(textwrap.dedent(src), "t.jl")


def stmt(src):
    body = P(src).body
    assert len(body) == 1, body
    return body[0]


def expr(src):
    s = stmt(src)
    assert isinstance(s, ast.ExprStmt), s
    return s.expr


def err(src):
    with pytest.raises(CompileError) as ei:
        parse_source(textwrap.dedent(src), "t.jl")
    return ei.value


def sexp(n):
    """Compact s-expression of an expression tree (for precedence tests)."""
    if isinstance(n, ast.BinOp):
        return f"({n.op} {sexp(n.left)} {sexp(n.right)})"
    if isinstance(n, ast.UnaryOp):
        return f"({n.op} {sexp(n.operand)})"
    if isinstance(n, ast.Compare):
        parts = [sexp(n.operands[0])]
        for op, o in zip(n.ops, n.operands[1:]):
            parts += [op, sexp(o)]
        return "(cmp " + " ".join(parts) + ")"
    if isinstance(n, ast.And):
        return f"(&& {sexp(n.left)} {sexp(n.right)})"
    if isinstance(n, ast.Or):
        return f"(|| {sexp(n.left)} {sexp(n.right)})"
    if isinstance(n, ast.Ternary):
        return f"(? {sexp(n.cond)} {sexp(n.then)} {sexp(n.orelse)})"
    if isinstance(n, ast.Range):
        return f"(: {sexp(n.start)} {sexp(n.step) + ' ' if n.step else ''}{sexp(n.stop)})"
    if isinstance(n, ast.Name):
        return n.id
    if isinstance(n, ast.IntLit):
        return str(n.value)
    if isinstance(n, ast.Call):
        return f"(call {sexp(n.func)} {' '.join(sexp(a) for a in n.args)})".replace(" )", ")")
    if isinstance(n, ast.Index):
        return f"(ref {sexp(n.obj)} {' '.join(sexp(a) for a in n.args)})".replace(" )", ")")
    if isinstance(n, ast.TypeAssert):
        return f"(:: {sexp(n.expr) if n.expr else ''} {sexp(n.type)})"
    return type(n).__name__


# ---------------------------------------------------------------- lexer

def test_integer_literal_types():
    def lit(text):
        (t, _nl) = tokenize(text)
        return t.value[:2]
    assert lit("0") == (0, "Int16")
    assert lit("32767") == (32767, "Int16")
    assert lit("32768") == (32768, "Int32")
    assert lit("1_000") == (1000, "Int16")
    assert lit("100000") == (100000, "Int32")
    assert lit("2147483647") == (2147483647, "Int32")
    assert lit("0x1f") == (31, "UInt8")
    assert lit("0x1") == (1, "UInt8")
    assert lit("0x01ff") == (511, "UInt16")
    assert lit("0x123") == (0x123, "UInt16")
    assert lit("0x0001") == (1, "UInt16")        # leading zeros count
    assert lit("0x0001ffff") == (0x1FFFF, "UInt32")
    assert lit("0x00000") == (0, "UInt32")
    assert lit("0b1010") == (10, "UInt8")
    assert lit("0b100000000") == (256, "UInt16")
    assert lit("0o377") == (255, "UInt8")
    assert lit("0o400") == (256, "UInt16")
    assert lit("0o077") == (63, "UInt8")
    assert lit("0xff_ff") == (0xFFFF, "UInt16")


@pytest.mark.parametrize("text,msg", [
    ("0x123456789", "UInt64 is not supported on this target"),
    ("0x00000000000000000", "UInt128"),
    ("3000000000", "Int64 is not supported on this target"),
    ("99999999999999999999", "Int128"),
    ("2x", "implicit multiplication"),
    ("0x1g", "invalid numeric literal"),
    ("1__0", "invalid numeric literal"),
    ("'ab'", "unterminated character literal"),
    ("''", "empty character literal"),
    ("'é'", "only ASCII"),
    ('"abc', "unterminated string literal"),
    ("#= abc", "unterminated block comment"),
])
def test_lexer_errors(text, msg):
    e = err(text)
    assert msg in e.message


def test_lexer_error_unexpected_backtick():
    e = err("a ` b")
    assert e.message == "unexpected character ```"
    assert (e.line, e.col) == (1, 3)


def test_char_and_escapes():
    assert expr("'a'").value == "a"
    assert expr("'\\n'").value == "\n"
    assert expr("'\\''").value == "'"
    assert expr("'\\x41'").value == "A"


def test_string_interpolation_parts():
    s = expr('"x = $x, next = $(x+1)\\n"')
    assert isinstance(s, ast.StrLit)
    kinds = [type(p).__name__ if not isinstance(p, str) else p for p in s.parts]
    assert kinds == ["x = ", "Name", ", next = ", "BinOp", "\n"]
    assert s.parts[1].loc.col == 7
    assert s.parts[3].left.loc.col == 19  # position of `x` inside $( )


def test_string_escaped_dollar_and_triple():
    assert expr('"cost \\$5"').parts == ["cost $5"]
    s = expr('"""\n    hello\n      world\n    """')
    assert s.parts == ["hello\n  world\n"]


def test_interpolation_error_position():
    e = err('println("v = $(1 +)")')
    assert e.line == 1 and e.col >= 16


def test_comments_and_continuation():
    m = P("""
        x = 1 + # comment
            2
        #= block
           comment =# y = 3
        z = (1 +
             2)
        """)
    assert [type(s).__name__ for s in m.body] == ["Assign", "Assign", "Assign"]
    assert sexp(m.body[0].value) == "(+ 1 2)"


def test_newline_ends_statement_before_unary():
    m = P("x = a\n- b\n")
    assert len(m.body) == 2


def test_unicode_operators():
    assert sexp(expr("a ÷ b")) == "(÷ a b)"
    assert sexp(expr("a ⊻ b")) == "(⊻ a b)"
    assert sexp(expr("a ≤ b")) == "(cmp a <= b)"
    assert sexp(expr("a ≠ b")) == "(cmp a != b)"
    assert sexp(expr("a ≥ b")) == "(cmp a >= b)"
    f = stmt("for i ∈ 1:3\nend")
    assert isinstance(f, ast.For)


# ---------------------------------------------------------------- precedence

@pytest.mark.parametrize("src,tree", [
    ("1 + 2 * 3", "(+ 1 (* 2 3))"),
    ("1 + 2 << 3", "(+ 1 (<< 2 3))"),          # Julia: bitshift binds tighter than +
    ("a * b << c", "(* a (<< b c))"),
    ("a & b | c", "(| (& a b) c)"),             # & is a times-level operator, | plus-level
    ("a | b & c", "(| a (& b c))"),
    ("a ⊻ b & c", "(⊻ a (& b c))"),
    ("-2^2", "(- (^ 2 2))"),
    ("-x * y", "(* (- x) y)"),
    ("2^3^2", "(^ 2 (^ 3 2))"),
    ("!a && b || c", "(|| (&& (! a) b) c)"),
    ("a || b && c", "(|| a (&& b c))"),
    ("a < b == c", "(cmp a < b == c)"),
    ("0 <= x < n", "(cmp 0 <= x < n)"),
    ("(a < b) < c", "(cmp (cmp a < b) < c)"),
    ("1:n-1", "(: 1 (- n 1))"),
    ("1:2:10", "(: 1 2 10)"),
    ("10:-1:1", "(: 10 (- 1) 1)"),
    ("a ? b : c ? d : e", "(? a b (? c d e))"),
    ("x > 0 ? x : -x", "(? (cmp x > 0) x (- x))"),
    ("a % b * c", "(* (% a b) c)"),
    ("~a & b", "(& (~ a) b)"),
    ("f(x)[2]", "(ref (call f x) 2)"),
    ("x::Int32 + 1", "(+ (:: x Int32) 1)"),
    ("a - b - c", "(- (- a b) c)"),
    ("a >>> 2 >> 1", "(>> (>>> a 2) 1)"),
])
def test_precedence(src, tree):
    assert sexp(expr(src)) == tree


# ---------------------------------------------------------------- statements

def test_function_long_form():
    f = stmt("""
        function area(a::Int16, b::Int16)::Int16
            return a * b
        end
        """)
    assert isinstance(f, ast.FunctionDef) and not f.short
    assert f.name == "area"
    assert [(p.name, p.type.id) for p in f.params] == [("a", "Int16"), ("b", "Int16")]
    assert f.ret_type.id == "Int16"
    assert isinstance(f.body[0], ast.Return)
    assert (f.loc.line, f.loc.col) == (2, 10)


def test_function_one_line_and_untyped():
    f = stmt("function g(x, y) x + y end")
    assert [p.name for p in f.params] == ["x", "y"] and f.params[0].type is None
    f = stmt("function h() end")
    assert f.params == [] and f.body == []


def test_short_function():
    f = stmt("sq(x) = x * x")
    assert isinstance(f, ast.FunctionDef) and f.short
    assert isinstance(f.body[0], ast.ExprStmt)
    f = stmt("f(x::UInt8)::UInt8 = x")
    assert f.ret_type.id == "UInt8" and f.params[0].type.id == "UInt8"
    f = stmt("f(::Int16) = 1")
    assert f.params[0].name is None


def test_macro_forms():
    m = stmt("@inline f(x) = x + 1")
    assert isinstance(m, ast.MacroStmt) and m.name == "inline" and isinstance(m.body, ast.FunctionDef)
    m = stmt("@inbounds for i in 1:3\n xs[i] = 0\nend")
    assert m.name == "inbounds" and isinstance(m.body, ast.For)
    m = stmt('@forth "dup drop"')
    assert m.name == "forth" and isinstance(m.body.expr, ast.StrLit)
    a = stmt("y = @inbounds xs[i]")
    assert isinstance(a.value, ast.MacroCall) and a.value.name == "inbounds"
    c = expr('@forth(Int16, "swap -", a, b)')
    assert isinstance(c, ast.MacroCall) and len(c.args) == 4


def test_if_elseif_else():
    s = stmt("""
        if a
            x = 1
        elseif b
            x = 2
        elseif c
        else
            x = 3
        end
        """)
    assert isinstance(s, ast.If)
    assert len(s.branches) == 3
    assert s.branches[2][1] == []
    assert len(s.orelse) == 1


def test_if_one_line():
    s = stmt("if x > 0 y = 1 end")
    assert isinstance(s, ast.If) and isinstance(s.branches[0][1][0], ast.Assign)


def test_loops():
    w = stmt("while i < 10\n i += 1\n end")
    assert isinstance(w, ast.While) and isinstance(w.body[0], ast.OpAssign)
    f = stmt("for i = 10:-1:1\n continue\n end")
    assert isinstance(f, ast.For) and f.iter.step is not None and isinstance(f.body[0], ast.Continue)
    f = stmt("for x in xs\n break\n end")
    assert isinstance(f.iter, ast.Name) and isinstance(f.body[0], ast.Break)


def test_compound_assignments():
    for op in ["+", "-", "*", "÷", "%", "&", "|", "⊻", "<<", ">>", ">>>", "^"]:
        s = stmt(f"x {op}= 2")
        assert isinstance(s, ast.OpAssign) and s.op == op


def test_chained_assignment():
    s = stmt("a = b = 0")
    assert isinstance(s, ast.Assign) and [t.id for t in s.targets] == ["a", "b"]


def test_global_local_const():
    assert isinstance(stmt("global x"), ast.Global)
    assert [n.id for n in stmt("global x, y").names] == ["x", "y"]
    s = stmt("global x = 3")
    assert isinstance(s, ast.Assign) and s.decl == "global"
    s = stmt("const N = 3")
    assert s.decl == "const"
    s = stmt("local y::Int32 = 5")
    assert s.decl == "local" and isinstance(s.targets[0], ast.TypeAssert)


def test_begin_let():
    b = stmt("begin\n x = 1\n y = 2\nend")
    assert isinstance(b, ast.Block) and len(b.body) == 2
    l = stmt("let a = 1, b\n a + 1\nend")
    assert isinstance(l, ast.Let) and len(l.bindings) == 2 and l.bindings[1].value is None
    l = stmt("let\n a = 1\nend")
    assert l.bindings == [] and len(l.body) == 1


def test_short_circuit_flow():
    s = stmt("x > 3 && break")
    assert isinstance(s, ast.ShortCircuitStmt) and isinstance(s.flow, ast.Break)
    s = stmt("x > 3 || return 0")
    assert s.op == "||" and isinstance(s.flow, ast.Return)


def test_arrays_registers():
    a = stmt("xs = Int16[3, 1, 2]")
    assert isinstance(a.value, ast.Index) and a.value.obj.id == "Int16"
    a = stmt("buf = zeros(UInt8, 32)")
    assert isinstance(a.value, ast.Call)
    a = stmt("DDRB[] = 0x20")
    assert isinstance(a.targets[0], ast.Index) and a.targets[0].args == []
    a = stmt("x = xs[end]")
    assert isinstance(a.value.args[0], ast.EndIndex)
    a = stmt("v = [1, 2, 3,]")
    assert isinstance(a.value, ast.VectorLit) and len(a.value.elts) == 3
    t = stmt("f(x::Vector{UInt8}) = x[1]")
    assert isinstance(t.params[0].type, ast.Curly)


def test_using():
    assert stmt("using MCU").module == "MCU"


def test_statements_separated_by_semicolons():
    m = P("a = 1; b = 2;; c = 3")
    assert len(m.body) == 3


def test_ast_dump():
    text = ast.dump(P("f(x) = x + 1"))
    assert "FunctionDef(name='f'" in text and "BinOp(op='+')" in text and "@1:" in text


# ---------------------------------------------------------------- syntax errors with positions

@pytest.mark.parametrize("src,msg,line,col", [
    ("x = (1 + 2", "unclosed `(`", 1, 5),
    ("x = [1, 2)", "`)` does not match `[`", 1, 10),
    ("if x\n  y = 1\n", "unexpected end of input", 3, 1),
    ("x = 1 +\n", "unexpected end of input", 2, 1),
    ("f (x)", "syntax error: unexpected `(`", 1, 3),
    ("x = = 2", "syntax error: unexpected `=`", 1, 5),
    ("end", "unexpected `end`", 1, 1),
    ("x = [1 -2]", "matrix literals", 1, 8),
    ("y = x'", "adjoint", 1, 6),
    ("x = :a", "symbols", 1, 5),
    ("x .+= 1", "broadcasting", 1, 3),
    ("a === b", "`===` is not supported", 1, 3),
    ("p = 1 => 2", "pairs", 1, 7),
    ("try\nend", "exceptions (try/catch) are not supported", 1, 1),
    ("struct P\n x::Int16\nend", "structs are not supported", 1, 1),
    ("module M end", "modules are not supported", 1, 1),
    ("function f(x; y = 1) end", "keyword arguments", 1, 13),
    ("f(x, y = 1) = x", "default argument", 1, 6),
    ("f(xs...) = 1", "varargs", 1, 5),
    ("for i in 1:3, j in 1:3\nend", "nest the loops", 1, 13),
    ("x = (y = 2)", "assignment inside an expression", 1, 8),
    ("x = 1 //2", "rational", 1, 7),
    ("f(1) = 2", "invalid function parameter", 1, 3),
    ("x = \"a $ b\"", "`$` in a string", 1, 8),
    ("x = {1}", "braces", 1, 5),
    ("function f(x) where T\nend", "`where` clauses", 1, 15),
    ("xs .= 0", "broadcasting", 1, 4),
])
def test_syntax_errors(src, msg, line, col):
    e = err(src)
    assert msg in e.message, e.message
    assert (e.line, e.col) == (line, col), e.format()
    assert e.file == "t.jl"


def test_error_format_has_caret():
    e = err("x = 1\ny = (2 +\n")
    text = e.format()
    lines = text.splitlines()
    assert lines[0].startswith("t.jl:")
    assert ": error: " in lines[0]
    assert "^" in lines[-1]


def test_caret_alignment():
    with pytest.raises(CompileError) as ei:
        parse_source("    z = 2x", "t.jl")
    e = ei.value
    lines = e.format().splitlines()
    assert lines[1] == "        z = 2x"
    assert lines[2] == "            ^"


def test_deep_nesting_is_located_error():
    for src in ["(" * 5000 + "1" + ")" * 5000, "x = " + "-" * 5000 + "y",
                "x = " + " + ".join(["1"] * 3000), "[" * 3000, "f(" * 2000 + ")" * 2000,
                "if a\n" * 400 + "end\n" * 400,
                'x = "$(' * 60 + "1" + ')"' * 60]:
        e = err(src)
        assert e.message == "expression nested too deeply", e.message
        assert e.line >= 1 and e.col >= 1


def test_binary_junk_and_bytes():
    e = err("\x00\x01\x02")
    assert "unexpected character U+0000" in e.message
    with pytest.raises(CompileError) as ei:
        parse_source(b"x = 1\n\xff\xfe", "b.jl")
    assert ei.value.message == "source is not valid UTF-8" and ei.value.line == 2
    assert parse_source(b"x = 1\n", "b.jl").body


def test_no_cwd_pollution_and_no_output(tmp_path):
    """Parsing in a fresh interpreter with a fresh cache directory writes nothing to
    the cwd and prints nothing, both on the first (table-building) run and later."""
    cache = tmp_path / "cache"
    work = tmp_path / "work"
    work.mkdir()
    code = ("import sys; sys.path.insert(0, %r)\n"
            "import jlforth.frontend.parser as P\n"
            "P._cache_candidates = lambda: iter([%r])\n"
            "from jlforth.frontend import parse_source\n"
            "parse_source('x = 1\\nf(x) = x + 1\\n')\n") % (REPO, str(cache / "tab.pickle"))
    for _ in range(2):
        r = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert r.stdout == "" and r.stderr == ""
        assert os.listdir(work) == []
    assert os.path.exists(cache / "tab.pickle")


def test_unwritable_cache_falls_back(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    code = ("import sys; sys.path.insert(0, %r)\n"
            "import jlforth.frontend.parser as P\n"
            "P._cache_candidates = lambda: iter(['/proc/nonexistent/dir/tab.pickle'])\n"
            "from jlforth.frontend import parse_source\n"
            "print(len(parse_source('x = 1').body))\n") % (REPO,)
    r = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == "1\n" and r.stderr == ""
    assert os.listdir(work) == []


def test_default_run_from_temp_cwd(tmp_path):
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from jlforth.frontend import parse_source\n"
            "parse_source('x = 1')\n") % (REPO,)
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    assert os.listdir(tmp_path) == []
