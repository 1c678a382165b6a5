"""Lexer for the Julia subset (PLY ``lex`` for the raw tokens, plus a thin
context layer for Julia's whitespace- and newline-sensitive spots).

The raw rules (module-level ``t_*`` functions) produce tokens; :class:`Lexer`
wraps a PLY lexer and

* drops newlines inside brackets and after a binary operator (continuation),
  collapses runs of newlines into one NEWLINE token;
* tells a call/index bracket (``f(``, ``a[``, written right after an operand
  with no space) from a grouping or literal one (``LPAREN``/``LBRACKET``);
* tells the ternary ``:`` (``a ? b : c``) from the range ``:``;
* turns ``end`` inside ``[...]`` into ``ENDIDX``;
* rejects Julia spellings that would mean something else here (``[1 -2]``
  matrix literals, ``x'`` adjoint, ``2x`` juxtaposition, symbols ``:a``);
* limits bracket nesting (``expression nested too deeply``).

Every token carries ``loc`` (a :class:`Loc`). Token values:
INT → (value, julia_type_name, text); STRING → list of parts, each a str or
an :class:`Interp` (source text of an interpolated expression + its Loc);
CHAR → the character; MACRO/MACROP → macro name without ``@``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import ply.lex as lex

from ..errors import CompileError, Loc

MAX_BRACKET_DEPTH = 100

keywords = {
    "function": "FUNCTION", "end": "END", "if": "IF", "elseif": "ELSEIF", "else": "ELSE",
    "while": "WHILE", "for": "FOR", "in": "IN", "break": "BREAK", "continue": "CONTINUE",
    "return": "RETURN", "global": "GLOBAL", "local": "LOCAL", "const": "CONST",
    "let": "LET", "begin": "BEGIN", "true": "TRUE", "false": "FALSE", "using": "USING",
}

# Valid Julia keywords outside the subset: named in the error.
unsupported_keywords = {
    "struct": "structs are not supported on this target",
    "mutable": "mutable structs are not supported on this target",
    "abstract": "abstract type declarations are not supported on this target",
    "primitive": "primitive type declarations are not supported on this target",
    "try": "exceptions (try/catch) are not supported on this target",
    "catch": "exceptions (try/catch) are not supported on this target",
    "finally": "exceptions (try/catch/finally) are not supported on this target",
    "module": "modules are not supported; write a single file",
    "baremodule": "modules are not supported; write a single file",
    "macro": "defining macros is not supported on this target",
    "quote": "quoted expressions are not supported on this target",
    "import": "`import` is not supported; only `using MCU` is accepted",
    "export": "`export` is not supported on this target",
    "do": "`do` blocks (closures) are not supported on this target",
    "where": "`where` clauses (parametric methods) are not supported on this target",
    "outer": "`for outer` loops are not supported on this target",
    "public": "`public` is not supported on this target",
}

tokens = (
    "NAME", "INT", "FLOAT", "STRING", "CHAR", "MACRO", "MACROP",
    "PLUS", "MINUS", "TIMES", "DIVIDE", "IDIV", "PERCENT", "CARET",
    "AMP", "PIPE", "XOR", "TILDE", "NOT", "SHL", "SHR", "USHR",
    "EQ", "NE", "LT", "LE", "GT", "GE", "ANDAND", "OROR",
    "ASSIGN", "OPASSIGN", "DCOLON", "COLON", "TERNCOLON", "QUESTION",
    "COMMA", "SEMI", "LPAREN", "LPAREN_CALL", "RPAREN",
    "LBRACKET", "LBRACKET_IDX", "RBRACKET", "LBRACE", "LBRACE_CURLY", "RBRACE",
    "ARROW", "DOT", "ELLIPSIS", "NEWLINE", "ENDIDX", "LETB",
) + tuple(sorted(set(keywords.values())))

_OPS = {
    ">>>=": ("OPASSIGN", ">>>"), "<<=": ("OPASSIGN", "<<"), ">>=": ("OPASSIGN", ">>"),
    "+=": ("OPASSIGN", "+"), "-=": ("OPASSIGN", "-"), "*=": ("OPASSIGN", "*"),
    "/=": ("OPASSIGN", "/"), "÷=": ("OPASSIGN", "÷"), "%=": ("OPASSIGN", "%"),
    "^=": ("OPASSIGN", "^"), "&=": ("OPASSIGN", "&"), "|=": ("OPASSIGN", "|"),
    "⊻=": ("OPASSIGN", "⊻"),
    ">>>": ("USHR", ">>>"), "<<": ("SHL", "<<"), ">>": ("SHR", ">>"),
    "==": ("EQ", "=="), "!=": ("NE", "!="), "≠": ("NE", "!="), "<=": ("LE", "<="),
    "≤": ("LE", "<="), ">=": ("GE", ">="), "≥": ("GE", ">="), "<": ("LT", "<"), ">": ("GT", ">"),
    "&&": ("ANDAND", "&&"), "||": ("OROR", "||"),
    "::": ("DCOLON", "::"), "->": ("ARROW", "->"), "...": ("ELLIPSIS", "..."),
    "+": ("PLUS", "+"), "-": ("MINUS", "-"), "*": ("TIMES", "*"), "/": ("DIVIDE", "/"),
    "÷": ("IDIV", "÷"), "%": ("PERCENT", "%"), "^": ("CARET", "^"), "&": ("AMP", "&"),
    "|": ("PIPE", "|"), "⊻": ("XOR", "⊻"), "~": ("TILDE", "~"), "!": ("NOT", "!"),
    "=": ("ASSIGN", "="), "?": ("QUESTION", "?"), ":": ("COLON", ":"), ",": ("COMMA", ","),
    ";": ("SEMI", ";"), "(": ("LPAREN", "("), ")": ("RPAREN", ")"), "[": ("LBRACKET", "["),
    "]": ("RBRACKET", "]"), "{": ("LBRACE", "{"), "}": ("RBRACE", "}"), ".": ("DOT", "."),
    "∈": ("IN", "in"),
}

# Valid Julia operators outside the subset.
_BAD_OPS = {
    "===": "`===` is not supported; use `==`",
    "!==": "`!==` is not supported; use `!=`",
    "≡": "`≡` is not supported; use `==`",
    "=>": "pairs (`=>`) are not supported on this target",
    "|>": "the pipe operator `|>` is not supported on this target",
    "<|": "the operator `<|` is not supported on this target",
    "<:": "subtype tests (`<:`) are not supported on this target",
    ">:": "supertype tests (`>:`) are not supported on this target",
    "//": "rational numbers (`//`) are not supported on this target",
    "\\": "left division (`\\`) is not supported on this target",
    "$": "`$` is only supported inside string literals (interpolation)",
    "√": "`√` (sqrt) is not supported: floating point is not supported on this target",
    "∘": "function composition is not supported on this target",
    "∉": "`∉` is not supported on this target",
    "..": "`..` is not supported on this target",
    "'": "adjoint (`'`) is not supported on this target",
}

_op_keys = sorted(list(_OPS) + list(_BAD_OPS), key=len, reverse=True)
_OP_RE = "|".join(re.escape(k) for k in _op_keys if k != "'")

_CONTINUATION = {
    "PLUS", "MINUS", "TIMES", "DIVIDE", "IDIV", "PERCENT", "CARET", "AMP", "PIPE", "XOR",
    "SHL", "SHR", "USHR", "EQ", "NE", "LT", "LE", "GT", "GE", "ANDAND", "OROR", "ASSIGN",
    "OPASSIGN", "QUESTION", "TERNCOLON", "COMMA", "ARROW", "COLON", "IN", "DCOLON",
    "NOT", "TILDE",
}
_OPERAND_END = {"NAME", "INT", "FLOAT", "STRING", "CHAR", "TRUE", "FALSE",
                "RPAREN", "RBRACKET", "RBRACE", "ENDIDX"}


@dataclass
class Interp:
    """An interpolated expression inside a string: its source text and where it starts."""
    text: str
    loc: Loc
    is_name: bool = False


# ---------------------------------------------------------------- helpers used by the rules

def _loc(lexer, pos: int) -> Loc:
    return lexer.owner.loc_at(pos)


def _err(lexer, pos: int, msg: str):
    raise CompileError(msg, _loc(lexer, pos))


def _newline(lexer, pos_after_nl: int):
    lexer.lineno += 1
    lexer.line_start = pos_after_nl


# ---------------------------------------------------------------- raw rules (order matters)

def t_COMMENTBLOCK(t):
    r"\#="
    lexer, data = t.lexer, t.lexer.lexdata
    i, depth, n = t.lexpos + 2, 1, len(data)
    while i < n:
        if data.startswith("#=", i):
            depth += 1
            i += 2
        elif data.startswith("=#", i):
            depth -= 1
            i += 2
            if depth == 0:
                break
        else:
            if data[i] == "\n":
                _newline(lexer, i + 1)
            i += 1
    if depth:
        _err(lexer, t.lexpos, "unterminated block comment `#=`")
    lexer.lexpos = i
    lexer.space_before = True
    return None


def t_COMMENT(t):
    r"\#[^\n]*"
    t.lexer.space_before = True
    return None


def t_NEWLINE(t):
    r"\n"
    t.loc = _loc(t.lexer, t.lexpos)
    _newline(t.lexer, t.lexpos + 1)
    t.value = "\n"
    return t


def t_WS(t):
    r"[ \t\r\f\v]+"
    t.lexer.space_before = True
    return None


_HEXFLOAT = r"0x[0-9a-fA-F_]*\.?[0-9a-fA-F_]*p[+-]?\d+"
_DECFLOAT = (r"\d[\d_]*\.\d[\d_]*(?:[eEf][+-]?\d+)?|\d[\d_]*[eEf][+-]?\d+"
             r"|\.\d[\d_]*(?:[eEf][+-]?\d+)?|\d[\d_]*\.(?![.\w])")


@lex.TOKEN(_HEXFLOAT + "|" + _DECFLOAT)
def t_FLOAT(t):
    t.loc = _loc(t.lexer, t.lexpos)
    if t.value.startswith(".") and t.lexer.prev_operand:
        # `x.5`-like: not a number
        _err(t.lexer, t.lexpos, "field access is not supported on this target")
    return t


def t_INT(t):
    r"0x[0-9a-fA-F](?:_?[0-9a-fA-F])*|0b[01](?:_?[01])*|0o[0-7](?:_?[0-7])*|\d(?:_?\d)*"
    lexer, data = t.lexer, t.lexer.lexdata
    t.loc = _loc(lexer, t.lexpos)
    end = lexer.lexpos
    if end < len(data) and (data[end].isalnum() or data[end] in "_!"):
        j = end
        while j < len(data) and (data[j].isalnum() or data[j] in "_!"):
            j += 1
        word = data[t.lexpos:j]
        if (t.value[:2] in ("0x", "0b", "0o") or data[end] in "_!" or data[end].isdigit()
                or (t.value == "0" and data[end] in "xbo")):
            _err(lexer, t.lexpos, f"invalid numeric literal `{word}`")
        _err(lexer, t.lexpos,
             f"implicit multiplication (`{word}`) is not supported; write `{t.value}*{data[end:j]}`")
    t.value = classify_int(t.value, t.loc)
    return t


def classify_int(text: str, loc: Loc):
    """(value, type name, text) for an integer literal, following Julia's rules with a
    16-bit ``Int`` (decimal literals that do not fit Int16 become Int32)."""
    digits = text.replace("_", "")
    if digits[:2] in ("0x", "0b", "0o"):
        base = {"0x": 16, "0b": 2, "0o": 8}[digits[:2]]
        body = digits[2:]
        value = int(body, base)
        # Julia: size is the minimal one for the literal with its leading digit made 1
        # (so leading zeros count), i.e. for max(value, base^(ndigits-1)).
        probe = max(value, base ** (len(body) - 1))
        bits = probe.bit_length()
        for tname, width in (("UInt8", 8), ("UInt16", 16), ("UInt32", 32)):
            if bits <= width:
                return (value, tname, text)
        if bits <= 64:
            raise CompileError(f"UInt64 is not supported on this target (literal `{text}`)", loc)
        raise CompileError(f"UInt128 is not supported on this target (literal `{text}`)", loc)
    value = int(digits)
    if value <= 32767:
        return (value, "Int16", text)
    if value <= 2147483647:
        return (value, "Int32", text)
    if value <= 9223372036854775807:
        raise CompileError(f"Int64 is not supported on this target (literal `{text}`)", loc)
    raise CompileError(f"Int128 and BigInt are not supported on this target (literal `{text}`)", loc)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'",
            "$": "$", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "v": "\v"}


def _scan_escape(lexer, data: str, i: int):
    """Decode the escape starting at data[i] == '\\'; returns (char, next index)."""
    start = i
    if i + 1 >= len(data):
        _err(lexer, start, "unterminated escape sequence")
    c = data[i + 1]
    if c in _ESCAPES:
        return _ESCAPES[c], i + 2
    if c in "xuU":
        maxlen = {"x": 2, "u": 4, "U": 8}[c]
        j = i + 2
        while j < len(data) and j - (i + 2) < maxlen and data[j] in "0123456789abcdefABCDEF":
            j += 1
        if j == i + 2:
            _err(lexer, start, f"invalid escape sequence `\\{c}`")
        return chr(min(int(data[i + 2:j], 16), 0x10FFFF)), j
    if c in "01234567":
        j = i + 1
        while j < len(data) and j - (i + 1) < 3 and data[j] in "01234567":
            j += 1
        return chr(int(data[i + 1:j], 8)), j
    if c == "\n":
        _err(lexer, start, "line continuation with `\\` in strings is not supported")
    _err(lexer, start, f"invalid escape sequence `\\{c}`")


def t_STRING(t):
    r'"'
    lexer, data = t.lexer, t.lexer.lexdata
    t.loc = _loc(lexer, t.lexpos)
    triple = data.startswith('"""', t.lexpos)
    i = t.lexpos + (3 if triple else 1)
    n = len(data)
    parts: list = []
    buf: list = []
    while True:
        if i >= n:
            raise CompileError("unterminated string literal", t.loc)
        c = data[i]
        if triple and data.startswith('"""', i):
            i += 3
            break
        if not triple and c == '"':
            i += 1
            break
        if c == "\\":
            ch, i = _scan_escape(lexer, data, i)
            buf.append(ch)
            continue
        if c == "$":
            if i + 1 < n and data[i + 1] == "(":
                j, depth = i + 2, 1
                quote = False
                while j < n and depth:
                    d = data[j]
                    if quote:
                        if d == "\\":
                            j += 1
                        elif d == '"':
                            quote = False
                    elif d == '"':
                        quote = True
                    elif d == "(":
                        depth += 1
                    elif d == ")":
                        depth -= 1
                    elif d == "\n":
                        break
                    j += 1
                if depth:
                    _err(lexer, i, "unterminated interpolation `$(` in string")
                if buf:
                    parts.append("".join(buf))
                    buf = []
                parts.append(Interp(data[i + 2:j - 1], _loc(lexer, i + 2)))
                i = j
                continue
            m = _NAME_RE.match(data, i + 1)
            if not m:
                _err(lexer, i, "`$` in a string must be followed by a name or `(`; write `\\$` for a dollar sign")
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(Interp(m.group(0), _loc(lexer, i + 1), is_name=True))
            i = m.end()
            continue
        if c == "\n":
            if not triple:
                # Julia allows newlines in "..." strings too.
                pass
            _newline(lexer, i + 1)
        buf.append(c)
        i += 1
    if buf or not parts:
        parts.append("".join(buf))
    if triple:
        parts = _dedent_triple(parts)
    lexer.lexpos = i
    t.value = parts
    return t


def _dedent_triple(parts: list) -> list:
    """Julia's triple-quoted strings drop a newline right after the opening quotes and
    remove common leading indentation (only literal text parts are considered)."""
    if parts and isinstance(parts[0], str) and parts[0].startswith("\n"):
        parts[0] = parts[0][1:]
    text_lines = []
    for k, p in enumerate(parts):
        if isinstance(p, str):
            segs = p.split("\n")
            for s_i, s in enumerate(segs):
                at_line_start = (s_i > 0) or (k == 0)
                if at_line_start:
                    text_lines.append(s)
    indents = []
    for s in text_lines:
        stripped = s.lstrip(" \t")
        if stripped:
            indents.append(len(s) - len(stripped))
    # the line holding the closing quotes counts too (may be whitespace only)
    if parts and isinstance(parts[-1], str):
        last = parts[-1].split("\n")[-1]
        if last.strip(" \t") == "" and "\n" in "".join(p for p in parts if isinstance(p, str)):
            indents.append(len(last))
    cut = min(indents) if indents else 0
    if cut == 0:
        return parts
    out = []
    for k, p in enumerate(parts):
        if isinstance(p, str):
            segs = p.split("\n")
            new = []
            for s_i, s in enumerate(segs):
                if s_i > 0 or k == 0:
                    s = s[cut:] if s[:cut].strip(" \t") == "" else s.lstrip(" \t")
                new.append(s)
            out.append("\n".join(new))
        else:
            out.append(p)
    return out


def t_CHAR(t):
    r"'"
    lexer, data = t.lexer, t.lexer.lexdata
    t.loc = _loc(lexer, t.lexpos)
    if lexer.prev_operand and not lexer.space_before:
        raise CompileError(_BAD_OPS["'"], t.loc)
    i = t.lexpos + 1
    if i >= len(data) or data[i] == "\n":
        raise CompileError("unterminated character literal", t.loc)
    if data[i] == "\\":
        ch, i = _scan_escape(lexer, data, i)
    elif data[i] == "'":
        raise CompileError("empty character literal", t.loc)
    else:
        ch = data[i]
        i += 1
    if i >= len(data) or data[i] != "'":
        raise CompileError("unterminated character literal", t.loc)
    if ord(ch) > 127:
        raise CompileError("only ASCII characters are supported on this target (Char is a byte)", t.loc)
    lexer.lexpos = i + 1
    t.value = ch
    return t


def t_MACRO(t):
    r"@[^\W\d]\w*!?"
    lexer, data = t.lexer, t.lexer.lexdata
    t.loc = _loc(lexer, t.lexpos)
    t.value = t.value[1:]
    if lexer.lexpos < len(data) and data[lexer.lexpos] == "(":
        t.type = "MACROP"
        lexer.lexpos += 1
        lexer.owner.push_bracket("(", t.loc)
    return t


_NAME_PAT = r"[^\W\d](?:\w|!(?!=))*"
_NAME_RE = re.compile(_NAME_PAT)


@lex.TOKEN(_NAME_PAT)
def t_NAME(t):
    t.loc = _loc(t.lexer, t.lexpos)
    if t.value in keywords:
        t.type = keywords[t.value]
    elif t.value in unsupported_keywords and not (t.value == "outer" and not t.lexer.after_for):
        if t.value in ("mutable", "abstract", "primitive", "public"):
            # contextual: only a keyword when followed by struct/type/a name list
            nxt = t.lexer.lexdata[t.lexer.lexpos:t.lexer.lexpos + 12]
            if not re.match(r"[ \t]+(struct|type|[A-Za-z_])", nxt):
                return t
        raise CompileError(unsupported_keywords[t.value], t.loc)
    return t


@lex.TOKEN(r"\.[+\-*/^%÷&|<>=!~⊻]|" + _OP_RE)
def t_OP(t):
    t.loc = _loc(t.lexer, t.lexpos)
    v = t.value
    if v in _BAD_OPS:
        raise CompileError(_BAD_OPS[v], t.loc)
    if v not in _OPS:
        raise CompileError(f"broadcasting (dot operator `{v}`) is not supported on this target", t.loc)
    t.type, t.value = _OPS[v]
    return t


def t_error(t):
    ch = t.value[0]
    if ch == "\x00" or not ch.isprintable():
        what = f"character U+{ord(ch):04X}"
    else:
        what = f"character `{ch}`"
    raise CompileError(f"unexpected {what}", _loc(t.lexer, t.lexpos))


_base_lexer = None


def _get_base():
    global _base_lexer
    if _base_lexer is None:
        import sys
        _base_lexer = lex.lex(module=sys.modules[__name__], errorlog=lex.NullLogger(),
                              optimize=False)
    return _base_lexer


# ---------------------------------------------------------------- context layer

class Lexer:
    """Token stream for the parser (``input``/``token``, as PLY's parser expects)."""

    def __init__(self, file: str = "<input>", line0: int = 1, col0: int = 1, depth0: int = 0):
        self.file = file
        self.line0 = line0
        self.col0 = col0
        self.depth0 = depth0
        self.lex = _get_base().clone()
        self.lex.owner = self
        self.brackets: list = []     # [(char, Loc)]
        self.ternary: list = []      # bracket depths of pending `?`
        self.last = None             # last emitted token
        self.prev = None
        self.pending = []

    # positions
    def loc_at(self, pos: int) -> Loc:
        lx = self.lex
        line = lx.lineno
        col = pos - lx.line_start + 1
        if line == self.line0:
            col += self.col0 - 1
        return Loc(self.file, line, col)

    def input(self, text: str):
        lx = self.lex
        lx.input(text)
        lx.lineno = self.line0
        lx.line_start = 0
        lx.space_before = True
        lx.prev_operand = False
        lx.after_for = False
        self.text = text

    def push_bracket(self, ch: str, loc: Loc):
        self.brackets.append((ch, loc))
        if len(self.brackets) + self.depth0 > MAX_BRACKET_DEPTH:
            raise CompileError("expression nested too deeply", loc)

    def _raw(self):
        lx = self.lex
        t = lx.token()
        return t

    def token(self):
        while True:
            t = self._raw()
            lx = self.lex
            if t is None:
                if self.brackets:
                    ch, loc = self.brackets[-1]
                    raise CompileError(f"unclosed `{ch}`", loc)
                if self.last is not None and self.last.type not in ("NEWLINE", "SEMI"):
                    # a final NEWLINE makes the grammar simpler
                    t = lex.LexToken()
                    t.type, t.value, t.lineno, t.lexpos = "NEWLINE", "\n", lx.lineno, lx.lexpos
                    t.loc = self.loc_at(lx.lexpos)
                    t.eof = True
                    return self._emit(t)
                return None
            spaced = lx.space_before
            typ = t.type
            if typ == "NEWLINE":
                lx.space_before = True
                if self.brackets and self.brackets[-1][0] in "([{":
                    continue
                if self.last is None or self.last.type in _CONTINUATION or self.last.type in ("NEWLINE", "SEMI"):
                    continue
                depth = len(self.brackets)
                while self.ternary and self.ternary[-1] >= depth:
                    self.ternary.pop()
                return self._emit(t)
            prev_operand = self.last is not None and self.last.type in _OPERAND_END
            if typ == "LPAREN":
                if prev_operand and not spaced:
                    t.type = "LPAREN_CALL"
                self.push_bracket("(", t.loc)
            elif typ == "LBRACKET":
                if prev_operand and not spaced:
                    t.type = "LBRACKET_IDX"
                self.push_bracket("[", t.loc)
            elif typ == "LBRACE":
                if prev_operand and not spaced:
                    t.type = "LBRACE_CURLY"
                self.push_bracket("{", t.loc)
            elif typ in ("RPAREN", "RBRACKET", "RBRACE"):
                want = {"RPAREN": "(", "RBRACKET": "[", "RBRACE": "{"}[typ]
                close = {"(": ")", "[": "]", "{": "}"}
                if not self.brackets:
                    raise CompileError(f"unexpected `{t.value}`", t.loc)
                ch, loc = self.brackets[-1]
                if ch != want:
                    raise CompileError(f"`{t.value}` does not match `{ch}` opened at line {loc.line}:{loc.col}"
                                       f" (expected `{close[ch]}`)", t.loc)
                self.brackets.pop()
                depth = len(self.brackets)
                while self.ternary and self.ternary[-1] > depth:
                    self.ternary.pop()
            elif typ == "QUESTION":
                self.ternary.append(len(self.brackets))
            elif typ == "COLON":
                nxt = lx.lexdata[lx.lexpos:lx.lexpos + 1]
                if self.ternary and self.ternary[-1] == len(self.brackets) and spaced:
                    self.ternary.pop()
                    t.type = "TERNCOLON"
                elif not prev_operand and nxt and (nxt.isalpha() or nxt in "_("):
                    if nxt == "(":
                        raise CompileError("quoted expressions (`:(...)`) are not supported on this target", t.loc)
                    raise CompileError("symbols (`:name`) are not supported on this target", t.loc)
            elif typ == "END":
                if self.brackets and self.brackets[-1][0] == "[":
                    t.type = "ENDIDX"
            elif typ in ("PLUS", "MINUS"):
                if self.brackets and self.brackets[-1][0] == "[" and prev_operand and spaced:
                    nxt = lx.lexdata[lx.lexpos:lx.lexpos + 1]
                    if nxt and nxt not in " \t\r\n":
                        raise CompileError(
                            "space-separated elements (matrix literals) are not supported; "
                            f"write `a {t.value} b` or separate elements with commas", t.loc)
            elif typ == "LET":
                rest = lx.lexdata[lx.lexpos:]
                m = re.match(r"[ \t]*(#[^\n]*)?(\n|;|$)", rest)
                if m:
                    t.type = "LETB"
            elif typ == "MACROP":
                pass  # bracket already pushed by the raw rule
            lx.after_for = typ == "FOR"
            return self._emit(t)

    def _emit(self, t):
        self.prev = self.last
        self.last = t
        self.lex.prev_operand = t.type in _OPERAND_END
        self.lex.space_before = False
        return t

    def tokens(self):
        """All tokens (for tests and debugging)."""
        out = []
        while True:
            t = self.token()
            if t is None:
                return out
            out.append(t)


def tokenize(text: str, file: str = "<input>"):
    lx = Lexer(file)
    lx.input(text)
    return lx.tokens()
