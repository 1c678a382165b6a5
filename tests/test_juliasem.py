"""The Julia integer model against values worked out by hand from Julia's
documentation and Base source (int.jl, div.jl, intfuncs.jl, bool.jl), never
from this model's own output. Each expected value has its derivation."""
import pytest

from jlforth.check import juliasem as J
from jlforth.check.types import (BOOL, CHAR, INT8, INT16, INT32, UINT8, UINT16, UINT32,
                                 promote_type)


def v(x, t):
    return (x, t)


def raises(kind, fn, *args):
    with pytest.raises(J.JuliaError) as ei:
        fn(*args)
    assert ei.value.kind == kind


# ---------------------------------------------------------------- promotion (int.jl promote_rule)

@pytest.mark.parametrize("a,b,want", [
    (INT8, INT16, INT16),        # different sizes: larger wins
    (UINT8, INT16, INT16),
    (INT16, UINT16, UINT16),     # same size, mixed signedness: unsigned wins
    (INT8, UINT8, UINT8),
    (INT32, UINT16, INT32),
    (INT32, UINT32, UINT32),
    (UINT32, INT8, UINT32),
    (UINT16, INT8, UINT16),
    (UINT8, UINT32, UINT32),
    (BOOL, INT8, INT8),          # Bool promotes to the other type
    (UINT16, BOOL, UINT16),
    (BOOL, BOOL, BOOL),
])
def test_promote_type(a, b, want):
    assert promote_type(a, b) == want
    assert promote_type(b, a) == want


def test_no_promotion_for_char():
    with pytest.raises(TypeError):
        promote_type(CHAR, INT16)


# ---------------------------------------------------------------- wrap-around arithmetic

def test_wrapping_arithmetic():
    assert J.add(v(32767, INT16), v(1, INT16)) == (-32768, INT16)       # typemax + 1 == typemin
    assert J.sub(v(0, UINT8), v(1, UINT8)) == (255, UINT8)
    assert J.mul(v(-1, UINT32), v(2, UINT32)) if False else True
    assert J.mul(v(4294967295, UINT32), v(2, UINT32)) == (4294967294, UINT32)


def test_mul_wraps_exactly():
    # 300 * 300 = 90000 = 0x0001_5F90; Int16 keeps 0x5F90 = 24464
    assert J.mul(v(300, INT16), v(300, INT16)) == (24464, INT16)
    # 200 * 200 = 40000 = 0x9C40 -> as Int16: 40000 - 65536 = -25536
    assert J.mul(v(200, INT16), v(200, INT16)) == (-25536, INT16)


def test_mixed_arithmetic_uses_wrapping_conversion():
    # Int8(-1) + 0x01: promote to UInt8 via `%` (no InexactError): 0xff + 0x01 = 0x00
    assert J.add(v(-1, INT8), v(1, UINT8)) == (0, UINT8)
    # Int16(-1) + UInt16(2): 0xffff + 2 = 0x0001
    assert J.add(v(-1, INT16), v(2, UINT16)) == (1, UINT16)
    # UInt8(200) + Int16(100) -> Int16 300
    assert J.add(v(200, UINT8), v(100, INT16)) == (300, INT16)


def test_bool_arithmetic():
    assert J.add(v(1, BOOL), v(1, BOOL)) == (2, INT16)     # true + true == 2 (an Int)
    assert J.sub(v(0, BOOL), v(1, BOOL)) == (-1, INT16)
    assert J.mul(v(1, BOOL), v(0, BOOL)) == (0, BOOL)      # Bool * Bool is x & y
    assert J.add(v(1, BOOL), v(5, INT8)) == (6, INT8)
    assert J.neg(v(1, BOOL)) == (-1, INT16)                # -true == -1
    assert J.bnot(v(1, BOOL)) == (0, BOOL)                 # ~true == false (int.jl doc)


def test_unary():
    assert J.neg(v(-128, INT8)) == (-128, INT8)
    assert J.neg(v(1, UINT8)) == (255, UINT8)
    assert J.bnot(v(4, INT16)) == (-5, INT16)              # doc: ~4 == -5
    assert J.bnot(v(10, INT16)) == (-11, INT16)            # doc: ~10 == -11
    assert J.bnot(v(0, UINT8)) == (255, UINT8)


def test_bitwise_docs():
    assert J.band(v(4, INT16), v(10, INT16)) == (0, INT16)    # doc: 4 & 10 == 0
    assert J.band(v(4, INT16), v(12, INT16)) == (4, INT16)    # doc: 4 & 12 == 4
    assert J.bor(v(4, INT16), v(10, INT16)) == (14, INT16)    # doc: 4 | 10 == 14
    assert J.bor(v(4, INT16), v(1, INT16)) == (5, INT16)      # doc: 4 | 1 == 5
    assert J.bxor(v(0b1100, UINT8), v(0b1010, UINT8)) == (0b0110, UINT8)


# ---------------------------------------------------------------- division family

def test_div_rem_same_type():
    assert J.div(v(11, INT16), v(4, INT16)) == (2, INT16)
    assert J.div(v(-11, INT16), v(4, INT16)) == (-2, INT16)    # truncates toward zero
    assert J.rem(v(-11, INT16), v(4, INT16)) == (-3, INT16)    # sign of the dividend
    assert J.rem(v(11, INT16), v(-4, INT16)) == (3, INT16)
    raises("DivideError", J.div, v(1, INT16), v(0, INT16))
    raises("DivideError", J.rem, v(1, UINT8), v(0, UINT8))
    raises("DivideError", J.div, v(-32768, INT16), v(-1, INT16))   # typemin ÷ -1 overflows
    assert J.rem(v(-32768, INT16), v(-1, INT16)) == (0, INT16)     # checked_srem_int gives 0
    assert J.div(v(-128, INT8), v(1, INT8)) == (-128, INT8)


def test_mod_fld_cld_same_type():
    assert J.mod(v(8, INT16), v(3, INT16)) == (2, INT16)       # doc: mod(8, 3) == 2
    assert J.mod(v(9, INT16), v(3, INT16)) == (0, INT16)       # doc: mod(9, 3) == 0
    assert J.mod(v(-1, INT16), v(3, INT16)) == (2, INT16)      # sign of the divisor
    assert J.mod(v(1, INT16), v(-3, INT16)) == (-2, INT16)
    assert J.mod(v(-32768, INT16), v(-1, INT16)) == (0, INT16)  # y == -1 -> 0 (no overflow)
    raises("DivideError", J.mod, v(5, INT16), v(0, INT16))
    assert J.fld(v(-5, INT16), v(3, INT16)) == (-2, INT16)     # floor(-1.67)
    assert J.fld(v(5, INT16), v(3, INT16)) == (1, INT16)
    assert J.cld(v(5, INT16), v(3, INT16)) == (2, INT16)       # ceil(1.67)
    assert J.cld(v(-5, INT16), v(3, INT16)) == (-1, INT16)
    assert J.fld(v(7, UINT8), v(2, UINT8)) == (3, UINT8)
    assert J.cld(v(7, UINT8), v(2, UINT8)) == (4, UINT8)
    raises("DivideError", J.fld, v(-32768, INT16), v(-1, INT16))  # goes through div


def test_mixed_sign_division():
    # div(x::BitSigned, y::Unsigned) = flipsign(signed(div(unsigned(abs(x)), y)), x)
    # Int16(-7) ÷ UInt16(2): abs -> 7 -> 0x0007 ÷ 0x0002 = 0x0003 -> Int16(3) -> flip -> -3 :: Int16
    assert J.div(v(-7, INT16), v(2, UINT16)) == (-3, INT16)
    # Int8(-7) ÷ UInt16(2): unsigned(abs) is UInt8(7); promote(UInt8, UInt16) = UInt16 -> Int16(-3)
    assert J.div(v(-7, INT8), v(2, UINT16)) == (-3, INT16)
    # div(x::Unsigned, y::BitSigned) = unsigned(flipsign(signed(div(x, unsigned(abs(y)))), y))
    # 0xc8 ÷ Int8(-3): 200 ÷ 3 = 66 -> Int8(66) -> -66 -> unsigned 0xbe = 190
    assert J.div(v(200, UINT8), v(-3, INT8)) == (190, UINT8)
    # rem(x::BitSigned, y::Unsigned) = flipsign(signed(rem(unsigned(abs(x)), y)), x)
    assert J.rem(v(-7, INT8), v(2, UINT8)) == (-1, INT8)
    # rem(x::Unsigned, y::BitSigned) = rem(x, unsigned(abs(y))): 200 % 3 = 2 (UInt8)
    assert J.rem(v(200, UINT8), v(-3, INT8)) == (2, UINT8)
    # mod(x::BitSigned, y::Unsigned) = rem(y + unsigned(rem(x, y)), y)
    # mod(Int8(-1), 0x03): rem(-1, 3) = -1 -> 0xff; 0x03 + 0xff = 0x02; rem(0x02, 0x03) = 0x02
    assert J.mod(v(-1, INT8), v(3, UINT8)) == (2, UINT8)
    # mod(x::Unsigned, y::Signed) = rem(y + signed(rem(x, y)), y)
    # mod(0x05, Int8(-3)): rem(5, -3) -> rem(0x05, 0x03) = 0x02 -> Int8(2); -3 + 2 = -1; rem(-1, -3) = -1
    assert J.mod(v(5, UINT8), v(-3, INT8)) == (-1, INT8)
    # fld(x::Signed, y::Unsigned): q - (signbit(x) & (r != 0)): fld(Int8(-7), 0x02) = -3 - 1 = -4
    assert J.fld(v(-7, INT8), v(2, UINT8)) == (-4, INT8)
    # cld(x::Signed, y::Unsigned): q + (!signbit(x) & (r != 0)): cld(Int8(7), 0x02) = 3 + 1 = 4
    assert J.cld(v(7, INT8), v(2, UINT8)) == (4, INT8)
    # fld(x::Unsigned, y::Signed): fld(0x07, Int8(-2)) = div: 7 ÷ 2 = 3 -> -3 -> 0xfd; r != 0 & signbit(y)
    # -> 0xfd - 1 = 0xfc (mathematically floor(-3.5) = -4 wrapped to UInt8 = 252)
    assert J.fld(v(7, UINT8), v(-2, INT8)) == (252, UINT8)
    raises("DivideError", J.div, v(-7, INT16), v(0, UINT16))
    # typemin(Int16) ÷ 0x0001: abs wraps to -32768 -> unsigned 0x8000 ÷ 1 -> signed -32768 -> flip -> -32768
    assert J.div(v(-32768, INT16), v(1, UINT16)) == (-32768, INT16)


def test_different_width_same_signedness_promotes():
    assert J.div(v(-100, INT8), v(7, INT32)) == (-14, INT32)
    assert J.rem(v(300, UINT16), v(7, UINT8)) == (6, UINT16)
    assert J.div(v(1, BOOL), v(1, INT8)) == (1, INT8)


# ---------------------------------------------------------------- shifts (int.jl, operators.jl)

def test_shift_docs():
    assert J.shr(v(13, INT8), v(2, INT16)) == (3, INT8)       # doc: Int8(13) >> 2 == 3
    assert J.shr(v(-14, INT8), v(2, INT16)) == (-4, INT8)     # doc: Int8(-14) >> 2 == -4
    assert J.lshr(v(-14, INT8), v(2, INT16)) == (60, INT8)    # doc: Int8(-14) >>> 2 == 60
    assert J.shl(v(3, INT8), v(2, INT16)) == (12, INT8)       # doc: Int8(3) << 2 == 12
    assert J.shl(v(13, INT8), v(3, INT16)) == (104, INT8)


def test_shift_counts_out_of_range():
    assert J.shl(v(1, INT16), v(16, INT16)) == (0, INT16)     # count >= width -> 0
    assert J.shl(v(1, UINT8), v(200, UINT8)) == (0, UINT8)
    assert J.shr(v(-5, INT16), v(40, INT16)) == (-1, INT16)   # arithmetic: sign fill
    assert J.shr(v(5, INT16), v(40, INT16)) == (0, INT16)
    assert J.lshr(v(-5, INT16), v(16, INT16)) == (0, INT16)
    assert J.shr(v(255, UINT8), v(8, UINT8)) == (0, UINT8)    # >> on unsigned is logical


def test_shift_negative_counts_reverse_direction():
    assert J.shl(v(16, INT16), v(-2, INT16)) == (4, INT16)    # x << -n == x >> n
    assert J.shl(v(-16, INT16), v(-2, INT16)) == (-4, INT16)
    assert J.shr(v(1, INT16), v(-3, INT16)) == (8, INT16)     # x >> -n == x << n
    assert J.lshr(v(1, UINT8), v(-7, INT8)) == (128, UINT8)
    assert J.shl(v(-1, INT16), v(-100, INT16)) == (-1, INT16)  # arithmetic shift right by >= width
    assert J.shr(v(1, INT16), v(-32768, INT16)) == (0, INT16)


def test_shift_result_keeps_left_type():
    assert J.shl(v(1, UINT8), v(1, INT32))[1] == UINT8
    assert J.shl(v(1, INT32), v(1, UINT8))[1] == INT32


# ---------------------------------------------------------------- comparisons are mathematical

def test_mixed_comparisons():
    assert J.compare("==", v(-1, INT16), v(65535, UINT16)) == (0, BOOL)   # (x >= 0) & ...
    assert J.compare("<", v(-1, INT16), v(1, UINT16)) == (1, BOOL)        # (x < 0) | ...
    assert J.compare("<", v(1, UINT32), v(-1, INT32)) == (0, BOOL)
    assert J.compare("<=", v(-1, INT8), v(0, UINT32)) == (1, BOOL)
    assert J.compare("==", v(1, BOOL), v(1, INT16)) == (1, BOOL)          # true == 1
    assert J.compare(">", v(4294967295, UINT32), v(-1, INT32)) == (1, BOOL)


# ---------------------------------------------------------------- conversions

def test_checked_conversions():
    assert J.convert(v(127, INT16), INT8) == (127, INT8)
    raises("InexactError", J.convert, v(128, INT16), INT8)
    raises("InexactError", J.convert, v(-1, INT16), UINT16)     # Int16(-1) -> UInt16 throws
    raises("InexactError", J.convert, v(2, INT16), BOOL)
    assert J.convert(v(1, UINT8), BOOL) == (1, BOOL)
    raises("InexactError", J.convert, v(200, INT16), CHAR)      # Char is ASCII on this target


def test_rem_type_truncation():
    assert J.rem_type(v(129, INT16), INT8) == (-127, INT8)       # doc: 129 % Int8 == -127
    assert J.rem_type(v(-1, INT16), UINT16) == (65535, UINT16)
    assert J.rem_type(v(0x1234, UINT16), UINT8) == (0x34, UINT8)
    assert J.rem_type(v(-2, INT8), UINT32) == (4294967294, UINT32)  # sign-extended then reinterpreted


# ---------------------------------------------------------------- intfuncs

def test_abs_sign():
    assert J.abs_(v(-3, INT16)) == (3, INT16)                    # doc: abs(-3) == 3
    assert J.abs_(v(-32768, INT16)) == (-32768, INT16)           # doc: abs(typemin) == typemin
    assert J.abs_(v(-128, INT8)) == (-128, INT8)
    assert J.abs_(v(200, UINT8)) == (200, UINT8)
    assert J.sign(v(-5, INT16)) == (-1, INT16)
    assert J.sign(v(0, INT16)) == (0, INT16)
    assert J.sign(v(7, UINT8)) == (1, UINT8)


def test_min_max_clamp():
    assert J.max_(v(3, INT8), v(300, INT16)) == (300, INT16)
    assert J.min_(v(3, UINT8), v(-2, INT16)) == (-2, INT16)
    raises("InexactError", J.max_, v(-1, INT16), v(3, UINT16))   # promote() converts -1 to UInt16
    # clamp: (x > hi) ? T(hi) : (x < lo) ? T(lo) : T(x), T = promote_type(X, L, H)
    assert J.clamp(v(200, INT16), v(-5, INT8), v(100, INT8)) == (100, INT16)
    assert J.clamp(v(-9, INT16), v(-5, INT8), v(100, INT8)) == (-5, INT16)
    assert J.clamp(v(11, INT16), v(10, INT16), v(6, INT16)) == (6, INT16)   # lo > hi: doc example
    assert J.clamp(v(5, INT16), v(10, INT16), v(6, INT16)) == (10, INT16)
    raises("InexactError", J.clamp, v(-5, INT16), v(-10, INT16), v(10, UINT16))


def test_power_and_widen_and_parity():
    assert J.power(v(2, INT16), 10) == (1024, INT16)
    assert J.power(v(2, INT16), 16) == (0, INT16)                 # wraps
    assert J.power(v(3, UINT8), 5) == (243, UINT8)
    assert J.power(v(-2, INT8), 7) == (-128, INT8)
    assert J.power(v(5, INT16), 0) == (1, INT16)
    assert J.widen_(v(-5, INT8)) == (-5, INT16)
    assert J.widen_(v(5, UINT16)) == (5, UINT32)
    assert J.isodd(v(9, INT16)) == (1, BOOL)                      # doc: isodd(9)
    assert J.iseven(v(-10, INT16)) == (1, BOOL)
    assert J.isodd(v(-3, INT16)) == (1, BOOL)


def test_wrap_and_fits():
    assert J.wrap(256, UINT8) == 0
    assert J.wrap(-1, UINT32) == 4294967295
    assert J.wrap(2147483648, INT32) == -2147483648
    assert J.fits(127, INT8) and not J.fits(128, INT8)
    assert J.binop("+", v(1, INT16), v(2, INT16)) == (3, INT16)
    assert J.binop("^", v(3, INT16), v(2, INT16)) == (9, INT16)
    assert J.result_type("÷", INT8, UINT16) == INT16
    assert J.result_type("+", INT8, UINT16) == UINT16
