"""Optimisation passes over the IR.

* ``fold``: constant folding with the exact Julia model (:mod:`.fold`), pruning
  of ``if`` with a constant condition, removal of ``while false`` and of loops
  over empty constant ranges, removal of side-effect-free expression statements;
* ``dead_code``: statements after ``return``/``break``/``continue`` (or after an
  ``if`` whose branches all leave) are dropped;
* ``strength``: ``x * 2^k`` → ``x << k``, unsigned ``x ÷ 2^k`` → ``x >>> k``,
  unsigned ``x % 2^k`` → ``x & (2^k-1)``, ``x + 1``/``x - 1`` → ``inc``/``dec``,
  identities (``x + 0``, ``x * 1``); shifts by a constant in range are marked
  ``count_in_range`` so the backend can use a plain shift;
* ``inline``: calls to ``@inline`` functions and tiny functions whose body is a
  single ``return expr`` are replaced by the expression (arguments bound to
  temporaries in order, so evaluation order and counts are unchanged);
* unreachable functions are removed.

Every pass preserves Julia semantics exactly: operations that may raise
(division, checked conversions, bounds checks) are never removed or reordered.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from .. import ir
from ..check import juliasem as J
from ..check.types import BOOL, UINT8, IntType
from .fold import fold_expr, is_const_false, is_const_true, is_pure

TINY_FUNCTION_NODES = 12
MAX_INLINE_NODES = 200


# ---------------------------------------------------------------- generic statement walking

def map_exprs(stmts: List[ir.Stmt], fn) -> None:
    """Apply ``fn`` to every top-level expression slot of every statement (recursively)."""
    for s in stmts:
        for f in s._fields:
            v = getattr(s, f)
            if isinstance(v, ir.Expr):
                setattr(s, f, fn(v))
            elif isinstance(v, list) and v and isinstance(v[0], ir.Stmt):
                map_exprs(v, fn)
            elif isinstance(v, list):
                for i, x in enumerate(v):
                    if isinstance(x, ir.Expr):
                        v[i] = fn(x)


def map_expr_tree(e: ir.Expr, fn) -> ir.Expr:
    """Post-order rewrite of an expression tree."""
    for f in e._fields:
        v = getattr(e, f)
        if isinstance(v, ir.Expr):
            setattr(e, f, map_expr_tree(v, fn))
        elif isinstance(v, list):
            setattr(e, f, [map_expr_tree(x, fn) if isinstance(x, ir.Expr) else x for x in v])
    return fn(e)


def node_count(stmts) -> int:
    return sum(1 for _ in ir.walk_stmts(stmts))


# ---------------------------------------------------------------- folding and pruning

def _drop_static_bounds_checks(node):
    """A constant index inside the array needs no run-time bounds check."""
    if isinstance(node, (ir.ArrayLoad, ir.ArrayStore)) and node.checked and \
            isinstance(node.index, ir.Const) and 1 <= node.index.value <= node.length:
        node.checked = False
    return node


def fold_stmts(stmts: List[ir.Stmt]) -> List[ir.Stmt]:
    map_exprs(stmts, fold_expr)
    map_exprs(stmts, lambda e: map_expr_tree(e, _drop_static_bounds_checks))
    for n in ir.walk_stmts(stmts):
        if isinstance(n, ir.ArrayStore):
            _drop_static_bounds_checks(n)
    out: List[ir.Stmt] = []
    for s in stmts:
        if isinstance(s, ir.If):
            s.then = fold_stmts(s.then)
            s.orelse = fold_stmts(s.orelse)
            if is_const_true(s.cond):
                out.extend(s.then)
                continue
            if is_const_false(s.cond):
                out.extend(s.orelse)
                continue
            if not s.then and not s.orelse:
                if not is_pure(s.cond):
                    out.append(ir.ExprStmt(s.cond, s.loc))
                continue
            out.append(s)
        elif isinstance(s, ir.While):
            s.body = fold_stmts(s.body)
            if is_const_false(s.cond):
                continue
            out.append(s)
        elif isinstance(s, ir.ForRange):
            s.body = fold_stmts(s.body)
            if _range_empty(s):
                continue
            out.append(s)
        elif isinstance(s, ir.ExprStmt):
            if is_pure(s.expr):
                continue
            out.append(s)
        elif isinstance(s, ir.Print) and isinstance(s.value, ir.Const):
            from ..check.checker import _julia_print
            out.append(ir.PrintStr(_julia_print(s.value), s.loc))
        else:
            out.append(s)
    return ir.merge_prints(out)


def _range_empty(s: ir.ForRange) -> bool:
    a, b = s.start, s.stop
    st = s.step
    if not (isinstance(a, ir.Const) and isinstance(b, ir.Const)):
        return False
    if st is None:
        return a.value > b.value
    if not isinstance(st, ir.Const) or st.value == 0:
        return False
    return (st.value > 0 and a.value > b.value) or (st.value < 0 and a.value < b.value)


# ---------------------------------------------------------------- dead code

def _leaves(stmts: List[ir.Stmt]) -> bool:
    """Does control never fall off the end of this statement list?"""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (ir.Return, ir.Break, ir.Continue)):
        return True
    if isinstance(last, ir.If):
        return _leaves(last.then) and _leaves(last.orelse)
    if isinstance(last, ir.While) and is_const_true(last.cond):
        return not _has_break(last.body)
    return False


def _has_break(stmts) -> bool:
    """A break that targets the loop whose body is ``stmts``."""
    for s in stmts:
        if isinstance(s, ir.Break):
            return True
        if isinstance(s, ir.If) and (_has_break(s.then) or _has_break(s.orelse)):
            return True
    return False


def dead_code(stmts: List[ir.Stmt]) -> List[ir.Stmt]:
    out: List[ir.Stmt] = []
    for s in stmts:
        for attr in ("then", "orelse", "body"):
            sub = getattr(s, attr, None)
            if isinstance(sub, list):
                setattr(s, attr, dead_code(sub))
        out.append(s)
        if isinstance(s, (ir.Return, ir.Break, ir.Continue)):
            break
        if _leaves([s]):
            break
    return out


# ---------------------------------------------------------------- strength reduction

def _pow2(v: int) -> Optional[int]:
    if v > 0 and v & (v - 1) == 0:
        return v.bit_length() - 1
    return None


def value_range(e: ir.Expr) -> Optional[Tuple[int, int]]:
    """Bounds (lo, hi) the value of an integer expression always lies in, from
    its type and a few operators whose result range is plain (a mask, a
    logical shift, a remainder by a constant); None for a non-integer."""
    t = e.type
    if t is BOOL:
        return (0, 1)
    if not isinstance(t, IntType):
        return None
    whole = (t.min, t.max)
    if isinstance(e, ir.Const):
        return (e.value, e.value)
    if isinstance(e, ir.Convert):
        r = value_range(e.a)
        if r is not None and t.min <= r[0] and r[1] <= t.max:
            return r                                  # the value is unchanged
        return whole
    if isinstance(e, ir.BinOp):
        ra, rb = value_range(e.a), value_range(e.b)
        if ra is None or rb is None:
            return whole
        if e.op == "and":
            his = [r[1] for r in (ra, rb) if r[0] >= 0]
            if his:                                   # a non-negative operand masks the other
                return (0, min(his))
        if e.op in ("shr", "lshr") and isinstance(e.b, ir.Const) and 0 <= e.b.value < t.bits:
            if not t.signed:
                return (0, t.max >> e.b.value)
            if e.op == "shr":                         # arithmetic: the bounds shift too
                return (ra[0] >> e.b.value, ra[1] >> e.b.value)
        if e.op in ("rem", "mod") and isinstance(e.b, ir.Const) and e.b.value > 0 and ra[0] >= 0:
            return (0, min(ra[1], e.b.value - 1))
        if e.op in ("div", "fld") and isinstance(e.b, ir.Const) and e.b.value > 0 and ra[0] >= 0:
            return (0, ra[1] // e.b.value)
    if isinstance(e, ir.Cond):
        ra, rb = value_range(e.a), value_range(e.b)
        if ra is not None and rb is not None:
            return (min(ra[0], rb[0]), max(ra[1], rb[1]))
    return whole


def strength(e: ir.Expr) -> ir.Expr:
    if isinstance(e, ir.Convert) and e.checked and isinstance(e.type, IntType) \
            and isinstance(e.a.type, IntType):
        r = value_range(e.a)
        if r is not None and e.type.min <= r[0] and r[1] <= e.type.max:
            e.checked = False                         # always fits: no InexactError check
        return e
    if isinstance(e, ir.BinOp):
        t = e.type
        a, b = e.a, e.b
        if e.op in ("shl", "shr", "lshr") and isinstance(b, ir.Const):
            if 0 <= b.value < t.bits:
                e.count_in_range = True
                if b.value == 0:
                    return a
            return e
        if t is BOOL or not t.is_int:
            return e
        if e.op == "mul":
            if isinstance(a, ir.Const) and not isinstance(b, ir.Const):
                a, b = b, a
            if isinstance(b, ir.Const):
                if b.value == 1:
                    return a
                if b.value == 0 and is_pure(a):
                    return ir.Const(0, t, e.loc)
                k = _pow2(b.value)
                if k is not None:
                    sh = ir.BinOp("shl", a, ir.Const(k, UINT8), t, e.loc)
                    sh.count_in_range = True
                    return sh
            return e
        if e.op in ("add", "sub"):
            if e.op == "add" and isinstance(a, ir.Const) and not isinstance(b, ir.Const):
                a, b = b, a
            if isinstance(b, ir.Const):
                v = b.value if e.op == "add" else -b.value
                v = J.wrap(v, t)
                if v == 0:
                    return a
                if v == 1:
                    return ir.UnOp("inc", a, t, e.loc)
                if J.wrap(v + 1, t) == 0:      # adding -1
                    return ir.UnOp("dec", a, t, e.loc)
            return e
        if e.op in ("div", "fld", "rem", "mod") and not t.signed and isinstance(b, ir.Const):
            k = _pow2(b.value)
            if k is not None:
                if e.op in ("div", "fld"):
                    if k == 0:
                        return a
                    sh = ir.BinOp("lshr", a, ir.Const(k, UINT8), t, e.loc)
                    sh.count_in_range = True
                    return sh
                return ir.BinOp("and", a, ir.Const(b.value - 1, t), t, e.loc)
            return e
        if e.op in ("and", "or", "xor") and isinstance(b, ir.Const) and b.value == 0:
            return ir.Const(0, t, e.loc) if e.op == "and" and is_pure(a) else (a if e.op != "and" else e)
    return e


def strength_stmts(stmts):
    map_exprs(stmts, lambda e: map_expr_tree(e, strength))


# ---------------------------------------------------------------- inlining

def _inline_expr_body(f: ir.Function) -> Optional[ir.Expr]:
    if len(f.body) == 1 and isinstance(f.body[0], ir.Return) and f.body[0].value is not None:
        return f.body[0].value
    return None


def _inlinable(f: ir.Function) -> bool:
    if f.recursive:
        return False
    body = _inline_expr_body(f)
    if body is None:
        return False
    n = sum(1 for _ in ir.walk(body))
    if f.inline:
        return n <= MAX_INLINE_NODES
    return n <= TINY_FUNCTION_NODES


def clone_expr(e: ir.Expr, varmap: Dict[int, ir.Var], caller: ir.Function) -> ir.Expr:
    """Deep copy; variables in ``varmap`` are renamed, other (callee) vars get fresh temps."""
    def var(v):
        nv = varmap.get(v.id)
        if nv is None:
            nv = caller.new_temp(v.type, "inl")
            varmap[v.id] = nv
        return nv

    if isinstance(e, ir.LocalGet):
        return ir.LocalGet(var(e.var), e.loc)
    if isinstance(e, ir.LetExpr):
        nv = var(e.var)
        return ir.LetExpr(nv, clone_expr(e.value, varmap, caller), clone_expr(e.body, varmap, caller), e.loc)
    new = object.__new__(type(e))
    new.__dict__.update(e.__dict__)
    for f in e._fields:
        v = getattr(e, f)
        if isinstance(v, ir.Expr):
            setattr(new, f, clone_expr(v, varmap, caller))
        elif isinstance(v, list):
            setattr(new, f, [clone_expr(x, varmap, caller) if isinstance(x, ir.Expr) else x for x in v])
    return new


def inline_calls(caller: ir.Function, stmts: List[ir.Stmt]) -> bool:
    changed = False

    def rewrite(e: ir.Expr) -> ir.Expr:
        nonlocal changed
        if isinstance(e, ir.Call) and e.func is not caller and _inlinable(e.func):
            callee = e.func
            body = _inline_expr_body(callee)
            varmap: Dict[int, ir.Var] = {}
            binds = []
            for p, a in zip(callee.params, e.args):
                t = caller.new_temp(p.type, "a")
                varmap[p.id] = t
                binds.append((t, a))
            out = clone_expr(body, varmap, caller)
            for t, a in reversed(binds):
                out = ir.LetExpr(t, a, out, e.loc)
            if out.type != e.type:
                return e
            changed = True
            return out
        return e

    map_exprs(stmts, lambda e: map_expr_tree(e, rewrite))
    return changed


def propagate_lets(e: ir.Expr) -> ir.Expr:
    """``let t = x in body`` where x is a local read or constant and t is not reassigned:
    substitute (LetExpr temps are single-assignment)."""
    if isinstance(e, ir.LetExpr) and isinstance(e.value, (ir.Const, ir.LocalGet)):
        target = e.var
        value = e.value

        def sub(x):
            if isinstance(x, ir.LocalGet) and x.var is target:
                return ir.Const(value.value, value.type, x.loc) if isinstance(value, ir.Const) \
                    else ir.LocalGet(value.var, x.loc)
            return x
        return map_expr_tree(e.body, sub)
    return e


# ---------------------------------------------------------------- driver

def _reachable(p: ir.Program) -> set:
    seen = set()
    stack = [p.main] if p.main is not None else []
    while stack:
        f = stack.pop()
        if f.name in seen:
            continue
        seen.add(f.name)
        for n in ir.walk_stmts(f.body):
            if isinstance(n, ir.Call) and n.func.name not in seen:
                stack.append(n.func)
    return seen


def _prune_locals(f: ir.Function):
    used = set()
    for n in ir.walk_stmts(f.body):
        if isinstance(n, (ir.LocalGet,)):
            used.add(n.var.id)
        elif isinstance(n, (ir.Assign, ir.LetExpr)):
            used.add(n.var.id)
        elif isinstance(n, ir.ForRange):
            used.add(n.var.id)
    f.locals = [v for v in f.locals if v.id in used]


def optimize_function(f: ir.Function):
    f.body = fold_stmts(f.body)
    f.body = dead_code(f.body)
    map_exprs(f.body, lambda e: map_expr_tree(e, propagate_lets))
    f.body = fold_stmts(f.body)
    strength_stmts(f.body)


def optimize_program(p: ir.Program) -> ir.Program:
    funcs = p.all_functions()
    for f in funcs:
        optimize_function(f)
    for _ in range(4):
        changed = False
        for f in funcs:
            if inline_calls(f, f.body):
                changed = True
                optimize_function(f)
        if not changed:
            break
    live = _reachable(p)
    p.functions = {k: f for k, f in p.functions.items() if f.name in live}
    for f in p.all_functions():
        _prune_locals(f)
    return p
