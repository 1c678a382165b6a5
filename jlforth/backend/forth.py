"""The Forth backend: typed IR -> Forth source for the jlforth kernels.

One Forth word per specialised Julia method, one for the top-level code
(``main``), a VARIABLE per global and a table per array.  The output is plain
Forth text that the kernel compiles line by line (no line longer than the
target's input buffer); ``ForthProgram.text()`` is the readable form shown by
``jlforth compile``, ``ForthProgram.upload_lines()`` the packed form without
comments that ``jlforth run`` sends.

Conventions (jlforth/backend/README.md has the full story):

* **Values on the data stack.**  Int8/UInt8/Int16/UInt16/Bool/Char take one
  cell holding the mathematical value (Int8 sign-extended, UInt8 0..255, Bool
  0/1, Char 0..127); Int32/UInt32 are doubles (low cell below, high cell on
  top); arrays are their address; Nothing takes no cell.
* **Names.**  A method becomes ``name(sig)`` with the argument types
  abbreviated (``area(i16,i16)``, ``bump()``, ``sum(u8[32])``): the
  parentheses keep user words apart from every kernel word and from each
  other.  Globals and arrays are ``g.name``, the backend's run-time helpers
  ``jl.name``, the top-level code ``main``.  Names longer than 31 characters
  are shortened with a hash; names equal but for case get a ``~n`` suffix.
* **Frames.**  Arguments and locals live in a return-stack frame: on entry the
  arguments are moved there with ``>r`` and each local cell is pushed as
  ``0 >r``; ``l@ n`` / ``l! n`` read and write cell n (0 = the top) and
  ``ldrop F`` removes the frame before every exit.  Loops are BEGIN/WHILE/
  REPEAT (never DO), so nothing else lives on the return stack inside a word
  and the cell numbers are fixed at compile time.  A value of a 32-bit
  variable occupies cells n (low) and n+1 (high).
* **Control flow.**  ``break``/``continue`` are branches whose origins are
  kept on the compiler's control-flow stack (on the target that is the data
  stack at compile time, two cells per entry); the backend models that stack
  and reorders it with ``[ 2swap ]`` or ``[ n jl.dig ]`` where needed.
* **Errors.**  Checks that Julia performs (InexactError, BoundsError,
  DivideError, the zero step of a range) throw ``LINE CODE (jlerr)`` so the
  kernel reports `` at line LINE``; codes: -257 InexactError, -258
  BoundsError, -10 DivideError, -259 ArgumentError.
* **Output.**  ``println`` ends lines with LF only (``10 emit``) so the output
  is byte for byte what desktop Julia prints.
* **Arrays.**  Arrays that are written live in RAM (``create g.xs 3 , 1 ,
  2 ,``); arrays the program never writes live in flash (``fhere 3 f, 1 f,
  constant g.t``); the kernel's ``@``/``c@`` read both.  Element i of an array
  of element size s is at ``a + (i-1)*s``; 32-bit elements are stored as by
  ``2!`` (high cell first).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from .. import ir
from ..check.types import (BOOL, BOTTOM, CHAR, INT8, INT16, NOTHING, UINT8,
                           ArrayType, IntType, JType)
from ..errors import CompileError, Loc
from . import avr, bytecode, msp430

# ------------------------------------------------------------------ error codes

E_DIVIDE = -10
E_INEXACT = -257
E_BOUNDS = -258
E_ARGUMENT = -259

#: Julia's message for each run-time error code (used by ``jlforth run``)
ERROR_MESSAGES = {
    E_DIVIDE: "DivideError: integer division error",
    E_INEXACT: "InexactError: the value does not fit the target type",
    E_BOUNDS: "BoundsError: index out of bounds",
    E_ARGUMENT: "ArgumentError: step cannot be zero",
    -5: "StackOverflowError: return stack overflow (recursion too deep)",
    -3: "StackOverflowError: data stack overflow (recursion too deep)",
    -28: "InterruptException: interrupted",
}

MAX_NAME = 31
DATA_STACK_CELLS = 24   # a kernel's data stack when its target does not say ([kernel] data_stack_cells)
MAX_FRAME = 31          # l@ / l! take 0..30


# ------------------------------------------------------------------ run-time helpers

#: name -> (Forth source, helpers it uses).  Only the helpers a program uses are
#: uploaded, in dependency order.
HELPERS: Dict[str, Tuple[str, Tuple[str, ...]]] = {
    # representation
    "jl.s8": (": jl.s8 ( x -- n ) 255 and 128 xor 128 - ;", ()),
    # print: decimal without blanks; println's newline is LF alone, as in Julia
    "jl..": (": jl.. ( n -- ) 0 .r ;", ()),
    "jl.u.": (": jl.u. ( u -- ) 0 u.r ;", ()),
    "jl.d.": (": jl.d. ( d -- ) 0 d.r ;", ()),
    "jl.ud.": (": jl.ud. ( ud -- ) 0 ud.r ;", ()),
    "jl.nl": (": jl.nl ( -- ) 10 emit ;", ()),
    "jl.b.": (': jl.b. ( f -- ) if ." true" exit then ." false" ;', ()),
    # delay_ms: waits on MILLIS (the kernel's MS spins on a non-volatile copy of the tick)
    "jl.ms": (": jl.ms ( u -- ) >r millis begin millis 2over d- r@ 0 du< 0= until 2drop rdrop ;", ()),
    "jl.r16!": (": jl.r16! ( x a -- ) over 8 rshift over 1+ c! c! ;", ()),
    # compile time: bring the control-flow entry at depth n to the top
    "jl.dig": (": jl.dig ( xn .. x0 n -- xn-1 .. x0 xn ) ?dup 0= if exit then\n"
               "  1- -rot 2>r recurse 2r> 2swap ;", ()),
    # checks
    # {ds_limit}: from the target's data stack and the recursive words' needs (_set_ds_limit)
    "jl.?ds": (": jl.?ds ( line -- ) depth {ds_limit} > if -3 (jlerr) then drop ;", ()),
    "jl.inex": (": jl.inex ( x lo n line -- x ) >r >r over swap - r> u< if rdrop exit then\n"
                "  r> -257 (jlerr) ;", ()),
    "jl.inex0": (": jl.inex0 ( x n line -- x ) >r over swap u< if rdrop exit then\n"
                 "  r> -257 (jlerr) ;", ()),
    "jl.dinex": (": jl.dinex ( d dlo dn line -- d ) >r 2>r 2over 2swap d- 2r> du< if\n"
                 "  rdrop exit then r> -257 (jlerr) ;", ()),
    "jl.ix": (": jl.ix ( i len line -- i-1 ) >r over 1- swap u< if 1- rdrop exit then\n"
              "  r> -258 (jlerr) ;", ()),
    "jl.dix": (": jl.dix ( d len line -- i-1 ) >r >r 1. d- r> 0 du< if drop rdrop exit then\n"
               "  r> -258 (jlerr) ;", ()),
    # division, 16 bit (and 8 bit)
    "jl.dz": (": jl.dz ( y line -- y ) over if drop exit then -10 (jlerr) ;", ()),
    "jl.ovf": (": jl.ovf ( x y line -- x y ) >r dup 0= if r> -10 (jlerr) then\n"
               "  dup -1 = if over -32768 = if r> -10 (jlerr) then then rdrop ;", ()),
    "jl.ovf8": (": jl.ovf8 ( x y line -- x y ) >r dup 0= if r> -10 (jlerr) then\n"
                "  dup -1 = if over -128 = if r> -10 (jlerr) then then rdrop ;", ()),
    "jl.fld": (": jl.fld ( x y -- q ) >r s>d r> fm/mod nip ;", ()),
    "jl.mod": (": jl.mod ( x y -- r ) dup -1 = if 2drop 0 exit then >r s>d r> fm/mod drop ;", ()),
    "jl.cld": (": jl.cld ( x y -- q ) tuck /mod >r over over xor 0< 0= swap 0<> and nip\n"
               "  r> swap - ;", ()),
    # division, 32 bit
    "jl.ddz": (": jl.ddz ( d line -- d ) >r 2dup d0= if r> -10 (jlerr) then rdrop ;", ()),
    "jl.dovf": (": jl.dovf ( d1 d2 line -- d1 d2 ) >r 2dup d0= if r> -10 (jlerr) then\n"
                "  2dup -1. d= if 2over 0 -32768 d= if r> -10 (jlerr) then then rdrop ;", ()),
    "jl.ddiv": (": jl.ddiv ( d1 d2 -- q ) dsm/rem 2swap 2drop ;", ()),
    "jl.drem": (": jl.drem ( d1 d2 -- r ) 2dup -1. d= if 2drop 2drop 0. exit then\n"
                "  dsm/rem 2drop ;", ()),
    "jl.dfld": (": jl.dfld ( d1 d2 -- q ) 2dup 2>r dsm/rem 2swap 2dup d0= if\n"
                "  2drop 2r> 2drop exit then nip 2r> nip xor 0< if -1. d+ then ;", ()),
    "jl.dcld": (": jl.dcld ( d1 d2 -- q ) 2dup 2>r dsm/rem 2swap 2dup d0= if\n"
                "  2drop 2r> 2drop exit then nip 2r> nip xor 0< if exit then 1. d+ ;", ()),
    "jl.dmod": (": jl.dmod ( d1 d2 -- r ) 2dup -1. d= if 2drop 2drop 0. exit then\n"
                "  2dup 2>r dsm/rem 2drop 2dup d0= if 2r> 2drop exit then\n"
                "  dup 2r@ nip xor 0< if 2r> d+ exit then 2r> 2drop ;", ()),
    "jl.uddiv": (": jl.uddiv ( ud1 ud2 -- q ) du/mod 2swap 2drop ;", ()),
    "jl.udrem": (": jl.udrem ( ud1 ud2 -- r ) du/mod 2drop ;", ()),
    "jl.udcld": (": jl.udcld ( ud1 ud2 -- q ) du/mod 2swap d0= if exit then 1. d+ ;", ()),
    # 32-bit bitwise, min, max
    "jl.dand": (": jl.dand ( d1 d2 -- d ) rot and >r and r> ;", ()),
    "jl.dor": (": jl.dor ( d1 d2 -- d ) rot or >r or r> ;", ()),
    "jl.dxor": (": jl.dxor ( d1 d2 -- d ) rot xor >r xor r> ;", ()),
    "jl.dinvert": (": jl.dinvert ( d -- d' ) invert swap invert swap ;", ()),
    "jl.dmin": (": jl.dmin ( d1 d2 -- d ) 2over 2over d< if 2drop exit then 2swap 2drop ;", ()),
    "jl.dmax": (": jl.dmax ( d1 d2 -- d ) 2over 2over d< if 2swap then 2drop ;", ()),
    "jl.udmin": (": jl.udmin ( d1 d2 -- d ) 2over 2over du< if 2drop exit then 2swap 2drop ;", ()),
    "jl.udmax": (": jl.udmax ( d1 d2 -- d ) 2over 2over du< if 2swap then 2drop ;", ()),
    # shifts by a count of any sign (Julia: a negative count shifts the other way)
    "jl.shl": (": jl.shl ( x n -- x' ) dup 0< if negate arshift exit then lshift ;", ()),
    "jl.ushl": (": jl.ushl ( u n -- u' ) dup 0< if negate rshift exit then lshift ;", ()),
    "jl.sar": (": jl.sar ( x n -- x' ) dup 0< if negate lshift exit then arshift ;", ()),
    "jl.shr": (": jl.shr ( u n -- u' ) dup 0< if negate lshift exit then rshift ;", ()),
    "jl.dshl": (": jl.dshl ( d n -- d' ) dup 0< if negate darshift exit then dlshift ;", ()),
    "jl.udshl": (": jl.udshl ( ud n -- ud' ) dup 0< if negate drshift exit then dlshift ;", ()),
    "jl.dsar": (": jl.dsar ( d n -- d' ) dup 0< if negate dlshift exit then darshift ;", ()),
    "jl.dshr": (": jl.dshr ( ud n -- ud' ) dup 0< if negate dlshift exit then drshift ;", ()),
    "jl.cnt": (": jl.cnt ( d -- n ) over 0< over = if drop exit then nip 0< if -32768 exit then\n"
               "  32767 ;", ()),
    "jl.ucnt": (": jl.ucnt ( ud -- u ) if drop 65535 then ;", ()),
    # the last element of start:step:stop and whether the range is non-empty
    "jl.last": (": jl.last ( start stop step -- last f ) dup 0< if negate >r swap 2dup > if\n"
                "  rdrop drop false exit then over - r> u/mod drop + true exit then\n"
                "  >r 2dup > if rdrop nip false exit then dup rot - r> u/mod drop - true ;", ()),
    "jl.ulast": (": jl.ulast ( start stop step -- last f ) >r 2dup u> if rdrop nip false exit then\n"
                 "  dup rot - r> u/mod drop - true ;", ()),
    "jl.dlast": (": jl.dlast ( d-start d-stop d-step -- d-last f ) 2dup d0< if dnegate 2>r\n"
                 "  2over 2over d< if 2r> 2drop 2swap 2drop false exit then\n"
                 "  2swap 2over d- 2r> du/mod 2drop d+ true exit then\n"
                 "  2>r 2over 2over 2swap d< if 2r> 2drop 2swap 2drop false exit then\n"
                 "  2swap 2over 2swap d- 2r> du/mod 2drop d- true ;", ()),
    "jl.udlast": (": jl.udlast ( d-start d-stop d-step -- d-last f ) 2>r\n"
                  "  2over 2over 2swap du< if 2r> 2drop 2swap 2drop false exit then\n"
                  "  2swap 2over 2swap d- 2r> du/mod 2drop d- true ;", ()),
}


# ------------------------------------------------------------------ output model

@dataclass
class Chunk:
    """One unit of the output: a definition (or a few interpreted lines)."""
    kind: str                     # helper, global, array, function, link, main
    name: str                     # the Forth word it defines ("" for none)
    items: list                   # ('t', token) | ('c', comment) | ('nl', indent) | ('l', whole comment line)
    loc: Optional[Loc] = None     # Julia location (functions, globals)
    what: str = ""                # human description ("function f(::Int16)")
    #: (item index, Julia line, start): the items from that index on came from that line
    #: (functions and main; 0 = the function's own line, or main's set-up); start is
    #: True where a statement begins, False where the enclosing one resumes after it
    lines: list = field(default_factory=list)

    def display_lines(self, width: int) -> List[str]:
        return _render(self.items, width, comments=True)

    def upload_lines(self, width: int) -> List[str]:
        return _render(self.items, width, comments=False)


def _render(items, width: int, comments: bool) -> List[str]:
    lines: List[str] = []
    cur = ""
    indent = 0

    def flush():
        nonlocal cur
        if cur.strip():
            lines.append(cur.rstrip())
        cur = ""

    for kind, val in items:
        if kind == "nl":
            if comments:
                flush()
                indent = val
            continue
        if kind == "l":
            if comments:
                flush()
                lines.append(val if len(val) <= width else val[: width - 3] + "...")
            continue
        if kind == "c" and not comments:
            continue
        tok = val
        if not cur.strip():
            cur = " " * (indent if comments else 0) + tok
            continue
        if len(cur) + 1 + len(tok) > width:
            flush()
            cur = " " * ((indent + 2) if comments else 0) + tok
            if len(cur) > width:          # an over-long token on its own (never happens for code)
                cur = tok
        else:
            cur += " " + tok
    flush()
    return lines


@dataclass
class ForthProgram:
    chunks: List[Chunk]
    entry: str = "main"
    source_file: str = "<input>"
    tib: int = 80
    helpers: List[str] = field(default_factory=list)

    def text(self) -> str:
        out: List[str] = []
        for c in self.chunks:
            out.extend(c.display_lines(self.tib))
            if c.kind in ("function", "main", "helper"):
                out.append("")
        return "\n".join(out).rstrip() + "\n"

    def upload_lines(self) -> List[Tuple[str, Chunk]]:
        """(line, chunk it belongs to): packed lines without comments."""
        out = []
        for c in self.chunks:
            for line in c.upload_lines(self.tib):
                out.append((line, c))
        return out

    def function_chunks(self) -> Dict[str, Chunk]:
        return {c.name.lower(): c for c in self.chunks if c.kind in ("function", "main")}


# ------------------------------------------------------------------ types

def cells(t: JType) -> int:
    if t is None or t is NOTHING or t is BOTTOM:
        return 0
    if isinstance(t, ArrayType):
        return 1
    bits = getattr(t, "bits", 0)
    if not bits:
        return 0
    return 2 if bits > 16 else 1


def is_signed(t: JType) -> bool:
    return isinstance(t, IntType) and t.signed


def is_double(t: JType) -> bool:
    return cells(t) == 2 and not isinstance(t, ArrayType)


def _widening_multiply(e) -> Optional[str]:
    """``m*`` or ``um*`` when a 32-bit product's operands are both widened from
    at most 16 bits, the same signedness, by conversions that cannot fail:
    the exact product then fits 32 bits, whose low bits are the wrapped one."""
    if e.op != "mul" or not (isinstance(e.type, IntType) and e.type.bits == 32):
        return None
    srcs = []
    for x in (e.a, e.b):
        if not (isinstance(x, ir.Convert) and isinstance(x.a.type, IntType)
                and x.a.type.bits <= 16 and x.type == e.type):
            return None
        srcs.append(x.a.type)
    if all(t.signed for t in srcs) and e.type.signed:
        return "m*"              # sign-extension into Int32 never fails
    if not any(t.signed for t in srcs):
        return "um*"             # zero-extension never fails, signed or not
    return None


_ABBREV = {"Int8": "i8", "UInt8": "u8", "Int16": "i16", "UInt16": "u16", "Int32": "i32",
           "UInt32": "u32", "Bool": "bool", "Char": "char", "Nothing": "nothing"}


def type_abbrev(t: JType) -> str:
    if isinstance(t, ArrayType):
        return f"{type_abbrev(t.elem)}[{t.length}]"
    return _ABBREV.get(str(t), re.sub(r"[^A-Za-z0-9]", "", str(t)).lower() or "x")


def _ascii_name(s: str) -> str:
    out = []
    for ch in s:
        if 33 <= ord(ch) < 127 and ch not in "()":
            out.append(ch)
        else:
            out.append(f"_u{ord(ch):x}")
    return "".join(out)


def _elem_size(t: JType) -> int:
    c = cells(t)
    if c == 2:
        return 4
    return 1 if t.bits <= 8 else 2


# ------------------------------------------------------------------ names

class Names:
    """Forth names: unique ignoring case, at most 31 characters."""

    def __init__(self):
        self.used = set()

    def make(self, want: str) -> str:
        name = want
        if len(name) > MAX_NAME:
            h = hashlib.sha1(want.encode()).hexdigest()[:4]
            # keep the signature's closing part readable when possible
            name = want[: MAX_NAME - 5] + "~" + h
        base = name
        n = 2
        while name.lower() in self.used:
            suffix = f"~{n}"
            name = base[: MAX_NAME - len(suffix)] + suffix
            n += 1
        self.used.add(name.lower())
        return name


# ------------------------------------------------------------------ the backend

class BackendError(CompileError):
    pass


class _CS:
    """One entry of the compiler's control-flow stack (orig or dest)."""
    __slots__ = ("kind",)

    def __init__(self, kind: str):
        self.kind = kind


class _Loop:
    def __init__(self, kind: str):
        self.kind = kind                # while | for
        self.dest: Optional[_CS] = None
        self.breaks: List[_CS] = []
        self.continues: List[_CS] = []


def _fmt_loc(loc: Optional[Loc]) -> str:
    if loc is None:
        return ""
    return f"{_basename(loc.file)}:{loc.line}"


def _basename(path: str) -> str:
    return re.split(r"[/\\]", path)[-1]


def _forth_tokens(text: str) -> List[str]:
    """Split Forth text into tokens, keeping strings and comments whole."""
    toks: List[str] = []
    i = 0
    n = len(text)
    closers = {'."': '"', 's"': '"', 'abort"': '"', '.(': ')', '(': ')', 'c"': '"'}
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        j = i
        while j < n and not text[j].isspace():
            j += 1
        word = text[i:j]
        low = word.lower()
        if low == "\\":
            k = text.find("\n", j)
            i = n if k < 0 else k
            continue
        if low in closers:
            end = text.find(closers[low], j + 1)
            end = n if end < 0 else end + 1
            toks.append(text[i:end])
            i = end
            continue
        if low in _PARSING and j < n:
            # a word that parses the next name: keep both on one line
            k = j
            while k < n and text[k].isspace():
                k += 1
            m = k
            while m < n and not text[m].isspace():
                m += 1
            if m > k:
                toks.append(word + " " + text[k:m])
                i = m
                continue
        toks.append(word)
        i = j
    return toks


#: words that parse the next name from the input line
_PARSING = {"[char]", "char", "'", "[']", "l@", "l!", "ldrop", "variable", "2variable", "constant",
            "2constant", "create", ":", "postpone", "marker", "value", "to", "defer", "is"}


class ForthBackend:
    def __init__(self, program: ir.Program, target=None, native: bool = True, size: bool = False):
        self.p = program
        self.size = size                         # words as bytecode (bytecode.py)
        self.data_names: set = set()             # words that push an address or value
        self.target = target if target is not None else program.target
        self.tib = getattr(self.target, "tib", 80) if self.target is not None else 80
        self.names = Names()
        self.used_helpers: List[str] = []
        self.fnames: Dict[int, str] = {}         # id(ir.Function) -> Forth name
        self.gnames: Dict[str, str] = {}         # global/array name -> Forth name
        self.deferred: Dict[int, str] = {}       # id(func) -> flash cell holding its xt
        kern = getattr(self.target, "kernel", None) or {}
        self.ds_cells = int(kern.get("data_stack_cells", DATA_STACK_CELLS))
        self.ds_limit = self.ds_cells - 2        # jl.?ds's limit, set by _set_ds_limit
        self.ds_needs: Dict[int, int] = {}       # id(func) -> data stack cells it needs
        # machine code the backend may lay itself (target data, [codegen] in its TOML)
        cg = (getattr(self.target, "raw", None) or {}).get("codegen", {}) if self.target is not None else {}
        self.isa = cg.get("isa") if native and not size else None
        self.semicolon_exit = bool(cg.get("semicolon_exit", False))
        self.vm_form = cg.get("bytecode")       # True: ~vm is in the kernel; "library": uploaded
        if size and not cg.get("bytecode"):
            raise CompileError(f"--size needs the kernel's bytecode interpreter (~vm), which the "
                               f"{getattr(self.target, 'name', 'target')} description does not name "
                               "([codegen] bytecode)", Loc(program.source_file, 1, 1))
        self.local_regs: List[int] = (list(cg.get("local_regs", []))
                                           if self.isa in ("avr", "msp430") else [])

    # .............................................................. helpers
    def helper(self, name: str) -> str:
        if name not in self.used_helpers:
            for dep in HELPERS[name][1]:
                self.helper(dep)
            self.used_helpers.append(name)
        return name

    # .............................................................. driver
    def build(self) -> ForthProgram:
        p = self.p
        file = p.source_file
        order = self._function_order()
        for f in order:
            if f is p.main:
                self.fnames[id(f)] = self.names.make("main")
            else:
                sig = ",".join(type_abbrev(t) for t in f.argtypes)
                self.fnames[id(f)] = self.names.make(f"{_ascii_name(f.src_name)}({sig})")
        data_chunks = self._data_chunks()
        for c in data_chunks:
            self._note_data(c)
        self.sccs = self._sccs(order)
        for f in order:                          # callees first: every need is known below
            self._check_data_stack(f)
        self._set_ds_limit(order)
        position = {id(f): i for i, f in enumerate(order)}
        code_chunks: List[Chunk] = []
        for i, f in enumerate(order):
            # deferred words: called (within a cycle) before their definition
            for callee in self._callees(f):
                if position[id(callee)] > i and id(callee) not in self.deferred:
                    vname = self.names.make("'" + self.fnames[id(callee)])
                    self.deferred[id(callee)] = vname
                    # a cell in flash (so it survives a reset and belongs to an image),
                    # filled in once the word is defined
                    code_chunks.append(Chunk("link", vname, [
                        ("l", f"\\ {self.fnames[id(callee)]} is called before its definition: "
                              "through this cell"),
                        ("t", "fhere"), ("t", "-1"), ("t", "f,"), ("t", f"constant {vname}")],
                        callee.loc, "forward reference"))
                    self.data_names.add(vname)
            gen = FuncGen(self, f, position, i)
            code_chunks.append(gen.generate())
            if id(f) in self.deferred:
                v = self.deferred[id(f)]
                code_chunks.append(Chunk("link", "", [("t", f"' {self.fnames[id(f)]}"), ("t", v),
                                                      ("t", "!")], f.loc, "forward reference"))
        helper_chunks = []
        for h in self.used_helpers:
            items = []
            for k, line in enumerate(HELPERS[h][0].replace("{ds_limit}", str(self.ds_limit)).split("\n")):
                if k:
                    items.append(("nl", 2))
                items.extend(("c" if t.startswith("( ") else "t", t) for t in _forth_tokens(line))
            helper_chunks.append(Chunk("helper", h, items, None, "run-time helper"))
        if self.size:
            helper_chunks = [self._helper_bytecode(c) for c in helper_chunks]
            if self.vm_form == "library":
                helper_chunks.insert(0, self._vm_library())
        head = Chunk("comment", "", [("l", f"\\ {_basename(file)}: compiled by jlforth for "
                                           f"{getattr(self.target, 'name', 'a 16-bit target')}")])
        chunks = [head] + helper_chunks + data_chunks + code_chunks
        return ForthProgram(chunks, self.fnames[id(p.main)] if p.main is not None else "main",
                            file, self.tib, list(self.used_helpers))

    def bytecode(self, items: list) -> Optional[list]:
        """A word's body items as bytecode (its Forth kept as comments), or None
        when its Forth has a token the bytecode has no form for."""
        enc = bytecode.Encoder(self.data_names, self.semicolon_exit)
        try:
            code, cells = enc.encode([v for k, v in items if k == "t"])
        except bytecode.Unsupported:
            return None
        shown = [("l", "\\ " + ln.strip()) for ln in _render(items, self.tib - 2, comments=False)]
        return shown + [("nl", 2), ("t", "[ fhere ] ~vm")] + \
            [("t", g) for g in bytecode.lay_text(code, cells, self.tib - 8)] + \
            [("c", f"( {len(code)} bytes of bytecode )")]

    def _helper_bytecode(self, c: "Chunk") -> "Chunk":
        """A run-time helper as bytecode too (--size), when its Forth allows."""
        toks = [i for i, it in enumerate(c.items) if it[0] == "t"]
        if len(toks) < 2 or not c.items[toks[0]][1].startswith(": ") or c.items[toks[-1]][1] != ";":
            return c
        body = self.bytecode(c.items[toks[0] + 1:toks[-1]])
        if body is None:
            return c
        head = [it for it in c.items[:toks[0] + 2] if it[0] != "nl"]
        return Chunk(c.kind, c.name, head + body + [("t", ";")], c.loc, c.what)

    def _vm_library(self) -> "Chunk":
        """The bytecode interpreter ~vm as Forth text (kernel.vm.fs, made by the
        kernel's Makefile from its vm.S): defined before the first bytecode word."""
        try:
            path = self.target.kernel_file(".vm.fs")
        except FileNotFoundError as e:
            raise CompileError(str(e), Loc(self.p.source_file, 1, 1)) from None
        items: list = [("l", f"\\ the bytecode interpreter, from {path.name} (forth_kernel/"
                              f"{self.target.arch}/vm.S)")]
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("\\"):
                items.append(("t", line))
        return Chunk("helper", "~vm", items, None, "bytecode interpreter")

    def _note_data(self, c: "Chunk"):
        """Remember the words a data chunk defines (for bytecode literals)."""
        for kind, tok in c.items:
            parts = tok.split() if kind == "t" else []
            if len(parts) == 2 and parts[0].lower() in ("variable", "2variable", "create", "constant",
                                                        "2constant", "value"):
                self.data_names.add(parts[1])

    # .............................................................. data stack
    def _set_ds_limit(self, order: List[ir.Function]):
        """jl.?ds's limit: a recursive call may start when the depth with its
        line is at most L.  Then the line goes, and the callee uses at most its
        need above its arguments (the next check included) before it checks
        again: L - 1 + need <= the stack, so L = cells + 1 - the largest need
        in a recursive cycle."""
        recursive = [f for f in order if any(self.sccs.get(id(g)) == self.sccs.get(id(f))
                                             for g in self._callees(f))]
        if recursive:
            worst = max(self.ds_needs[id(f)] for f in recursive)
            self.ds_limit = max(1, min(self.ds_cells - 2, self.ds_cells + 1 - worst))

    def _check_data_stack(self, f: ir.Function):
        """The most cells f needs on the data stack above its arguments, calls included
        (a callee in f's own recursive cycle counts only its arguments: recursive calls
        are checked at run time by jl.?ds).  More than the kernel's stack is an error."""
        scc = self.sccs.get(id(f))

        def callee_need(g):
            if self.sccs.get(id(g)) == scc:
                return JL_DS_NEED                # checked again before it recurses
            return self.ds_needs.get(id(g), HELPER_RESERVE)

        need = 0
        worst = f.loc
        for s in ir.walk_stmts(f.body):
            if isinstance(s, ir.Stmt):
                n = stmt_need(s, callee_need)
                if n > need:
                    need, worst = n, s.loc or f.loc
        need = max(need, cells(f.ret))
        self.ds_needs[id(f)] = need
        limit = self.ds_cells
        if f is self.p.main and need > limit:
            raise BackendError(f"this needs {need} cells of the data stack and the target has {limit}; "
                               "compute parts of the expression into variables first", worst)

    # .............................................................. call graph
    def _callees(self, f: ir.Function) -> List[ir.Function]:
        out = []
        seen = set()
        for n in ir.walk_stmts(f.body):
            if isinstance(n, ir.Call) and id(n.func) not in seen:
                seen.add(id(n.func))
                out.append(n.func)
        return out

    def _function_order(self) -> List[ir.Function]:
        """Callees before callers (depth first from main), then anything left."""
        p = self.p
        order: List[ir.Function] = []
        state: Dict[int, int] = {}

        def visit(f):
            stack = [(f, iter(self._callees(f)))]
            state[id(f)] = 1
            while stack:
                g, it = stack[-1]
                nxt = next(it, None)
                if nxt is None:
                    stack.pop()
                    state[id(g)] = 2
                    order.append(g)
                elif id(nxt) not in state:
                    state[id(nxt)] = 1
                    stack.append((nxt, iter(self._callees(nxt))))

        roots = ([p.main] if p.main is not None else []) + list(p.functions.values())
        for f in roots:
            if id(f) not in state:
                visit(f)
        # main last
        if p.main is not None and order and order[-1] is not p.main:
            order.remove(p.main)
            order.append(p.main)
        return order

    def _sccs(self, funcs: List[ir.Function]) -> Dict[int, int]:
        """Tarjan: id(func) -> component number."""
        index: Dict[int, int] = {}
        low: Dict[int, int] = {}
        on: set = set()
        stack: List[ir.Function] = []
        comp: Dict[int, int] = {}
        counter = [0, 0]

        def strong(v):
            work = [(v, iter(self._callees(v)))]
            index[id(v)] = low[id(v)] = counter[0]
            counter[0] += 1
            stack.append(v)
            on.add(id(v))
            while work:
                u, it = work[-1]
                w = next(it, None)
                if w is not None:
                    if id(w) not in index:
                        index[id(w)] = low[id(w)] = counter[0]
                        counter[0] += 1
                        stack.append(w)
                        on.add(id(w))
                        work.append((w, iter(self._callees(w))))
                    elif id(w) in on:
                        low[id(u)] = min(low[id(u)], index[id(w)])
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[id(parent)] = min(low[id(parent)], low[id(u)])
                if low[id(u)] == index[id(u)]:
                    while True:
                        x = stack.pop()
                        on.discard(id(x))
                        comp[id(x)] = counter[1]
                        if x is u:
                            break
                    counter[1] += 1

        for f in funcs:
            if id(f) not in index:
                strong(f)
        return comp

    # .............................................................. data
    def gname(self, name: str) -> str:
        if name not in self.gnames:
            self.gnames[name] = self.names.make("g." + _ascii_name(name))
        return self.gnames[name]

    def _data_chunks(self) -> List[Chunk]:
        """Globals and RAM arrays in one block of data space, readonly arrays in flash.

        RAM is not part of a flash image and is not cleared at reset, so ``main``
        starts by copying the block's initial contents from a flash table
        (``init.data``) and clearing its all-zero tail (``prologue``)."""
        p = self.p
        chunks: List[Chunk] = []
        image = bytearray()          # initial RAM contents, in layout order
        first = None
        for g in p.globals.values():
            n = self.gname(g.name)
            size = 4 if is_double(g.type) else 2
            items = [("l", f"\\ global {g.name}::{g.type}" + (f"  {_fmt_loc(g.loc)}" if g.loc else "")),
                     ("t", f"{'2variable' if size == 4 else 'variable'} {n}")]
            chunks.append(Chunk("global", n, items, g.loc, f"global {g.name}"))
            image += _value_bytes(g.init, g.type, size)
            first = first or n
        for a in p.arrays.values():
            n = self.gname(a.name)
            esize = _elem_size(a.elem)
            where = "flash" if a.readonly else "RAM"
            items = [("l", f"\\ array {a.name}::Vector{{{a.elem}}}, {a.length} elements in {where}"
                           + (f"  {_fmt_loc(a.loc)}" if a.loc else ""))]
            data = b"".join(_value_bytes(v, a.elem, esize) for v in a.init)
            if len(data) & 1:
                data += b"\0"
            if a.readonly:
                # compile the data into the dictionary, then name its address
                items.append(("t", "fhere"))
                items += _flash_cells(data)
                items.append(("t", f"constant {n}"))
            else:
                items += [("t", f"create {n}"), ("t", str(len(data))), ("t", "allot")]
                image += data
                first = first or n
            chunks.append(Chunk("array", n, items, a.loc, f"array {a.name}"))
        self.prologue: List[str] = []
        if image:
            nz = len(image.rstrip(b"\0"))
            nz += nz & 1
            if nz:
                items = [("l", f"\\ initial contents of the {len(image)} bytes of RAM data"), ("t", "fhere")]
                items += _flash_cells(bytes(image[:nz]))
                items.append(("t", "constant init.data"))
                chunks.append(Chunk("array", "init.data", items, None, "initial data"))
                self.prologue += ["init.data", first, str(nz), "cmove"]
            if len(image) > nz:
                self.prologue += [first] + ([str(nz), "+"] if nz else []) + [str(len(image) - nz), "0", "fill"]
        return chunks


def _value_bytes(v: int, t: JType, size: int) -> bytes:
    """The bytes of a value as stored in data space (cells little-endian, doubles as by 2!)."""
    if size == 1:
        return bytes([v & 0xFF])
    if size == 2:
        return (v & 0xFFFF).to_bytes(2, "little")
    u = v & 0xFFFFFFFF
    return (u >> 16).to_bytes(2, "little") + (u & 0xFFFF).to_bytes(2, "little")


def _flash_cells(data: bytes) -> list:
    items = []
    for k in range(0, len(data), 2):
        items += [("t", str(_s16(data[k] | (data[k + 1] << 8)))), ("t", "f,")]
    return items


def _s16(v: int) -> int:
    v &= 0xFFFF
    return v - 0x10000 if v >= 0x8000 else v


def _const_tokens(v: int, t: JType) -> List[str]:
    if is_double(t):
        return [f"{v}."]
    if t is BOOL:
        return ["1" if v else "0"]
    if v > 32767:            # UInt16
        return [str(v)]
    return [str(v)]


# ------------------------------------------------------------------ one function

_SIGNED_CMP = {"eq": ["="], "ne": ["<>"], "lt": ["<"], "gt": [">"], "le": [">", "0="], "ge": ["<", "0="]}
_UNSIGNED_CMP = {"eq": ["="], "ne": ["<>"], "lt": ["u<"], "gt": ["u>"], "le": ["u>", "0="],
                 "ge": ["u<", "0="]}
_NEGATE_CMP = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "gt": "le", "le": "gt"}


class FuncGen:
    def __init__(self, be: ForthBackend, f: ir.Function, position: Dict[int, int], index: int):
        self.be = be
        self.f = f
        self.position = position
        self.index = index
        self.items: list = []
        self.indent = 2
        self.cs: List[_CS] = []
        self.loops: List[_Loop] = []
        self.slots: Dict[int, int] = {}   # id(var) -> offset of its first cell (from the top)
        self.extra: int = 0               # backend temps (cells)
        self.name = be.fnames[id(f)]
        self.is_main = f is be.p.main
        self.ret_cells = cells(f.ret)
        self.line_marks: list = []        # (index in self.items, Julia line) -> Chunk.lines
        self._lines: list = []

    # .............................................................. emission
    def t(self, *toks: str):
        for x in toks:
            self.items.append(("t", x))

    def nl(self):
        self.items.append(("nl", self.indent))

    def err(self, msg: str, loc=None):
        raise BackendError(msg, loc or self.f.loc)

    # .............................................................. frame
    def layout(self, final: bool = True):
        f = self.f
        self.P = sum(cells(p.type) for p in f.params)
        offsets, local_total = share_slots(f)
        self.L = local_total + self.extra
        self.F = self.P + self.L
        self.slots.update(offsets)
        self.extra_base = local_total
        s = 0
        for p in f.params:
            self.slots[id(p)] = self.L + s
            s += cells(p.type)
        # Cells (numbered as above: 0 = the top of a frame holding them all) go to
        # registers when the target has some (the most used first, weighted by loop
        # depth, measured by a first pass); the rest stay in the return-stack frame,
        # renumbered; a cell the code never reads or writes gets neither.
        self.reg_of: Dict[int, int] = {}
        if self.weights is None:
            self.fpos = {o: o for o in range(self.F)}
        else:
            used = [o for o in range(self.F) if self.weights.get(o, 0) > 0]
            ranked = sorted(used, key=lambda o: (-self.weights[o], o))
            for o, r in zip(ranked, self.be.local_regs):
                self.reg_of[o] = r
            self.fpos = {o: i for i, o in enumerate(x for x in used if x not in self.reg_of)}
        self.FR = len(self.fpos)
        self.saved = sorted(self.reg_of.values())
        # the cells the entry code must clear: those of locals that may be read before
        # written (the backend's own temporaries are always written first)
        if not hasattr(self, "rbw"):
            self.rbw = read_before_written(f)
        rbw = self.rbw
        if rbw is None:
            self.clear = set(range(self.L))
        else:
            self.clear = {self.slots[id(v)] + k for v in f.locals if id(v) in rbw and id(v) in self.slots
                          for k in range(cells(v.type))}
        if final and self.FR > MAX_FRAME:
            what = "the top-level code" if self.is_main else f"function {f.src_name}"
            self.err(f"{what} needs {self.FR} cells of arguments and locals; "
                     f"the target allows {MAX_FRAME} (split it into smaller functions)")

    def new_slot(self, c: int) -> int:
        """A backend temporary; slots are allocated during a first pass (see generate)."""
        off = self.extra_base + self.extra_used
        self.extra_used += c
        if self.extra_used > self.extra:
            self.extra = self.extra_used
            raise _NeedMoreSlots()
        return off

    def fetch(self, off: int, c: int):
        for k in range(c):
            self.cell(off + k, store=False)

    def store(self, off: int, c: int):
        for k in reversed(range(c)):
            self.cell(off + k, store=True)

    def cell(self, o: int, store: bool):
        depth = sum(1 for e in self.cs if e.kind == "dest")
        self.acc[o] = self.acc.get(o, 0) + 8 ** min(depth, 6)
        r = self.reg_of.get(o)
        if r is not None and self.be.isa == "msp430":
            self.t(msp430.reg_token("!" if store else "@", r))   # compiled by msp430.Native
        elif r is not None:
            words = avr.store_reg(r) if store else avr.fetch_reg(r)
            self.sem[avr.forth(words)[0]] = ("R!" if store else "R@", r)
            self.raw(words, f"r{r}{'!' if store else '@'}")
        elif o in self.fpos:
            self.t(f"{'l!' if store else 'l@'} {self.fpos[o]}")   # one token: same line
        else:
            self.err(f"internal error: frame cell {o} has no place")

    def raw(self, words: Sequence[int], note: str = ""):
        """Machine code laid by the backend itself (jlforth/backend/avr.py)."""
        for x in avr.forth(words):
            self.t(x)
        if note:
            self.items.append(("c", f"( {note} )"))

    def var_off(self, v: ir.Var) -> int:
        try:
            return self.slots[id(v)]
        except KeyError:
            self.err(f"internal error: variable {v.name} has no frame slot")

    def epilogue(self) -> list:
        """Items that remove the frame and restore the saved registers."""
        out: list = []
        n = self.FR
        while n > 0:
            k = min(n, 30)
            out.append(("t", f"ldrop {k}"))
            n -= k
        if self.be.isa == "msp430":
            return out + [("t", msp430.reg_token("pop", r)) for r in reversed(self.saved)]
        groups = [[avr.pop(r + 1), avr.pop(r)] for r in reversed(self.saved)]
        out += [("t", x) for x in avr.forth_groups(groups)]
        return out

    def prologue(self) -> list:
        out: list = []
        groups: List[List[int]] = []

        def flush():
            out.extend(("t", x) for x in avr.forth_groups(groups))
            groups.clear()

        if self.be.isa == "msp430":
            out += [("t", msp430.reg_token("push", r)) for r in self.saved]
            for i in range(self.P):      # the arguments, the top of the data stack first
                o = self.F - 1 - i
                if o in self.reg_of:
                    out.append(("t", msp430.reg_token("!", self.reg_of[o])))
                else:
                    out.append(("t", ">r" if o in self.fpos else "drop"))
            for o in range(self.L):
                if o in self.reg_of and o in self.clear:
                    out.append(("t", msp430.reg_token("clr", self.reg_of[o])))
            for o in range(self.L):
                if o in self.fpos:
                    out += [("t", "0"), ("t", ">r")]
            return out
        for r in self.saved:
            groups.append([avr.push(r), avr.push(r + 1)])
        # the arguments, the top of the data stack first; the top goes to its register
        # with a `movw`, the next ones straight from the stack (`ld r, Y+`), and the
        # top is reloaded once, when a frame cell or the body needs it
        top = True                       # r25:r24 holds the next argument
        for i in range(self.P):
            o = self.F - 1 - i
            r = self.reg_of.get(o)
            if r is not None:
                groups.append([avr.movw(r, avr.TOS)] if top else [avr.ld_y(r), avr.ld_y(r + 1)])
                top = False
                continue
            if not top:
                groups.append(avr.drop())
                top = True
            if o in self.fpos:
                flush()
                out.append(("t", ">r"))
            else:
                groups.append(avr.drop())
        if not top:
            groups.append(avr.drop())
        zero = None
        for o in range(self.L):
            r = self.reg_of.get(o)
            if r is None or o not in self.clear:
                continue
            if zero is None:
                groups.append([avr.eor(r, r), avr.eor(r + 1, r + 1)])
                zero = r
            else:
                groups.append([avr.movw(r, zero)])
        flush()
        for o in range(self.L):
            if o in self.fpos:
                out += [("t", "0"), ("t", ">r")]
        return out

    def place(self, v) -> str:
        o = self.slots[id(v)]
        if o in self.reg_of:
            return f"r{self.reg_of[o]}"
        return str(self.fpos.get(o, "-"))

    def ldrop(self):
        self.items.extend(self.epilogue())

    # .............................................................. driver
    def generate(self) -> Chunk:
        self.extra = 0
        self.weights = None
        self.acc: Dict[int, int] = {}
        self.sem: dict = {}
        passes = [False, True] if self.be.local_regs else [True]
        for final in passes:
            if final and len(passes) == 2:
                self.weights = self.acc
            while True:
                try:
                    self.items = []
                    self.cs = []
                    self.loops = []
                    self.slots = {}
                    self.extra_used = 0
                    self.acc = {}
                    self.line_marks, self._lines = [], []
                    self.layout(final)
                    body = self.gen_body()
                    break
                except _NeedMoreSlots:
                    continue
        if self.be.isa == "avr":
            body, self.line_marks = avr.Peephole(self.sem).run(body, self.line_marks)
        f = self.f
        head: list = []
        if self.is_main:
            head.append(("l", f"\\ top-level code of {_basename(f.loc.file if f.loc else self.be.p.source_file)}"))
        else:
            params = ", ".join(f"{p.name}::{p.type}" for p in f.params)
            head.append(("l", f"\\ {f.src_name}({params})::{f.ret}  {_fmt_loc(f.loc)}"))
        effect_in = " ".join(f"{p.name}:{type_abbrev(p.type)}" for p in f.params)
        effect_out = type_abbrev(f.ret) if self.ret_cells else ""
        effect = f"( {effect_in} -- {effect_out} )".replace("  ", " ")
        head += [("t", f": {self.name}"), ("c", _safe_comment(effect))]
        entry: list = []
        framed = self.FR or self.saved or self.P
        if framed:
            entry.append(("nl", 2))
            entry += self.prologue()
            names = []
            for p in f.params:
                names.append(f"{p.name}={self.place(p)}")
            for v in f.locals:
                if id(v) in self.slots and (self.slots[id(v)] in self.fpos or self.slots[id(v)] in self.reg_of):
                    names.append(f"{v.name}={self.place(v)}")
            entry.append(("c", _safe_comment("( frame: " + " ".join(names) + " )")))
        tail = [("nl", 2)] if framed else []
        tail += self.epilogue()
        tail.append(("t", ";"))
        if self.cs:
            self.err("internal error: unbalanced control flow in the backend")
        base = len(head) + len(entry)
        if self.be.size:
            code = self.be.bytecode(entry + body + tail[:-1])
            if code is not None:
                entry, body, tail = [], code, tail[-1:]
                base = len(head)
                self.line_marks = []
        if self.be.isa == "msp430":
            # machine-code blocks over the whole word: prologue, body, epilogue
            marks = [(len(entry) + i, ln, st) for i, ln, st in self.line_marks]
            code, marks = msp430.Native(ds_limit=self.be.ds_limit).run(entry + body + tail[:-1], marks)
            # the blocks keep more on the data stack while the chip compiles
            # them; a word that would overflow it there is made plain Forth
            if msp430.compile_time_depth(code) >= self.be.ds_cells:
                return self.portable_again()
            entry, body, tail = [], code, tail[-1:]
            base = len(head)
            self.line_marks = marks
        return Chunk("main" if self.is_main else "function", self.name, head + entry + body + tail, f.loc,
                     "top-level code" if self.is_main else
                     f"function {f.src_name}({', '.join(str(t) for t in f.argtypes)})",
                     [(0, 0, False)] + [(base + i, ln, st) for i, ln, st in self.line_marks])

    def portable_again(self) -> Chunk:
        """This word generated again as plain Forth (no registers, no blocks)."""
        isa, regs = self.be.isa, self.be.local_regs
        self.be.isa, self.be.local_regs = None, []
        try:
            return self.generate()
        finally:
            self.be.isa, self.be.local_regs = isa, regs

    def gen_body(self) -> list:
        self.pending = pending_at_calls(self.f)
        if self.is_main and self.be.prologue:
            self.nl()
            self.t(*self.be.prologue)
            self.items.append(("c", "( initial RAM data )"))
        self.stmts(self.f.body, tail=True)
        return self.items

    # .............................................................. control-flow stack
    def cs_push(self, kind: str) -> _CS:
        e = _CS(kind)
        self.cs.append(e)
        return e

    def cs_bring(self, e: _CS):
        k = len(self.cs) - 1 - self.cs.index(e)
        if k == 0:
            return
        if k == 1:
            self.t("[ 2swap ]")
        else:
            self.t(f"[ {k} {self.be.helper('jl.dig')} ]")
        self.cs.remove(e)
        self.cs.append(e)

    def cs_copy_dest(self, e: _CS) -> _CS:
        k = len(self.cs) - 1 - self.cs.index(e)
        if k == 0:
            self.t("[ 2dup ]")
        else:
            self.t(f"[ {2 * k + 1} pick {2 * k + 1} pick ]")
        return self.cs_push("dest")

    def IF(self) -> _CS:
        self.t("if")
        return self.cs_push("orig")

    def ELSE(self, o: _CS) -> _CS:
        self.cs_bring(o)
        self.t("else")
        self.cs.pop()
        return self.cs_push("orig")

    def THEN(self, o: _CS):
        self.cs_bring(o)
        self.t("then")
        self.cs.pop()

    def BEGIN(self) -> _CS:
        self.t("begin")
        return self.cs_push("dest")

    def WHILE(self, d: _CS) -> _CS:
        self.cs_bring(d)
        self.t("while")
        self.cs.pop()
        o = self.cs_push("orig")
        self.cs.append(d)
        return o

    def REPEAT(self, d: _CS, o: _CS):
        if not (len(self.cs) >= 2 and self.cs[-1] is d and self.cs[-2] is o):
            self.cs_bring(o)
            self.cs_bring(d)
        self.t("repeat")
        self.cs.pop()
        self.cs.pop()

    def AGAIN_COPY(self, d: _CS, until: bool = False):
        c = self.cs_copy_dest(d)
        self.t("until" if until else "again")
        self.cs.remove(c)

    def AHEAD(self) -> _CS:
        self.t("0", "if")
        return self.cs_push("orig")

    # .............................................................. statements
    def stmts(self, body: Sequence[ir.Stmt], tail: bool = False):
        for i, s in enumerate(body):
            self.stmt(s, tail and i == len(body) - 1)

    def stmt(self, s: ir.Stmt, tail: bool = False):
        pre = getattr(s, "pre", None)
        if pre is not None:
            self.stmt(pre)
        line = s.loc.line if s.loc is not None else (self._lines[-1] if self._lines else 0)
        self._lines.append(line)
        self.line_marks.append((len(self.items), line, True))
        self.nl()
        m = getattr(self, "s_" + type(s).__name__, None)
        if m is None:
            self.err(f"internal error: the backend cannot compile {type(s).__name__}", s.loc)
        m(s, tail)
        self._lines.pop()
        self.line_marks.append((len(self.items), self._lines[-1] if self._lines else 0, False))

    def s_Assign(self, s: ir.Assign, tail):
        self.val(s.value)
        self.store(self.var_off(s.var), cells(s.var.type))

    def s_GlobalSet(self, s: ir.GlobalSet, tail):
        self.val(s.value)
        n = self.be.gname(s.var.name)
        self.t(n, "2!" if is_double(s.var.type) else "!")

    def s_ArrayStore(self, s: ir.ArrayStore, tail):
        self.val(s.arr)
        self.val(s.index)
        self.val(s.value)
        et = s.arr.type.elem
        if is_double(et):
            self.t("2swap")
        else:
            self.t("-rot")
        self.address(s.index.type, et, s.checked, s.length, s.loc)
        size = _elem_size(et)
        self.t({1: "c!", 2: "!", 4: "2!"}[size])

    def s_RegWrite(self, s: ir.RegWrite, tail):
        self.val(s.value)
        r = s.reg
        self.t(f"${r.address:x}", )
        self.items.append(("c", f"( {r.name} )"))
        if r.width == 16 and getattr(self.be.target, "kernel", {}).get("reg16_word_store"):
            self.t("!")                 # one word access (MSP430 16-bit peripherals)
        elif r.width == 16:
            self.t(self.be.helper("jl.r16!"))
        else:
            self.t("c!")

    def s_ExprStmt(self, s: ir.ExprStmt, tail):
        self.val(s.expr)
        c = cells(s.expr.type)
        if c == 1:
            self.t("drop")
        elif c == 2:
            self.t("2drop")

    def s_If(self, s: ir.If, tail):
        loop = self.loops[-1] if self.loops else None
        # `if c break end` / `if c continue end`: one conditional branch
        if loop is not None and len(s.then) == 1 and isinstance(s.then[0], (ir.Break, ir.Continue)):
            jump = s.then[0]
            if isinstance(jump, ir.Continue) and loop.kind == "while":
                self.ncond(s.cond)
                self.AGAIN_COPY(loop.dest, until=True)
            else:
                self.ncond(s.cond)
                o = self.IF()
                (loop.breaks if isinstance(jump, ir.Break) else loop.continues).append(o)
            self.stmts(s.orelse, tail)
            return
        self.cond(s.cond)
        o = self.IF()
        self.indent += 2
        self.stmts(s.then, tail)
        self.indent -= 2
        if s.orelse:
            self.nl()
            o = self.ELSE(o)
            self.indent += 2
            self.stmts(s.orelse, tail)
            self.indent -= 2
        self.nl()
        self.THEN(o)

    def s_While(self, s: ir.While, tail):
        loop = _Loop("while")
        d = self.BEGIN()
        loop.dest = d
        self.cond(s.cond)
        w = self.WHILE(d)
        self.loops.append(loop)
        self.indent += 2
        self.stmts(s.body)
        self.indent -= 2
        self.loops.pop()
        self.nl()
        for c in loop.continues:       # (only from generic continues, see s_Continue)
            self.THEN(c)
        self.REPEAT(d, w)
        for b in loop.breaks:
            self.THEN(b)

    def s_ForRange(self, s: ir.ForRange, tail):
        t = s.var.type
        c = cells(t)
        signed = is_signed(t)
        var_off = self.var_off(s.var)
        assigns_var = any(isinstance(n, ir.Assign) and n.var is s.var for n in ir.walk_stmts(s.body))
        ctr = self.new_slot(c) if assigns_var else var_off
        step_c = s.step.value if isinstance(s.step, ir.Const) else (1 if s.step is None else None)
        start_c = s.start.value if isinstance(s.start, ir.Const) else None
        stop_c = s.stop.value if isinstance(s.stop, ir.Const) else None
        if step_c == 0:
            # Julia raises ArgumentError before the loop
            self.val(s.start)
            self.val(s.stop)
            self.t("2drop" if c == 1 else "2drop 2drop")
            self.t(str(s.loc.line if s.loc else 0), str(E_ARGUMENT), "(jlerr)")
            return
        guard = None
        last_const = None
        if step_c is not None and start_c is not None and stop_c is not None:
            # everything known: the optimiser removed empty ranges; compute last here
            if (step_c > 0 and start_c > stop_c) or (step_c < 0 and start_c < stop_c):
                return
            diff = abs(stop_c - start_c)
            last_const = stop_c - (diff % step_c) if step_c > 0 else stop_c + (diff % -step_c)
            self.val(s.start)
            self.store(ctr, c)
        elif step_c is not None:
            # start (and stop) at run time, constant step
            self.val(s.start)
            self.store(ctr, c)
            if stop_c is not None and abs(step_c) == 1:
                last_const = stop_c
                self.fetch(ctr, c)
                self.const(stop_c, t)
                self.compare_tokens("le" if step_c > 0 else "ge", t)
                guard = self.IF()
            elif abs(step_c) == 1 and _stable_local(s.stop, s):
                # `for i in 1:n` with n a local the body does not assign: n is the last value
                last_slot = self.var_off(s.stop.var)
                self.fetch(ctr, c)
                self.fetch(last_slot, c)
                self.compare_tokens("le" if step_c > 0 else "ge", t)
                guard = self.IF()
            else:
                last = self.new_slot(c)
                self.val(s.stop)
                self.store(last, c)
                self.fetch(ctr, c)
                self.fetch(last, c)
                self.compare_tokens("le" if step_c > 0 else "ge", t)
                guard = self.IF()
                if abs(step_c) != 1:
                    k = abs(step_c)
                    # last = stop - (stop - start) % k   (k > 0);  stop + (start - stop) % k  (k < 0)
                    self.nl()
                    self.fetch(last, c)
                    if step_c > 0:
                        self.fetch(last, c)
                        self.fetch(ctr, c)
                    else:
                        self.fetch(ctr, c)
                        self.fetch(last, c)
                    if c == 1:
                        self.t("-", str(k), "u/mod", "drop", "-" if step_c > 0 else "+")
                    else:
                        self.t("d-", f"{k}.", "du/mod", "2drop", "d-" if step_c > 0 else "d+")
                    self.store(last, c)
                last_slot = last
        else:
            # step at run time
            step_slot = self.new_slot(c)
            last = self.new_slot(c)
            self.val(s.start)
            self.store(ctr, c)
            self.val(s.step)
            self.store(step_slot, c)
            self.val(s.stop)
            self.store(last, c)
            self.nl()
            self.fetch(step_slot, c)
            self.t("0=" if c == 1 else "d0=")
            o = self.IF()
            self.t(str(s.loc.line if s.loc else 0), str(E_ARGUMENT), "(jlerr)")
            self.THEN(o)
            self.fetch(ctr, c)
            self.fetch(last, c)
            self.fetch(step_slot, c)
            if c == 1:
                self.t(self.be.helper("jl.last" if signed else "jl.ulast"))
            else:
                self.t(self.be.helper("jl.dlast" if signed else "jl.udlast"))
            self.t("swap" if c == 1 else "-rot")
            self.store(last, c)
            guard = self.IF()
            last_slot = last
        loop = _Loop("for")
        self.nl()
        d = self.BEGIN()
        loop.dest = d
        self.indent += 2
        if assigns_var:
            self.nl()
            self.fetch(ctr, c)
            self.store(var_off, c)
        self.loops.append(loop)
        self.stmts(s.body)
        self.loops.pop()
        self.indent -= 2
        self.nl()
        for co in loop.continues:
            self.THEN(co)
        # leave after the last element, else step
        self.fetch(ctr, c)
        if last_const is not None:
            if c == 1 and last_const == 0:
                self.t("0<>")
            else:
                self.const(last_const, t)
                self.compare_tokens("ne", t)
        else:
            self.fetch(last_slot, c)
            self.compare_tokens("ne", t)
        w = self.WHILE(d)
        self.fetch(ctr, c)
        if step_c is not None:
            if c == 1:
                self.t({1: "1+", -1: "1-"}.get(step_c) or f"{step_c} +")
            else:
                self.t(f"{step_c}", "m+")
        else:
            self.fetch(step_slot, c)
            self.t("+" if c == 1 else "d+")
        self.store(ctr, c)
        self.REPEAT(d, w)
        for b in loop.breaks:
            self.THEN(b)
        if guard is not None:
            self.THEN(guard)

    def s_Break(self, s, tail):
        loop = self.loops[-1]
        loop.breaks.append(self.AHEAD())

    def s_Continue(self, s, tail):
        loop = self.loops[-1]
        if loop.kind == "while":
            self.AGAIN_COPY(loop.dest)
        else:
            loop.continues.append(self.AHEAD())

    def s_Return(self, s: ir.Return, tail):
        if s.value is not None:
            self.val(s.value)
            c = cells(s.value.type)
            if c != self.ret_cells:        # a Union return: the value is not used
                self.t(*(["drop"] * c))
        if not tail:
            self.ldrop()
            self.t("exit")

    def s_PrintStr(self, s: ir.PrintStr, tail):
        self.print_text(s.text)

    def print_text(self, text: str):
        run = []

        def flush():
            if run:
                chunk = "".join(run)
                for k in range(0, len(chunk), 60):
                    self.t('." ' + chunk[k:k + 60] + '"')
                run.clear()

        for ch in text:
            o = ord(ch)
            if 32 <= o < 127 and ch != '"':
                run.append(ch)
            else:
                flush()
                if ch == "\n":
                    self.t(self.be.helper("jl.nl"))
                    continue
                for b in ch.encode("utf-8"):
                    self.t(str(b), "emit")
        flush()

    def s_Print(self, s: ir.Print, tail):
        v = s.value
        t = v.type
        self.val(v)
        if t is BOOL:
            self.t(self.be.helper("jl.b."))
        elif t is CHAR:
            self.t("emit")
        elif is_double(t):
            self.t(self.be.helper("jl.d." if is_signed(t) else "jl.ud."))
        elif cells(t) == 1:
            self.t(self.be.helper("jl.." if is_signed(t) else "jl.u."))
        elif cells(t) == 0:
            self.print_text("nothing")

    def s_ForthStmt(self, s: ir.ForthStmt, tail):
        self.t(*_forth_tokens(s.text))

    # .............................................................. expressions
    def const(self, v: int, t: JType):
        self.t(*_const_tokens(v, t))

    def val(self, e: ir.Expr):
        m = getattr(self, "e_" + type(e).__name__, None)
        if m is None:
            self.err(f"internal error: the backend cannot compile {type(e).__name__}", e.loc)
        m(e)

    def e_Const(self, e: ir.Const):
        if cells(e.type) == 0:
            return
        self.const(e.value, e.type)

    def e_LocalGet(self, e: ir.LocalGet):
        c = cells(e.var.type)
        if c:
            self.fetch(self.var_off(e.var), c)

    def e_GlobalGet(self, e: ir.GlobalGet):
        self.t(self.be.gname(e.var.name), "2@" if is_double(e.var.type) else "@")

    def e_ArrayAddr(self, e: ir.ArrayAddr):
        self.t(self.be.gname(e.array.name))

    def e_ArrayLoad(self, e: ir.ArrayLoad):
        self.val(e.arr)
        self.val(e.index)
        self.address(e.index.type, e.type, e.checked, e.length, e.loc)
        size = _elem_size(e.type)
        if size == 1:
            self.t("c@")
            if e.type == INT8:
                self.t(self.be.helper("jl.s8"))
        else:
            self.t("@" if size == 2 else "2@")

    def address(self, it: JType, et: JType, checked: bool, length: int, loc):
        """( a i -- a' ): the address of element i (1-based) of an array at a."""
        if is_double(it):
            if checked:
                self.t(str(length), str(loc.line if loc else 0), self.be.helper("jl.dix"))
            else:
                self.t("drop", "1-")
        elif checked:
            self.t(str(length), str(loc.line if loc else 0), self.be.helper("jl.ix"))
        else:
            self.t("1-")
        size = _elem_size(et)
        if size == 2:
            self.t("2*")
        elif size == 4:
            self.t("2*", "2*")
        self.t("+")

    def e_RegRead(self, e: ir.RegRead):
        r = e.reg
        self.t(f"${r.address:x}")
        self.items.append(("c", f"( {r.name} )"))
        self.t("@" if r.width == 16 else "c@")

    def e_Compare(self, e: ir.Compare):
        self.cond(e)
        self.t("negate")

    def e_Cond(self, e: ir.Cond):
        self.cond(e.c)
        o = self.IF()
        self.val(e.a)
        o = self.ELSE(o)
        self.val(e.b)
        self.THEN(o)

    def e_And(self, e: ir.And):
        self.cond(e.a)
        o = self.IF()
        self.val(e.b)
        o = self.ELSE(o)
        self.t("0")
        self.THEN(o)

    def e_Or(self, e: ir.Or):
        self.cond(e.a)
        o = self.IF()
        self.t("1")
        o = self.ELSE(o)
        self.val(e.b)
        self.THEN(o)

    def e_LetExpr(self, e: ir.LetExpr):
        self.val(e.value)
        self.store(self.var_off(e.var), cells(e.var.type))
        self.val(e.body)

    def e_Call(self, e: ir.Call):
        for a in e.args:
            self.val(a)
        callee = e.func
        same_scc = self.be.sccs.get(id(callee)) == self.be.sccs.get(id(self.f))
        if same_scc and self.pending.get(id(e), 1) > 0:
            # recursion with values waiting on the data stack (ds_cells, not checked
            # inside compiled code): stop with a located error rather than overflow
            self.t(str(e.loc.line if e.loc else 0), self.be.helper("jl.?ds"))
        if callee is self.f:
            self.t("recurse")
        elif id(callee) in self.be.deferred and self.position[id(callee)] > self.index:
            self.t("?rp", self.be.deferred[id(callee)], "@", "execute")
        else:
            if same_scc:
                self.t("?rp")
            self.t(self.be.fnames[id(callee)])

    def e_Builtin(self, e: ir.Builtin):
        for a in e.args:
            self.val(a)
        if e.name == "millis":
            self.t("millis")
        elif e.name == "delay_ms":
            if e.args and is_double(e.args[0].type):
                self.t("drop")
            self.t(self.be.helper("jl.ms"))
        else:
            self.err(f"the backend has no builtin {e.name}", e.loc)

    def e_Forth(self, e: ir.Forth):
        for a in e.args:
            self.val(a)
        self.t(*_forth_tokens(e.text))

    # ---- unary
    def e_UnOp(self, e: ir.UnOp):
        t = e.type
        self.val(e.a)
        op = e.op
        if is_double(t):
            if op == "neg":
                self.t("dnegate")
            elif op == "not":
                self.t(self.be.helper("jl.dinvert"))
            elif op == "abs":
                if is_signed(t):
                    self.t("dabs")
            elif op == "inc":
                self.t("1", "m+")
            elif op == "dec":
                self.t("-1", "m+")
            return
        if t is BOOL:
            if op == "not":
                self.t("1", "xor")
            elif op in ("abs",):
                pass
            else:
                self.err(f"internal error: {op} on Bool", e.loc)
            return
        if op == "neg":
            self.t("negate")
        elif op == "not":
            self.t("invert")
            if t == UINT8:
                self.t("255", "and")
            return
        elif op == "abs":
            if not is_signed(t):
                return
            self.t("abs")
        elif op == "inc":
            self.t("1+")
        elif op == "dec":
            self.t("1-")
        self.norm(t)

    def norm(self, t: JType):
        """Bring a wrapped 16-bit result back into the representation of an 8-bit type."""
        if t == UINT8:
            self.t("255", "and")
        elif t == INT8:
            self.t(self.be.helper("jl.s8"))
        elif t is BOOL:
            self.t("1", "and")
        elif t is CHAR:
            self.t("127", "and")

    # ---- binary
    def e_BinOp(self, e: ir.BinOp):
        t = e.type
        op = e.op
        if op in ("shl", "shr", "lshr"):
            return self.shift(e)
        widening = _widening_multiply(e)
        if widening:
            # Int32(a) * Int32(b) with 16-bit a and b: the kernel's one
            # 16 x 16 -> 32 multiply instead of a 32 x 32 one
            self.operands(e.a.a, e.b.a, True)
            self.t(widening)
            return
        self.operands(e.a, e.b, op in ("add", "mul", "and", "or", "xor", "min", "max"))
        line = str(e.loc.line if e.loc else 0)
        dbl = is_double(t)
        signed = is_signed(t)
        if op in ("add", "sub", "mul"):
            if dbl:
                self.t({"add": "d+", "sub": "d-", "mul": "d*"}[op])
            elif t is BOOL:
                self.t({"add": "+", "sub": "-", "mul": "and"}[op])
                if op != "mul":
                    self.t("1", "and")
            else:
                self.t({"add": "+", "sub": "-", "mul": "*"}[op])
                self.norm(t)
        elif op in ("and", "or", "xor"):
            if dbl:
                self.t(self.be.helper("jl.d" + op))
            else:
                self.t(op)
        elif op in ("min", "max"):
            if dbl:
                self.t(self.be.helper(("jl.d" if signed else "jl.ud") + op))
            else:
                self.t(op if signed else "u" + op)
        elif op in ("div", "rem", "mod", "fld", "cld"):
            self.division(op, t, line)
        else:
            self.err(f"internal error: operator {op}", e.loc)

    def division(self, op: str, t: JType, line: str):
        h = self.be.helper
        if is_double(t):
            if is_signed(t):
                if op == "div":
                    self.t(line, h("jl.dovf"), h("jl.ddiv"))
                elif op == "rem":
                    self.t(line, h("jl.ddz"), h("jl.drem"))
                elif op == "mod":
                    self.t(line, h("jl.ddz"), h("jl.dmod"))
                elif op == "fld":
                    self.t(line, h("jl.dovf"), h("jl.dfld"))
                else:
                    self.t(line, h("jl.dovf"), h("jl.dcld"))
            else:
                self.t(line, h("jl.ddz"))
                if op in ("div", "fld"):
                    self.t(h("jl.uddiv"))
                elif op in ("rem", "mod"):
                    self.t(h("jl.udrem"))
                else:
                    self.t(h("jl.udcld"))
            return
        if is_signed(t):
            ovf = h("jl.ovf8") if t == INT8 else h("jl.ovf")
            if op == "div":
                self.t(line, ovf, "/")
            elif op == "rem":
                self.t(line, h("jl.dz"), "mod")
            elif op == "mod":
                self.t(line, h("jl.dz"), h("jl.mod"))
            elif op == "fld":
                self.t(line, ovf, h("jl.fld"))
            else:
                self.t(line, ovf, h("jl.cld"))
            return
        # unsigned (and Bool/Char, which never reach here)
        self.t(line, h("jl.dz"), "u/mod")
        if op in ("div", "fld"):
            self.t("nip")
        elif op in ("rem", "mod"):
            self.t("drop")
        else:
            self.t("swap", "0<>", "-")

    def shift(self, e: ir.BinOp):
        t = e.type
        op = e.op
        dbl = is_double(t)
        signed = is_signed(t)
        self.val(e.a)
        if t == INT8 and op == "lshr":
            self.t("255", "and")
        ct = e.b.type
        in_range = e.count_in_range
        cval = e.b.value if isinstance(e.b, ir.Const) else None
        if cval is not None and 0 <= cval:
            in_range = True
        if in_range:
            # a count known to be >= 0 (the kernel gives 0 / the sign for large counts)
            if dbl:
                self.val(e.b)
                if is_double(ct):
                    self.t(self.be.helper("jl.ucnt"))
                self.t({"shl": "dlshift", "shr": "darshift" if signed else "drshift", "lshr": "drshift"}[op])
            else:
                if cval == 1 and op == "shl":
                    self.t("2*")
                elif cval == 1 and op == "shr" and signed and t == INT16:
                    self.t("2/")
                elif cval == 1 and op in ("shr", "lshr") and not signed:
                    self.t("u2/")
                else:
                    self.val(e.b)
                    if is_double(ct):
                        self.t(self.be.helper("jl.ucnt"))
                    self.t({"shl": "lshift", "shr": "arshift" if signed else "rshift", "lshr": "rshift"}[op])
            if op == "shl" or (op == "lshr" and t == INT8):
                self.norm(t)
            return
        self.val(e.b)
        count_signed = is_signed(ct)
        if is_double(ct):
            self.t(self.be.helper("jl.cnt" if count_signed else "jl.ucnt"))
        if count_signed:
            if dbl:
                name = {"shl": "jl.dshl" if signed else "jl.udshl", "shr": "jl.dsar" if signed else "jl.dshr",
                        "lshr": "jl.dshr"}[op]
            else:
                name = {"shl": "jl.shl" if signed else "jl.ushl", "shr": "jl.sar" if signed else "jl.shr",
                        "lshr": "jl.shr"}[op]
            self.t(self.be.helper(name))
        else:
            if dbl:
                self.t({"shl": "dlshift", "shr": "darshift" if signed else "drshift", "lshr": "drshift"}[op])
            else:
                self.t({"shl": "lshift", "shr": "arshift" if signed else "rshift", "lshr": "rshift"}[op])
        if not dbl and (op == "shl" or (op == "lshr" and t == INT8) or count_signed):
            self.norm(t)

    # ---- conversions
    def e_Convert(self, e: ir.Convert):
        self.val(e.a)
        self.convert_tokens(e)

    def convert_tokens(self, e: ir.Convert):
        """The conversion of e.a (already on the stack) to e.type."""
        S, T = e.a.type, e.type
        if S == T or cells(T) == 0:
            return
        if cells(S) == 0:
            return
        line = str(e.loc.line if e.loc else 0)
        subset = S.min >= T.min and S.max <= T.max
        if e.checked and not subset:
            lo = max(T.min, S.min)
            hi = min(T.max, S.max)
            n = hi - lo + 1
            if is_double(S):
                self.t(f"{lo}.", f"{n}.", line, self.be.helper("jl.dinex"))
            elif lo == 0 or (not is_signed(S) and lo == S.min):
                self.t(str(n), line, self.be.helper("jl.inex0"))
            else:
                self.t(str(lo), str(n & 0xFFFF) if n < 65536 else str(n), line, self.be.helper("jl.inex"))
            # the value now fits T: only the cell count changes
            if is_double(S) and not is_double(T):
                self.t("drop")
            elif not is_double(S) and is_double(T):
                self.t("s>d" if is_signed(S) else "0")
            return
        # wrap-around (x % T), or a conversion that always fits
        if is_double(S) and is_double(T):
            return
        if not is_double(S) and is_double(T):
            self.t("s>d" if is_signed(S) else "0")
            return
        if is_double(S):
            self.t("drop")
            if T.bits < 16 or T is BOOL or T is CHAR:
                self.norm(T)
            return
        if subset:
            return
        if T is BOOL:
            self.t("1", "and")
        elif T.bits < 16 or T is CHAR:
            self.norm(T)

    # .............................................................. conditions
    def compare_tokens(self, op: str, t: JType):
        if is_double(t):
            if is_signed(t):
                seq = {"eq": ["d="], "ne": ["d=", "0="], "lt": ["d<"], "ge": ["d<", "0="],
                       "gt": ["2swap", "d<"], "le": ["2swap", "d<", "0="]}[op]
            else:
                seq = {"eq": ["d="], "ne": ["d=", "0="], "lt": ["du<"], "ge": ["du<", "0="],
                       "gt": ["2swap", "du<"], "le": ["2swap", "du<", "0="]}[op]
            self.t(*seq)
            return
        table = _SIGNED_CMP if is_signed(t) else _UNSIGNED_CMP
        self.t(*table[op])

    def compare_flag(self, op: str, a: ir.Expr, b: ir.Expr):
        t = a.type
        if isinstance(b, ir.Const) and b.value == 0 and cells(t) == 1:
            self.val(a)
            if op in ("eq", "ne"):
                self.t("0=" if op == "eq" else "0<>")
                return
            if is_signed(t) and op in ("lt", "gt"):
                self.t("0<" if op == "lt" else "0>")
                return
            if is_signed(t) and op in ("ge", "le"):
                self.t("0<" if op == "ge" else "0>", "0=")
                return
            self.const(0, t)
            self.compare_tokens(op, t)
            return
        if isinstance(b, ir.Const) and b.value == 0 and is_double(t) and op in ("eq", "ne"):
            self.val(a)
            self.t("d0=")
            if op == "ne":
                self.t("0=")
            return
        if isinstance(b, ir.Const) and b.value == 0 and is_double(t) and is_signed(t) and op in ("lt", "ge"):
            self.val(a)
            self.t("nip", "0<")             # the sign of the high cell
            if op == "ge":
                self.t("0=")
            return
        if _late_operand(a, b):
            # evaluate the call first; flip the comparison instead of swapping
            self.val(b)
            self.val(a)
            op = {"lt": "gt", "gt": "lt", "le": "ge", "ge": "le"}.get(op, op)
            self.compare_tokens(op, t)
            return
        self.val(a)
        self.val(b)
        self.compare_tokens(op, t)

    def operands(self, a: ir.Expr, b: ir.Expr, commutative: bool):
        """Push a then b.  When a is a local or a constant and b calls a function, b goes
        first: a local cannot change during the call, and `n * fact(n - 1)` then keeps
        nothing on the 24-cell data stack while it recurses."""
        if _late_operand(a, b):
            self.val(b)
            self.val(a)
            if not commutative:
                self.t("2swap" if is_double(a.type) else "swap")
            return
        self.val(a)
        self.val(b)

    def cond(self, e: ir.Expr):
        """Leave a flag: non-zero when e is true."""
        if isinstance(e, ir.Compare):
            self.compare_flag(e.op, e.a, e.b)
        elif isinstance(e, ir.And):
            self.cond(e.a)
            o = self.IF()
            self.cond(e.b)
            o = self.ELSE(o)
            self.t("0")
            self.THEN(o)
        elif isinstance(e, ir.Or):
            self.cond(e.a)
            o = self.IF()
            self.t("true")
            o = self.ELSE(o)
            self.cond(e.b)
            self.THEN(o)
        elif isinstance(e, ir.UnOp) and e.op == "not" and e.type is BOOL:
            self.ncond(e.a)
        elif isinstance(e, ir.Const):
            self.t("true" if e.value else "false")
        else:
            self.val(e)

    def ncond(self, e: ir.Expr):
        """Leave a flag: non-zero when e is false."""
        if isinstance(e, ir.Compare):
            self.compare_flag(_NEGATE_CMP[e.op], e.a, e.b)
        elif isinstance(e, ir.UnOp) and e.op == "not" and e.type is BOOL:
            self.cond(e.a)
        else:
            self.cond(e)
            self.t("0=")


def share_slots(f: ir.Function) -> Tuple[Dict[int, int], int]:
    """Frame offsets for the locals of f, sharing cells between locals whose lifetimes
    do not overlap (temporaries of the optimiser and the checker are many and short).

    Positions number the nodes in evaluation order; a local lives from its first to
    its last occurrence, extended over a whole loop when its value is carried around
    the loop (first occurrence before the loop, or a read before any write inside it).
    Locals read before they are written (annotated locals read as 0) get a cell of
    their own, which the entry code clears."""
    pos = [0]
    first: Dict[int, int] = {}
    last: Dict[int, int] = {}
    first_is_read: Dict[int, bool] = {}
    loops: List[Tuple[int, int, set, set]] = []     # (start, end, vars seen, vars read first)
    active: List[Tuple[int, set, set]] = []
    local_ids = {id(v) for v in f.locals}

    def occur(v, write: bool):
        k = id(v)
        if k not in local_ids:
            return
        pos[0] += 1
        if k not in first:
            first[k] = pos[0]
            first_is_read[k] = not write
        last[k] = pos[0]
        for _start, seen, readfirst in active:
            if k not in seen:
                seen.add(k)
                if not write:
                    readfirst.add(k)

    def expr(e):
        if e is None:
            return
        if isinstance(e, ir.LocalGet):
            occur(e.var, False)
            return
        if isinstance(e, ir.LetExpr):
            expr(e.value)
            occur(e.var, True)
            expr(e.body)
            return
        for c in e.children():
            expr(c)

    def loop(body_fn, var=None):
        start = pos[0] + 1
        seen, readfirst = set(), set()
        active.append((start, seen, readfirst))
        if var is not None:
            occur(var, True)            # written by the loop header every iteration
        body_fn()
        active.pop()
        pos[0] += 1
        loops.append((start, pos[0], seen, readfirst))
        if var is not None:
            occur(var, False)

    def stmts(body):
        for s in body:
            stmt(s)

    def stmt(s):
        pre = getattr(s, "pre", None)
        if pre is not None:
            stmt(pre)
        if isinstance(s, ir.Assign):
            expr(s.value)
            occur(s.var, True)
        elif isinstance(s, ir.If):
            expr(s.cond)
            stmts(s.then)
            stmts(s.orelse)
        elif isinstance(s, ir.While):
            loop(lambda: (expr(s.cond), stmts(s.body)))
        elif isinstance(s, ir.ForRange):
            expr(s.start)
            expr(s.step)
            expr(s.stop)
            # the stop may be read again at the end of every iteration (see s_ForRange)
            loop(lambda: (stmts(s.body), expr(s.stop)), s.var)
        else:
            for c in s.children():
                if isinstance(c, ir.Expr):
                    expr(c)
                else:
                    stmt(c)

    stmts(f.body)
    for start, end, seen, readfirst in loops:
        for k in seen:
            if first[k] < start or k in readfirst:
                first[k] = min(first[k], start)
                last[k] = max(last[k], end)
    offsets: Dict[int, int] = {}
    total = 0
    pools: Dict[int, List[List[int]]] = {1: [], 2: []}     # size -> [[offset, busy until]]
    order = sorted((v for v in f.locals if cells(v.type)), key=lambda v: first.get(id(v), 0))
    for v in order:
        c = cells(v.type)
        k = id(v)
        if k not in first:              # never used: still gets a cell (cheap, rare)
            offsets[k] = total
            total += c
            continue
        if first_is_read[k]:
            offsets[k] = total
            total += c
            continue
        for slot in pools[c]:
            if slot[1] < first[k]:
                slot[1] = last[k]
                offsets[k] = slot[0]
                break
        else:
            pools[c].append([total, last[k]])
            offsets[k] = total
            total += c
    return offsets, total


def read_before_written(f: ir.Function) -> Optional[set]:
    """The ids of the locals of f that some path may read before writing them (a
    conservative definite-assignment analysis): only their cells need clearing on
    entry.  Operands are checked against what was assigned before the whole
    expression (the backend may evaluate them in either order), a branch keeps
    what both sides assign, a loop body or a short-circuit operand assigns
    nothing for the code after it, and a loop's body and condition see only what
    was assigned before the loop.  None (clear everything) when the function has
    inline Forth, which could read any cell."""
    local_ids = {id(v) for v in f.locals}
    maybe: set = set()

    class _Opaque(Exception):
        pass

    def expr(e, done: frozenset) -> frozenset:
        if e is None:
            return done
        if isinstance(e, ir.Forth):
            raise _Opaque()
        if isinstance(e, ir.LocalGet):
            if id(e.var) in local_ids and id(e.var) not in done:
                maybe.add(id(e.var))
            return done
        if isinstance(e, ir.LetExpr):
            done = expr(e.value, done) | {id(e.var)}
            return expr(e.body, done)
        if isinstance(e, (ir.And, ir.Or)):
            expr(e.b, expr(e.a, done))
            return expr(e.a, done)
        if isinstance(e, ir.Cond):
            d = expr(e.c, done)
            return expr(e.a, d) & expr(e.b, d)
        out = done
        for c in e.children():
            out = out | expr(c, done)
        return out

    def stmts(body, done: frozenset) -> frozenset:
        for s in body:
            done = stmt(s, done)
        return done

    def stmt(s, done: frozenset) -> frozenset:
        pre = getattr(s, "pre", None)
        if pre is not None:
            done = stmt(pre, done)
        if isinstance(s, ir.ForthStmt):
            raise _Opaque()
        if isinstance(s, ir.Assign):
            return expr(s.value, done) | {id(s.var)}
        if isinstance(s, ir.If):
            d = expr(s.cond, done)
            return stmts(s.then, d) & stmts(s.orelse, d)
        if isinstance(s, ir.While):
            d = expr(s.cond, done)
            stmts(s.body, d)
            return d
        if isinstance(s, ir.ForRange):
            for e in (s.start, s.step, s.stop):
                expr(e, done)
            stmts(s.body, done | {id(s.var)})
            return done
        out = done
        for c in s.children():
            if isinstance(c, ir.Expr):
                out = out | expr(c, done)
            else:
                out = stmt(c, out)
        return out

    try:
        stmts(f.body, frozenset())
    except _Opaque:
        return None
    return maybe


def _late_operand(a: ir.Expr, b: ir.Expr) -> bool:
    """May a be evaluated after b?  When a reads only locals and constants and cannot
    raise (a callee cannot change the caller's locals), and b contains a call."""
    if cells(a.type) != cells(b.type) or cells(a.type) == 0 or not _locals_only(a):
        return False
    return any(isinstance(n, ir.Call) for n in ir.walk(b))


def _locals_only(e: ir.Expr) -> bool:
    for n in ir.walk(e):
        if isinstance(n, (ir.Const, ir.LocalGet, ir.UnOp, ir.Compare, ir.Cond, ir.And, ir.Or)):
            continue
        if isinstance(n, ir.BinOp) and n.op not in ("div", "rem", "mod", "fld", "cld"):
            continue
        if isinstance(n, ir.Convert) and not n.checked:
            continue
        return False
    return True


def pending_at_calls(f: ir.Function) -> Dict[int, int]:
    """id(Call) -> cells the caller keeps on the data stack under the call's arguments
    (mirrors the evaluation order of FuncGen, including operands() reordering)."""
    out: Dict[int, int] = {}

    def ex(e, acc):
        if isinstance(e, ir.Call):
            a = acc
            for k in e.args:
                ex(k, a)
                a += cells(k.type)
            out[id(e)] = acc
            return
        if (isinstance(e, ir.Compare) or (isinstance(e, ir.BinOp) and e.op not in ("shl", "shr", "lshr"))) \
                and _late_operand(e.a, e.b):
            ex(e.b, acc)
            ex(e.a, acc + cells(e.b.type))
            return
        if isinstance(e, (ir.Cond, ir.And, ir.Or, ir.LetExpr)):
            for k in e.children():
                ex(k, acc)
            return
        a = acc
        for k in e.children():
            ex(k, a)
            a += cells(k.type)

    def st(s):
        acc = 0
        pre = getattr(s, "pre", None)
        if pre is not None:
            st(pre)
        for k in s.children():
            if isinstance(k, ir.Expr):
                ex(k, acc)
                if isinstance(s, ir.ArrayStore):
                    acc += cells(k.type)
            else:
                st(k)

    for s in f.body:
        st(s)
    return out


#: cells a run-time helper may use above its arguments (2over 2over, literals)
HELPER_RESERVE = 5
#: a recursive call's check: its line and the two cells jl.?ds itself uses
JL_DS_NEED = 3


def helper_extra(e: ir.Expr) -> int:
    """Cells above its operands an expression's code may use: a run-time
    helper's reserve where it may call one (division, checked conversions and
    indexes, 32-bit operations, shifts by a variable count, inline Forth),
    nothing for the kernel's single-cell words."""
    if isinstance(e, (ir.BinOp, ir.UnOp, ir.Compare)):
        if any(is_double(x.type) for x in [e] + list(e.children()) if isinstance(x, ir.Expr)):
            return HELPER_RESERVE
        if isinstance(e, ir.BinOp) and (e.op in ("div", "rem", "mod", "fld", "cld") or
                                        (e.op in ("shl", "shr", "lshr") and not e.count_in_range)):
            return HELPER_RESERVE
        return 0
    if isinstance(e, ir.Convert):
        return HELPER_RESERVE if e.checked or is_double(e.type) or is_double(e.a.type) else 0
    if isinstance(e, ir.ArrayLoad):
        return HELPER_RESERVE if e.checked else 0
    return HELPER_RESERVE


def ds_need(e: ir.Expr, callee_need) -> int:
    """Cells of data stack the evaluation of e needs at most (its result included)."""
    if isinstance(e, (ir.Const, ir.LocalGet, ir.GlobalGet, ir.ArrayAddr, ir.RegRead)):
        return cells(e.type)
    if isinstance(e, ir.Cond):
        return max(ds_need(e.c, callee_need), ds_need(e.a, callee_need), ds_need(e.b, callee_need))
    if isinstance(e, (ir.And, ir.Or)):
        return max(ds_need(e.a, callee_need), ds_need(e.b, callee_need), 1)
    if isinstance(e, ir.LetExpr):
        return max(ds_need(e.value, callee_need), ds_need(e.body, callee_need))
    acc = need = 0
    for k in e.children():
        need = max(need, acc + ds_need(k, callee_need))
        acc += cells(k.type)
    extra = callee_need(e.func) if isinstance(e, ir.Call) else helper_extra(e)
    return max(need, acc + extra, cells(e.type))


def stmt_need(s: ir.Stmt, callee_need) -> int:
    need = 0
    acc = 0
    for k in s.children():
        if isinstance(k, ir.Expr):
            need = max(need, acc + ds_need(k, callee_need))
            if isinstance(s, ir.ArrayStore):
                acc += cells(k.type)
        else:
            need = max(need, stmt_need(k, callee_need))
    if isinstance(s, (ir.ArrayStore, ir.Print, ir.ForRange)):
        need = max(need, acc + HELPER_RESERVE)
    return need


def _stable_local(e: ir.Expr, loop: ir.ForRange) -> bool:
    """A local (not the loop variable) that the loop body never assigns."""
    if not isinstance(e, ir.LocalGet) or e.var is loop.var:
        return False
    return not any(isinstance(n, ir.Assign) and n.var is e.var for n in ir.walk_stmts(loop.body)) and \
        not any(isinstance(n, ir.LetExpr) and n.var is e.var for n in ir.walk_stmts(loop.body))


class _NeedMoreSlots(Exception):
    pass


def _safe_comment(text: str) -> str:
    """A ( ... ) comment: its text must not contain ')' before the end."""
    inner = text[2:-2] if text.startswith("( ") and text.endswith(" )") else text
    return "( " + inner.replace(")", "]").replace("(", "[") + " )"


# ------------------------------------------------------------------ entry points

def _code_form(target, native: Optional[bool], size: Optional[bool]) -> Tuple[bool, bool]:
    """native and size default to the target's code form (Target.code)."""
    form = getattr(target, "code", "speed")
    return (form == "speed" if native is None else native), (form == "size" if size is None else size)


def generate(program: ir.Program, target=None, native: Optional[bool] = None,
             size: Optional[bool] = None) -> ForthProgram:
    """Lower an (optimised) IR program to Forth (size: words as bytecode)."""
    native, size = _code_form(target if target is not None else program.target, native, size)
    fp = ForthBackend(program, target, native, size).build()
    # every upload line must fit the input buffer
    for line, chunk in fp.upload_lines():
        if len(line) > fp.tib:
            raise BackendError(f"a token is longer than the target's {fp.tib}-character input line",
                               chunk.loc)
    return fp


def compile_source(source, filename: str = "<input>", target=None, optimize: bool = True,
                   native: Optional[bool] = None, size: Optional[bool] = None) -> ForthProgram:
    """Julia source text -> ForthProgram (raises CompileError).  native and
    size default to the target's code form (Target.code)."""
    from ..frontend import frontend
    prog = frontend(source, filename, target, optimize=optimize)
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    try:
        return generate(prog, target, native, size)
    except CompileError as e:
        raise e.attach_source(text)
    except RecursionError:
        raise CompileError("expression nested too deeply", Loc(filename, 1, 1)).attach_source(text)
    except Exception as e:  # pragma: no cover - a backend bug, reported without a traceback
        raise CompileError(f"internal compiler error in the Forth backend: {type(e).__name__}: {e}",
                           Loc(filename, 1, 1)).attach_source(text) from e
