"""An exact Python model of Julia's integer semantics on the subset's types.

Values are Python ints holding the mathematical value (always inside the
type's range); Bool is 0/1 and Char its code. Every function takes and
returns ``(value, type)`` pairs so mixed-type rules can be followed exactly.

The definitions transcribe Julia's Base (int.jl, div.jl, intfuncs.jl,
bool.jl, promotion.jl):

* ``+ - * & | xor`` promote with *wrapping* conversion (``a % T``) and wrap;
* comparisons are mathematical, also between signed and unsigned;
* ``div rem`` throw ``DivideError`` for a zero divisor and ``div`` also for
  ``typemin ÷ -1``; ``rem(typemin, -1) == 0``; ``mod(x, -1) == 0``;
  mixed signed/unsigned division uses Julia's dedicated methods (whose result
  types differ from plain promotion: ``Int16(-7) ÷ UInt16(2) === Int16(-3)``);
* shifts take any integer count: counts ≥ the bit width give 0 (or -1 for
  ``>>`` of a negative value), negative counts shift the other way; the result
  has the type of the shifted value;
* ``T(x)`` / ``convert`` throw ``InexactError`` when the value does not fit;
  ``x % T`` wraps;
* ``min``/``max`` promote with checked conversion; ``clamp`` follows
  ``(x > hi) ? T(hi) : (x < lo) ? T(lo) : T(x)``.

Errors are raised as :class:`JuliaError` with Julia's exception name.
"""
from __future__ import annotations

from typing import Tuple

from .types import (BOOL, CHAR, INT16, IntType, JType, promote_type, signed_of,
                    unsigned_of)

V = Tuple[int, JType]

DEFAULT_INT = INT16  # Julia's `Int` on a 16-bit target


class JuliaError(Exception):
    """A Julia run-time exception (``kind`` is e.g. 'InexactError', 'DivideError')."""

    def __init__(self, kind: str, detail: str = ""):
        self.kind = kind
        self.detail = detail
        super().__init__(f"{kind}{': ' + detail if detail else ''}")


# ---------------------------------------------------------------- representation

def wrap(v: int, t: JType) -> int:
    """Reduce a mathematical integer to ``t`` (two's complement wrap-around)."""
    if t is BOOL:
        return v & 1
    bits = t.bits
    v &= (1 << bits) - 1
    if getattr(t, "signed", False) and v >= (1 << (bits - 1)):
        v -= 1 << bits
    return v


def fits(v: int, t: JType) -> bool:
    return t.min <= v <= t.max


def check_value(v: int, t: JType) -> int:
    if not fits(v, t):
        raise ValueError(f"{v} is not a {t}")
    return v


def convert(x: V, t: JType) -> V:
    """``T(x)`` / ``convert(T, x)``: exact or InexactError (Char: ASCII on this target)."""
    v, _ = x
    if not fits(v, t):
        raise JuliaError("InexactError", f"{t}({v})")
    return (v, t)


def rem_type(x: V, t: JType) -> V:
    """``x % T`` for an integer type T: wrap-around; ``x % Bool`` is ``isodd(x)``."""
    v, _ = x
    return (wrap(v, t), t)


def reinterpret(x: V, t: IntType) -> V:
    return (wrap(x[0], t), t)


def _u(x: V) -> V:        # unsigned(x) for a BitInteger: reinterpret
    return reinterpret(x, unsigned_of(x[1]))


def _s(x: V) -> V:        # signed(x)
    return reinterpret(x, signed_of(x[1]))


def _to_common(a: V, b: V, checked: bool = False) -> Tuple[V, V, JType]:
    t = promote_type(a[1], b[1])
    if checked:
        return convert(a, t), convert(b, t), t
    return (wrap(a[0], t), t), (wrap(b[0], t), t), t


# ---------------------------------------------------------------- arithmetic and bitwise

def _bool_arith_type(a: V, b: V):
    """Julia: Bool + Bool and Bool - Bool are Int."""
    return a[1] is BOOL and b[1] is BOOL


def add(a: V, b: V) -> V:
    if _bool_arith_type(a, b):
        return (wrap(a[0] + b[0], DEFAULT_INT), DEFAULT_INT)
    a, b, t = _to_common(a, b)
    return (wrap(a[0] + b[0], t), t)


def sub(a: V, b: V) -> V:
    if _bool_arith_type(a, b):
        return (wrap(a[0] - b[0], DEFAULT_INT), DEFAULT_INT)
    a, b, t = _to_common(a, b)
    return (wrap(a[0] - b[0], t), t)


def mul(a: V, b: V) -> V:
    if _bool_arith_type(a, b):
        return (a[0] & b[0], BOOL)      # Bool * Bool = x & y
    a, b, t = _to_common(a, b)
    return (wrap(a[0] * b[0], t), t)


def band(a: V, b: V) -> V:
    a, b, t = _to_common(a, b)
    return (wrap(a[0] & b[0], t), t)


def bor(a: V, b: V) -> V:
    a, b, t = _to_common(a, b)
    return (wrap(a[0] | b[0], t), t)


def bxor(a: V, b: V) -> V:
    a, b, t = _to_common(a, b)
    return (wrap(a[0] ^ b[0], t), t)


def neg(a: V) -> V:
    v, t = a
    if t is BOOL:
        return (-v, DEFAULT_INT)
    return (wrap(-v, t), t)


def pos(a: V) -> V:
    v, t = a
    if t is BOOL:
        return (v, DEFAULT_INT)
    return a


def bnot(a: V) -> V:
    v, t = a
    if t is BOOL:
        return (1 - v, BOOL)
    return (wrap(~v, t), t)


def lnot(a: V) -> V:
    """``!x`` (Bool only)."""
    return (1 - a[0], BOOL)


def power(a: V, n: int) -> V:
    """``x ^ n`` for a non-negative integer n: the type of x, wrapping
    (``^(x::Bool, n) = x | n == 0``)."""
    v, t = a
    if n < 0:
        if v in (1, -1):
            return (v if n % 2 else wrap(1, t), t)
        raise JuliaError("DomainError", f"{v}^{n}")
    if t is BOOL:
        return (1 if n == 0 else v, BOOL)
    return (wrap(pow(v, n, 1 << t.bits), t), t)


# ---------------------------------------------------------------- division family

def _trunc_div(x: int, y: int) -> int:
    q = abs(x) // abs(y)
    return q if (x < 0) == (y < 0) else -q


def _same_div(x: V, y: V) -> V:
    t = x[1]
    if y[0] == 0:
        raise JuliaError("DivideError")
    if t.signed and x[0] == t.min and y[0] == -1:
        raise JuliaError("DivideError")
    return (_trunc_div(x[0], y[0]), t)


def _same_rem(x: V, y: V) -> V:
    t = x[1]
    if y[0] == 0:
        raise JuliaError("DivideError")
    if t.signed and y[0] == -1:
        return (0, t)
    return (x[0] - _trunc_div(x[0], y[0]) * y[0], t)


def _same_fld(x: V, y: V) -> V:
    _same_div(x, y)              # raises like div
    return (x[0] // y[0], x[1])  # exact floor; fits whenever div did


def _same_cld(x: V, y: V) -> V:
    _same_div(x, y)
    return (-((-x[0]) // y[0]), x[1])


def _same_mod(x: V, y: V) -> V:
    t = x[1]
    if t.signed and y[0] == -1:
        return (0, t)
    if y[0] == 0:
        raise JuliaError("DivideError")
    return (x[0] - (x[0] // y[0]) * y[0], t)


def _flipsign(x: V, y: V) -> V:
    """flipsign(x, y) for signed x: -x if y < 0 (wrapping), in x's type."""
    v, t = x
    return (wrap(-v, t) if y[0] < 0 else v, t)


def _abs(x: V) -> V:
    v, t = x
    if t.signed and v < 0:
        return (wrap(-v, t), t)
    return x


def _prepare_div(x: V, y: V, name: str):
    """Return ('same', x, y) after promotion for same-signedness pairs, or ('su'|'us', x, y)."""
    tx, ty = x[1], y[1]
    if tx is BOOL and ty is BOOL:
        raise TypeError(f"{name}(::Bool, ::Bool) is not supported on this target")
    if tx is BOOL or ty is BOOL or tx.signed == ty.signed:
        x, y, _ = _to_common(x, y, checked=True)   # lossless here
        return "same", x, y
    return ("su" if tx.signed else "us"), x, y


def div(x: V, y: V) -> V:
    kind, x, y = _prepare_div(x, y, "div")
    if kind == "same":
        return _same_div(x, y)
    if kind == "su":
        # div(x::BitSigned, y::Unsigned) = flipsign(signed(div(unsigned(abs(x)), y)), x)
        q = div(_u(_abs(x)), y)
        return _flipsign(_s(q), x)
    # div(x::Unsigned, y::BitSigned) = unsigned(flipsign(signed(div(x, unsigned(abs(y)))), y))
    q = div(x, _u(_abs(y)))
    return _u(_flipsign(_s(q), y))


def rem(x: V, y: V) -> V:
    kind, x, y = _prepare_div(x, y, "rem")
    if kind == "same":
        return _same_rem(x, y)
    if kind == "su":
        # rem(x::BitSigned, y::Unsigned) = flipsign(signed(rem(unsigned(abs(x)), y)), x)
        r = rem(_u(_abs(x)), y)
        return _flipsign(_s(r), x)
    # rem(x::Unsigned, y::BitSigned) = rem(x, unsigned(abs(y)))
    return rem(x, _u(_abs(y)))


def mod(x: V, y: V) -> V:
    kind, x, y = _prepare_div(x, y, "mod")
    if kind == "same":
        return _same_mod(x, y)
    if kind == "su":
        # mod(x::BitSigned, y::Unsigned) = rem(y + unsigned(rem(x, y)), y)
        return rem(add(y, _u(rem(x, y))), y)
    # mod(x::Unsigned, y::Signed) = rem(y + signed(rem(x, y)), y)
    return rem(add(y, _s(rem(x, y))), y)


def _divrem_mixed(x: V, y: V):
    q = div(x, y)
    r = sub(x, mul(q, y))
    return q, r


def fld(x: V, y: V) -> V:
    kind, x, y = _prepare_div(x, y, "fld")
    if kind == "same":
        return _same_fld(x, y)
    q, r = _divrem_mixed(x, y)
    neg_side = x if kind == "su" else y          # signbit(x) resp. signbit(y)
    bit = 1 if (neg_side[0] < 0 and r[0] != 0) else 0
    return sub(q, (bit, BOOL))


def cld(x: V, y: V) -> V:
    kind, x, y = _prepare_div(x, y, "cld")
    if kind == "same":
        return _same_cld(x, y)
    q, r = _divrem_mixed(x, y)
    pos_side = x if kind == "su" else y          # !signbit(x) resp. !signbit(y)
    bit = 1 if (pos_side[0] >= 0 and r[0] != 0) else 0
    return add(q, (bit, BOOL))


# ---------------------------------------------------------------- shifts

def _shift_count(c: V) -> int:
    return c[0]


def shl(x: V, c: V) -> V:
    v, t = x
    n = _shift_count(c)
    if n < 0:
        return _shr_raw(x, -n)
    return (0 if n >= t.bits else wrap(v << n, t), t)


def _shr_raw(x: V, n: int) -> V:
    v, t = x
    if n >= t.bits:
        return ((-1 if v < 0 else 0), t)
    return (v >> n, t)           # Python's >> is arithmetic on the mathematical value


def _lshr_raw(x: V, n: int) -> V:
    v, t = x
    if n >= t.bits:
        return (0, t)
    u = v & ((1 << t.bits) - 1)
    return (wrap(u >> n, t), t)


def shr(x: V, c: V) -> V:
    n = _shift_count(c)
    if n < 0:
        return shl(x, (-n, INT16 if -n <= 32767 else c[1]))
    return _shr_raw(x, n)


def lshr(x: V, c: V) -> V:
    n = _shift_count(c)
    if n < 0:
        return shl(x, (-n, INT16 if -n <= 32767 else c[1]))
    return _lshr_raw(x, n)


# ---------------------------------------------------------------- comparisons (mathematical)

def compare(op: str, a: V, b: V) -> V:
    x, y = a[0], b[0]
    r = {"==": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]
    return (int(r), BOOL)


# ---------------------------------------------------------------- intfuncs

def abs_(x: V) -> V:
    if x[1] is BOOL:
        return x
    return _abs(x)


def sign(x: V) -> V:
    v, t = x
    if t is BOOL:
        return x
    return ((v > 0) - (v < 0), t)


def max_(a: V, b: V) -> V:
    a, b, t = _to_common(a, b, checked=True)
    return a if b[0] < a[0] else b


def min_(a: V, b: V) -> V:
    a, b, t = _to_common(a, b, checked=True)
    return b if b[0] < a[0] else a


def clamp(x: V, lo: V, hi: V) -> V:
    t = promote_type(promote_type(x[1], lo[1]), hi[1])
    if x[0] > hi[0]:
        return convert(hi, t)
    if x[0] < lo[0]:
        return convert(lo, t)
    return convert(x, t)


def widen_(x: V) -> V:
    from .types import widen
    t = widen(x[1])
    if t is None:
        raise TypeError(f"widen({x[1]}) would be a 64-bit type, not supported on this target")
    return (x[0], t)


def iseven(x: V) -> V:
    return (int(x[0] % 2 == 0), BOOL)


def isodd(x: V) -> V:
    return (int(x[0] % 2 != 0), BOOL)


BINOPS = {
    "+": add, "-": sub, "*": mul, "&": band, "|": bor, "⊻": bxor, "xor": bxor,
    "÷": div, "div": div, "%": rem, "rem": rem, "mod": mod, "fld": fld, "cld": cld,
    "<<": shl, ">>": shr, ">>>": lshr,
}


def binop(op: str, a: V, b: V) -> V:
    """Apply a Julia binary operator by its source spelling."""
    if op in ("==", "!=", "<", "<=", ">", ">="):
        return compare(op, a, b)
    if op == "^":
        return power(a, b[0])
    return BINOPS[op](a, b)


def result_type(op: str, ta: JType, tb: JType) -> JType:
    """The static result type of ``a op b`` (computed by evaluating on sample values)."""
    sample_a = (1, ta)
    sample_b = (1, tb)
    return binop(op, sample_a, sample_b)[1]


def char_add(c: V, n: V) -> V:
    """``Char + Integer``: a Char (restricted to ASCII on this target)."""
    v = c[0] + n[0]
    if not 0 <= v <= 127:
        raise JuliaError("InexactError", f"Char({v}) outside ASCII")
    return (v, CHAR)
