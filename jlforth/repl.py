"""``jlforth repl``: Julia typed on the host, run on the chip.

    julia@atmega328p> function sq(x::Int16)
                          return x * x
                      end
    sq (generic function with 1 method)

    julia@atmega328p> sq(12) + 1
    145

The session is a growing Julia program: every definition typed (functions,
``const``, new globals) is kept, in order, as a *segment*; redefining a
method replaces its segment.  After each input the whole session is compiled
again and handed to the incremental loader (jlforth/loader), which sends only
the words that changed and the words that use them (Forth binds early), and
says which.  An expression or statement is compiled into a temporary
function ``__repl_()`` appended after the session's words, run, its value
printed as Julia shows it, and the temporary word rolled back.

* ``;words``  a line starting with ``;`` goes to the target's Forth prompt as is;
* ``?name``   signature, Forth text and flash size of a function (or any word);
* Ctrl-C stops a running word (the kernel answers -28, the dictionary stays);
* Ctrl-D leaves.  History is kept in ``~/.jlforth_history`` ($JLFORTH_HISTORY).

Methods are compiled when defined if their argument types are given
(``f(x::Int16)``); a generic method (``f(x)``) is compiled, like in Julia, when
a call first needs it.
"""
from __future__ import annotations

import codecs
import os
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Optional, TextIO

import serial

from .errors import CompileError
from .loader.link import NAK, OK, ForthError, ForthLink, LinkError
from .loader.units import Unit
from .loader.upload import Loader, UploadError, UploadInterrupted, pack

TEMP = "__repl_"
STX = "\x02"
_AT_LINE = re.compile(r"\s*at line (\d+)\s*$")
_ERROR = re.compile(rb"\?\? (\S+) (-?\d+) ([^\x15]*)\x15\r\n$")
_INCOMPLETE = ("unexpected end of input", "unclosed", "unterminated")


@dataclass
class Segment:
    """One input's definitions, kept as Julia text."""
    label: str                    # REPL[n]
    text: str
    keys: set = field(default_factory=set)    # ("method", name, sig) / ("const", n) / ("global", n)
    linemap: Optional[list] = None    # for each line of ``text``: the user's line (None: 1:1)
    user: Optional[list] = None       # the user's input lines (for error display)


@dataclass
class Built:
    program: object               # ir.Program
    forth: object                 # backend ForthProgram
    units: list                   # upload units, the temporary word last (if any)
    lines: list                   # (segment, first line in the combined source)
    temp: Optional[Unit] = None
    temp_ret: object = None


class ReplError(Exception):
    pass


HELP = """  Julia: definitions (function, const, globals) are compiled and uploaded at once;
  an expression runs on the target and its value is shown.  Redefining a function
  re-uploads it and the words that use it.
  ?name     signature, Forth text and flash size of a function (or any word)
  ;WORDS    a line for the target's Forth prompt, as it is
  Ctrl-C    stop the word running on the target      Ctrl-D  leave
"""


def _julia_show(cells: list[int], t) -> str:
    """A value as Julia's REPL shows it."""
    from .check.types import ArrayType
    name = getattr(t, "name", "")
    if name == "Nothing" or t is None:
        return ""
    if isinstance(t, ArrayType):
        return f"{t.length}-element {name} at 0x{cells[0]:04x}"
    if name == "Bool":
        return "true" if cells[0] & 1 else "false"
    if name == "Char":
        c = chr(cells[0] & 0x7F)
        esc = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0", "'": "\\'", "\\": "\\\\"}
        return "'" + esc.get(c, c if c.isprintable() else f"\\x{ord(c):02x}") + "'"
    bits = getattr(t, "bits", 16)
    v = cells[0] if len(cells) == 1 else (cells[0] | (cells[1] << 16))
    v &= (1 << bits) - 1
    if getattr(t, "signed", True):
        if v >> (bits - 1):
            v -= 1 << bits
        return str(v)
    return "0x" + format(v, f"0{bits // 4}x")


def _s16(v: int) -> int:
    v &= 0xFFFF
    return v - 0x10000 if v & 0x8000 else v


def _cells_of(t) -> int:
    from .check.types import ArrayType
    if t is None or getattr(t, "name", "") in ("Nothing", "Union{}"):
        return 0
    if isinstance(t, ArrayType):
        return 1
    return 2 if getattr(t, "bits", 16) == 32 else 1


def _optimize_keep_all(p):
    """The optimiser, but every method survives (a REPL definition is there to
    be called later, by a line not typed yet)."""
    from .opt.passes import _prune_locals, optimize_program
    saved = dict(p.functions)
    p = optimize_program(p)
    p.functions = saved
    for f in p.all_functions():
        _prune_locals(f)
    return p


class Repl:
    def __init__(self, link: ForthLink, target, *, out: TextIO = None, err: TextIO = None,
                 banner: str = ""):
        self.link = link
        self.target = target
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.loader = Loader.for_target(link, target, quiet=True)
        self.segments: list[Segment] = []
        self.globals: list[str] = []
        self.n = 0
        self.banner = banner
        self.prompt = f"julia@{target.name}> "
        self.built: Optional[Built] = None
        try:
            from .backend import forth  # noqa: F401
            self.julia = True
        except ImportError:
            self.julia = False

    # ------------------------------------------------------------ output
    def say(self, s: str = "", end: str = "\n") -> None:
        self.out.write(s + end)
        self.out.flush()

    def error(self, s: str) -> None:
        self.say("ERROR: " + s)

    # ------------------------------------------------------------ input
    def complete(self, text: str) -> bool:
        """Is ``text`` a whole input (or does it need more lines)?"""
        s = text.strip()
        if not s or s.startswith((";", "?")) or not self.julia:
            return True
        from .frontend import parse_source
        try:
            parse_source(text, "REPL")
        except CompileError as e:
            return not any(k in e.message for k in _INCOMPLETE)
        return True

    def handle(self, text: str) -> None:
        s = text.strip()
        if not s:
            return
        try:
            if s.startswith(";"):
                self.forth(s[1:].strip())
            elif s.startswith("?"):
                self.help(s[1:].strip())
            elif not self.julia:
                self.error("Julia needs the Forth backend, which is not installed; "
                           "use ;WORDS for the target's Forth prompt")
            else:
                self.julia_input(text)
        except UploadInterrupted as e:
            self.error(f"the target stopped answering: {e}")
        except (LinkError, serial.SerialException, OSError) as e:
            self.error(f"the link to the target failed: {e}")

    # ------------------------------------------------------------ ; Forth mode
    def forth(self, line: str) -> None:
        if not line:
            return
        if len(line) > self.target.tib:
            self.error(f"the target reads lines of at most {self.target.tib} characters")
            return
        output, err = self.run_line(line)
        text = output.rstrip("\r\n")
        if err:
            self.say((text + " " if text else "") + f"?? {err.word} {err.code} {err.message}")
        else:
            self.say((text + " " if text else "") + "ok")
            self._keep_raw_words(line)
        self.loader.forget()

    def _keep_raw_words(self, line: str) -> None:
        """Words defined by a ``;`` line get a trailer of their own, so the
        loader takes them for a unit (and keeps them) rather than for the
        remains of an interrupted upload."""
        from .loader.units import DEFINERS, SourceError, split_units
        if not any(w.lower() in DEFINERS for w in line.split()):
            return
        try:
            units = split_units(line, "REPL")
        except SourceError:                      # e.g. a definition going on: not yet
            return
        if units and units[-1].names:
            if self.loader.manifest is None:
                self.loader.state()              # the support words, on a new board
            self.link.send(f"~jl {units[-1].hash}")

    # ------------------------------------------------------------ running words
    def run_line(self, line: str) -> tuple[str, Optional[ForthError]]:
        """Send a line, stream what it prints, wait (without a time limit) for
        its end; Ctrl-C sends the kernel a break.  Returns (output, error)."""
        port = self.link.port
        port.write(line.encode("latin-1") + b"\r")
        echo = (line + " ").encode("latin-1")
        buf = bytearray()
        shown = 0
        dec = codecs.getincrementaldecoder("utf-8")("replace")
        broke = False

        def body() -> bytes:
            return bytes(buf[len(echo):]) if buf.startswith(echo) else bytes(buf)

        def show(upto: int) -> None:
            nonlocal shown
            b = body()
            if upto > shown:
                self.out.write(dec.decode(b[shown:upto]))
                self.out.flush()
                shown = upto

        last = time.monotonic()
        while True:
            try:
                chunk = port.read(port.in_waiting or 1)
            except KeyboardInterrupt:
                if broke:
                    raise
                self.link.interrupt()
                broke = True
                last = time.monotonic()
                continue
            if chunk:
                buf += chunk
                last = time.monotonic()
                if buf.endswith(OK) or buf.endswith(NAK):
                    break
                if len(buf) <= len(echo):
                    continue
                b = body()
                stop = len(b) - len(OK)
                for mark in (b"?? ", STX.encode()):
                    q = b.find(mark)
                    if q >= 0:
                        stop = min(stop, q)
                show(max(stop, shown))
            elif broke and time.monotonic() - last > 5:
                raise LinkError("the target did not answer the break (Ctrl-C)")
        b = body()
        m = _ERROR.search(bytes(buf))
        if m:
            end = b.rfind(b"?? ")
            err = ForthError(m.group(1).decode("latin-1"), int(m.group(2)),
                             m.group(3).decode("latin-1"), line)
        else:
            end = len(b) - len(OK)
            err = None
        rest = b[shown:end]
        q = rest.find(STX.encode())
        if q >= 0:
            show(shown + q)
            value = rest[q:].decode("latin-1")
        else:
            show(end)
            value = ""
        self.out.write(dec.decode(b"", final=True))
        self.out.flush()
        return value, err

    # ------------------------------------------------------------ Julia
    def _source(self, extra: Optional[Segment]):
        parts, lines, at = [], [], 1
        for seg in self.segments + ([extra] if extra else []):
            lines.append((seg, at))
            parts.append(seg.text.rstrip("\n") + "\n")
            at += parts[-1].count("\n")
        return "".join(parts), lines

    def _where(self, line: int, lines) -> tuple[str, int]:
        label, ln, _ = self._where_seg(line, lines)
        return label, ln

    def _where_seg(self, line: int, lines):
        for seg, at in reversed(lines):
            if line >= at:
                k = line - at                     # 0-based line inside the segment
                if seg.linemap is None:
                    return seg.label, k + 1, seg
                mapped = [m for m in seg.linemap[: k + 1] if m is not None]
                return seg.label, (mapped[-1] if mapped else 1), seg
        return "REPL", line, None

    def _compile_error(self, e: CompileError, lines) -> str:
        label, ln, seg = self._where_seg(e.loc.line, lines)
        src = e.source_line
        if seg is not None and seg.user and 1 <= ln <= len(seg.user):
            src = seg.user[ln - 1]
        out = f"{label}:{ln}:{e.loc.col}: {e.message}" if ln > 0 else f"{label}: {e.message}"
        if src:
            out += "\n    " + src.rstrip() + "\n    " + " " * max(0, e.loc.col - 1) + "^"
        return out

    def build(self, extra: Optional[Segment] = None) -> Built:
        from .backend.forth import generate
        from .frontend import frontend
        from .loader.julia import units_from_program
        src, lines = self._source(extra)
        try:
            prog = frontend(src, "REPL", self.target, optimize=False)
            prog = _optimize_keep_all(prog)
            for a in prog.arrays.values():    # any later line may write them: all in RAM
                a.readonly = False
            fp = generate(prog, self.target)
        except CompileError as e:
            if e.source_line is None:
                e.attach_source(src)
            raise ReplError(self._compile_error(e, lines)) from None
        units = [u for u in units_from_program(fp, "REPL", group_data=False)
                 if u.info.get("kind") != "main"]
        for u in units:                       # Julia locations: the REPL input they came from
            if u.line:
                label, ln = self._where(u.line, lines)
                u.file, u.line = label, ln
        b = Built(prog, fp, units, lines)
        if extra is not None:
            for k, u in enumerate(units):
                if u.name.startswith(TEMP.lower() + "("):
                    b.temp = units.pop(k)
                    f = prog.functions.get(TEMP)
                    b.temp_ret = f.ret if f is not None else None
                    break
        return b

    def upload(self, units, program=None) -> object:
        """Upload the session's units; globals whose words were (re)made get
        their initial values (the session's ``main``, which would set them
        all, never runs)."""
        free = self.loader.flash_end - (self.loader.manifest.fhere if self.loader.manifest else 0)
        stats = self.loader.upload(units, mode="auto" if free < 2048 else "append")
        if program is not None and stats.sent_names:
            self.init_globals(program, units, set(stats.sent_names))
        return stats

    def init_globals(self, program, units, sent: set) -> None:
        from .backend.forth import _elem_size
        words = {}
        for u in units:
            ch = u.info.get("chunk")
            if ch is not None and ch.kind in ("global", "array") and u.name in sent:
                words[ch.what] = ch.name
        cmds: list[str] = []
        for g in program.globals.values():
            w = words.get(f"global {g.name}")
            if w:
                v = g.init & 0xFFFFFFFF
                if getattr(g.type, "bits", 16) == 32:
                    cmds.append(f"{_s16(v)} {_s16(v >> 16)} {w} 2!")
                else:
                    cmds.append(f"{_s16(v)} {w} !")
        for a in program.arrays.values():
            w = words.get(f"array {a.name}")
            if not w:
                continue
            e = _elem_size(a.elem)
            n = e * a.length
            cmds.append(f"{w} {n + (n & 1)} 0 fill")
            for k, v in enumerate(a.init):
                v &= 0xFFFFFFFF
                if not v:
                    continue
                at = f"{w} {k * e} +" if k else w
                if e == 1:
                    cmds.append(f"{v & 0xFF} {at} c!")
                elif e == 2:
                    cmds.append(f"{_s16(v)} {at} !")
                else:
                    cmds.append(f"{_s16(v)} {_s16(v >> 16)} {at} 2!")
        line = ""
        for c in cmds + [None]:
            if c is None or (line and len(line) + 1 + len(c) > self.target.tib):
                if line:
                    self.link.run(line)
                line = c or ""
            else:
                line = f"{line} {c}" if line else c

    def _parse(self, text: str, label: str):
        from .frontend import parse_source
        try:
            return parse_source(text, label)
        except CompileError as e:
            raise ReplError(f"{label}:{e.loc.line}:{e.loc.col}: {e.message}") from None

    def julia_input(self, text: str) -> None:
        from .frontend import ast
        self.n += 1
        label = f"REPL[{self.n}]"
        try:
            self._parse(text, label)                        # syntax errors first
            user = text.split("\n")
            defs, stmts, keys, new_globals = [], [], set(), []
            linemap: list = []
            for line, piece in _statements(text):
                s = self._parse(piece, label).body[0]
                k = _def_key(s, ast)
                g = None if k else _assigned_name(s, ast)
                if g and (g in self.globals or g in new_globals):
                    g = None
                if k or g:
                    defs.append(piece)
                    linemap += [line + i for i in range(piece.count("\n") + 1)]
                    keys.add(k or ("global", g))
                if g:
                    new_globals.append(g)            # a new global: a definition, and run
                if not k:
                    stmts.append((s, piece, line))
            if defs:
                seg = Segment(label, "\n".join(defs) + "\n", keys, linemap=linemap, user=user)
                self.define(seg, new_globals, announce=not stmts)
                arrays = [g for g in new_globals if g in self.built.program.arrays]
                if arrays:                           # arrays were made with their contents
                    stmts = [(ast.ExprStmt(ast.Name(g)), g, line) if _assigned_name(s, ast) in arrays
                             else (s, p, line) for s, p, line in stmts]
            if stmts:
                self.evaluate(label, stmts, user)
        except ReplError as e:
            self.error(str(e))
        except UploadError as e:
            self.error(e.describe())

    def load(self, text: str, label: str) -> None:
        """A program's definitions as the session's start (each function and
        global its own segment, so each can be redefined); its top-level
        statements do not run."""
        from .frontend import ast
        self._parse(text, label)
        user = text.split("\n")
        for line, piece in _statements(text):
            s = self._parse(piece, label).body[0]
            k = _def_key(s, ast)
            g = None if k else _assigned_name(s, ast)
            if g and g not in self.globals:
                k = ("global", g)
                self.globals.append(g)
            if k:
                lm = [line + i for i in range(piece.count("\n") + 1)]
                self.segments.append(Segment(label, piece + "\n", {k}, linemap=lm, user=user))
        b = self.build()
        self.upload(b.units, b.program)
        self.built = b

    # definitions ---------------------------------------------------------
    def define(self, seg: Segment, new_globals, announce: bool = True) -> None:
        old = list(self.segments)
        replaced = [s for s in self.segments if s.keys and s.keys <= seg.keys]
        if replaced:                  # in place: top-level code after it may call it
            self.segments = [seg if s is replaced[0] else s for s in self.segments
                             if s is replaced[0] or s not in replaced]
        else:
            self.segments = self.segments + [seg]
        try:
            b = self.build()
            stats = self.upload(b.units, b.program)
        except Exception:
            self.segments = old
            raise
        self.built = b
        self.globals += new_globals
        if not announce:
            return
        mine = [u for u in b.units if u.file == seg.label]
        sent = set(stats.sent_names)
        for name in sorted({k[1] for k in seg.keys if k[0] == "method"}):
            nm = sum(1 for s in self.segments for k in s.keys if k[0] == "method" and k[1] == name)
            self.say(f"{name} (generic function with {nm} method{'s' if nm != 1 else ''})")
        for k in seg.keys:
            if k[0] == "const":
                self.say(f"const {k[1]}")
        own = [u.name for u in mine if u.name in sent]
        others = [n for n in stats.sent_names if n not in own and not n.startswith(("jl.", "init."))]
        if own:
            verb = "re-uploaded" if replaced else "uploaded"
            msg = f"  {verb} {', '.join(own)}"
            if others:
                msg += f"; and {', '.join(others)}, which use{'s' if len(others) == 1 else ''} it"
            callers = [u.name for u in b.units if u.name not in sent and u.uses & set(own)]
            if replaced and callers:
                msg += (f"; {', '.join(callers)} reach{'es' if len(callers) == 1 else ''} "
                        "the new code through a jump from the old")
            self.say(msg)
        elif any(k[0] == "method" for k in seg.keys) and not mine:
            self.say("  (compiled when a call first needs it)")
        self.say()

    def show_array(self, addr: int, t) -> str:
        from .backend.forth import _elem_size
        e = _elem_size(t.elem)
        n = t.length
        fetch = {1: "c@ u.", 2: "@ u.", 4: "2@ ud."}[e]
        words = [f"${addr + k * e:x} {fetch}" for k in range(n)]
        vals: list[int] = []
        while words:                                 # as many as fit a line
            line = words.pop(0)
            while words and len(line) + 1 + len(words[0]) <= self.target.tib:
                line += " " + words.pop(0)
            vals += [int(x) for x in self.link.run(line).split()]
        cells = [[v & 0xFFFF, v >> 16] if e == 4 else [v] for v in vals]
        return f"{n}-element {t}:" + "".join("\n " + _julia_show(c, t.elem) for c in cells)

    # expressions and statements --------------------------------------------
    def _temp_segment(self, label: str, stmts, value: bool, user: list) -> Segment:
        """``function __repl_() … end`` around the statements; the last one's
        value (or the assigned global's) is returned.  Each statement keeps
        its own lines and columns, so errors point into the input."""
        from .frontend import ast
        out: list[tuple[str, Optional[int]]] = [(f"function {TEMP}()", None)]
        names = set()
        for _, piece, _ in stmts:
            names |= _names_in(piece)
        for g in self.globals + [g for g in _globals_in_segments(self.segments) if g not in self.globals]:
            if g in names:
                out.append((f"global {g}", None))

        def add(piece: str, line: int):
            for k, l in enumerate(piece.split("\n")):
                out.append((l, line + k))

        *init, (last, lpiece, lline) = stmts
        for _, p, ln in init:
            add(p, ln)
        lname = _assigned_name(last, ast)
        if lname is None and isinstance(last, ast.Assign):      # xs[2] = 7 shows xs[2]
            m = re.match(r"\s*([A-Za-z_][A-Za-z_0-9]*\[[^\]=]*\])\s*=(?!=)", lpiece)
            lname = m.group(1) if m else None
        if value and isinstance(last, ast.ExprStmt):
            out.append(("__r = (", None))
            add(lpiece, lline)
            out += [(")", None), ("return __r", None)]
        elif value and lname:
            add(lpiece, lline)
            out += [(f"__r = {lname}", None), ("return __r", None)]
        else:
            add(lpiece, lline)
            out.append(("return nothing", None))
        out.append(("end", None))
        return Segment(label, "\n".join(t for t, _ in out) + "\n", set(),
                       linemap=[m for _, m in out], user=user)

    def evaluate(self, label: str, stmts, user: list) -> None:
        try:
            b = self.build(self._temp_segment(label, stmts, True, user))
        except ReplError as first:
            try:
                b = self.build(self._temp_segment(label, stmts, False, user))
            except ReplError:
                raise first from None
        self.upload(b.units, b.program)
        self.built = Built(b.program, b.forth, b.units, b.lines)
        if b.temp is None:
            raise ReplError("internal: the temporary word was not generated")
        # note where the dictionary ends, append the temporary word, run, roll back
        ptr = self.link.run("base @ hex fhere u. latest u. here u. base !").split()
        try:
            bare = Unit(b.temp.tokens, [], b.temp.file, b.temp.line)     # no trailer: it goes
            for ln in pack([bare], [0], self.loader.tib, start_base=10):  # away at once
                r = self.link.send(ln.text)
                if r.error:
                    raise ReplError(f"the target refused the expression's word: {r.error}")
            cells = _cells_of(b.temp_ret)
            show = {0: "", 1: f" {ord(STX)} emit u.", 2: f" {ord(STX)} emit ud."}[cells]
            value, err = self.run_line(b.temp.name + show)
        finally:
            self.link.run(f"${ptr[0]} ${ptr[1]} ${ptr[2]} ~rb")     # as before the temporary word
        if err:
            self.runtime_error(err, b)
            return
        if cells:
            raw = value.lstrip(STX).split()
            if raw:
                from .check.types import ArrayType
                v = int(raw[-1])
                if isinstance(b.temp_ret, ArrayType):
                    self.say(self.show_array(v, b.temp_ret))
                else:
                    self.say(_julia_show([v & 0xFFFF, v >> 16] if cells == 2 else [v], b.temp_ret))
        self.say()

    def runtime_error(self, err: ForthError, b: Built) -> None:
        from .backend.forth import ERROR_MESSAGES
        msg = err.message
        where = ""
        m = _AT_LINE.search(msg)
        if m:
            msg = msg[: m.start()]
            label, ln = self._where(int(m.group(1)), b.lines)
            where = f" at {label}:{ln}"
        text = ERROR_MESSAGES.get(err.code) or f"{msg} ({err.code})"
        if err.code == -28:
            text = "InterruptException: interrupted"
        self.error(text + where)
        self.say()

    # ------------------------------------------------------------ ?name
    def help(self, name: str) -> None:
        if not name:
            self.say(HELP)
            return
        found = False
        if self.julia and self.segments:
            try:
                b = self.built or self.build()
            except ReplError as e:
                self.error(str(e))
                return
            m = self.loader.state()
            sizes = {}
            for tu in m.units:
                for n in tu.names:
                    sizes[n] = tu.size
            for f in b.program.functions.values():
                if f.src_name != name or f.src_name == TEMP:
                    continue
                found = True
                params = ", ".join(f"{p.name}::{p.type}" for p in f.params)
                chunk = next((u.info["chunk"] for u in b.units
                              if u.info.get("kind") == "function" and u.name.split("(")[0] == name.lower()
                              and u.info["chunk"].loc is not None and u.info["chunk"].loc.line == f.loc.line),
                             None)
                loc = self._where(f.loc.line, b.lines) if f.loc else ("REPL", 0)
                self.say(f"  {name}({params})::{f.ret}    defined at {loc[0]}:{loc[1]}")
                if chunk is not None:
                    for line in chunk.display_lines(self.target.tib):
                        if not line.startswith("\\"):
                            self.say("    " + line)
                    size = sizes.get(chunk.name.lower())
                    if size:
                        self.say(f"    {size - 8} bytes of flash (+ 8 for the loader's trailer)")
                    else:
                        self.say("    not on the target")
            for g in b.program.globals.values():
                if g.name == name:
                    found = True
                    self.say(f"  global {name}::{g.type}")
        if not found:
            m = self.loader.state()
            for tu in m.units:
                if name.lower() in tu.names:
                    self.say(f"  {name}: a word on the target, {tu.size - 8} bytes of flash")
                    found = True
            if not found:
                r = self.link.send(f"' {name} drop")
                if not r.error:
                    self.say(f"  {name}: a kernel word (see forth_kernel/README.md)")
                    found = True
        if not found:
            self.say(f"  no function or word named {name}")
        self.say()

    # ------------------------------------------------------------ the loop
    def loop(self, inp=None) -> int:
        _setup_readline()
        if self.banner:
            self.say(self.banner)
        self.say(f"jlforth REPL on {self.target.description}: Julia here, Forth there. "
                 "Type ?name for help on a function, ;WORDS for raw Forth, Ctrl-D to leave.\n")
        while True:
            try:
                text = self.read(inp)
            except EOFError:
                self.say()
                return 0
            except KeyboardInterrupt:
                self.say("^C")
                continue
            try:
                self.handle(text)
            except KeyboardInterrupt:
                self.say("\nInterrupted")
        return 0

    def read(self, inp=None) -> str:
        def get(prompt):
            if inp is None:
                return input(prompt)
            self.out.write(prompt)
            self.out.flush()
            line = inp.readline()
            if not line:
                raise EOFError
            return line.rstrip("\n")
        text = get(self.prompt)
        cont = " " * len(self.prompt)
        while not self.complete(text):
            text += "\n" + get(cont)
        return text


# ---------------------------------------------------------------- helpers
def _parses(text: str) -> int:
    """Number of top-level statements in text, or -1 when it does not parse."""
    from .frontend import parse_source
    try:
        return len(parse_source(text, "REPL").body)
    except CompileError:
        return -1


def _statements(text: str) -> list[tuple[int, str]]:
    """A whole input → (first line, text) of each top-level statement (lines
    grouped until they parse; ``a; b`` on one line split at the semicolon)."""
    out: list[tuple[int, str]] = []
    cur: list[str] = []
    start = 1
    for no, line in enumerate(text.split("\n"), 1):
        if not cur:
            start = no
        cur.append(line)
        chunk = "\n".join(cur)
        n = _parses(chunk)
        if n < 0:
            continue
        cur = []
        while n > 1:
            for k, c in enumerate(chunk):
                if c == ";" and _parses(chunk[:k]) == 1 and _parses(chunk[k + 1:]) == n - 1:
                    out.append((start + chunk[:k].count("\n"), chunk[:k].strip()))
                    start += chunk[:k + 1].count("\n")
                    chunk = chunk[k + 1:]
                    n -= 1
                    break
            else:
                break
        if n >= 1 and chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append((start + chunk[:lead].count("\n"), chunk.strip().rstrip(";").strip()))
    return out


def _def_key(s, ast):
    if isinstance(s, ast.MacroStmt) and s.name in ("inline", "noinline"):
        s = s.body
    if isinstance(s, ast.FunctionDef):
        sig = tuple(ast.dump(p.type) if getattr(p, "type", None) is not None else "Any"
                    for p in (s.params or []))
        return ("method", s.name, sig)
    if isinstance(s, ast.Assign) and s.decl == "const":
        t = s.targets[0]
        if isinstance(t, ast.TypeAssert):
            t = t.expr
        return ("const", getattr(t, "id", "?"))
    return None


def _assigned_name(s, ast) -> Optional[str]:
    """``x = …`` / ``x::T = …`` / ``x += …`` at top level: the global's name."""
    if isinstance(s, ast.Assign) and s.decl in (None, "global") and len(s.targets) == 1:
        t = s.targets[0]
        if isinstance(t, ast.TypeAssert):
            t = t.expr
        if isinstance(t, ast.Name):
            return t.id
    if isinstance(s, ast.OpAssign) and isinstance(s.target, ast.Name):
        return s.target.id
    return None


_IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9!]*")


def _names_in(text: str) -> set[str]:
    return set(_IDENT.findall(text))


def _globals_in_segments(segs) -> list[str]:
    return [k[1] for s in segs for k in s.keys if k[0] == "global"]


def _setup_readline() -> None:
    try:
        import atexit
        import readline
    except ImportError:
        return
    path = os.environ.get("JLFORTH_HISTORY") or os.path.expanduser("~/.jlforth_history")
    try:
        readline.read_history_file(path)
    except OSError:
        pass
    readline.set_history_length(1000)

    def save():
        try:
            readline.write_history_file(path)
        except OSError:
            pass
    atexit.register(save)


def main(args, target, connect, CliError) -> int:
    board, link = connect(args, target)     # a simulator has a session of its own (board/process.py)
    link.timeout = max(link.timeout, 30.0)
    try:
        repl = Repl(link, target, banner=link.banner)
        if getattr(args, "file", None):
            from pathlib import Path
            path = Path(args.file)
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as e:
                raise CliError(f"{path}: cannot read: {e}") from None
            if path.suffix == ".jl":
                try:
                    repl.load(text, path.name)
                except (ReplError, UploadError) as e:
                    raise CliError(str(e)) from None
            else:
                from .loader.units import split_units
                repl.loader.upload(split_units(text, str(path)))
        return repl.loop()
    except (LinkError, UploadInterrupted) as e:
        raise CliError(str(e)) from None
    finally:
        link.close()
        board.close()
