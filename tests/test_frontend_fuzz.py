"""Junk never produces a Python traceback: the front end either succeeds or raises
CompileError with a position (and never an "internal compiler error")."""
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jlforth.errors import CompileError
from jlforth.frontend import frontend

TOKENS = ["x", "y", "f", "g", "xs", "PORTB", "Int16", "UInt8", "Int32", "Bool", "Char",
          "1", "0x1f", "300", "-", "+", "*", "÷", "%", "<<", ">>", ">>>", "&", "|", "⊻", "~", "!",
          "==", "<", "<=", "&&", "||", "?", ":", "::", "=", "+=", "(", ")", "[", "]", "{", "}", ",",
          ";", "\n", " ", "if", "elseif", "else", "end", "while", "for", "in", "function", "return",
          "break", "continue", "global", "const", "let", "begin", "true", "false", "'a'", '"s $x"',
          "println", "print", "zeros", "length", "@inbounds", "@inline", "@forth", "abs", "min", "div",
          "typemax", "1:3", "end", "nothing", "millis()", "delay_ms", "#", "\"", "'", "$", "x[]"]


def check(src):
    try:
        frontend(src, "fuzz.jl")
    except CompileError as e:
        assert e.line >= 0 and e.col >= 0
        assert "internal compiler error" not in e.message, e.format()
        e.format()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200))
def test_random_bytes(data):
    try:
        frontend(data, "fuzz.jl")
    except CompileError as e:
        assert "internal compiler error" not in e.message, e.format()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=string.printable + "÷⊻≤≥≠∈é\x00", max_size=120))
def test_random_text(src):
    check(src)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_token_soup(toks):
    check(" ".join(toks))


PROGRAM_PIECES = [
    "x = 1", "x += 2", "y = x * 3", "const N = 4", "xs = Int16[1, 2, 3]", "buf = zeros(UInt8, 4)",
    "f(a) = a + 1", "g(a::Int16)::Int16 = a ÷ 2", "println(f(x))", "print(\"v=$x\")",
    "for i in 1:N\n  xs[1] += i\nend", "while x < 10\n  global x += 1\nend",
    "if x > 2\n  println(x)\nelse\n  println(-x)\nend", "PORTB[] |= 0x20", "z = PINB[]",
    "function h(a, b)\n  a > b ? a : b\nend", "println(h(1, 2))", "println(h(0x01, 0x02))",
    "k = Int8(x)", "println(x % UInt8)", "@inline q(a) = a << 1", "println(q(Int32(3)))",
    "r(n) = n < 1 ? 0 : r(n - 1) + 1", "println(r(3))", "let a = 2\n  println(a)\nend",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PROGRAM_PIECES), max_size=12))
def test_program_soup(pieces):
    check("using MCU\n" + "\n".join(pieces) + "\n")
