"""Types of the Julia subset and Julia's promotion rules.

Concrete value types: Int8 UInt8 Int16 UInt16 Int32 UInt32 Bool Char, plus
fixed-length arrays (``ArrayType``) and ``Nothing``. ``Int``/``UInt`` are the
target's machine word, Int16/UInt16 on the 16-bit targets. ``BOTTOM``
(Julia's ``Union{}``) is used while inferring recursive functions.
Abstract types exist only for method signatures (``x::Integer``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


class JType:
    name = "?"
    bits = 0

    def __str__(self) -> str:
        return self.name

    __repr__ = __str__

    @property
    def is_int(self) -> bool:       # a BitInteger (not Bool, not Char)
        return False

    @property
    def is_bool(self) -> bool:
        return False

    @property
    def is_integer(self) -> bool:   # Julia's Integer: BitIntegers and Bool
        return self.is_int or self.is_bool

    @property
    def is_scalar(self) -> bool:
        return False

    @property
    def cells(self) -> int:
        """Stack cells a value occupies on a 16-bit-cell machine."""
        return 2 if self.bits > 16 else (1 if self.bits else 0)


class IntType(JType):
    def __init__(self, name: str, bits: int, signed: bool):
        self.name = name
        self.bits = bits
        self.signed = signed

    def __eq__(self, other):
        return isinstance(other, IntType) and (self.bits, self.signed) == (other.bits, other.signed)

    def __hash__(self):
        return hash(("int", self.bits, self.signed))

    def __str__(self):
        return self.name

    __repr__ = __str__

    @property
    def is_int(self):
        return True

    @property
    def is_scalar(self):
        return True

    @property
    def min(self) -> int:
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def max(self) -> int:
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1


class _Simple(JType):
    def __init__(self, name: str, bits: int):
        self.name = name
        self.bits = bits

    def __reduce__(self):
        return (_lookup_simple, (self.name,))


class BoolType(_Simple):
    @property
    def is_bool(self):
        return True

    @property
    def is_scalar(self):
        return True

    min = 0
    max = 1
    signed = False


class CharType(_Simple):
    @property
    def is_scalar(self):
        return True

    min = 0
    max = 127
    signed = False


class NothingType(_Simple):
    pass


class BottomType(_Simple):
    pass


@dataclass(frozen=True, eq=True)
class ArrayType(JType):
    """``Vector{elem}`` with a length fixed at compile time."""
    elem: JType
    length: int

    @property
    def name(self):
        return f"Vector{{{self.elem}}}"

    @property
    def bits(self):
        return 16  # passed around as an address

    def __str__(self):
        return self.name

    __repr__ = __str__


@dataclass(frozen=True, eq=True)
class MixedType(JType):
    """The return type of a function that returns values of several types
    (Julia would give a ``Union``): allowed only where the value is unused."""
    options: tuple

    @property
    def name(self):
        return "Union{" + ", ".join(str(o) for o in self.options) + "}"

    def __str__(self):
        return self.name

    __repr__ = __str__


INT8 = IntType("Int8", 8, True)
UINT8 = IntType("UInt8", 8, False)
INT16 = IntType("Int16", 16, True)
UINT16 = IntType("UInt16", 16, False)
INT32 = IntType("Int32", 32, True)
UINT32 = IntType("UInt32", 32, False)
BOOL = BoolType("Bool", 8)
CHAR = CharType("Char", 8)
NOTHING = NothingType("Nothing", 0)
BOTTOM = BottomType("Union{}", 0)

INT_TYPES = (INT8, UINT8, INT16, UINT16, INT32, UINT32)
SCALAR_TYPES = INT_TYPES + (BOOL, CHAR)


def _lookup_simple(name):
    return {"Bool": BOOL, "Char": CHAR, "Nothing": NOTHING, "Union{}": BOTTOM}[name]


def int_type(bits: int, signed: bool) -> IntType:
    for t in INT_TYPES:
        if t.bits == bits and t.signed == signed:
            return t
    raise ValueError(f"no {bits}-bit {'signed' if signed else 'unsigned'} type on this target")


def unsigned_of(t: IntType) -> IntType:
    return int_type(t.bits, False)


def signed_of(t: IntType) -> IntType:
    return int_type(t.bits, True)


def widen(t: IntType) -> Optional[IntType]:
    """Julia's ``widen``: Int8→Int16, Int16→Int32, UInt8→UInt16, UInt16→UInt32 (Int32/UInt32 →
    64-bit types, which do not exist here: None)."""
    if t.bits >= 32:
        return None
    return int_type(t.bits * 2, t.signed)


# ---------------------------------------------------------------- promotion

def promote_type(a: JType, b: JType) -> JType:
    """Julia's ``promote_type`` for the scalar types of the subset.

    Different sizes: the larger type wins. Same size, mixed signedness: the
    unsigned type wins. Bool promotes to the other type. Raises TypeError
    for pairs without a promotion (e.g. Char and an integer)."""
    if a == b:
        return a
    if a is BOTTOM:
        return b
    if b is BOTTOM:
        return a
    if a.is_bool and b.is_int:
        return b
    if b.is_bool and a.is_int:
        return a
    if a.is_int and b.is_int:
        if a.bits != b.bits:
            return a if a.bits > b.bits else b
        return a if not a.signed else b
    raise TypeError(f"no promotion between {a} and {b}")


# ---------------------------------------------------------------- abstract types for signatures

ABSTRACT_PARENTS = {
    "Any": None, "Number": "Any", "Real": "Number", "Integer": "Real",
    "Signed": "Integer", "Unsigned": "Integer", "AbstractChar": "Any",
}


@dataclass(frozen=True, eq=True)
class AbstractType(JType):
    name: str

    def __str__(self):
        return self.name

    __repr__ = __str__


@dataclass(frozen=True, eq=True)
class VectorPattern(JType):
    """``Vector{T}`` / ``AbstractVector{T}`` in a signature: any length (elem None = any element)."""
    elem: Optional[JType]
    abstract: bool = False

    @property
    def name(self):
        base = "AbstractVector" if self.abstract else "Vector"
        return f"{base}{{{self.elem}}}" if self.elem is not None else base

    def __str__(self):
        return self.name

    __repr__ = __str__


ANY = AbstractType("Any")


def concrete_parent(t: JType) -> Optional[str]:
    """Name of the nearest abstract supertype of a concrete type."""
    if t.is_int:
        return "Signed" if t.signed else "Unsigned"
    if t.is_bool:
        return "Integer"
    if t is CHAR:
        return "AbstractChar"
    return "Any"


def is_subtype(t: JType, pattern: JType) -> bool:
    """Does a concrete argument type ``t`` match a signature type ``pattern``?"""
    if t is BOTTOM:
        return True
    if isinstance(pattern, AbstractType):
        if pattern.name == "Any":
            return True
        if isinstance(t, ArrayType):
            return False
        name = concrete_parent(t)
        while name is not None:
            if name == pattern.name:
                return True
            name = ABSTRACT_PARENTS[name]
        return False
    if isinstance(pattern, VectorPattern):
        return isinstance(t, ArrayType) and (pattern.elem is None or pattern.elem == t.elem)
    return t == pattern


def pattern_le(p: JType, q: JType) -> bool:
    """Is signature type ``p`` at least as specific as ``q`` (``p <: q``)?"""
    if p == q:
        return True
    if isinstance(q, AbstractType):
        if q.name == "Any":
            return True
        if isinstance(p, (ArrayType, VectorPattern)):
            return False
        if isinstance(p, AbstractType):
            name = p.name
        else:
            name = concrete_parent(p)
        while name is not None:
            if name == q.name:
                return True
            name = ABSTRACT_PARENTS[name]
        return False
    if isinstance(q, VectorPattern):
        if isinstance(p, ArrayType):
            return q.elem is None or q.elem == p.elem
        if isinstance(p, VectorPattern):
            return (q.elem is None or q.elem == p.elem) and (q.abstract or not p.abstract)
        return False
    return False
