"""Parser for the Julia subset (PLY ``yacc``, LALR).

Grammar functions hold only their production and the node they build; the
few structural decisions (short function definitions, comparison chains,
step ranges) live in small helpers at the bottom.

Parse tables are cached as a pickle inside this package directory, or in the
user cache directory (``$XDG_CACHE_HOME/jlforth`` or ``~/.cache/jlforth``)
when the package is read-only, or not at all if neither is writable. Nothing
is ever written to the current directory and PLY never prints.

Use :func:`parse` (source text → :class:`ast.Module`).
"""
from __future__ import annotations

import os
import sys

import ply.yacc as yacc

from ..errors import CompileError, Loc
from . import ast
from .lexer import Interp, Lexer, tokens  # noqa: F401  (tokens is needed by yacc)

MAX_AST_DEPTH = 150

precedence = (
    ("right", "ARROW"),
    ("right", "QUESTION", "TERNCOLON"),
    ("right", "OROR"),
    ("right", "ANDAND"),
    ("left", "EQ", "NE", "LT", "LE", "GT", "GE"),
    ("left", "COLON"),
    ("left", "PLUS", "MINUS", "PIPE", "XOR"),
    ("left", "TIMES", "DIVIDE", "IDIV", "PERCENT", "AMP"),
    ("left", "SHL", "SHR", "USHR"),
    ("right", "UNARY"),
    ("right", "CARET"),
    ("left", "DCOLON"),
)

start = "program"


def _loc(p, i: int) -> Loc:
    sym = p.slice[i]
    loc = getattr(sym, "loc", None)
    if loc is not None:
        return loc
    v = p[i]
    if isinstance(v, ast.Node):
        return v.loc
    if isinstance(v, list) and v and isinstance(v[0], ast.Node):
        return v[0].loc
    return Loc()


# ---------------------------------------------------------------- program and blocks

def p_program(p):
    """program : block"""
    p[0] = ast.Module(p[1], loc=Loc(p.parser.jl_file, 1, 1))


def p_block_empty(p):
    """block : seps_opt"""
    p[0] = []


def p_block(p):
    """block : seps_opt stmt_list seps_opt"""
    p[0] = p[2]


def p_stmt_list_one(p):
    """stmt_list : stmt"""
    p[0] = [p[1]]


def p_stmt_list_more(p):
    """stmt_list : stmt_list seps stmt"""
    p[1].append(p[3])
    p[0] = p[1]


def p_seps_opt(p):
    """seps_opt :
                | seps"""
    p[0] = None


def p_seps(p):
    """seps : NEWLINE
            | SEMI
            | seps NEWLINE
            | seps SEMI"""
    p[0] = None


# ---------------------------------------------------------------- statements

def p_stmt_expr(p):
    """stmt : expr"""
    p[0] = ast.ExprStmt(p[1], loc=p[1].loc)


def p_stmt_assign(p):
    """stmt : expr ASSIGN rhs"""
    p[0] = make_assign([p[1]] + p[3][0], p[3][1], None, _loc(p, 2))


def p_rhs_expr(p):
    """rhs : expr"""
    p[0] = ([], p[1])


def p_rhs_chain(p):
    """rhs : expr ASSIGN rhs"""
    p[0] = ([p[1]] + p[3][0], p[3][1])


def p_rhs_macro(p):
    """rhs : MACRO expr"""
    p[0] = ([], ast.MacroCall(p[1], [p[2]], loc=_loc(p, 1)))


def p_stmt_opassign(p):
    """stmt : expr OPASSIGN expr"""
    p[0] = ast.OpAssign(p[2], p[1], p[3], loc=_loc(p, 2))


def p_stmt_decl_assign(p):
    """stmt : GLOBAL expr ASSIGN rhs
            | LOCAL expr ASSIGN rhs
            | CONST expr ASSIGN rhs"""
    p[0] = make_assign([p[2]] + p[4][0], p[4][1], p[1], _loc(p, 1))


def p_stmt_global_opassign(p):
    """stmt : GLOBAL expr OPASSIGN expr"""
    p[0] = ast.Block([ast.Global([p[2]], loc=_loc(p, 1)), ast.OpAssign(p[3], p[2], p[4], loc=_loc(p, 3))],
                     loc=_loc(p, 1))


def p_stmt_global(p):
    """stmt : GLOBAL exprlist"""
    p[0] = ast.Global(p[2], loc=_loc(p, 1))


def p_stmt_local(p):
    """stmt : LOCAL exprlist"""
    p[0] = ast.Local(p[2], loc=_loc(p, 1))


def p_exprlist_one(p):
    """exprlist : expr"""
    p[0] = [p[1]]


def p_exprlist_more(p):
    """exprlist : exprlist COMMA expr"""
    p[1].append(p[3])
    p[0] = p[1]


def p_stmt_function(p):
    """stmt : FUNCTION NAME LPAREN_CALL params_opt RPAREN ret_opt block END"""
    p[0] = ast.FunctionDef(p[2], p[4], p[6], p[7], False, [], loc=_loc(p, 2))


def p_params_opt(p):
    """params_opt :
                  | params
                  | params COMMA"""
    p[0] = p[1] if len(p) > 1 else []


def p_params_one(p):
    """params : param"""
    p[0] = [p[1]]


def p_params_more(p):
    """params : params COMMA param"""
    p[1].append(p[3])
    p[0] = p[1]


def p_param_name(p):
    """param : NAME"""
    p[0] = ast.Param(p[1], None, loc=_loc(p, 1))


def p_param_typed(p):
    """param : NAME DCOLON primary"""
    p[0] = ast.Param(p[1], p[3], loc=_loc(p, 1))


def p_param_anon(p):
    """param : DCOLON primary"""
    p[0] = ast.Param(None, p[2], loc=_loc(p, 1))


def p_param_default(p):
    """param : NAME ASSIGN expr
             | NAME DCOLON primary ASSIGN expr"""
    raise CompileError("default argument values are not supported on this target", _loc(p, 1))


def p_param_vararg(p):
    """param : NAME ELLIPSIS"""
    raise CompileError("varargs functions are not supported on this target", _loc(p, 2))


def p_param_semi(p):
    """params_opt : params SEMI kwparams
                  | SEMI kwparams"""
    raise CompileError("keyword arguments are not supported on this target", _loc(p, len(p) - 2))


def p_kwparams(p):
    """kwparams : expr
                | NAME ASSIGN expr
                | kwparams COMMA expr
                | kwparams COMMA NAME ASSIGN expr"""
    p[0] = None


def p_ret_opt(p):
    """ret_opt :
               | DCOLON primary"""
    p[0] = p[2] if len(p) > 1 else None


def p_stmt_if(p):
    """stmt : IF expr block elseifs else_opt END"""
    p[0] = ast.If([(p[2], p[3])] + p[4], p[5], loc=_loc(p, 1))


def p_elseifs(p):
    """elseifs :
               | elseifs ELSEIF expr block"""
    p[0] = p[1] + [(p[3], p[4])] if len(p) > 1 else []


def p_else_opt(p):
    """else_opt :
                | ELSE block"""
    p[0] = p[2] if len(p) > 1 else None


def p_stmt_while(p):
    """stmt : WHILE expr block END"""
    p[0] = ast.While(p[2], p[3], loc=_loc(p, 1))


def p_stmt_for(p):
    """stmt : FOR NAME IN expr block END
            | FOR NAME ASSIGN expr block END"""
    p[0] = ast.For(ast.Name(p[2], loc=_loc(p, 2)), p[4], p[5], loc=_loc(p, 1))


def p_stmt_for_multi(p):
    """stmt : FOR NAME IN expr COMMA NAME IN expr block END
            | FOR NAME ASSIGN expr COMMA NAME ASSIGN expr block END
            | FOR NAME IN expr COMMA NAME ASSIGN expr block END
            | FOR NAME ASSIGN expr COMMA NAME IN expr block END"""
    raise CompileError("several iteration specifications in one `for` are not supported; nest the loops",
                       _loc(p, 5))


def p_stmt_for_tuple(p):
    """stmt : FOR LPAREN exprlist RPAREN IN expr block END"""
    raise CompileError("destructuring loop variables (tuples) is not supported on this target", _loc(p, 2))


def p_stmt_return(p):
    """stmt : RETURN"""
    p[0] = ast.Return(None, loc=_loc(p, 1))


def p_stmt_return_value(p):
    """stmt : RETURN expr"""
    p[0] = ast.Return(p[2], loc=_loc(p, 1))


def p_stmt_break(p):
    """stmt : BREAK"""
    p[0] = ast.Break(loc=_loc(p, 1))


def p_stmt_continue(p):
    """stmt : CONTINUE"""
    p[0] = ast.Continue(loc=_loc(p, 1))


def p_stmt_shortcircuit(p):
    """stmt : expr ANDAND flow
            | expr OROR flow"""
    p[0] = ast.ShortCircuitStmt(p[2], p[1], p[3], loc=_loc(p, 2))


def p_flow(p):
    """flow : RETURN
            | RETURN expr
            | BREAK
            | CONTINUE"""
    kind = p.slice[1].type
    loc = _loc(p, 1)
    if kind == "RETURN":
        p[0] = ast.Return(p[2] if len(p) > 2 else None, loc=loc)
    elif kind == "BREAK":
        p[0] = ast.Break(loc=loc)
    else:
        p[0] = ast.Continue(loc=loc)


def p_stmt_begin(p):
    """stmt : BEGIN block END"""
    p[0] = ast.Block(p[2], loc=_loc(p, 1))


def p_stmt_let(p):
    """stmt : LET let_items block END"""
    p[0] = ast.Let(p[2], p[3], loc=_loc(p, 1))


def p_stmt_let_empty(p):
    """stmt : LETB block END"""
    p[0] = ast.Let([], p[2], loc=_loc(p, 1))


def p_let_items_one(p):
    """let_items : let_item"""
    p[0] = [p[1]]


def p_let_items_more(p):
    """let_items : let_items COMMA let_item"""
    p[1].append(p[3])
    p[0] = p[1]


def p_let_item_name(p):
    """let_item : expr"""
    p[0] = ast.Assign([p[1]], None, "let", loc=p[1].loc)


def p_let_item_assign(p):
    """let_item : expr ASSIGN expr"""
    p[0] = ast.Assign([p[1]], p[3], "let", loc=_loc(p, 2))


def p_stmt_macro(p):
    """stmt : MACRO stmt"""
    p[0] = ast.MacroStmt(p[1], p[2], loc=_loc(p, 1))


def p_stmt_using(p):
    """stmt : USING NAME
            | USING DOT NAME"""
    p[0] = ast.Using(p[len(p) - 1], loc=_loc(p, 1))


# ---------------------------------------------------------------- expressions

def p_expr_binop(p):
    """expr : expr PLUS expr
            | expr MINUS expr
            | expr PIPE expr
            | expr XOR expr
            | expr TIMES expr
            | expr DIVIDE expr
            | expr IDIV expr
            | expr PERCENT expr
            | expr AMP expr
            | expr SHL expr
            | expr SHR expr
            | expr USHR expr
            | expr CARET expr"""
    p[0] = ast.BinOp(p[2], p[1], p[3], loc=_loc(p, 2))


def p_expr_compare(p):
    """expr : expr EQ expr
            | expr NE expr
            | expr LT expr
            | expr LE expr
            | expr GT expr
            | expr GE expr"""
    p[0] = make_compare(p[1], p[2], p[3], _loc(p, 2))


def p_expr_and(p):
    """expr : expr ANDAND expr"""
    p[0] = ast.And(p[1], p[3], loc=_loc(p, 2))


def p_expr_or(p):
    """expr : expr OROR expr"""
    p[0] = ast.Or(p[1], p[3], loc=_loc(p, 2))


def p_expr_ternary(p):
    """expr : expr QUESTION expr TERNCOLON expr"""
    p[0] = ast.Ternary(p[1], p[3], p[5], loc=_loc(p, 2))


def p_expr_range(p):
    """expr : expr COLON expr"""
    p[0] = make_range(p[1], p[3], _loc(p, 2))


def p_expr_unary(p):
    """expr : MINUS expr %prec UNARY
            | PLUS expr %prec UNARY
            | NOT expr %prec UNARY
            | TILDE expr %prec UNARY"""
    p[0] = ast.UnaryOp(p[1], p[2], loc=_loc(p, 1))


def p_expr_typeassert(p):
    """expr : expr DCOLON expr"""
    p[0] = ast.TypeAssert(p[1], p[3], loc=_loc(p, 2))


def p_expr_typeassert_anon(p):
    """expr : DCOLON expr %prec UNARY"""
    p[0] = ast.TypeAssert(None, p[2], loc=_loc(p, 1))


def p_expr_lambda(p):
    """expr : expr ARROW expr"""
    p[0] = ast.Lambda(p[1], p[3], loc=_loc(p, 2))


def p_expr_primary(p):
    """expr : primary"""
    p[0] = p[1]


def p_primary_name(p):
    """primary : NAME"""
    p[0] = ast.Name(p[1], loc=_loc(p, 1))


def p_primary_int(p):
    """primary : INT"""
    value, tname, text = p[1]
    p[0] = ast.IntLit(value, tname, text, loc=_loc(p, 1))


def p_primary_float(p):
    """primary : FLOAT"""
    p[0] = ast.FloatLit(p[1], loc=_loc(p, 1))


def p_primary_string(p):
    """primary : STRING"""
    p[0] = ast.StrLit(p[1], loc=_loc(p, 1))


def p_primary_char(p):
    """primary : CHAR"""
    p[0] = ast.CharLit(p[1], loc=_loc(p, 1))


def p_primary_bool(p):
    """primary : TRUE
               | FALSE"""
    p[0] = ast.BoolLit(p[1] == "true", loc=_loc(p, 1))


def p_primary_endidx(p):
    """primary : ENDIDX"""
    p[0] = ast.EndIndex(loc=_loc(p, 1))


def p_primary_paren(p):
    """primary : LPAREN expr RPAREN"""
    p[1] = None
    p[0] = p[2]
    p[0].parens = True


def p_primary_paren_semi(p):
    """primary : LPAREN expr SEMI RPAREN"""
    p[0] = p[2]
    p[0].parens = True


def p_primary_tuple(p):
    """primary : LPAREN RPAREN
               | LPAREN expr COMMA args_opt RPAREN"""
    elts = [] if len(p) == 3 else [p[2]] + p[4]
    p[0] = ast.TupleLit(elts, loc=_loc(p, 1))


def p_primary_paren_assign(p):
    """primary : LPAREN expr ASSIGN rhs RPAREN"""
    raise CompileError("assignment inside an expression is not supported; write it as a statement",
                       _loc(p, 3))


def p_primary_vector(p):
    """primary : LBRACKET args_opt RBRACKET"""
    p[0] = ast.VectorLit(p[2], loc=_loc(p, 1))


def p_primary_call(p):
    """primary : primary LPAREN_CALL args_opt RPAREN"""
    p[0] = ast.Call(p[1], p[3], loc=p[1].loc)


def p_primary_index(p):
    """primary : primary LBRACKET_IDX args_opt RBRACKET"""
    p[0] = ast.Index(p[1], p[3], loc=p[1].loc)


def p_primary_curly(p):
    """primary : primary LBRACE_CURLY args_opt RBRACE"""
    p[0] = ast.Curly(p[1], p[3], loc=p[1].loc)


def p_primary_brace(p):
    """primary : LBRACE args_opt RBRACE"""
    raise CompileError("braces `{...}` are not supported on this target", _loc(p, 1))


def p_primary_macrocall(p):
    """primary : MACROP args_opt RPAREN"""
    p[0] = ast.MacroCall(p[1], p[2], loc=_loc(p, 1))


def p_primary_field(p):
    """primary : primary DOT NAME"""
    p[0] = ast.Field(p[1], p[3], loc=_loc(p, 2))


def p_args_opt(p):
    """args_opt :
                | args
                | args COMMA"""
    p[0] = p[1] if len(p) > 1 else []


def p_args_one(p):
    """args : arg"""
    p[0] = [p[1]]


def p_args_more(p):
    """args : args COMMA arg"""
    p[1].append(p[3])
    p[0] = p[1]


def p_arg_expr(p):
    """arg : expr"""
    p[0] = p[1]


def p_arg_kw(p):
    """arg : NAME ASSIGN expr"""
    p[0] = ast.KwArg(p[1], p[3], loc=_loc(p, 1))


def p_arg_splat(p):
    """arg : expr ELLIPSIS"""
    p[0] = ast.Splat(p[1], loc=_loc(p, 2))


def p_args_semi(p):
    """args_opt : args SEMI args
                | SEMI args"""
    raise CompileError("keyword arguments are not supported on this target", _loc(p, len(p) - 2))


_DESCRIBE = {
    "NEWLINE": "end of line", "SEMI": "`;`", "END": "`end`", "ENDIDX": "`end`",
    "INT": "number", "FLOAT": "number", "STRING": "string", "CHAR": "character",
    "NAME": "name", "MACRO": "macro", "MACROP": "macro",
}


def p_error(t):
    if t is None or getattr(t, "eof", False):
        raise CompileError("unexpected end of input (missing `end`?)", _PARSER_STATE.eof_loc())
    prev = getattr(_PARSER_STATE.lexer, "prev", None)
    if t.type in ("IF", "WHILE", "FOR", "BEGIN", "LET", "LETB") and prev is not None and \
            prev.type in ("ASSIGN", "OPASSIGN", "LPAREN", "LPAREN_CALL", "COMMA", "RETURN", "QUESTION",
                          "TERNCOLON", "PLUS", "MINUS", "TIMES", "LBRACKET", "LBRACKET_IDX"):
        raise CompileError(f"`{t.value}` blocks cannot be used as values on this target; "
                           "use `cond ? a : b` or assign inside the block", t.loc)
    if t.type == "FUNCTION" and prev is not None and prev.type in ("ASSIGN", "LPAREN", "LPAREN_CALL", "COMMA"):
        raise CompileError("anonymous functions (closures) are not supported on this target", t.loc)
    if t.type in ("NAME", "MACRO", "MACROP"):
        what = f"{_DESCRIBE[t.type]} `{'@' if t.type != 'NAME' else ''}{t.value}`"
    elif t.type == "INT":
        what = f"number `{t.value[2]}`"
    elif t.type in _DESCRIBE:
        what = _DESCRIBE[t.type]
    elif isinstance(t.value, str):
        what = f"`{t.value}`"
    else:
        what = t.type
    raise CompileError(f"syntax error: unexpected {what}", getattr(t, "loc", Loc()))


# ---------------------------------------------------------------- helpers used by the actions

def make_compare(left, op, right, loc):
    """``a < b`` or, when ``left`` is an unparenthesised chain, ``a < b <= c``."""
    if isinstance(left, ast.Compare) and not getattr(left, "parens", False):
        left.ops.append(op)
        left.operands.append(right)
        return left
    return ast.Compare([op], [left, right], loc=loc)


def make_range(left, right, loc):
    """``a:b``; ``a:s:b`` arrives as ``(a:s):b`` and is flattened."""
    if isinstance(left, ast.Range) and left.step is None and not getattr(left, "parens", False):
        return ast.Range(left.start, left.stop, right, loc=left.loc)
    return ast.Range(left, None, right, loc=loc)


def make_assign(targets, value, decl, loc):
    """An assignment statement, or a short function definition ``f(x) = expr``."""
    first = targets[0]
    sig = first.expr if isinstance(first, ast.TypeAssert) and first.expr is not None else first
    if isinstance(sig, ast.Call) and isinstance(sig.func, ast.Name) and len(targets) == 1 and decl is None:
        ret = first.type if sig is not first else None
        params = [call_arg_to_param(a) for a in sig.args]
        body = [ast.ExprStmt(value, loc=value.loc)]
        return ast.FunctionDef(sig.func.id, params, ret, body, True, [], loc=sig.func.loc)
    if isinstance(sig, ast.Call):
        raise CompileError("cannot assign to a function call", sig.loc)
    return ast.Assign(targets, value, decl, loc=loc)


def call_arg_to_param(a):
    if isinstance(a, ast.Name):
        return ast.Param(a.id, None, loc=a.loc)
    if isinstance(a, ast.TypeAssert):
        if a.expr is None:
            return ast.Param(None, a.type, loc=a.loc)
        if isinstance(a.expr, ast.Name):
            return ast.Param(a.expr.id, a.type, loc=a.expr.loc)
    if isinstance(a, ast.KwArg):
        raise CompileError("default argument values are not supported on this target", a.loc)
    if isinstance(a, ast.Splat):
        raise CompileError("varargs functions are not supported on this target", a.loc)
    raise CompileError("invalid function parameter (expected `name` or `name::Type`)", a.loc)


# ---------------------------------------------------------------- building and caching

class _State:
    lexer = None

    def eof_loc(self):
        lx = self.lexer
        if lx is None:
            return Loc()
        text = lx.text
        lines = text.split("\n")
        line = lx.line0 + len(lines) - 1
        col = len(lines[-1]) + 1 + (lx.col0 - 1 if len(lines) == 1 else 0)
        return Loc(lx.file, line, col)


_PARSER_STATE = _State()
_parser = None


def _cache_candidates():
    from .. import __version__
    name = f"jlforth_parsetab_{__version__}_py{sys.version_info[0]}{sys.version_info[1]}.pickle"
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.join(here, "_cache", name)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    yield os.path.join(base, "jlforth", name)


def _writable_dir(path: str) -> bool:
    d = os.path.dirname(path)
    try:
        os.makedirs(d, exist_ok=True)
    except OSError:
        return False
    return os.access(d, os.W_OK)


def _build(picklefile=None):
    return yacc.yacc(module=sys.modules[__name__], start="program", debug=False,
                     write_tables=False, picklefile=picklefile,
                     errorlog=yacc.NullLogger(), check_recursion=True)


def get_parser():
    """The (cached) PLY parser."""
    global _parser
    if _parser is not None:
        return _parser
    for path in _cache_candidates():
        if os.path.exists(path) or _writable_dir(path):
            if os.path.exists(path) and not os.access(path, os.R_OK):
                continue
            try:
                _parser = _build(path)
                return _parser
            except Exception:
                # corrupt or unreadable cache: remove it and fall through
                try:
                    os.remove(path)
                except OSError:
                    pass
    _parser = _build(None)
    return _parser


# ---------------------------------------------------------------- entry points

def parse(source: str, file: str = "<input>", _line0: int = 1, _col0: int = 1, _depth0: int = 0) -> ast.Module:
    """Parse a whole source text into an :class:`ast.Module` or raise :class:`CompileError`."""
    parser = get_parser()
    parser.jl_file = file
    lx = Lexer(file, _line0, _col0, _depth0)
    saved = _PARSER_STATE.lexer
    _PARSER_STATE.lexer = lx
    try:
        lx.input(source)
        module = parser.parse(lexer=lx, tracking=False)
        if module is None:
            module = ast.Module([], loc=Loc(file, 1, 1))
    finally:
        _PARSER_STATE.lexer = saved
    d, deepest = ast.depth(module)
    if d + _depth0 > MAX_AST_DEPTH:
        raise CompileError("expression nested too deeply", deepest.loc)
    _parse_interpolations(module, file, _depth0 + d)
    return module


def _parse_interpolations(module: ast.Module, file: str, depth: int):
    for node in list(ast.walk(module)):
        if isinstance(node, ast.StrLit) and any(isinstance(x, Interp) for x in node.parts):
            new_parts = []
            for part in node.parts:
                if isinstance(part, Interp):
                    if part.is_name:
                        new_parts.append(ast.Name(part.text, loc=part.loc))
                    else:
                        new_parts.append(parse_fragment(part.text, part.loc, depth + 1))
                else:
                    new_parts.append(part)
            node.parts = new_parts


def parse_fragment(text: str, loc: Loc, depth: int = 0):
    """Parse the expression inside ``$( ... )`` of a string literal."""
    if depth > MAX_AST_DEPTH:
        raise CompileError("expression nested too deeply", loc)
    sub = parse(text, loc.file, loc.line, loc.col, depth)
    body = sub.body
    if len(body) != 1 or not isinstance(body[0], ast.ExprStmt):
        raise CompileError("string interpolation `$(...)` must contain exactly one expression", loc)
    return body[0].expr
