"""Constant folding over IR expressions, using the exact Julia model
(:mod:`jlforth.check.juliasem`). Operations that would raise a Julia
exception at run time (DivideError, InexactError, ...) are left in place.
"""
from __future__ import annotations

from typing import Dict, Optional

from .. import ir
from ..check import juliasem as J
from ..check.types import BOOL, NOTHING

_BIN_FN = {
    "add": J.add, "sub": J.sub, "mul": J.mul, "and": J.band, "or": J.bor, "xor": J.bxor,
    "div": J.div, "rem": J.rem, "mod": J.mod, "fld": J.fld, "cld": J.cld,
    "shl": J.shl, "shr": J.shr, "lshr": J.lshr, "min": J.min_, "max": J.max_,
}
_CMP_TEXT = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def is_pure(e: ir.Expr) -> bool:
    """No side effects and cannot raise: may be duplicated, dropped or reordered."""
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, (ir.Const, ir.LocalGet, ir.GlobalGet, ir.ArrayAddr)):
            continue
        if isinstance(x, ir.BinOp):
            if x.op in ("div", "rem", "mod", "fld", "cld"):
                return False
        elif isinstance(x, ir.Convert):
            if x.checked:
                return False
        elif isinstance(x, ir.ArrayLoad):
            if x.checked:
                return False
        elif isinstance(x, (ir.UnOp, ir.Compare, ir.Cond, ir.And, ir.Or, ir.LetExpr)):
            pass
        else:
            return False
        stack.extend(x.children())
    return True


def const_of(e) -> Optional[ir.Const]:
    return e if isinstance(e, ir.Const) else None


def fold_expr(e: ir.Expr, env: Optional[Dict[int, ir.Const]] = None) -> ir.Expr:
    """Return a folded copy-or-same of ``e`` (children are folded in place)."""
    env = env or {}
    if isinstance(e, ir.LocalGet):
        c = env.get(e.var.id)
        return ir.Const(c.value, c.type, e.loc) if c is not None else e
    for f in e._fields:
        v = getattr(e, f)
        if isinstance(v, ir.Expr):
            setattr(e, f, fold_expr(v, env))
        elif isinstance(v, list):
            setattr(e, f, [fold_expr(x, env) if isinstance(x, ir.Expr) else x for x in v])
    try:
        return _fold_node(e, env)
    except (J.JuliaError, TypeError, ValueError, KeyError):
        return e


def _fold_node(e: ir.Expr, env) -> ir.Expr:
    if isinstance(e, ir.BinOp):
        a, b = const_of(e.a), const_of(e.b)
        if a is not None and b is not None:
            v, t = _BIN_FN[e.op]((a.value, a.type), (b.value, b.type))
            return ir.Const(J.wrap(v, e.type) if t != e.type else v, e.type, e.loc)
        return e
    if isinstance(e, ir.UnOp):
        a = const_of(e.a)
        if a is None:
            return e
        x = (a.value, a.type)
        if e.op == "neg":
            v = J.neg(x)[0] if a.type is not BOOL else -a.value
        elif e.op == "not":
            v = J.bnot(x)[0]
        elif e.op == "abs":
            v = J.abs_(x)[0]
        elif e.op == "inc":
            v = J.add(x, (1, a.type))[0]
        else:
            v = J.sub(x, (1, a.type))[0]
        return ir.Const(J.wrap(v, e.type), e.type, e.loc)
    if isinstance(e, ir.Compare):
        a, b = const_of(e.a), const_of(e.b)
        if a is not None and b is not None:
            return ir.Const(J.compare(_CMP_TEXT[e.op], (a.value, a.type), (b.value, b.type))[0], BOOL, e.loc)
        return e
    if isinstance(e, ir.Convert):
        a = const_of(e.a)
        if a is None:
            return e
        if e.checked:
            return ir.Const(J.convert((a.value, a.type), e.type)[0], e.type, e.loc)
        return ir.Const(J.wrap(a.value, e.type), e.type, e.loc)
    if isinstance(e, ir.Cond):
        c = const_of(e.c)
        if c is not None:
            return e.a if c.value else e.b
        return e
    if isinstance(e, ir.And):
        a = const_of(e.a)
        if a is not None:
            return e.b if a.value else ir.Const(0, BOOL, e.loc)
        b = const_of(e.b)
        if b is not None and b.value:
            return e.a
        return e
    if isinstance(e, ir.Or):
        a = const_of(e.a)
        if a is not None:
            return ir.Const(1, BOOL, e.loc) if a.value else e.b
        b = const_of(e.b)
        if b is not None and not b.value:
            return e.a
        return e
    if isinstance(e, ir.LetExpr):
        c = const_of(e.value)
        if c is not None:
            env2 = dict(env)
            env2[e.var.id] = c
            return fold_expr(e.body, env2)
        if isinstance(e.body, ir.LocalGet) and e.body.var is e.var:
            return e.value
        return e
    return e


def is_const_true(e) -> bool:
    return isinstance(e, ir.Const) and e.type is BOOL and e.value == 1


def is_const_false(e) -> bool:
    return isinstance(e, ir.Const) and e.type is BOOL and e.value == 0


__all__ = ["fold_expr", "is_pure", "NOTHING"]
