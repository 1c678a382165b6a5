"""Abstract syntax tree of the accepted Julia subset.

Every node carries ``loc`` (a :class:`jlforth.errors.Loc`: file, line, col).
The tree is deliberately close to the source: names are not resolved and no
types are computed here (that is :mod:`jlforth.check`).

``dump(node)`` renders a tree as indented text (``jlforth compile --emit ast``).
"""
from __future__ import annotations

from typing import Any, Iterator, List, Optional

from ..errors import Loc


class Node:
    """Base class. Subclasses list their child/attribute names in ``_fields``."""

    _fields: tuple = ()

    def __init__(self, *args, loc: Optional[Loc] = None, **kw):
        if len(args) > len(self._fields):
            raise TypeError(f"{type(self).__name__} takes {len(self._fields)} fields")
        for name, value in zip(self._fields, args):
            setattr(self, name, value)
        for name in self._fields[len(args):]:
            setattr(self, name, kw.pop(name, None))
        if kw:
            raise TypeError(f"{type(self).__name__}: unknown fields {sorted(kw)}")
        self.loc = loc or Loc()

    def children(self) -> Iterator["Node"]:
        for name in self._fields:
            value = getattr(self, name)
            if isinstance(value, Node):
                yield value
            elif isinstance(value, (list, tuple)):
                stack = [iter(value)]
                while stack:
                    for v in stack[-1]:
                        if isinstance(v, Node):
                            yield v
                        elif isinstance(v, (list, tuple)):
                            stack.append(iter(v))
                            break
                    else:
                        stack.pop()

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields)
        return f"{type(self).__name__}({parts})"


# ---------------------------------------------------------------- module / statements

class Module(Node):
    """A whole source file: top-level statements in order."""
    _fields = ("body",)


class FunctionDef(Node):
    """``function name(params)::ret ... end`` or ``name(params) = expr`` (``short``).

    ``macros`` lists macro names applied to the definition (e.g. ``["inline"]``).
    """
    _fields = ("name", "params", "ret_type", "body", "short", "macros")


class Param(Node):
    """A positional parameter: ``x``, ``x::T`` or ``::T`` (name None)."""
    _fields = ("name", "type")


class If(Node):
    """``if c1 b1 elseif c2 b2 ... else orelse end``: ``branches`` is [(cond, body), ...]."""
    _fields = ("branches", "orelse")


class While(Node):
    _fields = ("cond", "body")


class For(Node):
    """``for var in iter body end`` (also ``=`` and ``∈``)."""
    _fields = ("var", "iter", "body")


class Return(Node):
    _fields = ("value",)


class Break(Node):
    _fields = ()


class Continue(Node):
    _fields = ()


class Global(Node):
    """``global a, b`` (declaration only)."""
    _fields = ("names",)


class Local(Node):
    """``local a, b`` (declaration only)."""
    _fields = ("names",)


class Assign(Node):
    """``t1 = t2 = ... = value``. ``targets`` in source order; ``decl`` is 'global', 'local',
    'const' or None for the prefixed forms (``const N = 3``)."""
    _fields = ("targets", "value", "decl")


class OpAssign(Node):
    """``target op= value`` with ``op`` the binary operator, e.g. '+' or '<<'."""
    _fields = ("op", "target", "value")


class ExprStmt(Node):
    _fields = ("expr",)


class Block(Node):
    """``begin ... end``"""
    _fields = ("body",)


class Let(Node):
    """``let a = 1, b ... end``: ``bindings`` are Assign nodes (value None for a bare name)."""
    _fields = ("bindings", "body")


class MacroStmt(Node):
    """A statement under a macro: ``@inbounds for ...``, ``@inline function ...``,
    ``@forth "..."`` (``body`` is then an ExprStmt holding the string)."""
    _fields = ("name", "body")


class ShortCircuitStmt(Node):
    """``cond && <flow>`` / ``cond || <flow>`` where flow is return/break/continue."""
    _fields = ("op", "cond", "flow")


class Using(Node):
    _fields = ("module",)


# ---------------------------------------------------------------- expressions

class Name(Node):
    _fields = ("id",)


class IntLit(Node):
    """An integer literal; ``type`` is the Julia type name the literal has on this target."""
    _fields = ("value", "type", "text")


class FloatLit(Node):
    _fields = ("text",)


class BoolLit(Node):
    _fields = ("value",)


class CharLit(Node):
    _fields = ("value",)  # a one-character str


class StrLit(Node):
    """A string; ``parts`` are str (text) or expression nodes (interpolations)."""
    _fields = ("parts",)


class BinOp(Node):
    """``left op right`` for arithmetic/bitwise operators: + - * / ÷ % ^ & | ⊻ << >> >>>."""
    _fields = ("op", "left", "right")


class UnaryOp(Node):
    """``op operand`` for - + ! ~."""
    _fields = ("op", "operand")


class Compare(Node):
    """A comparison chain ``a < b <= c``: ``ops`` has len(operands) - 1 entries."""
    _fields = ("ops", "operands")


class And(Node):
    _fields = ("left", "right")


class Or(Node):
    _fields = ("left", "right")


class Ternary(Node):
    _fields = ("cond", "then", "orelse")


class Call(Node):
    _fields = ("func", "args")


class KwArg(Node):
    """``name = value`` inside a call's parentheses (rejected by the checker)."""
    _fields = ("name", "value")


class Splat(Node):
    _fields = ("value",)


class Index(Node):
    """``obj[args]``; also ``T[...]`` typed array literals and ``REG[]`` register access."""
    _fields = ("obj", "args")


class Curly(Node):
    """``T{args}`` (a parametric type such as ``Vector{UInt8}``)."""
    _fields = ("obj", "args")


class Range(Node):
    """``start:stop`` or ``start:step:stop`` (step None for unit ranges)."""
    _fields = ("start", "step", "stop")


class TypeAssert(Node):
    """``expr::T``"""
    _fields = ("expr", "type")


class VectorLit(Node):
    """``[a, b, c]``"""
    _fields = ("elts",)


class TupleLit(Node):
    _fields = ("elts",)


class Lambda(Node):
    _fields = ("params", "body")


class EndIndex(Node):
    """``end`` inside an index expression (``xs[end]``)."""
    _fields = ()


class MacroCall(Node):
    """``@name(args...)`` in an expression, or ``@name arg`` on the right of ``=``."""
    _fields = ("name", "args")


class Field(Node):
    """``obj.name`` (rejected by the checker)."""
    _fields = ("obj", "name")


# ---------------------------------------------------------------- utilities

def walk(node: Node) -> Iterator[Node]:
    """All nodes below (and including) ``node``, without recursion."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(list(n.children())))


def depth(node: Node) -> tuple:
    """(maximum depth, deepest node) computed iteratively."""
    best = (0, node)
    stack = [(node, 1)]
    while stack:
        n, d = stack.pop()
        if d > best[0]:
            best = (d, n)
        for c in n.children():
            stack.append((c, d + 1))
    return best


def _fmt_value(v: Any) -> str:
    if isinstance(v, str):
        return repr(v)
    return str(v)


def dump(node: Any, indent: int = 0, with_loc: bool = True) -> str:
    """Readable multi-line rendering of a tree (iterative, safe on deep trees)."""
    lines: List[str] = []
    # stack of (label, value, indent)
    stack: list = [(None, node, indent)]
    while stack:
        label, value, ind = stack.pop()
        pad = "  " * ind
        prefix = f"{label}: " if label else ""
        if isinstance(value, Node):
            attrs = []
            kids = []
            for name in value._fields:
                v = getattr(value, name)
                if isinstance(v, Node) or (isinstance(v, (list, tuple)) and any(
                        isinstance(x, (Node, list, tuple)) for x in v)):
                    kids.append((name, v))
                else:
                    attrs.append(f"{name}={v!r}" if isinstance(v, list) else f"{name}={_fmt_value(v)}")
            locs = f" @{value.loc.line}:{value.loc.col}" if with_loc else ""
            lines.append(f"{pad}{prefix}{type(value).__name__}({', '.join(attrs)}){locs}")
            for name, v in reversed(kids):
                stack.append((name, v, ind + 1))
        elif isinstance(value, (list, tuple)):
            lines.append(f"{pad}{prefix}[")
            stack.append((None, _Close("]"), ind))
            for v in reversed(value):
                stack.append((None, v, ind + 1))
        elif isinstance(value, _Close):
            lines.append(f"{pad}{value.text}")
        else:
            lines.append(f"{pad}{prefix}{_fmt_value(value)}")
    return "\n".join(lines)


class _Close:
    def __init__(self, text: str):
        self.text = text
