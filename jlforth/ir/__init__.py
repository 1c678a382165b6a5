"""Typed intermediate representation.

Designed to be lowered to a stack machine by a post-order walk:

* expressions are trees; every node has a ``type`` (a :mod:`jlforth.check.types`
  type) and a node's operands are evaluated left to right before the node;
  operands of arithmetic nodes already have the node's type (the checker has
  inserted the conversions Julia's promotion performs);
* statements use structured control flow only (``If``, ``While``,
  ``ForRange``, ``Break``/``Continue`` of the innermost loop, ``Return``),
  which maps onto Forth's IF/ELSE/THEN and BEGIN/WHILE/REPEAT;
* every operation that can raise a Julia exception carries ``loc`` (the
  Julia source position) so the target can report it.

Semantics of each node are those of :mod:`jlforth.check.juliasem`; the
authoritative list of node kinds and operators is in ``docs/language.md``
(section "IR") and below.

``dump(program)`` renders the IR as text (``jlforth compile --emit ir``).
"""
from __future__ import annotations

import itertools
from typing import Dict, Iterator, List, Optional

from ..check.types import BOOL, NOTHING, JType
from ..errors import Loc

# ---------------------------------------------------------------- operators

#: BinOp operators. Operands and result have the same type unless noted.
#:   add sub mul            wrap-around arithmetic
#:   and or xor             bitwise (on Bool: logical, non-short-circuit)
#:   div rem mod fld cld    Julia integer division (DivideError: loc)
#:   shl shr lshr           left, arithmetic-right (logical for unsigned), logical-right shift;
#:                          the right operand (count) keeps its own type; Julia semantics for
#:                          counts >= width and negative counts unless ``count_in_range``
#:   min max                on the (common) type of both operands
BIN_OPS = ("add", "sub", "mul", "and", "or", "xor", "div", "rem", "mod", "fld", "cld",
           "shl", "shr", "lshr", "min", "max")
#: UnOp operators: neg (wrap), not (bitwise complement; logical not on Bool), abs (wraps at typemin),
#: inc / dec (x + 1, x - 1 wrapping: markers for 1+ / 1-), shl1 (x * 2 marker for 2*)
UN_OPS = ("neg", "not", "abs", "inc", "dec")
#: Compare operators: both operands have the same type; signedness of that type decides.
CMP_OPS = ("eq", "ne", "lt", "le", "gt", "ge")

_ids = itertools.count(1)


class IRNode:
    _fields: tuple = ()

    def children(self) -> Iterator["IRNode"]:
        for f in self._fields:
            v = getattr(self, f)
            if isinstance(v, IRNode):
                yield v
            elif isinstance(v, list):
                for x in v:
                    if isinstance(x, IRNode):
                        yield x


# ---------------------------------------------------------------- program entities

class Var(IRNode):
    """A local variable or parameter of one IR function (``kind``: param, local, temp)."""

    def __init__(self, name: str, type: JType, kind: str = "local", loc: Optional[Loc] = None):
        self.name = name
        self.type = type
        self.kind = kind
        self.loc = loc
        self.id = next(_ids)

    def __repr__(self):
        return f"Var({self.name}:{self.type})"


class GlobalVar(IRNode):
    """A mutable global scalar in RAM. ``init`` is its value before the program starts
    (0 unless the first top-level assignment is a constant; main still performs the
    assignment). ``declared`` is True for ``x::T = ...`` (assignments convert)."""

    def __init__(self, name: str, type: JType, init: int = 0, loc: Optional[Loc] = None, declared=False):
        self.name = name
        self.type = type
        self.init = init
        self.loc = loc
        self.declared = declared

    def __repr__(self):
        return f"GlobalVar({self.name}:{self.type})"


class GlobalArray(IRNode):
    """A fixed-size global array with constant initial contents. ``readonly`` arrays are
    never written by the program and may live in flash."""

    def __init__(self, name: str, elem: JType, init: List[int], is_const: bool, loc: Optional[Loc] = None):
        self.name = name
        self.elem = elem
        self.init = list(init)
        self.is_const = is_const
        self.readonly = False
        self.loc = loc

    @property
    def length(self) -> int:
        return len(self.init)

    def __repr__(self):
        return f"GlobalArray({self.name}:{self.elem}[{self.length}])"


class Register(IRNode):
    """A hardware register from the target description (``width`` in bits, 8 or 16)."""

    def __init__(self, name: str, address: int, width: int):
        self.name = name
        self.address = address
        self.width = width

    def __repr__(self):
        return f"Register({self.name}@0x{self.address:x}/{self.width})"


class Function(IRNode):
    """One specialised method. ``name`` is unique in the program (safe as an identifier),
    ``src_name`` the Julia function name, ``argtypes`` the specialisation."""

    _fields = ("body",)

    def __init__(self, name: str, src_name: str, params: List[Var], ret: JType, loc: Optional[Loc] = None):
        self.name = name
        self.src_name = src_name
        self.params = params
        self.ret = ret
        self.body: List[IRNode] = []
        self.locals: List[Var] = []
        self.inline = False
        self.loc = loc
        self.recursive = False

    @property
    def argtypes(self):
        return tuple(p.type for p in self.params)

    def new_temp(self, type: JType, hint: str = "t") -> Var:
        v = Var(f"%{hint}{len(self.locals) + 1}", type, "temp")
        self.locals.append(v)
        return v

    def __repr__(self):
        return f"Function({self.name})"


class Program(IRNode):
    def __init__(self, target=None):
        self.target = target
        self.functions: Dict[str, Function] = {}
        self.main: Optional[Function] = None
        self.globals: Dict[str, GlobalVar] = {}
        self.arrays: Dict[str, GlobalArray] = {}
        self.registers: Dict[str, Register] = {}
        self.source_file: str = "<input>"

    def all_functions(self) -> List[Function]:
        out = list(self.functions.values())
        if self.main is not None:
            out.append(self.main)
        return out


# ---------------------------------------------------------------- expressions

class Expr(IRNode):
    type: JType
    loc: Optional[Loc] = None


class Const(Expr):
    def __init__(self, value: int, type: JType, loc: Optional[Loc] = None):
        self.value = int(value)
        self.type = type
        self.loc = loc


class LocalGet(Expr):
    def __init__(self, var: Var, loc: Optional[Loc] = None):
        self.var = var
        self.type = var.type
        self.loc = loc


class GlobalGet(Expr):
    def __init__(self, var: GlobalVar, loc: Optional[Loc] = None):
        self.var = var
        self.type = var.type
        self.loc = loc


class ArrayAddr(Expr):
    """The address of a global array (the value of an array-typed expression)."""

    def __init__(self, array: GlobalArray, type: JType, loc: Optional[Loc] = None):
        self.array = array
        self.type = type
        self.loc = loc


class ArrayLoad(Expr):
    """``arr[index]`` (1-based). ``checked``: raise BoundsError (at ``loc``) unless
    1 <= index <= length, compared in the index's own type."""
    _fields = ("arr", "index")

    def __init__(self, arr: Expr, index: Expr, checked: bool, loc: Optional[Loc] = None):
        self.arr = arr
        self.index = index
        self.checked = checked
        self.type = arr.type.elem
        self.length = arr.type.length
        self.loc = loc


class RegRead(Expr):
    def __init__(self, reg: Register, type: JType, loc: Optional[Loc] = None):
        self.reg = reg
        self.type = type
        self.loc = loc


class BinOp(Expr):
    _fields = ("a", "b")

    def __init__(self, op: str, a: Expr, b: Expr, type: JType, loc: Optional[Loc] = None):
        assert op in BIN_OPS, op
        self.op = op
        self.a = a
        self.b = b
        self.type = type
        self.loc = loc
        self.count_in_range = False   # shifts: the count is known to be in [0, width)


class UnOp(Expr):
    _fields = ("a",)

    def __init__(self, op: str, a: Expr, type: JType, loc: Optional[Loc] = None):
        assert op in UN_OPS, op
        self.op = op
        self.a = a
        self.type = type
        self.loc = loc


class Compare(Expr):
    _fields = ("a", "b")

    def __init__(self, op: str, a: Expr, b: Expr, loc: Optional[Loc] = None):
        assert op in CMP_OPS, op
        self.op = op
        self.a = a
        self.b = b
        self.type = BOOL
        self.loc = loc


class Convert(Expr):
    """Change ``a`` to ``type``. ``checked``: InexactError (at ``loc``) if the value does not
    fit (Julia's ``T(x)``/``convert``); otherwise wrap-around (Julia's ``x % T``)."""
    _fields = ("a",)

    def __init__(self, a: Expr, type: JType, checked: bool, loc: Optional[Loc] = None):
        self.a = a
        self.type = type
        self.checked = checked
        self.loc = loc


class Cond(Expr):
    """``c ? a : b``"""
    _fields = ("c", "a", "b")

    def __init__(self, c: Expr, a: Expr, b: Expr, type: JType, loc: Optional[Loc] = None):
        self.c = c
        self.a = a
        self.b = b
        self.type = type
        self.loc = loc


class And(Expr):
    """Short-circuit ``a && b`` (both Bool)."""
    _fields = ("a", "b")

    def __init__(self, a: Expr, b: Expr, loc: Optional[Loc] = None):
        self.a = a
        self.b = b
        self.type = BOOL
        self.loc = loc


class Or(Expr):
    """Short-circuit ``a || b`` (both Bool)."""
    _fields = ("a", "b")

    def __init__(self, a: Expr, b: Expr, loc: Optional[Loc] = None):
        self.a = a
        self.b = b
        self.type = BOOL
        self.loc = loc


class LetExpr(Expr):
    """Evaluate ``value``, store it in the temp ``var``, then evaluate ``body``."""
    _fields = ("value", "body")

    def __init__(self, var: Var, value: Expr, body: Expr, loc: Optional[Loc] = None):
        self.var = var
        self.value = value
        self.body = body
        self.type = body.type
        self.loc = loc


class Call(Expr):
    _fields = ("args",)

    def __init__(self, func: Function, args: List[Expr], type: JType, loc: Optional[Loc] = None):
        self.func = func
        self.args = args
        self.type = type
        self.loc = loc


class Builtin(Expr):
    """A target-provided primitive: ``millis`` (-> UInt32), ``delay_ms(n)`` (n: UInt32)."""
    _fields = ("args",)

    def __init__(self, name: str, args: List[Expr], type: JType, loc: Optional[Loc] = None):
        self.name = name
        self.args = args
        self.type = type
        self.loc = loc


class Forth(Expr):
    """Inline Forth text: the args are pushed (left to right), the text runs and must leave
    one value of ``type`` (two cells for 32-bit types)."""
    _fields = ("args",)

    def __init__(self, text: str, args: List[Expr], type: JType, loc: Optional[Loc] = None):
        self.text = text
        self.args = args
        self.type = type
        self.loc = loc


# ---------------------------------------------------------------- statements

class Stmt(IRNode):
    loc: Optional[Loc] = None


class Assign(Stmt):
    _fields = ("value",)

    def __init__(self, var: Var, value: Expr, loc: Optional[Loc] = None):
        self.var = var
        self.value = value
        self.loc = loc


class GlobalSet(Stmt):
    _fields = ("value",)

    def __init__(self, var: GlobalVar, value: Expr, loc: Optional[Loc] = None):
        self.var = var
        self.value = value
        self.loc = loc


class ArrayStore(Stmt):
    """``arr[index] = value`` (value already has the element type)."""
    _fields = ("arr", "index", "value")

    def __init__(self, arr: Expr, index: Expr, value: Expr, checked: bool, loc: Optional[Loc] = None):
        self.arr = arr
        self.index = index
        self.value = value
        self.checked = checked
        self.length = arr.type.length
        self.loc = loc


class RegWrite(Stmt):
    _fields = ("value",)

    def __init__(self, reg: Register, value: Expr, loc: Optional[Loc] = None):
        self.reg = reg
        self.value = value
        self.loc = loc


class ExprStmt(Stmt):
    """Evaluate for side effects and drop the value."""
    _fields = ("expr",)

    def __init__(self, expr: Expr, loc: Optional[Loc] = None):
        self.expr = expr
        self.loc = loc


class If(Stmt):
    _fields = ("cond", "then", "orelse")

    def __init__(self, cond: Expr, then: List[Stmt], orelse: List[Stmt], loc: Optional[Loc] = None):
        self.cond = cond
        self.then = then
        self.orelse = orelse
        self.loc = loc


class While(Stmt):
    _fields = ("cond", "body")

    def __init__(self, cond: Expr, body: List[Stmt], loc: Optional[Loc] = None):
        self.cond = cond
        self.body = body
        self.loc = loc


class ForRange(Stmt):
    """Julia's ``for var in start:step:stop`` on ``var.type`` (start/stop/step already of that
    type; ``step`` None means 1). Iterates start, start+step, ... while not past stop, with
    no overflow (the last value is computed as Julia's range does); empty if the range is
    empty. A zero step raises ArgumentError (at ``loc``). ``var`` is written at the start of
    each iteration; ``continue`` goes to the next value."""
    _fields = ("start", "step", "stop", "body")

    def __init__(self, var: Var, start: Expr, step: Optional[Expr], stop: Expr, body: List[Stmt],
                 loc: Optional[Loc] = None):
        self.var = var
        self.start = start
        self.step = step
        self.stop = stop
        self.body = body
        self.loc = loc


class Break(Stmt):
    def __init__(self, loc: Optional[Loc] = None):
        self.loc = loc


class Continue(Stmt):
    def __init__(self, loc: Optional[Loc] = None):
        self.loc = loc


class Return(Stmt):
    _fields = ("value",)

    def __init__(self, value: Optional[Expr], loc: Optional[Loc] = None):
        self.value = value
        self.loc = loc


class PrintStr(Stmt):
    """Print literal text (lives in flash)."""

    def __init__(self, text: str, loc: Optional[Loc] = None):
        self.text = text
        self.loc = loc


def merge_prints(stmts: List[Stmt]) -> List[Stmt]:
    """Adjacent PrintStr statements as one (one string in flash, one call)."""
    merged: List[Stmt] = []
    for s in stmts:
        if isinstance(s, PrintStr) and merged and isinstance(merged[-1], PrintStr):
            merged[-1] = PrintStr(merged[-1].text + s.text, merged[-1].loc)
        else:
            merged.append(s)
    return merged


class Print(Stmt):
    """Print a value as Julia's ``print`` does: integers in decimal, Bool as true/false,
    Char as the character."""
    _fields = ("value",)

    def __init__(self, value: Expr, loc: Optional[Loc] = None):
        self.value = value
        self.loc = loc


class ForthStmt(Stmt):
    """Inline Forth text with stack effect ( -- )."""

    def __init__(self, text: str, loc: Optional[Loc] = None):
        self.text = text
        self.loc = loc


# ---------------------------------------------------------------- walking

def walk(node: IRNode) -> Iterator[IRNode]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, Program):
            stack.extend(reversed(n.all_functions()))
        else:
            stack.extend(reversed(list(n.children())))


def walk_stmts(stmts: List[Stmt]) -> Iterator[IRNode]:
    for s in stmts:
        yield from walk(s)


# ---------------------------------------------------------------- dump

_CMP_TEXT = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def dump_expr(e: Expr) -> str:
    if isinstance(e, Const):
        if e.type is BOOL:
            return "true" if e.value else "false"
        if e.type is NOTHING:
            return "nothing"
        return f"{e.value}:{e.type}"
    if isinstance(e, LocalGet):
        return e.var.name
    if isinstance(e, GlobalGet):
        return f"@{e.var.name}"
    if isinstance(e, ArrayAddr):
        return f"&{e.array.name}"
    if isinstance(e, ArrayLoad):
        return f"(load{'' if e.checked else '!'} {dump_expr(e.arr)} {dump_expr(e.index)})"
    if isinstance(e, RegRead):
        return f"(reg {e.reg.name})"
    if isinstance(e, BinOp):
        mark = "!" if e.count_in_range else ""
        return f"({e.op}{mark}:{e.type} {dump_expr(e.a)} {dump_expr(e.b)})"
    if isinstance(e, UnOp):
        return f"({e.op}:{e.type} {dump_expr(e.a)})"
    if isinstance(e, Compare):
        return f"({e.op}:{e.a.type} {dump_expr(e.a)} {dump_expr(e.b)})"
    if isinstance(e, Convert):
        return f"({'convert' if e.checked else 'wrap'}:{e.type} {dump_expr(e.a)})"
    if isinstance(e, Cond):
        return f"(? {dump_expr(e.c)} {dump_expr(e.a)} {dump_expr(e.b)})"
    if isinstance(e, And):
        return f"(&& {dump_expr(e.a)} {dump_expr(e.b)})"
    if isinstance(e, Or):
        return f"(|| {dump_expr(e.a)} {dump_expr(e.b)})"
    if isinstance(e, LetExpr):
        return f"(let {e.var.name} {dump_expr(e.value)} {dump_expr(e.body)})"
    if isinstance(e, Call):
        return f"(call {e.func.name}{''.join(' ' + dump_expr(a) for a in e.args)})"
    if isinstance(e, Builtin):
        return f"({e.name}{''.join(' ' + dump_expr(a) for a in e.args)})"
    if isinstance(e, Forth):
        return f"(forth:{e.type} {e.text!r}{''.join(' ' + dump_expr(a) for a in e.args)})"
    return f"<{type(e).__name__}>"


def dump_stmts(stmts: List[Stmt], indent: int = 1) -> List[str]:
    out: List[str] = []
    pad = "  " * indent
    for s in stmts:
        if isinstance(s, Assign):
            out.append(f"{pad}{s.var.name} = {dump_expr(s.value)}")
        elif isinstance(s, GlobalSet):
            out.append(f"{pad}@{s.var.name} = {dump_expr(s.value)}")
        elif isinstance(s, ArrayStore):
            out.append(f"{pad}(store{'' if s.checked else '!'} {dump_expr(s.arr)} {dump_expr(s.index)}"
                       f" {dump_expr(s.value)})")
        elif isinstance(s, RegWrite):
            out.append(f"{pad}(reg {s.reg.name}) = {dump_expr(s.value)}")
        elif isinstance(s, ExprStmt):
            out.append(f"{pad}{dump_expr(s.expr)}")
        elif isinstance(s, If):
            out.append(f"{pad}if {dump_expr(s.cond)}")
            out.extend(dump_stmts(s.then, indent + 1))
            if s.orelse:
                out.append(f"{pad}else")
                out.extend(dump_stmts(s.orelse, indent + 1))
            out.append(f"{pad}end")
        elif isinstance(s, While):
            out.append(f"{pad}while {dump_expr(s.cond)}")
            out.extend(dump_stmts(s.body, indent + 1))
            out.append(f"{pad}end")
        elif isinstance(s, ForRange):
            step = f", step {dump_expr(s.step)}" if s.step is not None else ""
            out.append(f"{pad}for {s.var.name} in range({dump_expr(s.start)} to {dump_expr(s.stop)}{step})")
            out.extend(dump_stmts(s.body, indent + 1))
            out.append(f"{pad}end")
        elif isinstance(s, Break):
            out.append(f"{pad}break")
        elif isinstance(s, Continue):
            out.append(f"{pad}continue")
        elif isinstance(s, Return):
            out.append(f"{pad}return" + (f" {dump_expr(s.value)}" if s.value is not None else ""))
        elif isinstance(s, PrintStr):
            out.append(f"{pad}print {s.text!r}")
        elif isinstance(s, Print):
            out.append(f"{pad}print {dump_expr(s.value)}")
        elif isinstance(s, ForthStmt):
            out.append(f"{pad}forth {s.text!r}")
        else:
            out.append(f"{pad}<{type(s).__name__}>")
    return out


def dump_function(f: Function) -> str:
    params = ", ".join(f"{p.name}::{p.type}" for p in f.params)
    flags = "".join([" @inline" if f.inline else "", " recursive" if f.recursive else ""])
    where = f"  # {f.loc}" if f.loc else ""
    lines = [f"function {f.name}({params})::{f.ret}{flags}{where}"]
    for v in f.locals:
        lines.append(f"  local {v.name}::{v.type}")
    lines.extend(dump_stmts(f.body))
    lines.append("end")
    return "\n".join(lines)


def dump(p: Program) -> str:
    lines: List[str] = []
    if p.target is not None:
        lines.append(f"# target {getattr(p.target, 'name', '?')}")
    for r in p.registers.values():
        lines.append(f"register {r.name} @0x{r.address:x} {r.width}-bit")
    for g in p.globals.values():
        lines.append(f"global {g.name}::{g.type} = {g.init}")
    for a in p.arrays.values():
        where = " readonly" if a.readonly else ""
        lines.append(f"array {a.name}::{a.elem}[{a.length}]{where} = {a.init}")
    for f in p.functions.values():
        lines.append("")
        lines.append(dump_function(f))
    if p.main is not None:
        lines.append("")
        lines.append(dump_function(p.main))
    return "\n".join(lines) + "\n"
