"""AST → typed IR: scopes, types, promotion, method selection, specialisation.

Overview
--------
* Top-level statements become the IR function ``main`` (run once at start-up);
  top-level assignments create globals (RAM), ``const`` bindings are folded.
* Every ``function`` definition is a *method*; methods are grouped by name.
  A call selects the most specific applicable method from the static argument
  types (Julia's dispatch, done at compile time) and specialises it for those
  types: one IR function per (method, argument types).
* Return types of unannotated functions are inferred. Recursive functions are
  handled by iterating whole-program checking until the return types settle
  (``BOTTOM`` is the starting approximation).
* Locals follow Julia's scope rules (functions, ``for``/``while`` bodies and
  ``let`` open scopes, ``if``/``begin`` do not; assignment creates a local in
  the innermost scope unless an enclosing local or ``global`` declaration
  exists) and are type-stable: a local has one type, from its first
  assignment or its annotation (``x::Int32 = 0`` makes later assignments
  convert, as in Julia).
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from .. import ir
from ..errors import CompileError, Loc
from ..frontend import ast
from . import types as T
from .types import (BOOL, BOTTOM, CHAR, INT16, INT32, NOTHING, UINT16, UINT32, UINT8, ArrayType,
                    JType, MixedType, promote_type)

MAX_ROUNDS = 60

TYPE_NAMES = {
    "Int8": T.INT8, "UInt8": T.UINT8, "Int16": T.INT16, "UInt16": T.UINT16,
    "Int32": T.INT32, "UInt32": T.UINT32, "Bool": BOOL, "Char": CHAR,
    "Int": T.INT16, "UInt": T.UINT16, "Nothing": NOTHING,
}

UNSUPPORTED_TYPES = {
    "Int64": "Int64 is not supported on this target",
    "UInt64": "UInt64 is not supported on this target",
    "Int128": "Int128 is not supported on this target",
    "UInt128": "UInt128 is not supported on this target",
    "Float16": "Float16 is not supported on this target",
    "Float32": "Float32 is not supported on this target",
    "Float64": "Float64 is not supported on this target",
    "BigInt": "BigInt is not supported on this target",
    "BigFloat": "BigFloat is not supported on this target",
    "AbstractFloat": "floating point is not supported on this target",
    "Rational": "rational numbers are not supported on this target",
    "Complex": "complex numbers are not supported on this target",
    "String": "strings are only supported as print arguments",
    "AbstractString": "strings are only supported as print arguments",
    "Symbol": "symbols are not supported on this target",
    "Tuple": "tuples are not supported on this target",
    "Dict": "dictionaries are not supported on this target",
    "Function": "functions as values are not supported on this target",
}

FLOAT_FUNCS = {"sqrt", "sin", "cos", "tan", "exp", "log", "log2", "log10", "float", "round",
               "floor", "ceil", "atan", "hypot", "cbrt", "exp2", "inv"}
ARRAY_GROW_FUNCS = {"push!", "append!", "pop!", "resize!", "insert!", "deleteat!", "empty!",
                    "popfirst!", "pushfirst!", "splice!", "vcat", "hcat", "collect", "similar",
                    "copy", "deepcopy", "map", "filter", "reduce", "sum", "prod", "sort", "sort!",
                    "reverse", "maximum", "minimum", "findfirst", "any", "all", "count"}
STRING_FUNCS = {"string", "repr", "parse", "tryparse", "join", "split", "uppercase", "lowercase",
                "lpad", "rpad", "show", "display", "print_with_color", "printstyled", "sprint",
                "write", "read", "readline", "occursin", "startswith", "endswith"}
OTHER_BASE_FUNCS = {"rand", "randn", "time", "sleep", "error", "throw", "assert", "println_",
                    "count_ones", "count_zeros", "leading_zeros", "trailing_zeros", "leading_ones",
                    "trailing_ones", "bitrotate", "bswap", "gcd", "lcm", "divrem", "fldmod",
                    "isqrt", "factorial", "binomial", "powermod", "invmod", "digits", "ndigits",
                    "eltype", "typeof", "isa", "ifelse", "identity", "Ref", "Vector", "Array",
                    "ones", "sizeof", "flipsign", "copysign", "signbit", "isone", "iszero",
                    "checked_add", "wait", "yield", "exit", "getindex", "setindex!", "firstindex",
                    "lastindex", "first", "last", "enumerate", "zip", "range", "step", "keys",
                    "values", "pairs", "trunc", "unsafe_trunc", "reinterpret", "bitstring"}

_BIN = {"+": "add", "-": "sub", "*": "mul", "&": "and", "|": "or", "⊻": "xor",
        "÷": "div", "%": "rem", "<<": "shl", ">>": "shr", ">>>": "lshr"}
_DIVLIKE = {"div", "rem", "mod", "fld", "cld"}
_CMP = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_SWAP = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}


def err(msg: str, loc: Optional[Loc]):
    return CompileError(msg, loc)


def _sig(name: str, types) -> str:
    return f"{name}(" + ", ".join(f"::{t}" for t in types) + ")"


def _is_bottom(*es) -> bool:
    return any(e.type is BOTTOM for e in es)


class Placeholder(ir.Expr):
    """The value of an expression whose type is still BOTTOM (provisional rounds only)."""

    def __init__(self, loc=None):
        self.type = BOTTOM
        self.loc = loc


# ---------------------------------------------------------------- methods and scopes

class Method:
    def __init__(self, index: int, fdef: ast.FunctionDef, patterns: List[Optional[JType]], inline: bool):
        self.index = index
        self.fdef = fdef
        self.name = fdef.name
        self.patterns = patterns
        self.inline = inline
        self.loc = fdef.loc

    def signature(self) -> str:
        parts = []
        for p, pat in zip(self.fdef.params, self.patterns):
            if pat is None:
                parts.append(p.name or "_")
            else:
                parts.append(f"{p.name or ''}::{pat}")
        return f"{self.name}(" + ", ".join(parts) + ")"


class Scope:
    def __init__(self, kind: str, parent: Optional["Scope"]):
        self.kind = kind            # 'top', 'function', 'loop', 'toploop', 'let'
        self.parent = parent
        self.vars: Dict[str, ir.Var] = {}
        self.global_decls: set = set()

    def is_local(self) -> bool:
        return self.kind != "top"

    def find_local(self, name: str) -> Optional[ir.Var]:
        s = self
        while s is not None and s.kind != "top":
            if name in s.vars:
                return s.vars[name]
            if name in s.global_decls:
                return None
            s = s.parent
        return None

    def declared_global(self, name: str) -> bool:
        s = self
        while s is not None and s.kind != "top":
            if name in s.global_decls:
                return True
            if name in s.vars:
                return False
            s = s.parent
        return False


def prescan(stmts) -> Tuple[Dict[str, Loc], Dict[str, Loc], Dict[str, Loc], Dict[str, ast.Node]]:
    """Names assigned / declared local / declared global directly in a scope body (not in
    nested scopes), and type annotations ``x::T = ...`` / ``local x::T``."""
    assigned: Dict[str, Loc] = {}
    local_decl: Dict[str, Loc] = {}
    global_decl: Dict[str, Loc] = {}
    annot: Dict[str, ast.Node] = {}

    def target(t, decl):
        if isinstance(t, ast.TypeAssert) and isinstance(t.expr, ast.Name):
            annot.setdefault(t.expr.id, t.type)
            t = t.expr
        if isinstance(t, ast.Name):
            if decl == "global":
                global_decl.setdefault(t.id, t.loc)
            elif decl == "local":
                local_decl.setdefault(t.id, t.loc)
            else:
                assigned.setdefault(t.id, t.loc)

    stack = list(reversed(list(stmts)))
    while stack:
        s = stack.pop()
        if isinstance(s, ast.Assign) and s.decl != "let":
            for t in s.targets:
                target(t, s.decl)
        elif isinstance(s, ast.OpAssign):
            target(s.target, None)
        elif isinstance(s, ast.Global):
            for n in s.names:
                target(n, "global")
        elif isinstance(s, ast.Local):
            for n in s.names:
                target(n, "local")
        elif isinstance(s, ast.If):
            for _c, body in reversed(s.branches + ([(None, s.orelse)] if s.orelse else [])):
                stack.extend(reversed(body))
        elif isinstance(s, ast.Block):
            stack.extend(reversed(s.body))
        elif isinstance(s, ast.MacroStmt) and isinstance(s.body, ast.Node):
            stack.append(s.body)
    return assigned, local_decl, global_decl, annot


# ---------------------------------------------------------------- per-function context

class FuncCtx:
    def __init__(self, func: ir.Function, method: Optional[Method], declared_ret: Optional[JType]):
        self.func = func
        self.method = method
        self.declared_ret = declared_ret
        self.returns: List[Tuple[JType, Loc]] = []
        self.loop_depth = 0
        self.inbounds = 0

    @property
    def is_main(self) -> bool:
        return self.method is None


class Spec:
    def __init__(self, key, func: ir.Function):
        self.key = key
        self.func = func
        self.in_progress = True


# ---------------------------------------------------------------- the checker

class Checker:
    def __init__(self, module: ast.Module, target):
        self.module = module
        self.target = target
        self.file = module.loc.file
        self.ret_approx: Dict[tuple, JType] = {}
        self.methods: Dict[str, List[Method]] = {}
        self._collect_methods()

    # .......................................................... entry
    def run(self) -> ir.Program:
        for _round in range(MAX_ROUNDS):
            self.changed = False
            program = self._round()
            if not self.changed:
                self._finish(program)
                return program
        raise err("could not infer the return types of recursive functions; annotate them",
                  self.module.loc)

    # .......................................................... methods
    def _collect_methods(self):
        index = 0
        self.top_funcs: List[Tuple[int, str]] = []

        def add(fdef: ast.FunctionDef, inline: bool, pos: int):
            nonlocal index
            if fdef.name in TYPE_NAMES or fdef.name in UNSUPPORTED_TYPES:
                raise err(f"defining methods for the type `{fdef.name}` is not supported", fdef.loc)
            patterns = []
            for p in fdef.params:
                patterns.append(None if p.type is None else self.resolve_type(p.type, pattern=True))
            names = [p.name for p in fdef.params if p.name is not None]
            for i, n in enumerate(names):
                if n in names[:i]:
                    raise err(f"function argument name `{n}` is not unique", fdef.loc)
            for node in ast.walk(ast.Block(fdef.body)):
                if isinstance(node, ast.FunctionDef):
                    raise err("closures are not supported (nested function definitions); "
                              "define functions at top level", node.loc)
                if isinstance(node, ast.Lambda):
                    raise err("closures (anonymous functions) are not supported on this target", node.loc)
            m = Method(index, fdef, patterns, inline)
            index += 1
            for other in self.methods.get(fdef.name, []):
                if other.patterns == patterns:
                    raise err(f"method {m.signature()} is defined twice (first at line {other.loc.line})",
                              fdef.loc)
            self.methods.setdefault(fdef.name, []).append(m)
            self.top_funcs.append((pos, fdef.name))

        def visit(stmts, top: bool):
            for pos, s in enumerate(stmts):
                if isinstance(s, ast.FunctionDef):
                    add(s, False, id(s))
                elif isinstance(s, ast.MacroStmt) and isinstance(s.body, ast.FunctionDef):
                    if s.name not in ("inline", "noinline"):
                        raise err(f"macro `@{s.name}` cannot be applied to a function definition", s.loc)
                    add(s.body, s.name == "inline", id(s))
                elif isinstance(s, ast.Block):
                    visit(s.body, top)
                elif isinstance(s, ast.If):
                    for _c, body in s.branches:
                        visit_nested(body)
                    if s.orelse:
                        visit_nested(s.orelse)

        def visit_nested(stmts):
            for s in stmts:
                if isinstance(s, ast.FunctionDef) or (isinstance(s, ast.MacroStmt)
                                                      and isinstance(s.body, ast.FunctionDef)):
                    raise err("conditional function definitions are not supported; define functions at top level",
                              s.loc)

        visit(self.module.body, True)

    # .......................................................... one round of checking
    def _round(self) -> ir.Program:
        p = ir.Program(self.target)
        p.source_file = self.file
        self.program = p
        self.specs: Dict[tuple, Spec] = {}
        self.consts: Dict[str, ir.Expr] = {}          # const scalars (Const nodes)
        self.const_arrays: set = set()
        self.defined_funcs: set = set()
        self.spec_stack: List[Spec] = []
        self.all_globals = self._toplevel_global_names()
        self.written_array_types: set = set()
        self.directly_written: set = set()
        self.end_stack: List[int] = []
        self.cur_scope = None

        main = ir.Function("main", "main", [], NOTHING, self.module.loc)
        self.ctx = FuncCtx(main, None, None)
        scope = Scope("top", None)
        main.body = self.block(self.module.body, scope)
        p.main = main
        # check methods that were never called but whose signature is fully concrete
        for ms in self.methods.values():
            for m in ms:
                if all(pt is not None and pt.is_scalar for pt in m.patterns):
                    if not any(k[0] == m.index for k in self.specs):
                        self.ctx = FuncCtx(main, None, None)
                        self.specialise(m, tuple(m.patterns), m.loc)
        self.ctx = FuncCtx(main, None, None)
        return p

    def _toplevel_global_names(self) -> set:
        assigned, local_decl, global_decl, _ = prescan(self.module.body)
        names = set(assigned) | set(global_decl)
        for s in self.module.body:
            if isinstance(s, ast.Assign) and s.decl == "const":
                for t in s.targets:
                    if isinstance(t, ast.Name):
                        names.add(t.id)
        return names

    def _finish(self, p: ir.Program):
        # readonly arrays: never stored to directly, and no array of the same shape is
        # stored through a parameter/local
        for arr in p.arrays.values():
            arr.readonly = arr.name not in self.directly_written and \
                ArrayType(arr.elem, arr.length) not in self.written_array_types
        # stable, unique, identifier-safe names
        by_src: Dict[str, List[ir.Function]] = {}
        for f in p.functions.values():
            by_src.setdefault(f.src_name, []).append(f)
        renamed: Dict[str, ir.Function] = {}
        for src, funcs in by_src.items():
            base = _ident(src)
            for f in funcs:
                if len(funcs) == 1:
                    f.name = base
                else:
                    f.name = base + "__" + "_".join(_ident(str(t)) for t in f.argtypes)
                while f.name in renamed or f.name == "main":
                    f.name += "_"
                renamed[f.name] = f
        p.functions = renamed

    # .......................................................... types
    def resolve_type(self, node: ast.Node, pattern: bool = False) -> JType:
        if isinstance(node, ast.Name):
            n = node.id
            if n in TYPE_NAMES:
                return TYPE_NAMES[n]
            if n in UNSUPPORTED_TYPES:
                raise err(UNSUPPORTED_TYPES[n], node.loc)
            if n in T.ABSTRACT_PARENTS:
                if not pattern:
                    raise err(f"abstract type `{n}` cannot be used here; use a concrete type such as Int16",
                              node.loc)
                return T.AbstractType(n)
            if n in ("Vector", "AbstractVector", "Array", "AbstractArray"):
                if not pattern:
                    raise err(f"`{n}` needs an element type here", node.loc)
                return T.VectorPattern(None, n.startswith("Abstract"))
            raise err(f"unknown type `{n}`", node.loc)
        if isinstance(node, ast.Curly) and isinstance(node.obj, ast.Name):
            n = node.obj.id
            if n in ("Vector", "AbstractVector", "Array", "AbstractArray"):
                if not pattern:
                    raise err("array types can only be used in method signatures", node.loc)
                args = node.args
                if n in ("Array", "AbstractArray"):
                    if len(args) == 2 and isinstance(args[1], ast.IntLit) and args[1].value == 1:
                        args = args[:1]
                    elif len(args) != 1:
                        raise err("only one-dimensional arrays are supported on this target", node.loc)
                if len(args) != 1:
                    raise err(f"`{n}` takes one type parameter", node.loc)
                elem = self.resolve_type(args[0])
                if not elem.is_scalar:
                    raise err("array elements must be integers, Bool or Char", args[0].loc)
                return T.VectorPattern(elem, n.startswith("Abstract"))
            if n in UNSUPPORTED_TYPES:
                raise err(UNSUPPORTED_TYPES[n], node.loc)
            raise err(f"parametric type `{n}{{...}}` is not supported on this target", node.loc)
        if isinstance(node, ast.Index) and isinstance(node.obj, ast.Name) and node.obj.id in TYPE_NAMES:
            raise err("array types are written `Vector{T}`", node.loc)
        raise err("expected a type", node.loc)

    def try_type_name(self, node) -> Optional[JType]:
        """The concrete scalar type a name denotes, if it names one."""
        if isinstance(node, ast.Name):
            if self.ctx_scope_local(node.id) is not None:
                return None
            if node.id in TYPE_NAMES:
                return TYPE_NAMES[node.id]
            if node.id in UNSUPPORTED_TYPES:
                raise err(UNSUPPORTED_TYPES[node.id], node.loc)
        return None

    def ctx_scope_local(self, name):
        scope = getattr(self, "cur_scope", None)
        return scope.find_local(name) if scope is not None else None

    # .......................................................... helpers for IR building
    def conv(self, e: ir.Expr, t: JType, checked: bool, loc: Optional[Loc] = None) -> ir.Expr:
        if e.type == t or e.type is BOTTOM:
            return e
        if checked and self.lossless(e.type, t):
            checked = False
        if isinstance(e, ir.Const):
            from .juliasem import fits, wrap
            if not checked:
                return ir.Const(wrap(e.value, t), t, e.loc)
            if fits(e.value, t):
                return ir.Const(e.value, t, e.loc)
        return ir.Convert(e, t, checked, loc or e.loc)

    @staticmethod
    def lossless(a: JType, b: JType) -> bool:
        if not (a.is_scalar and b.is_scalar):
            return False
        return b.min <= a.min and a.max <= b.max

    def bind(self, e: ir.Expr):
        """(wrap, ref): ``ref`` can be used several times; ``wrap(body)`` evaluates ``e`` once
        first (left-to-right order is kept by binding in order)."""
        if isinstance(e, (ir.Const, ir.LocalGet, ir.ArrayAddr)):
            return (lambda body: body), e
        t = self.ctx.func.new_temp(e.type)
        return (lambda body, t=t, e=e: ir.LetExpr(t, e, body, e.loc)), ir.LocalGet(t, e.loc)

    def const(self, v: int, t: JType, loc=None) -> ir.Const:
        return ir.Const(v, t, loc)

    def require_bool(self, e: ir.Expr, what: str, loc) -> ir.Expr:
        if e.type is BOTTOM or e.type is BOOL:
            return e
        raise err(f"non-boolean ({e.type}) used in boolean context ({what})", loc)

    def require_value(self, e: ir.Expr, loc) -> ir.Expr:
        t = e.type
        if t is NOTHING:
            raise err("this expression has no value (it returns `nothing`)", loc)
        if isinstance(t, MixedType):
            raise err(f"the value of this call has several possible types ({', '.join(map(str, t.options))}); "
                      "annotate the function's return type", loc)
        return e

    # .......................................................... statements
    def block(self, stmts, scope: Scope, new_scope: bool = True) -> List[ir.Stmt]:
        """Check statements of a scope body (declaring its locals first)."""
        if new_scope:
            self.declare_scope(stmts, scope)
        saved = getattr(self, "cur_scope", None)
        self.cur_scope = scope
        out: List[ir.Stmt] = []
        try:
            for s in stmts:
                out.extend(self.stmt(s, scope))
        finally:
            self.cur_scope = saved
        return out

    def declare_scope(self, stmts, scope: Scope):
        assigned, local_decl, global_decl, annot = prescan(stmts)
        for name, loc in global_decl.items():
            if scope.kind == "top":
                continue
            if name in local_decl:
                raise err(f"variable `{name}` declared both local and global", loc)
            scope.global_decls.add(name)
        if scope.kind == "top":
            for name in local_decl:
                raise err(f"`local {name}` at top level is not supported", local_decl[name])
            return
        for name, loc in local_decl.items():
            self.new_local(scope, name, loc, annot.get(name))
        for name, loc in assigned.items():
            if name in scope.global_decls or name in scope.vars:
                continue
            if scope.parent is not None and scope.parent.find_local(name) is not None:
                continue
            if scope.parent is not None and scope.parent.declared_global(name):
                continue
            if scope.kind == "toploop" and name in self.all_globals:
                raise err(f"assignment to global `{name}` inside a top-level loop is ambiguous in Julia; "
                          f"write `global {name}` in the loop", loc)
            self.new_local(scope, name, loc, annot.get(name))
        for name, tnode in annot.items():
            if name not in scope.vars and name not in scope.global_decls and \
                    (scope.parent is None or scope.parent.find_local(name) is None):
                self.new_local(scope, name, tnode.loc, tnode)

    def new_local(self, scope: Scope, name: str, loc, type_node=None) -> ir.Var:
        if name in TYPE_NAMES or name in UNSUPPORTED_TYPES:
            raise err(f"cannot use the type name `{name}` as a variable", loc)
        v = ir.Var(name, None, "local", loc)
        v.declared = None
        if type_node is not None:
            t = self.resolve_type(type_node)
            if not t.is_scalar:
                raise err("local variables must have an integer, Bool or Char type", type_node.loc)
            v.declared = t
            v.type = t
        scope.vars[name] = v
        self.ctx.func.locals.append(v)
        return v

    def stmt(self, s: ast.Node, scope: Scope) -> List[ir.Stmt]:
        m = getattr(self, "s_" + type(s).__name__, None)
        if m is None:
            raise err(f"unsupported statement {type(s).__name__}", s.loc)
        return m(s, scope)

    def s_FunctionDef(self, s: ast.FunctionDef, scope: Scope):
        if scope.kind != "top":
            raise err("closures are not supported (nested function definitions); define functions at top level",
                      s.loc)
        self.defined_funcs.add(s.name)
        return []

    def s_Using(self, s: ast.Using, scope: Scope):
        if scope.kind != "top":
            raise err("`using` is only allowed at top level", s.loc)
        if s.module != "MCU":
            raise err(f"module `{s.module}` is not available; only `using MCU` is supported", s.loc)
        return []

    def s_ExprStmt(self, s: ast.ExprStmt, scope: Scope):
        return self.expr_stmt(s.expr, scope)

    def expr_stmt(self, e: ast.Node, scope: Scope) -> List[ir.Stmt]:
        """An expression evaluated for its effects."""
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and \
                e.func.id in ("print", "println") and not self.is_user_function(e.func.id):
            return self.print_call(e)
        if isinstance(e, ast.Ternary):
            c = self.require_bool(self.expr(e.cond), "`?:` condition", e.cond.loc)
            return [ir.If(c, self.expr_stmt(e.then, scope), self.expr_stmt(e.orelse, scope), e.loc)]
        if isinstance(e, (ast.And, ast.Or)):
            c = self.require_bool(self.expr(e.left), f"`{'&&' if isinstance(e, ast.And) else '||'}`", e.left.loc)
            body = self.expr_stmt(e.right, scope)
            if isinstance(e, ast.And):
                return [ir.If(c, body, [], e.loc)]
            return [ir.If(c, [], body, e.loc)]
        if isinstance(e, ast.StrLit):
            raise err("strings are only supported as print arguments", e.loc)
        if isinstance(e, ast.MacroCall) and e.name == "inbounds":
            self.ctx.inbounds += 1
            try:
                return [ir.ExprStmt(self.expr(e.args[0], allow_nothing=True), e.loc)] if len(e.args) == 1 else \
                    self.macro_expr(e)
            finally:
                self.ctx.inbounds -= 1
        v = self.expr(e, allow_nothing=True)
        if isinstance(v, (ir.Const, ir.LocalGet, ir.GlobalGet, ir.ArrayAddr)):
            return []
        return [ir.ExprStmt(v, e.loc)]

    def s_Block(self, s: ast.Block, scope: Scope):
        return self.block(s.body, scope, new_scope=False)

    def s_Let(self, s: ast.Let, scope: Scope, tail: bool = False):
        inner = Scope("let", scope)
        out: List[ir.Stmt] = []
        saved = getattr(self, "cur_scope", None)
        for b in s.bindings:
            tgt = b.targets[0]
            tnode = None
            if isinstance(tgt, ast.TypeAssert) and isinstance(tgt.expr, ast.Name):
                tnode, tgt = tgt.type, tgt.expr
            if not isinstance(tgt, ast.Name):
                raise err("`let` bindings must be names", tgt.loc)
            value = None
            if b.value is not None:
                self.cur_scope = inner
                try:
                    value = self.expr(b.value)
                finally:
                    self.cur_scope = saved
            v = self.new_local(inner, tgt.id, tgt.loc, tnode)
            if value is not None:
                out.extend(self.assign_var(v, value, b.loc))
        if tail:
            self.declare_scope(s.body, inner)
            self.cur_scope = inner
            try:
                out.extend(self.tail_stmts(s.body, inner, s.loc))
            finally:
                self.cur_scope = saved
        else:
            out.extend(self.block(s.body, inner))
        return out

    def s_If(self, s: ast.If, scope: Scope):
        return [self.if_chain(s.branches, s.orelse, scope, s.loc)]

    def if_chain(self, branches, orelse, scope, loc) -> ir.If:
        cond, body = branches[0]
        c = self.require_bool(self.expr(cond), "`if` condition", cond.loc)
        then = self.block(body, scope, new_scope=False)
        if len(branches) > 1:
            rest = [self.if_chain(branches[1:], orelse, scope, branches[1][0].loc)]
        else:
            rest = self.block(orelse, scope, new_scope=False) if orelse else []
        return ir.If(c, then, rest, loc)

    def loop_scope(self, scope: Scope) -> Scope:
        return Scope("toploop" if self.ctx.is_main and self._in_top(scope) else "loop", scope)

    @staticmethod
    def _in_top(scope: Scope) -> bool:
        s = scope
        while s is not None:
            if s.kind in ("let", "function"):
                return False
            s = s.parent
        return True

    def s_While(self, s: ast.While, scope: Scope):
        c = self.require_bool(self.expr(s.cond), "`while` condition", s.cond.loc)
        inner = self.loop_scope(scope)
        self.ctx.loop_depth += 1
        try:
            body = self.block(s.body, inner)
        finally:
            self.ctx.loop_depth -= 1
        return [ir.While(c, body, s.loc)]

    def s_For(self, s: ast.For, scope: Scope):
        it = s.iter
        pre: List[ir.Stmt] = []
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "eachindex" \
                and len(it.args) == 1 and not self.is_user_function("eachindex"):
            arr = self.expr(it.args[0])
            if not isinstance(arr.type, ArrayType):
                raise err("eachindex needs an array", it.args[0].loc)
            start, step, stop = self.const(1, INT16), None, self.const(arr.type.length, INT16)
            elem_from = None
        elif isinstance(it, ast.Range):
            parts = [self.expr(it.start), self.expr(it.step) if it.step is not None else None,
                     self.expr(it.stop)]
            vals = [p for p in parts if p is not None]
            for p_, node in zip(vals, [it.start] + ([it.step] if it.step is not None else []) + [it.stop]):
                self.require_value(p_, node.loc)
                if not p_.type.is_integer and p_.type is not BOTTOM:
                    raise err(f"ranges of {p_.type} are not supported; use integers", node.loc)
            if _is_bottom(*vals):
                t = BOTTOM
            else:
                t = vals[0].type
                for v in vals[1:]:
                    t = promote_type(t, v.type)
                if t is BOOL:
                    raise err("ranges of Bool are not supported", it.loc)
            start = self.conv(parts[0], t, True, it.loc)
            step = self.conv(parts[1], t, True, it.loc) if parts[1] is not None else None
            stop = self.conv(parts[2], t, True, it.loc)
            elem_from = None
        else:
            arr = self.expr(it)
            if isinstance(arr.type, ArrayType):
                wrap, ref = self.bind_stmt(arr, pre)
                start, step, stop = self.const(1, INT16), None, self.const(arr.type.length, INT16)
                elem_from = ref
            elif arr.type is BOTTOM:
                start = step = stop = Placeholder()
                elem_from = None
            else:
                raise err(f"cannot iterate over a value of type {arr.type}; use a range `a:b` or an array",
                          it.loc)
        inner = self.loop_scope(scope)
        if elem_from is None:
            var = self.new_local(inner, s.var.id, s.var.loc)
            var.type = start.type
            ivar = var
        else:
            ivar = self.ctx.func.new_temp(INT16, "i")
            var = self.new_local(inner, s.var.id, s.var.loc)
            var.type = elem_from.type.elem
        self.ctx.loop_depth += 1
        try:
            body = self.block(s.body, inner)
        finally:
            self.ctx.loop_depth -= 1
        if elem_from is not None:
            body = [ir.Assign(var, ir.ArrayLoad(elem_from, ir.LocalGet(ivar), False, s.loc), s.loc)] + body
        return pre + [ir.ForRange(ivar, start, step, stop, body, s.loc)]

    def bind_stmt(self, e: ir.Expr, pre: List[ir.Stmt]):
        if isinstance(e, (ir.Const, ir.LocalGet, ir.ArrayAddr)):
            return None, e
        t = self.ctx.func.new_temp(e.type)
        pre.append(ir.Assign(t, e, e.loc))
        return None, ir.LocalGet(t, e.loc)

    def s_Break(self, s, scope):
        if self.ctx.loop_depth == 0:
            raise err("`break` outside a loop", s.loc)
        return [ir.Break(s.loc)]

    def s_Continue(self, s, scope):
        if self.ctx.loop_depth == 0:
            raise err("`continue` outside a loop", s.loc)
        return [ir.Continue(s.loc)]

    def s_Return(self, s: ast.Return, scope):
        if self.ctx.is_main:
            raise err("`return` outside a function", s.loc)
        if s.value is None:
            return [self.make_return(None, s.loc)]
        if isinstance(s.value, ast.Name) and s.value.id == "nothing" and scope.find_local("nothing") is None:
            return [self.make_return(None, s.loc)]
        v = self.expr(s.value, allow_nothing=True)
        return [self.make_return(v, s.loc)]

    def make_return(self, v: Optional[ir.Expr], loc) -> ir.Return:
        ctx = self.ctx
        if v is not None and v.type is NOTHING:
            if isinstance(v, ir.Const):
                v = None
            else:
                # `return f()` where f returns nothing: evaluate, then return nothing
                ctx.returns.append((NOTHING, loc))
                r = ir.Return(None, loc)
                r.pre = ir.ExprStmt(v, loc)
                return r
        if v is not None and isinstance(v.type, MixedType):
            self.require_value(v, loc)
        if ctx.declared_ret is not None:
            if v is None:
                if ctx.declared_ret is not NOTHING:
                    raise err(f"`return` without a value in a function declared to return {ctx.declared_ret}",
                              loc)
                return ir.Return(None, loc)
            if ctx.declared_ret is NOTHING:
                raise err("function declared to return Nothing returns a value", loc)
            v = self.convert_to(v, ctx.declared_ret, loc, "return value")
            return ir.Return(v, loc)
        ctx.returns.append((NOTHING if v is None else v.type, loc))
        return ir.Return(v, loc)

    def s_ShortCircuitStmt(self, s: ast.ShortCircuitStmt, scope):
        c = self.require_bool(self.expr(s.cond), f"`{s.op}`", s.cond.loc)
        flow = self.stmt(s.flow, scope)
        if s.op == "&&":
            return [ir.If(c, flow, [], s.loc)]
        return [ir.If(c, [], flow, s.loc)]

    def s_Global(self, s: ast.Global, scope):
        for n in s.names:
            if not isinstance(n, ast.Name):
                raise err("`global` needs variable names", n.loc)
        return []

    def s_Local(self, s: ast.Local, scope):
        for n in s.names:
            if isinstance(n, ast.TypeAssert):
                n = n.expr
            if not isinstance(n, ast.Name):
                raise err("`local` needs variable names", getattr(n, "loc", s.loc))
        return []

    def s_MacroStmt(self, s: ast.MacroStmt, scope):
        if s.name in ("inline", "noinline") and isinstance(s.body, ast.FunctionDef):
            return self.s_FunctionDef(s.body, scope)
        if s.name == "inbounds":
            self.ctx.inbounds += 1
            try:
                return self.stmt(s.body, scope)
            finally:
                self.ctx.inbounds -= 1
        if s.name == "forth":
            b = s.body
            if isinstance(b, ast.ExprStmt) and isinstance(b.expr, ast.StrLit):
                return [ir.ForthStmt(self.plain_string(b.expr), s.loc)]
            raise err('`@forth` takes a string literal: `@forth "words"`', s.loc)
        raise err(f"macro `@{s.name}` is not supported on this target", s.loc)

    def plain_string(self, lit: ast.StrLit) -> str:
        if any(not isinstance(p, str) for p in lit.parts):
            raise err("interpolation is not allowed here", lit.loc)
        return "".join(lit.parts)

    # .......................................................... assignment
    def s_Assign(self, s: ast.Assign, scope: Scope):
        if s.decl == "const":
            return self.const_assign(s, scope)
        if s.decl == "local" and any(isinstance(self._target_name(t), str) for t in s.targets):
            pass
        value_node = s.value
        # array creation (global scope only)
        arr = self.array_init(value_node)
        if arr is not None:
            if len(s.targets) != 1:
                raise err("chained assignment of arrays is not supported", s.loc)
            return self.array_assign(s.targets[0], arr, scope, value_node, is_const=False)
        value = self.expr(value_node)
        self.require_value(value, value_node.loc)
        out: List[ir.Stmt] = []
        if len(s.targets) > 1:
            wrap_pre: List[ir.Stmt] = []
            _, ref = self.bind_stmt(value, wrap_pre)
            out.extend(wrap_pre)
            value = ref
        for tgt in reversed(s.targets):
            out.extend(self.assign_to(tgt, value, scope, s.loc, decl=s.decl))
        return out

    @staticmethod
    def _target_name(t):
        if isinstance(t, ast.TypeAssert):
            t = t.expr
        return t.id if isinstance(t, ast.Name) else None

    def assign_to(self, tgt: ast.Node, value: ir.Expr, scope: Scope, loc, decl=None) -> List[ir.Stmt]:
        if isinstance(tgt, ast.TypeAssert):
            if not isinstance(tgt.expr, ast.Name):
                raise err("type annotations are only allowed on variable names", tgt.loc)
            if scope.kind == "top" and decl != "local":
                return self.assign_global(tgt.expr.id, value, tgt.loc, self.resolve_type(tgt.type))
            return self.assign_name(tgt.expr.id, value, scope, tgt.loc)
        if isinstance(tgt, ast.Name):
            return self.assign_name(tgt.id, value, scope, tgt.loc)
        if isinstance(tgt, ast.Index):
            return self.assign_index(tgt, value, loc)
        if isinstance(tgt, ast.TupleLit):
            raise err("tuple assignment (destructuring) is not supported on this target", tgt.loc)
        if isinstance(tgt, ast.Field):
            raise err("field access (`a.b`) is not supported on this target", tgt.loc)
        raise err("cannot assign to this expression", tgt.loc)

    def assign_name(self, name: str, value: ir.Expr, scope: Scope, loc) -> List[ir.Stmt]:
        if name in self.program.registers or name in getattr(self.target, "registers", {}):
            raise err(f"cannot assign to register `{name}`; write `{name}[] = value`", loc)
        if name in TYPE_NAMES or name in UNSUPPORTED_TYPES:
            raise err(f"cannot assign to the type name `{name}`", loc)
        var = scope.find_local(name)
        if var is not None:
            return self.assign_var(var, value, loc)
        if scope.kind == "top" or scope.declared_global(name):
            return self.assign_global(name, value, loc, None)
        if name in self.methods:
            raise err(f"cannot assign to `{name}`: it is a function", loc)
        # a hard-scope local not found by the prescan cannot happen; be safe
        v = self.new_local(scope, name, loc)
        return self.assign_var(v, value, loc)

    def assign_var(self, var: ir.Var, value: ir.Expr, loc) -> List[ir.Stmt]:
        self.require_value(value, loc)
        if value.type is BOTTOM:
            if var.type is None:
                var.type = BOTTOM
            return [ir.Assign(var, value, loc)]
        if var.declared is not None:
            value = self.convert_to(value, var.declared, loc, f"assignment to `{var.name}`")
        elif var.type is None or var.type is BOTTOM:
            var.type = value.type
            var.first_loc = loc
        elif var.type != value.type:
            first = getattr(var, "first_loc", None)
            where = f" (first assigned at line {first.line})" if first else ""
            raise err(f"variable `{var.name}` is {var.type}{where} but is assigned a {value.type} here; "
                      f"locals have one type: convert the value, or annotate `{var.name}::{value.type if isinstance(value.type, T.IntType) else var.type} = ...`",
                      loc)
        return [ir.Assign(var, value, loc)]

    def convert_to(self, value: ir.Expr, t: JType, loc, what: str) -> ir.Expr:
        vt = value.type
        if vt == t or vt is BOTTOM:
            return value
        if vt.is_scalar and t.is_scalar:
            if (vt is CHAR) != (t is CHAR):
                raise err(f"cannot convert a {vt} to {t} implicitly ({what}); use {t}(x)", loc)
            return self.conv(value, t, True, loc)
        raise err(f"cannot convert a {vt} to {t} ({what})", loc)

    def assign_global(self, name: str, value: ir.Expr, loc, declared: Optional[JType]) -> List[ir.Stmt]:
        p = self.program
        if name in self.consts or name in self.const_arrays:
            raise err(f"cannot assign to the constant `{name}`", loc)
        if name in p.arrays:
            raise err(f"cannot rebind the array `{name}`; assign to its elements", loc)
        if name in self.methods:
            raise err(f"cannot assign to `{name}`: it is a function", loc)
        self.require_value(value, loc)
        if isinstance(value.type, ArrayType):
            raise err("array globals must be created with zeros(T, n), fill(v, n) or a literal T[...]", loc)
        g = p.globals.get(name)
        if g is None:
            if not self.ctx.is_main or not self._in_top(self.cur_scope):
                raise err(f"global `{name}` must be assigned at top level before it is used here", loc)
            if value.type is BOTTOM:
                g = ir.GlobalVar(name, BOTTOM, 0, loc)
            else:
                t = declared or value.type
                if not t.is_scalar:
                    raise err(f"globals must hold integers, Bool or Char, not {t}", loc)
                g = ir.GlobalVar(name, t, 0, loc, declared=declared is not None)
            p.globals[name] = g
            value = self.convert_to(value, g.type, loc, f"assignment to `{name}`") if declared else value
            from ..opt.fold import fold_expr
            if isinstance(value, ir.Const) or isinstance(fold_expr(value), ir.Const):
                c = value if isinstance(value, ir.Const) else fold_expr(value)
                g.init = c.value
            return [ir.GlobalSet(g, value, loc)]
        if declared is not None and g.declared and declared != g.type:
            raise err(f"global `{name}` was declared {g.type} (line {g.loc.line})", loc)
        if g.type is BOTTOM and value.type is not BOTTOM:
            g.type = value.type
        if g.declared:
            value = self.convert_to(value, g.type, loc, f"assignment to `{name}`")
        elif value.type != g.type and value.type is not BOTTOM:
            raise err(f"global `{name}` is {g.type} (line {g.loc.line}) but is assigned a {value.type} here; "
                      f"declare it `{name}::{g.type} = ...` at top level to convert, or convert the value", loc)
        return [ir.GlobalSet(g, value, loc)]

    def const_assign(self, s: ast.Assign, scope: Scope):
        if scope.kind != "top":
            raise err("`const` is only allowed at top level", s.loc)
        if len(s.targets) != 1:
            raise err("chained `const` assignment is not supported", s.loc)
        tgt = s.targets[0]
        declared = None
        if isinstance(tgt, ast.TypeAssert) and isinstance(tgt.expr, ast.Name):
            declared = self.resolve_type(tgt.type)
            tgt = tgt.expr
        if not isinstance(tgt, ast.Name):
            raise err("`const` needs a name", tgt.loc)
        name = tgt.id
        if name in self.consts or name in self.program.globals or name in self.program.arrays:
            raise err(f"`{name}` is already defined", tgt.loc)
        arr = self.array_init(s.value)
        if arr is not None:
            return self.array_assign(tgt, arr, scope, s.value, is_const=True)
        value = self.expr(s.value)
        self.require_value(value, s.value.loc)
        if declared is not None:
            value = self.convert_to(value, declared, s.loc, "constant")
        from ..opt.fold import fold_expr
        folded = fold_expr(value)
        if value.type is BOTTOM:
            self.consts[name] = Placeholder(s.loc)
            return []
        if not isinstance(folded, ir.Const):
            raise err(f"the value of `const {name}` must be computable at compile time on this target",
                      s.value.loc)
        if not folded.type.is_scalar:
            raise err("constants must be integers, Bool, Char or arrays", s.value.loc)
        self.consts[name] = folded
        return []

    # .......................................................... arrays
    def array_init(self, node: ast.Node):
        """If ``node`` creates an array, return (elem type, [initial values], loc); else None."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in ("zeros", "fill", "ones") and not self.is_user_function(node.func.id):
            fn = node.func.id
            args = node.args
            if fn in ("zeros", "ones"):
                if len(args) == 1:
                    raise err(f"`{fn}(n)` creates a Float64 array; write `{fn}(Int16, n)` "
                              "(Float64 is not supported on this target)", node.loc)
                if len(args) != 2:
                    raise err(f"`{fn}` takes a type and a length: `{fn}(UInt8, 32)`", node.loc)
                t = self.resolve_type(args[0])
                if not t.is_scalar:
                    raise err("array elements must be integers, Bool or Char", args[0].loc)
                n = self.const_int(args[1], "array length")
                return (t, [0 if fn == "zeros" else 1] * n, node.loc)
            if len(args) != 2:
                raise err("`fill` takes a value and a length: `fill(0x00, 16)`", node.loc)
            v = self.const_scalar(args[0], "fill value")
            n = self.const_int(args[1], "array length")
            return (v.type, [v.value] * n, node.loc)
        if isinstance(node, ast.Index) and isinstance(node.obj, ast.Name) and node.obj.id in TYPE_NAMES \
                and self.ctx_scope_local(node.obj.id) is None:
            t = TYPE_NAMES[node.obj.id]
            if t is NOTHING:
                raise err("arrays of Nothing are not supported", node.loc)
            if not node.args:
                raise err("empty arrays are not supported: arrays have a fixed size on this target", node.loc)
            vals = []
            for a in node.args:
                c = self.const_scalar(a, "array element")
                c = self.convert_to(c, t, a.loc, "array element")
                from ..opt.fold import fold_expr
                c = fold_expr(c)
                if not isinstance(c, ir.Const):
                    raise err(f"InexactError: the element does not fit in {t}", a.loc)
                vals.append(c.value)
            return (t, vals, node.loc)
        if isinstance(node, ast.VectorLit):
            if not node.elts:
                raise err("empty arrays are not supported: arrays have a fixed size on this target", node.loc)
            consts = [self.const_scalar(a, "array element") for a in node.elts]
            t = consts[0].type
            for c, a in zip(consts[1:], node.elts[1:]):
                try:
                    t = promote_type(t, c.type)
                except TypeError:
                    raise err(f"array elements of types {t} and {c.type} cannot be mixed", a.loc)
            vals = []
            from ..opt.fold import fold_expr
            for c, a in zip(consts, node.elts):
                c2 = fold_expr(self.convert_to(c, t, a.loc, "array element"))
                if not isinstance(c2, ir.Const):
                    raise err(f"InexactError: the element does not fit in {t}", a.loc)
                vals.append(c2.value)
            return (t, vals, node.loc)
        return None

    def const_scalar(self, node: ast.Node, what: str) -> ir.Const:
        from ..opt.fold import fold_expr
        e = self.expr(node)
        self.require_value(e, node.loc)
        if e.type is BOTTOM:
            raise err(f"{what} must be a compile-time constant", node.loc)
        c = fold_expr(e)
        if not isinstance(c, ir.Const) or not c.type.is_scalar:
            raise err(f"{what} must be a compile-time constant", node.loc)
        return c

    def const_int(self, node: ast.Node, what: str) -> int:
        c = self.const_scalar(node, what)
        if not c.type.is_int:
            raise err(f"{what} must be an integer", node.loc)
        if c.value < 1 or c.value > 16384:
            raise err(f"{what} must be between 1 and 16384", node.loc)
        return c.value

    def array_assign(self, tgt, arr, scope: Scope, node, is_const: bool):
        elem, vals, loc = arr
        if isinstance(tgt, ast.TypeAssert):
            raise err("type annotations on array globals are not supported", tgt.loc)
        if not isinstance(tgt, ast.Name):
            raise err("arrays must be assigned to a global name", tgt.loc)
        if scope.kind != "top" or not self.ctx.is_main:
            raise err("arrays can only be created at global scope (they have a fixed size on this target)", loc)
        name = tgt.id
        p = self.program
        if name in p.arrays or name in p.globals or name in self.consts:
            raise err(f"`{name}` is already defined; arrays cannot be rebound", tgt.loc)
        if name in self.methods:
            raise err(f"cannot assign to `{name}`: it is a function", tgt.loc)
        p.arrays[name] = ir.GlobalArray(name, elem, vals, is_const, tgt.loc)
        if is_const:
            self.const_arrays.add(name)
        return []

    def assign_index(self, tgt: ast.Index, value: ir.Expr, loc) -> List[ir.Stmt]:
        obj = tgt.obj
        if isinstance(obj, ast.Name) and self.is_register(obj.id):
            if tgt.args:
                raise err(f"registers are accessed as `{obj.id}[]`", tgt.loc)
            reg = self.register(obj.id, obj.loc)
            t = UINT8 if reg.width == 8 else UINT16
            v = self.convert_to(value, t, loc, f"write to register {obj.id}")
            return [ir.RegWrite(reg, v, loc)]
        arr = self.expr(obj)
        if arr.type is BOTTOM:
            return []
        if not isinstance(arr.type, ArrayType):
            raise err(f"cannot index a value of type {arr.type}", obj.loc)
        idx = self.index_expr(tgt, arr)
        v = self.convert_to(value, arr.type.elem, loc, "array element assignment")
        if isinstance(arr, ir.ArrayAddr):
            self.directly_written.add(arr.array.name)
        else:
            self.written_array_types.add(arr.type)
        return [ir.ArrayStore(arr, idx, v, self.ctx.inbounds == 0, tgt.loc)]

    def index_expr(self, tgt: ast.Index, arr: ir.Expr) -> ir.Expr:
        if len(tgt.args) != 1:
            raise err("arrays are one-dimensional: use one index" if tgt.args else
                      "an array index is required", tgt.loc)
        a = tgt.args[0]
        if isinstance(a, ast.Range):
            raise err("slices (`xs[a:b]`) are not supported on this target", a.loc)
        self.end_stack.append(arr.type.length)
        try:
            i = self.expr(a)
        finally:
            self.end_stack.pop()
        self.require_value(i, a.loc)
        if i.type is BOOL:
            raise err("logical (Bool) indexing is not supported", a.loc)
        if not i.type.is_int and i.type is not BOTTOM:
            raise err(f"array index must be an integer, not {i.type}", a.loc)
        if i.type in (T.INT8, T.UINT8):
            i = self.conv(i, INT16, False)
        return i

    def s_OpAssign(self, s: ast.OpAssign, scope: Scope):
        tgt = s.target
        op = s.op
        if isinstance(tgt, ast.TypeAssert):
            raise err("type annotations are not allowed in compound assignments", tgt.loc)
        if isinstance(tgt, ast.Name):
            cur = self.expr(tgt)
            rhs = self.expr(s.value)
            return self.assign_to(tgt, self.binary(op, cur, rhs, s.loc, s.value), scope, s.loc)
        if isinstance(tgt, ast.Index):
            obj = tgt.obj
            if isinstance(obj, ast.Name) and self.is_register(obj.id):
                cur = self.expr(tgt)
                rhs = self.expr(s.value)
                return self.assign_index(tgt, self.binary(op, cur, rhs, s.loc, s.value), s.loc)
            arr = self.expr(obj)
            if arr.type is BOTTOM:
                return []
            if not isinstance(arr.type, ArrayType):
                raise err(f"cannot index a value of type {arr.type}", obj.loc)
            pre: List[ir.Stmt] = []
            _, aref = self.bind_stmt(arr, pre)
            idx = self.index_expr(tgt, arr)
            _, iref = self.bind_stmt(idx, pre)
            checked = self.ctx.inbounds == 0
            cur = ir.ArrayLoad(aref, iref, checked, tgt.loc)
            rhs = self.expr(s.value)
            new = self.binary(op, cur, rhs, s.loc, s.value)
            v = self.convert_to(new, arr.type.elem, s.loc, "array element assignment")
            if isinstance(aref, ir.ArrayAddr):
                self.directly_written.add(aref.array.name)
            else:
                self.written_array_types.add(arr.type)
            return pre + [ir.ArrayStore(aref, iref, v, checked, tgt.loc)]
        raise err("cannot assign to this expression", tgt.loc)

    # .......................................................... printing
    def print_call(self, e: ast.Call) -> List[ir.Stmt]:
        out: List[ir.Stmt] = []
        for a in e.args:
            if isinstance(a, (ast.KwArg, ast.Splat)):
                raise err("keyword/splat arguments to print are not supported", a.loc)
            if isinstance(a, ast.StrLit):
                for part in a.parts:
                    if isinstance(part, str):
                        if part:
                            out.append(ir.PrintStr(part, a.loc))
                    else:
                        out.extend(self.print_value(part))
            else:
                out.extend(self.print_value(a))
        if e.func.id == "println":
            out.append(ir.PrintStr("\n", e.loc))
        out = self._arguments_before_printing(out)
        return ir.merge_prints(out)

    def _arguments_before_printing(self, out: List[ir.Stmt]) -> List[ir.Stmt]:
        """Julia evaluates every argument of print before printing anything: when an
        argument may print, raise or have side effects after something was printed,
        the values up to it are computed into temporaries first."""
        from ..opt.fold import is_pure
        last = -1
        for i, s in enumerate(out):
            if (isinstance(s, ir.Print) and not is_pure(s.value)) or isinstance(s, ir.ExprStmt):
                last = i
        if last <= 0 or not any(isinstance(s, (ir.Print, ir.PrintStr)) for s in out[:last]):
            return out
        pre: List[ir.Stmt] = []
        rest: List[ir.Stmt] = []
        for i, s in enumerate(out):
            if i <= last and isinstance(s, ir.Print):
                _, ref = self.bind_stmt(s.value, pre)
                rest.append(ir.Print(ref, s.loc))
            elif i <= last and isinstance(s, ir.ExprStmt):
                pre.append(s)
            else:
                rest.append(s)
        return pre + rest

    def print_value(self, node: ast.Node) -> List[ir.Stmt]:
        if isinstance(node, ast.StrLit):
            return [ir.PrintStr("".join(p for p in node.parts if isinstance(p, str)), node.loc)] \
                if all(isinstance(p, str) for p in node.parts) else \
                [s for p in node.parts for s in ([ir.PrintStr(p, node.loc)] if isinstance(p, str)
                                                  else self.print_value(p))]
        v = self.expr(node, allow_nothing=True)
        if v.type is BOTTOM:
            return [ir.ExprStmt(v, node.loc)]
        if v.type is NOTHING:
            pre = [] if isinstance(v, ir.Const) else [ir.ExprStmt(v, node.loc)]
            return pre + [ir.PrintStr("nothing", node.loc)]
        self.require_value(v, node.loc)
        if isinstance(v.type, ArrayType):
            raise err("printing whole arrays is not supported; print the elements", node.loc)
        if isinstance(v, ir.Const):
            return [ir.PrintStr(_julia_print(v), node.loc)]
        return [ir.Print(v, node.loc)]

    # .......................................................... expressions
    def expr(self, node: ast.Node, allow_nothing: bool = False) -> ir.Expr:
        m = getattr(self, "e_" + type(node).__name__, None)
        if m is None:
            raise err(f"unsupported expression {type(node).__name__}", node.loc)
        e = m(node)
        if not allow_nothing and e.type is NOTHING and not isinstance(e, ir.Const):
            raise err("this expression has no value (it returns `nothing`)", node.loc)
        return e

    def e_IntLit(self, n: ast.IntLit):
        return ir.Const(n.value, TYPE_NAMES[n.type], n.loc)

    def e_BoolLit(self, n: ast.BoolLit):
        return ir.Const(1 if n.value else 0, BOOL, n.loc)

    def e_CharLit(self, n: ast.CharLit):
        return ir.Const(ord(n.value), CHAR, n.loc)

    def e_FloatLit(self, n: ast.FloatLit):
        kind = "Float32" if "f" in n.text and not n.text.startswith("0x") else "Float64"
        raise err(f"{kind} is not supported on this target (floating-point literal `{n.text}`)", n.loc)

    def e_StrLit(self, n: ast.StrLit):
        raise err("strings are only supported as print arguments", n.loc)

    def e_TupleLit(self, n):
        raise err("tuples are not supported on this target", n.loc)

    def e_Lambda(self, n):
        raise err("closures (anonymous functions) are not supported on this target", n.loc)

    def e_Field(self, n):
        raise err("field access (`a.b`) is not supported on this target", n.loc)

    def e_KwArg(self, n):
        raise err("keyword arguments are not supported on this target", n.loc)

    def e_Splat(self, n):
        raise err("splatting (`xs...`) is not supported on this target", n.loc)

    def e_Range(self, n):
        raise err("ranges are only supported in `for` loops on this target", n.loc)

    def e_Curly(self, n):
        if isinstance(n.obj, ast.Name) and n.obj.id in UNSUPPORTED_TYPES:
            raise err(UNSUPPORTED_TYPES[n.obj.id], n.loc)
        raise err("parametric types can only be used in method signatures", n.loc)

    def e_VectorLit(self, n):
        raise err("arrays can only be created at global scope (they have a fixed size on this target)", n.loc)

    def e_EndIndex(self, n):
        if not self.end_stack:
            raise err("`end` used outside an index", n.loc)
        return ir.Const(self.end_stack[-1], INT16, n.loc)

    def e_TypeAssert(self, n: ast.TypeAssert):
        if n.expr is None:
            raise err("`::T` without a value is only allowed in method signatures", n.loc)
        v = self.expr(n.expr)
        t = self.resolve_type(n.type, pattern=True)
        if v.type is BOTTOM or T.is_subtype(v.type, t):
            return v
        raise err(f"type assertion fails: the value is {v.type}, not {t} (Julia would throw a TypeError)",
                  n.loc)

    def e_Name(self, n: ast.Name):
        name = n.id
        scope = getattr(self, "cur_scope", None)
        var = scope.find_local(name) if scope is not None else None
        if var is not None:
            if var.type is None:
                raise err(f"variable `{name}` is used before it is assigned", n.loc)
            return ir.LocalGet(var, n.loc)
        if scope is not None and scope.kind != "top" and name in scope_assigned_later(scope, name):
            pass
        if name in self.consts:
            c = self.consts[name]
            if isinstance(c, Placeholder):
                return Placeholder(n.loc)
            return ir.Const(c.value, c.type, n.loc)
        p = self.program
        if name in p.arrays:
            a = p.arrays[name]
            return ir.ArrayAddr(a, ArrayType(a.elem, a.length), n.loc)
        if name in p.globals:
            return ir.GlobalGet(p.globals[name], n.loc)
        if name == "nothing":
            return ir.Const(0, NOTHING, n.loc)
        if self.is_register(name):
            raise err(f"register `{name}` must be accessed as `{name}[]`", n.loc)
        if name in TYPE_NAMES or name in T.ABSTRACT_PARENTS:
            raise err(f"the type `{name}` cannot be used as a value here", n.loc)
        if name in UNSUPPORTED_TYPES:
            raise err(UNSUPPORTED_TYPES[name], n.loc)
        if name in self.methods:
            raise err(f"functions cannot be used as values on this target (`{name}`)", n.loc)
        if name in ("pi", "π", "Inf", "NaN", "ℯ"):
            raise err(f"`{name}` is a floating-point constant: floating point is not supported on this target",
                      n.loc)
        if name in self.all_globals:
            raise err(f"undefined variable `{name}` (the global is not assigned yet at this point)", n.loc)
        raise err(f"undefined variable `{name}`", n.loc)

    def e_UnaryOp(self, n: ast.UnaryOp):
        op = n.op
        if op == "-" and isinstance(n.operand, ast.IntLit) and not getattr(n.operand, "parens", False) \
                and not n.operand.text.startswith("0"):
            v = -n.operand.value
            # Julia reads `-32768` as one literal: type by the negative value
            t = INT16 if v >= -32768 else (INT32 if v >= -2147483648 else None)
            if t is None:
                raise err("Int64 is not supported on this target", n.loc)
            return ir.Const(v, t, n.loc)
        a = self.expr(n.operand)
        self.require_value(a, n.operand.loc)
        if a.type is BOTTOM:
            return Placeholder(n.loc)
        t = a.type
        if op == "!":
            if t is not BOOL:
                raise err(f"`!` needs a Bool, not {t}; use `~x` for bitwise not or `x == 0`", n.loc)
            return ir.UnOp("not", a, BOOL, n.loc)
        if not t.is_integer:
            raise err(f"no method {op}(::{t})", n.loc)
        if op == "~":
            return ir.UnOp("not", a, t, n.loc)
        if t is BOOL:
            a = self.conv(a, INT16, False)
            t = INT16
        if op == "+":
            return a
        return ir.UnOp("neg", a, t, n.loc)

    def e_BinOp(self, n: ast.BinOp):
        if n.op == "/":
            raise err("floating point is not supported on this target; use ÷ (div) for integer division",
                      n.loc)
        if n.op == "%":
            tt = self.try_type_name(n.right)
            if tt is not None:
                a = self.expr(n.left)
                return self.rem_type(a, tt, n.loc)
        a = self.expr(n.left)
        b = self.expr(n.right)
        return self.binary(n.op, a, b, n.loc, n.right)

    def rem_type(self, a: ir.Expr, t: JType, loc) -> ir.Expr:
        self.require_value(a, loc)
        if a.type is BOTTOM:
            return Placeholder(loc)
        if not t.is_int or not a.type.is_integer:
            raise err(f"`x % T` needs an integer x and an integer type T (got {a.type} % {t})", loc)
        return self.conv(a, t, False, loc)

    def binary(self, op: str, a: ir.Expr, b: ir.Expr, loc, rnode=None) -> ir.Expr:
        self.require_value(a, loc)
        self.require_value(b, loc)
        if _is_bottom(a, b):
            return Placeholder(loc)
        if op == "/":
            raise err("floating point is not supported on this target; use ÷ (div) for integer division", loc)
        if op == "^":
            return self.power(a, b, loc, rnode)
        ta, tb = a.type, b.type
        if ta is CHAR or tb is CHAR:
            return self.char_arith(op, a, b, loc)
        if not (ta.is_integer and tb.is_integer):
            raise err(f"no method {op}(::{ta}, ::{tb})", loc)
        irop = _BIN.get(op, op)
        if irop in ("shl", "shr", "lshr"):
            if ta is BOOL:
                raise err(f"shifting a Bool is not supported; convert it first (e.g. Int16(b) {op} n)", loc)
            if tb is BOOL:
                b = self.conv(b, UINT8, False)
            e = ir.BinOp(irop, a, b, ta, loc)
            return e
        if irop in _DIVLIKE:
            return self.division(irop, a, b, loc)
        if ta is BOOL and tb is BOOL:
            if irop in ("add", "sub"):
                return ir.BinOp(irop, self.conv(a, INT16, False), self.conv(b, INT16, False), INT16, loc)
            if irop == "mul":
                irop = "and"
            return ir.BinOp(irop, a, b, BOOL, loc)
        t = promote_type(ta, tb)
        return ir.BinOp(irop, self.conv(a, t, False), self.conv(b, t, False), t, loc)

    def char_arith(self, op, a, b, loc):
        ta, tb = a.type, b.type
        if op == "-" and ta is CHAR and tb is CHAR:
            return ir.BinOp("sub", self.conv(a, INT16, False), self.conv(b, INT16, False), INT16, loc)
        if op in ("+", "-") and ta is CHAR and tb.is_int:
            w = promote_type(INT16, tb) if tb.bits < 32 else (INT32 if tb.signed else UINT32)
            s = ir.BinOp("add" if op == "+" else "sub", self.conv(a, w, False), self.conv(b, w, False), w, loc)
            return ir.Convert(s, CHAR, True, loc)
        if op == "+" and tb is CHAR and ta.is_int:
            return self.char_arith("+", b, a, loc)
        raise err(f"no method {op}(::{ta}, ::{tb})", loc)

    def power(self, a: ir.Expr, b: ir.Expr, loc, rnode) -> ir.Expr:
        from ..opt.fold import fold_expr
        c = fold_expr(b)
        if not isinstance(c, ir.Const) or not c.type.is_integer:
            raise err("`x ^ n` needs a constant exponent on this target", loc)
        n = c.value
        if n < 0:
            raise err("negative exponents give floating point results in Julia "
                      "(floating point is not supported on this target)", loc)
        t = a.type
        if not t.is_integer:
            raise err(f"no method ^(::{t}, ::{c.type})", loc)
        if t is BOOL:
            return ir.Const(1, BOOL, loc) if n == 0 else a
        if n == 0:
            return ir.Const(1, t, loc)
        wrap, x = self.bind(a)
        # square-and-multiply: each squared base is bound once and used twice
        pending = []
        base = x
        acc = None
        k = n
        while k:
            if k & 1:
                acc = base if acc is None else ir.BinOp("mul", acc, base, t, loc)
            k >>= 1
            if k:
                w2, base = self.bind(ir.BinOp("mul", base, base, t, loc))
                pending.append(w2)
        for w2 in reversed(pending):
            acc = w2(acc)
        return wrap(acc)

    # .......................................................... division family
    def division(self, op: str, a: ir.Expr, b: ir.Expr, loc) -> ir.Expr:
        ta, tb = a.type, b.type
        if ta is BOOL and tb is BOOL:
            raise err(f"{op}(::Bool, ::Bool) is not supported on this target", loc)
        if ta is BOOL or tb is BOOL or ta.signed == tb.signed:
            t = promote_type(ta, tb)
            return ir.BinOp(op, self.conv(a, t, False), self.conv(b, t, False), t, loc)
        wa, x = self.bind(a)
        wb, y = self.bind(b)
        return wa(wb(self.mixed_div(op, x, y, loc)))

    def _same(self, op, a, b, loc):
        t = promote_type(a.type, b.type)
        return ir.BinOp(op, self.conv(a, t, False), self.conv(b, t, False), t, loc)

    def _u(self, e):
        return self.conv(e, T.unsigned_of(e.type), False)

    def _s(self, e):
        return self.conv(e, T.signed_of(e.type), False)

    def _flipsign(self, q, sgn):
        wq, qr = self.bind(q)
        return wq(ir.Cond(ir.Compare("lt", sgn, ir.Const(0, sgn.type)), ir.UnOp("neg", qr, qr.type), qr, qr.type))

    def mixed_div(self, op, x, y, loc):
        """Julia's methods for one signed and one unsigned operand (int.jl, div.jl)."""
        su = x.type.signed
        if op == "div":
            if su:
                return self._flipsign(self._s(self._same("div", self._u(ir.UnOp("abs", x, x.type)), y, loc)), x)
            return self._u(self._flipsign(self._s(self._same("div", x, self._u(ir.UnOp("abs", y, y.type)), loc)), y))
        if op == "rem":
            if su:
                return self._flipsign(self._s(self._same("rem", self._u(ir.UnOp("abs", x, x.type)), y, loc)), x)
            return self._same("rem", x, self._u(ir.UnOp("abs", y, y.type)), loc)
        if op == "mod":
            if su:
                inner = self._u(self.mixed_div("rem", x, y, loc))
            else:
                inner = self._s(self.mixed_div("rem", x, y, loc))
            s = self.binary("+", y, inner, loc)
            return self.division("rem", s, y, loc)
        # fld / cld: q -/+ (signbit condition & (rem != 0))
        q = self.mixed_div("div", x, y, loc)
        r = self.mixed_div("rem", x, y, loc)
        sgn = x if su else y
        nz = ir.Compare("ne", r, ir.Const(0, r.type))
        if op == "fld":
            c = ir.And(ir.Compare("lt", sgn, ir.Const(0, sgn.type)), nz)
            wq, qr = self.bind(q)
            return wq(ir.Cond(c, ir.BinOp("sub", qr, ir.Const(1, qr.type), qr.type, loc), qr, qr.type))
        c = ir.And(ir.Compare("ge", sgn, ir.Const(0, sgn.type)), nz)
        wq, qr = self.bind(q)
        return wq(ir.Cond(c, ir.BinOp("add", qr, ir.Const(1, qr.type), qr.type, loc), qr, qr.type))

    # .......................................................... comparisons
    def e_Compare(self, n: ast.Compare):
        operands = n.operands
        first = self.expr(operands[0])
        if len(operands) == 2:
            return self.compare(n.ops[0], first, self.expr(operands[1]), n.loc)
        # a < b < c  ==  (a < b) && (b < c): operands evaluated once, left to right, and
        # later operands only if the earlier comparisons hold (Julia's lowering)

        def chain(i, left):
            right = self.expr(operands[i + 1])
            if i + 1 == len(n.ops):
                return self.compare(n.ops[i], left, right, n.loc)
            w, rref = self.bind(right)
            return w(ir.And(self.compare(n.ops[i], left, rref, n.loc), chain(i + 1, rref), n.loc))

        w0, r0 = self.bind(first)
        return w0(chain(0, r0))

    def compare(self, op: str, a: ir.Expr, b: ir.Expr, loc) -> ir.Expr:
        self.require_value(a, loc)
        self.require_value(b, loc)
        if _is_bottom(a, b):
            return Placeholder(loc)
        irop = _CMP[op]
        ta, tb = a.type, b.type
        if ta is CHAR or tb is CHAR:
            if ta is CHAR and tb is CHAR:
                return ir.Compare(irop, a, b, loc)
            raise err(f"comparing Char with {tb if ta is CHAR else ta} is not supported; "
                      "use Int(c) or Char(n)", loc)
        if not (ta.is_integer and tb.is_integer):
            raise err(f"no method {op}(::{ta}, ::{tb})", loc)
        if ta == tb:
            return ir.Compare(irop, a, b, loc)
        # a type that holds both operands exactly
        for t in (T.INT8, T.UINT8, INT16, UINT16, INT32, UINT32):
            if self.lossless(ta, t) and self.lossless(tb, t):
                return ir.Compare(irop, self.conv(a, t, False), self.conv(b, t, False), loc)
        # signed vs UInt32 (no common type): Julia's mixed-sign definitions
        wa, x = self.bind(a)
        wb, y = self.bind(b)
        return wa(wb(self.mixed_compare(irop, x, y, loc)))

    def mixed_compare(self, irop, x, y, loc):
        if irop in ("gt", "ge"):
            return self.mixed_compare(_SWAP[irop], y, x, loc)
        if irop == "ne":
            return ir.UnOp("not", self.mixed_compare("eq", x, y, loc), BOOL, loc)
        if x.type.signed:      # x signed, y unsigned (UInt32)
            xu = self.conv(x, y.type, False)
            zero = ir.Const(0, x.type)
            if irop == "eq":
                return ir.And(ir.Compare("ge", x, zero), ir.Compare("eq", xu, y), loc)
            return ir.Or(ir.Compare("lt", x, zero), ir.Compare(irop, xu, y), loc)
        # x unsigned (UInt32), y signed
        yu = self.conv(y, x.type, False)
        zero = ir.Const(0, y.type)
        return ir.And(ir.Compare("ge", y, zero), ir.Compare(irop, x, yu), loc)

    def e_And(self, n: ast.And):
        a = self.require_bool(self.expr(n.left), "`&&`", n.left.loc)
        b = self.expr(n.right)
        if b.type is not BOOL and b.type is not BOTTOM:
            raise err(f"the right side of `&&` must be a Bool here (it is {b.type}); "
                      "use an `if` statement", n.right.loc)
        return ir.And(a, b, n.loc)

    def e_Or(self, n: ast.Or):
        a = self.require_bool(self.expr(n.left), "`||`", n.left.loc)
        b = self.expr(n.right)
        if b.type is not BOOL and b.type is not BOTTOM:
            raise err(f"the right side of `||` must be a Bool here (it is {b.type}); "
                      "use an `if` statement", n.right.loc)
        return ir.Or(a, b, n.loc)

    def e_Ternary(self, n: ast.Ternary):
        c = self.require_bool(self.expr(n.cond), "`?:` condition", n.cond.loc)
        a = self.expr(n.then)
        b = self.expr(n.orelse)
        self.require_value(a, n.then.loc)
        self.require_value(b, n.orelse.loc)
        if a.type is BOTTOM:
            return b if b.type is BOTTOM else ir.Cond(c, Placeholder(), b, b.type, n.loc) if False else \
                ir.Cond(c, a, b, b.type, n.loc)
        if b.type is BOTTOM:
            return ir.Cond(c, a, b, a.type, n.loc)
        if a.type != b.type:
            raise err(f"the branches of `?:` have different types ({a.type} and {b.type}); "
                      "convert one of them", n.loc)
        return ir.Cond(c, a, b, a.type, n.loc)

    def e_Index(self, n: ast.Index):
        obj = n.obj
        if isinstance(obj, ast.Name) and self.is_register(obj.id) and self.ctx_scope_local(obj.id) is None:
            if n.args:
                raise err(f"registers are accessed as `{obj.id}[]`", n.loc)
            reg = self.register(obj.id, obj.loc)
            return ir.RegRead(reg, UINT8 if reg.width == 8 else UINT16, n.loc)
        if isinstance(obj, ast.Name) and obj.id in TYPE_NAMES and self.ctx_scope_local(obj.id) is None:
            raise err("arrays can only be created at global scope (they have a fixed size on this target)",
                      n.loc)
        arr = self.expr(obj)
        if arr.type is BOTTOM:
            return Placeholder(n.loc)
        if not isinstance(arr.type, ArrayType):
            if arr.type.is_scalar and not n.args:
                raise err(f"cannot dereference a {arr.type} with `[]`", n.loc)
            raise err(f"cannot index a value of type {arr.type}", n.loc)
        idx = self.index_expr(n, arr)
        return ir.ArrayLoad(arr, idx, self.ctx.inbounds == 0, n.loc)

    def e_MacroCall(self, n: ast.MacroCall):
        return self.macro_expr(n)

    def macro_expr(self, n: ast.MacroCall):
        if n.name == "inbounds":
            if len(n.args) != 1:
                raise err("`@inbounds` takes one expression", n.loc)
            self.ctx.inbounds += 1
            try:
                return self.expr(n.args[0])
            finally:
                self.ctx.inbounds -= 1
        if n.name == "forth":
            if len(n.args) < 2 or not isinstance(n.args[1], ast.StrLit):
                raise err('the expression form is `@forth(T, "words", args...)`', n.loc)
            t = self.resolve_type(n.args[0])
            if not t.is_scalar:
                raise err("`@forth` results must be an integer, Bool or Char type", n.args[0].loc)
            text = self.plain_string(n.args[1])
            args = []
            for a in n.args[2:]:
                v = self.expr(a)
                self.require_value(v, a.loc)
                if isinstance(v.type, ArrayType) or not (v.type.is_scalar or v.type is BOTTOM):
                    raise err("`@forth` arguments must be integers, Bool or Char", a.loc)
                args.append(v)
            return ir.Forth(text, args, t, n.loc)
        raise err(f"macro `@{n.name}` is not supported on this target", n.loc)

    # .......................................................... registers
    def is_register(self, name: str) -> bool:
        regs = getattr(self.target, "registers", {}) or {}
        return name in regs and name not in self.program.globals and name not in self.consts

    def register(self, name: str, loc) -> ir.Register:
        r = self.program.registers.get(name)
        if r is None:
            addr, width = self.target.registers[name]
            if width not in (8, 16):
                raise err(f"register `{name}` has an unsupported width ({width} bits)", loc)
            r = ir.Register(name, addr, width)
            self.program.registers[name] = r
        return r

    # .......................................................... calls
    def is_user_function(self, name: str) -> bool:
        return name in self.methods

    def e_Call(self, n: ast.Call):
        f = n.func
        if not isinstance(f, ast.Name):
            if isinstance(f, ast.Field):
                raise err("qualified names (`Module.f`) are not supported on this target", f.loc)
            if isinstance(f, ast.IntLit):
                raise err("implicit multiplication is not supported; write `*`", n.loc)
            raise err("only named functions can be called on this target", n.loc)
        name = f.id
        for a in n.args:
            if isinstance(a, ast.KwArg):
                raise err("keyword arguments are not supported on this target", a.loc)
            if isinstance(a, ast.Splat):
                raise err("splatting (`xs...`) is not supported on this target", a.loc)
        scope = getattr(self, "cur_scope", None)
        if scope is not None and scope.find_local(name) is not None:
            raise err(f"`{name}` is a variable, not a function", f.loc)
        if name in self.methods:
            return self.user_call(name, n)
        if name in TYPE_NAMES:
            return self.type_call(TYPE_NAMES[name], n)
        if name in UNSUPPORTED_TYPES:
            raise err(UNSUPPORTED_TYPES[name], f.loc)
        m = getattr(self, "b_" + name.replace("!", "_bang"), None)
        if m is not None:
            return m(n)
        if name in ("print", "println"):
            raise err("`print`/`println` return nothing; use them as statements", n.loc)
        if name in ("zeros", "fill", "ones"):
            raise err("arrays can only be created at global scope (they have a fixed size on this target)", n.loc)
        if name in FLOAT_FUNCS:
            raise err(f"`{name}` needs floating point, which is not supported on this target", f.loc)
        if name in ARRAY_GROW_FUNCS:
            raise err(f"`{name}` is not supported: arrays have a fixed size and only indexing, `length` "
                      "and `for` are supported on this target", f.loc)
        if name in STRING_FUNCS:
            raise err(f"`{name}` is not supported: strings are only supported as print arguments", f.loc)
        if name in OTHER_BASE_FUNCS:
            raise err(f"`{name}` is not supported on this target", f.loc)
        if self.is_register(name):
            raise err(f"register `{name}` must be accessed as `{name}[]`", f.loc)
        raise err(f"undefined function `{name}`", f.loc)

    def args(self, n: ast.Call) -> List[ir.Expr]:
        out = []
        for a in n.args:
            v = self.expr(a)
            self.require_value(v, a.loc)
            out.append(v)
        return out

    def nargs(self, n: ast.Call, *counts):
        if len(n.args) not in counts:
            want = " or ".join(str(c) for c in counts)
            raise err(f"`{n.func.id}` takes {want} argument{'s' if counts != (1,) else ''}", n.loc)

    def user_call(self, name: str, n: ast.Call) -> ir.Expr:
        if self.ctx.is_main and self._in_top(self.cur_scope) and name not in self.defined_funcs:
            raise err(f"`{name}` is called before its definition", n.func.loc)
        args = self.args(n)
        if _is_bottom(*args):
            return Placeholder(n.loc)
        argtypes = tuple(a.type for a in args)
        method = self.select_method(name, argtypes, n.loc)
        spec = self.specialise(method, argtypes, n.loc)
        f = spec.func
        if spec.in_progress:
            f.recursive = True
            rt = self.declared_ret(method) or self.ret_approx.get(spec.key, BOTTOM)
        else:
            rt = f.ret
        if rt is BOTTOM and not spec.in_progress:
            call = ir.Call(f, args, NOTHING, n.loc)
            call.never_returns = True
            return call
        return ir.Call(f, args, rt, n.loc)

    def declared_ret(self, method: Method) -> Optional[JType]:
        if method.fdef.ret_type is None:
            return None
        t = self.resolve_type(method.fdef.ret_type)
        return t

    def select_method(self, name: str, argtypes, loc) -> Method:
        cands = self.methods[name]
        applicable = [m for m in cands if len(m.patterns) == len(argtypes) and
                      all(p is None or T.is_subtype(t, p) for t, p in zip(argtypes, m.patterns))]
        if not applicable:
            listing = "; ".join(m.signature() for m in cands)
            raise err(f"no method {_sig(name, argtypes)}; candidates: {listing}", loc)
        best = [m for m in applicable
                if all(m is o or self.more_specific(m, o) for o in applicable)]
        if len(best) != 1:
            listing = "; ".join(m.signature() for m in applicable)
            raise err(f"{_sig(name, argtypes)} is ambiguous; candidates: {listing}", loc)
        return best[0]

    @staticmethod
    def more_specific(m: Method, o: Method) -> bool:
        le = all((q is None) or (p is not None and T.pattern_le(p, q)) for p, q in zip(m.patterns, o.patterns))
        ge = all((p is None) or (q is not None and T.pattern_le(q, p)) for p, q in zip(m.patterns, o.patterns))
        return le and not ge

    def specialise(self, method: Method, argtypes, call_loc) -> Spec:
        key = (method.index, argtypes)
        spec = self.specs.get(key)
        if spec is not None:
            return spec
        uname = f"{method.name}#{len(self.program.functions)}"
        params = []
        for p, t in zip(method.fdef.params, argtypes):
            params.append(ir.Var(p.name or f"_{len(params) + 1}", t, "param", p.loc))
        declared = self.declared_ret(method)
        if declared is not None and not (declared.is_scalar or declared is NOTHING):
            raise err("functions must return an integer, Bool, Char or nothing", method.fdef.ret_type.loc)
        f = ir.Function(uname, method.name, params, declared or BOTTOM, method.loc)
        f.inline = method.inline
        spec = Spec(key, f)
        self.specs[key] = spec
        self.program.functions[uname] = f
        saved = (self.ctx, getattr(self, "cur_scope", None), self.end_stack)
        ctx = FuncCtx(f, method, declared)
        self.ctx = ctx
        self.end_stack = []
        self.spec_stack.append(spec)
        try:
            scope = Scope("function", None)
            for v in params:
                v.declared = None
                v.first_loc = v.loc
                if v.name in scope.vars:
                    raise err(f"duplicate argument `{v.name}`", v.loc)
                scope.vars[v.name] = v
            body = method.fdef.body
            self.cur_scope = scope
            self.declare_scope(body, scope)
            f.body = self.tail_block(body, scope)
            if declared is None:
                f.ret = self.join_returns(ctx.returns)
                if isinstance(f.ret, MixedType):
                    # values cannot be used; the function returns nothing at the IR level
                    for r in ir.walk_stmts(f.body):
                        if isinstance(r, ir.Return) and r.value is not None:
                            r.pre = ir.ExprStmt(r.value, r.loc)
                            r.value = None
                old = self.ret_approx.get(key, BOTTOM)
                if f.ret != old:
                    self.ret_approx[key] = f.ret
                    if spec.func.recursive:
                        self.changed = True
            self._expand_return_pre(f.body)
        except CompileError as e:
            if self.ctx.method is not None and len(e.notes) < 4:
                e.notes.append((call_loc, f"in {_sig(method.name, argtypes)} called here"))
            raise
        finally:
            self.spec_stack.pop()
            self.ctx, self.cur_scope, self.end_stack = saved
        spec.in_progress = False
        return spec

    def _expand_return_pre(self, stmts: List[ir.Stmt]):
        i = 0
        while i < len(stmts):
            s = stmts[i]
            if isinstance(s, ir.Return) and getattr(s, "pre", None) is not None:
                pre = s.pre
                s.pre = None
                stmts.insert(i, pre)
                i += 2
                continue
            for attr in ("then", "orelse", "body"):
                sub = getattr(s, attr, None)
                if isinstance(sub, list):
                    self._expand_return_pre(sub)
            i += 1

    def join_returns(self, returns) -> JType:
        types = []
        for t, _loc in returns:
            if t is BOTTOM:
                continue
            if isinstance(t, MixedType):
                for o in t.options:
                    if o not in types:
                        types.append(o)
            elif t not in types:
                types.append(t)
        if not types:
            return BOTTOM
        if len(types) == 1:
            return types[0]
        return MixedType(tuple(types))

    def tail_block(self, stmts, scope: Scope) -> List[ir.Stmt]:
        """A function body: its last statement provides the return value (Julia semantics)."""
        if not stmts:
            return [self.make_return(None, self.ctx.func.loc)]
        saved = getattr(self, "cur_scope", None)
        self.cur_scope = scope
        try:
            return self.tail_stmts(stmts, scope, self.ctx.func.loc)
        finally:
            self.cur_scope = saved

    def tail_stmt(self, s: ast.Node, scope: Scope) -> List[ir.Stmt]:
        if isinstance(s, ast.ExprStmt):
            e = s.expr
            if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and \
                    e.func.id in ("print", "println") and not self.is_user_function(e.func.id):
                return self.print_call(e) + [self.make_return(None, s.loc)]
            if isinstance(e, ast.StrLit):
                raise err("strings are only supported as print arguments", e.loc)
            if isinstance(e, ast.Name) and e.id == "nothing" and scope.find_local("nothing") is None:
                return [self.make_return(None, s.loc)]
            v = self.expr(e, allow_nothing=True)
            if v.type is NOTHING:
                pre = [] if isinstance(v, ir.Const) else [ir.ExprStmt(v, s.loc)]
                return pre + [self.make_return(None, s.loc)]
            return [self.make_return(v, s.loc)]
        if isinstance(s, ast.Return):
            return self.stmt(s, scope)
        if isinstance(s, ast.If):
            return [self.tail_if(s.branches, s.orelse, scope, s.loc)]
        if isinstance(s, ast.Block):
            return self.tail_stmts(s.body, scope, s.loc)
        if isinstance(s, ast.Let):
            return self.s_Let(s, scope, tail=True)
        if isinstance(s, ast.MacroStmt) and s.name == "inbounds":
            self.ctx.inbounds += 1
            try:
                return self.tail_stmt(s.body, scope)
            finally:
                self.ctx.inbounds -= 1
        if isinstance(s, ast.Assign) and s.decl is None and len(s.targets) == 1 and \
                self.array_init(s.value) is None:
            value = self.expr(s.value)
            self.require_value(value, s.value.loc)
            pre: List[ir.Stmt] = []
            _, ref = self.bind_stmt(value, pre)
            out = pre + self.assign_to(s.targets[0], ref, scope, s.loc)
            return out + [self.make_return(ref, s.loc)]
        if isinstance(s, ast.ShortCircuitStmt):
            c = self.require_bool(self.expr(s.cond), f"`{s.op}`", s.cond.loc)
            flow = self.stmt(s.flow, scope)
            if s.op == "&&":
                return [ir.If(c, flow, [], s.loc), self.make_return(ir.Const(0, BOOL), s.loc)]
            return [ir.If(c, [], flow, s.loc), self.make_return(ir.Const(1, BOOL), s.loc)]
        out = self.stmt(s, scope)
        return out + [self.make_return(None, s.loc)]

    def tail_if(self, branches, orelse, scope, loc) -> ir.If:
        cond, body = branches[0]
        c = self.require_bool(self.expr(cond), "`if` condition", cond.loc)
        then = self.tail_stmts(body, scope, loc)
        if len(branches) > 1:
            rest = [self.tail_if(branches[1:], orelse, scope, branches[1][0].loc)]
        elif orelse:
            rest = self.tail_stmts(orelse, scope, loc)
        else:
            rest = [self.make_return(None, loc)]
        return ir.If(c, then, rest, loc)

    def tail_stmts(self, stmts, scope, loc) -> List[ir.Stmt]:
        if not stmts:
            return [self.make_return(None, loc)]
        from ..opt.passes import _leaves
        out: List[ir.Stmt] = []
        for s in stmts[:-1]:
            out.extend(self.stmt(s, scope))
            if _leaves(out):
                return out     # the rest is unreachable (and contributes no return type)
        return out + self.tail_stmt(stmts[-1], scope)

    # .......................................................... conversions and builtins
    def type_call(self, t: JType, n: ast.Call) -> ir.Expr:
        if t is NOTHING:
            raise err("`Nothing(...)` is not supported", n.loc)
        self.nargs(n, 1)
        (a,) = self.args(n)
        if a.type is BOTTOM:
            return Placeholder(n.loc)
        if not a.type.is_scalar:
            raise err(f"cannot convert a {a.type} to {t}", n.loc)
        return self.conv(a, t, True, n.loc)

    def b_convert(self, n):
        self.nargs(n, 2)
        t = self.resolve_type(n.args[0])
        a = self.expr(n.args[1])
        self.require_value(a, n.args[1].loc)
        if a.type is BOTTOM:
            return Placeholder(n.loc)
        if not (a.type.is_scalar and t.is_scalar):
            raise err(f"cannot convert a {a.type} to {t}", n.loc)
        return self.conv(a, t, True, n.loc)

    def b_rem(self, n):
        if len(n.args) == 2:
            tt = self.try_type_name(n.args[1])
            if tt is not None:
                return self.rem_type(self.expr(n.args[0]), tt, n.loc)
        return self._divfunc("rem", n)

    def b_mod(self, n):
        if len(n.args) == 2:
            tt = self.try_type_name(n.args[1])
            if tt is not None:
                return self.rem_type(self.expr(n.args[0]), tt, n.loc)
        return self._divfunc("mod", n)

    def b_div(self, n):
        return self._divfunc("div", n)

    def b_fld(self, n):
        return self._divfunc("fld", n)

    def b_cld(self, n):
        return self._divfunc("cld", n)

    def _divfunc(self, op, n):
        if len(n.args) == 3:
            raise err("rounding modes are not supported on this target", n.loc)
        self.nargs(n, 2)
        a, b = self.args(n)
        if _is_bottom(a, b):
            return Placeholder(n.loc)
        if not (a.type.is_integer and b.type.is_integer):
            raise err(f"no method {op}(::{a.type}, ::{b.type})", n.loc)
        return self.division(op, a, b, n.loc)

    def b_xor(self, n):
        self.nargs(n, 2)
        a, b = self.args(n)
        return self.binary("⊻", a, b, n.loc)

    def b_abs(self, n):
        self.nargs(n, 1)
        (a,) = self.args(n)
        if a.type is BOTTOM:
            return Placeholder(n.loc)
        if not a.type.is_integer:
            raise err(f"no method abs(::{a.type})", n.loc)
        if a.type is BOOL or not a.type.signed:
            return a
        return ir.UnOp("abs", a, a.type, n.loc)

    def b_sign(self, n):
        self.nargs(n, 1)
        (a,) = self.args(n)
        if a.type is BOTTOM:
            return Placeholder(n.loc)
        t = a.type
        if not t.is_integer:
            raise err(f"no method sign(::{t})", n.loc)
        if t is BOOL:
            return a
        w, x = self.bind(a)
        zero, one = ir.Const(0, t), ir.Const(1, t)
        if not t.signed:
            return w(ir.Cond(ir.Compare("ne", x, zero), one, zero, t, n.loc))
        return w(ir.Cond(ir.Compare("gt", x, zero), one,
                         ir.Cond(ir.Compare("lt", x, zero), ir.Const(-1, t), zero, t), t, n.loc))

    def _minmax(self, op, n):
        if len(n.args) < 2:
            raise err(f"`{n.func.id}` takes at least 2 arguments", n.loc)
        vals = self.args(n)
        if _is_bottom(*vals):
            return Placeholder(n.loc)
        # Julia evaluates every argument before promoting (whose conversions may raise):
        # when a later argument may raise or have effects, compute them all first
        from ..opt.fold import is_pure
        wraps = []
        if any(not is_pure(v) for v in vals[1:]):
            refs = []
            for v in vals:
                w, r = self.bind(v)
                wraps.append(w)
                refs.append(r)
            vals = refs
        acc = vals[0]
        for v in vals[1:]:
            if not (acc.type.is_integer and v.type.is_integer) and not (acc.type is CHAR and v.type is CHAR):
                raise err(f"no method {n.func.id}(::{acc.type}, ::{v.type})", n.loc)
            t = promote_type(acc.type, v.type)
            acc = ir.BinOp(op, self.conv(acc, t, True, n.loc), self.conv(v, t, True, n.loc), t, n.loc)
        for w in reversed(wraps):
            acc = w(acc)
        return acc

    def b_min(self, n):
        return self._minmax("min", n)

    def b_max(self, n):
        return self._minmax("max", n)

    def b_clamp(self, n):
        if len(n.args) == 2:
            raise err("`clamp(x, T)` is not supported; use clamp(x, typemin(T), typemax(T)) % T", n.loc)
        self.nargs(n, 3)
        x, lo, hi = self.args(n)
        if _is_bottom(x, lo, hi):
            return Placeholder(n.loc)
        for v, a in zip((x, lo, hi), n.args):
            if not v.type.is_integer:
                raise err(f"clamp needs integers, not {v.type}", a.loc)
        t = promote_type(promote_type(x.type, lo.type), hi.type)
        wx, rx = self.bind(x)
        wl, rl = self.bind(lo)
        wh, rh = self.bind(hi)
        e = ir.Cond(self.compare(">", rx, rh, n.loc), self.conv(rh, t, True, n.loc),
                    ir.Cond(self.compare("<", rx, rl, n.loc), self.conv(rl, t, True, n.loc),
                            self.conv(rx, t, True, n.loc), t), t, n.loc)
        return wx(wl(wh(e)))

    def b_widen(self, n):
        self.nargs(n, 1)
        tt = self.try_type_name(n.args[0])
        if tt is not None:
            raise err("`widen(T)` of a type is not supported; use widen(x) on a value", n.loc)
        (a,) = self.args(n)
        if a.type is BOTTOM:
            return Placeholder(n.loc)
        if not a.type.is_int:
            raise err(f"no method widen(::{a.type})", n.loc)
        w = T.widen(a.type)
        if w is None:
            raise err(f"widen({a.type}) is {'Int64' if a.type.signed else 'UInt64'}, which is not supported on this target",
                      n.loc)
        return self.conv(a, w, False, n.loc)

    def b_unsigned(self, n):
        self.nargs(n, 1)
        (a,) = self.args(n)
        if a.type is BOTTOM:
            return Placeholder(n.loc)
        if not a.type.is_int:
            raise err(f"no method unsigned(::{a.type})", n.loc)
        return self.conv(a, T.unsigned_of(a.type), False, n.loc)

    def b_signed(self, n):
        self.nargs(n, 1)
        (a,) = self.args(n)
        if a.type is BOTTOM:
            return Placeholder(n.loc)
        if not a.type.is_int:
            raise err(f"no method signed(::{a.type})", n.loc)
        return self.conv(a, T.signed_of(a.type), False, n.loc)

    def _typearg(self, n, fname):
        self.nargs(n, 1)
        t = self.try_type_name(n.args[0])
        if t is None:
            v = self.expr(n.args[0])
            t = v.type
        if not t.is_scalar:
            raise err(f"`{fname}` needs an integer type", n.loc)
        return t

    def b_typemax(self, n):
        t = self._typearg(n, "typemax")
        return ir.Const(t.max, t, n.loc)

    def b_typemin(self, n):
        t = self._typearg(n, "typemin")
        return ir.Const(t.min, t, n.loc)

    def b_zero(self, n):
        t = self._typearg(n, "zero")
        if t is CHAR:
            raise err("no method zero(::Type{Char})", n.loc)
        return ir.Const(0, t, n.loc)

    def b_one(self, n):
        t = self._typearg(n, "one")
        if t is CHAR:
            raise err("no method one(::Type{Char})", n.loc)
        return ir.Const(1, t, n.loc)

    def _parity(self, n, odd: bool):
        self.nargs(n, 1)
        (a,) = self.args(n)
        if a.type is BOTTOM:
            return Placeholder(n.loc)
        if not a.type.is_integer:
            raise err(f"no method {n.func.id}(::{a.type})", n.loc)
        t = a.type
        bit = ir.BinOp("and", a, ir.Const(1, t), t, n.loc)
        return ir.Compare("ne" if odd else "eq", bit, ir.Const(0, t), n.loc)

    def b_isodd(self, n):
        return self._parity(n, True)

    def b_iseven(self, n):
        return self._parity(n, False)

    def b_length(self, n):
        self.nargs(n, 1)
        (a,) = self.args(n)
        if a.type is BOTTOM:
            return Placeholder(n.loc)
        if not isinstance(a.type, ArrayType):
            raise err(f"no method length(::{a.type})", n.loc)
        return ir.Const(a.type.length, INT16, n.loc)

    def b_millis(self, n):
        self.nargs(n, 0)
        return ir.Builtin("millis", [], UINT32, n.loc)

    def b_delay_ms(self, n):
        self.nargs(n, 1)
        (a,) = self.args(n)
        if a.type is BOTTOM:
            return Placeholder(n.loc)
        if not a.type.is_int:
            raise err(f"delay_ms needs an integer number of milliseconds, not {a.type}", n.loc)
        return ir.Builtin("delay_ms", [self.conv(a, UINT16, True, n.loc)], NOTHING, n.loc)


def scope_assigned_later(scope, name):
    return ()


def _ident(s: str) -> str:
    out = []
    for ch in s:
        if ch.isalnum() and ch.isascii() or ch == "_":
            out.append(ch)
        elif ch == "!":
            out.append("_b")
        else:
            out.append(f"_{ord(ch):x}")
    r = "".join(out)
    return r if r and not r[0].isdigit() else "_" + r


def _julia_print(c: ir.Const) -> str:
    """How Julia's ``print`` shows a constant."""
    if c.type is BOOL:
        return "true" if c.value else "false"
    if c.type is CHAR:
        return chr(c.value)
    return str(c.value)
