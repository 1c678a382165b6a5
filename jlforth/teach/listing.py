"""A compiled Julia program seen token by token: which Julia line each Forth
token came from, and how many flash bytes it became.

The bytes come from the image builder (jlforth/image): the program's upload
lines are meta-compiled exactly as ``jlforth build`` does, while a recorder
notes the dictionary pointer at the start of every token.  A token's bytes are
the growth of the dictionary from its start to the next token's start, so
the bytes of all tokens add up to the image's program size, and the bytes of
one word's tokens to that word's size in the image (header included).  A
literal that the next word takes back (``5 +`` is one ``subi``/``sbci`` pair,
``$25 c@`` one ``lds``) shows its bytes on the literal and the difference on
the word: such a pair is one machine sequence, and ``fold`` marks the second
token.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path
import re
from typing import Dict, List, Optional, Tuple

from ..backend.forth import Chunk, ForthProgram, compile_source
from ..image import build_lines
from ..image import kernel as kmod
from ..image.build import _classes

#: tokens that compile no code: the control-flow words that only mark a place
#: (a branch lands there) and compile-time stack juggling (``[ 2swap ]``); not
#: machine code the backend lays itself (``[ $939a f, ... ]``)
ZERO_CODE = {"then", "begin"}
#: tokens that read the clock: a program with them needs the timer interrupt
CLOCK_WORDS = {"millis", "jl.ms", "ms"}


def zero_code(text: str) -> bool:
    return text in ZERO_CODE or (text.startswith("[ ") and " f," not in text)


def block_start(target) -> Optional[str]:
    """The text that opens a machine-code block on this chip (its [teach]
    table's block_start), or None: every code token stands alone (AVR)."""
    return target.raw.get("teach", {}).get("block_start")


def inside_block(text: str, opener: Optional[str]) -> bool:
    """A token that goes on with the machine-code block laid before it: no
    probe (nothing but that code) may come between the two."""
    return bool(opener) and text.startswith("[ ") and " f," in text and opener not in text


@dataclass
class Tok:
    """One Forth token of the program (a backend item: ``l@ 3`` and ``: name``
    are one token each)."""
    chunk: int              # index into Listing.chunks
    index: int              # index into the chunk's items
    text: str
    line: int = 0           # Julia source line; 0: none (set-up, helpers)
    start: bool = False     # a run of its Julia line starts with this token: a statement
                            # starts, and the one started before it is on another line
    pos: Tuple[int, int] = (0, 0)   # (upload line number, column)
    bytes: int = 0          # flash bytes it became (see the module doc)
    fold: bool = False      # one machine sequence with the token before it
    call: Optional[str] = None      # the Julia word it calls (Forth name)
    tail: bool = False      # ... as a tail call (`;` follows: a jump)


@dataclass
class Word:
    """One definition of the program, with the image builder's numbers."""
    chunk: Chunk
    name: str               # Forth name ("" for a chunk that defines none)
    kind: str               # function main helper global array link
    toks: List[Tok]
    line: int               # the Julia line it belongs to (0: none)
    effect: str = ""        # the stack effect comment, e.g. ( x:i16 -- i16 )
    frame_cells: int = 0    # return-stack cells of its frame (arguments and locals)
    flash: int = 0          # bytes in the image (header, code, data after it)
    header: int = 0
    ram: int = 0            # data space (RAM) it owns

    @property
    def what(self) -> str:
        return self.chunk.what

    @property
    def julia(self) -> bool:
        return self.kind in ("function", "main")


class _RecorderMixin:
    """Added to the image builder's meta-compiler for the chip: notes the
    dictionary pointer at the start of each token and which words fold the
    literal before them."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.events: List[Tuple[int, int, int]] = []      # (line, column, fhere)
        self.folds: set = set()                            # (line, column)

    def parse_name(self) -> bytes:
        i, src = self.toin, self.src
        while i < len(src) and src[i] <= 32:
            i += 1
        self.events.append((self.lineno, i, self.fh["real"]))
        return super().parse_name()

    def fold_literal(self, xt: int) -> bool:
        done = super().fold_literal(xt)
        if done and self.events:
            self.folds.add(self.events[-1][:2])
        return done


_RECORDERS: Dict[type, type] = {}


def record(lines: List[str], target, path: str = "<program>"):
    """Meta-compile upload lines (numbered from 0) with the recorder: the
    image builder's own meta-compiler for the target's chip."""
    k = kmod.get(target)
    base = _classes(k)[0]
    cls = _RECORDERS.get(base)
    if cls is None:
        cls = _RECORDERS[base] = type("_Recorder" + base.__name__, (_RecorderMixin, base), {})
    m = cls(k)
    m.compile_lines(list(enumerate(lines)), path)
    return m


def token_positions(fp: ForthProgram) -> Tuple[List[str], Dict[int, List[Tuple[int, Tuple[int, int]]]]]:
    """The upload lines, and for each chunk (by index) its code tokens as
    (item index, (upload line, column))."""
    lines: List[str] = []
    per_chunk: Dict[int, List[Tuple[int, Tuple[int, int]]]] = {}
    for ci, c in enumerate(fp.chunks):
        own = c.upload_lines(fp.tib)
        first = len(lines)
        lines.extend(own)
        out = []
        k, col = 0, 0
        for i, (kind, val) in enumerate(c.items):
            if kind != "t":
                continue
            while True:
                if k >= len(own):
                    raise AssertionError(f"token {val!r} of {c.name} not found in its upload lines")
                text = own[k]
                while col < len(text) and text[col] == " ":
                    col += 1
                if text.startswith(val, col):
                    out.append((i, (first + k, col)))
                    col += len(val)
                    break
                k, col = k + 1, 0
        per_chunk[ci] = out
    return lines, per_chunk


def _line_of(chunk: Chunk):
    """item index -> (line, start) from Chunk.lines (the last mark at or
    before an index wins; start when that mark starts a statement)."""
    marks = sorted(((m[0], n, m[1], bool(m[2]) if len(m) > 2 else False)
                    for n, m in enumerate(chunk.lines)))
    # a statement on the same line as the statement started before it (three
    # statements for one println) does not start another run of the line
    last = None
    for k, (i, n, line, start) in enumerate(marks):
        if start:
            if line == last:
                marks[k] = (i, n, line, False)
            last = line
    keys = [m[0] for m in marks]

    def at(prev: int, i: int) -> Tuple[int, bool]:
        j = bisect.bisect_right(keys, i) - 1
        if j < 0:
            return 0, False
        line, start = marks[j][2], marks[j][3]
        return line, start and marks[j][0] > prev
    return at


class Listing:
    """The program: its chunks, tokens and words, with bytes from the image."""

    def __init__(self, source: str, path: str, target, native: bool = True):
        self.path = path
        self.source = source
        self.src_lines = source.splitlines()
        self.target = target
        self.fp: ForthProgram = compile_source(source, path, target, native=native)
        self.chunks = self.fp.chunks
        self.upload, positions = token_positions(self.fp)
        self.fnames = {c.name.lower(): c.name for c in self.chunks if c.kind in ("function", "main")}
        self.deferred = self._deferred()
        self.words: List[Word] = []
        self.toks: List[Tok] = []
        for ci, c in enumerate(self.chunks):
            if c.kind == "comment":
                continue
            home = c.loc.line if (c.loc is not None and c.kind != "main") else 0
            toks = []
            at = _line_of(c) if c.kind in ("function", "main") else None
            prev = -1
            for i, pos in positions[ci]:
                t = Tok(ci, i, c.items[i][1], pos=pos)
                if at is not None:
                    line, start = at(prev, i)
                    t.line, t.start = (line or home), start
                elif c.kind != "helper":
                    t.line = home
                prev = i
                toks.append(t)
            self._calls(c, toks)
            w = Word(c, c.name, c.kind, toks, home)
            if c.kind in ("function", "main"):
                w.effect, w.frame_cells = _effect_and_frame(c, target)
            self.words.append(w)
            self.toks.extend(toks)
        self._bytes()

    # ------------------------------------------------------------------ calls
    def _deferred(self) -> Dict[str, str]:
        """Forward-reference cells ('f(i16)) -> the word they hold."""
        out = {}
        for c in self.chunks:
            if c.kind == "link" and not c.name:
                ts = [v for k, v in c.items if k == "t"]
                if len(ts) == 3 and ts[0].startswith("' ") and ts[2] == "!":
                    out[ts[1].lower()] = ts[0][2:]
        return out

    def _calls(self, c: Chunk, toks: List[Tok]) -> None:
        for k, t in enumerate(toks):
            low = t.text.lower()
            if c.kind in ("function", "main"):
                if low in self.fnames:
                    t.call = self.fnames[low]
                elif low == "recurse":
                    t.call = c.name
                elif low == "execute" and k >= 2 and toks[k - 1].text == "@" \
                        and toks[k - 2].text.lower() in self.deferred:
                    t.call = self.deferred[toks[k - 2].text.lower()]
            if t.call and k + 1 < len(toks) and toks[k + 1].text == ";":
                t.tail = True

    # ------------------------------------------------------------------ bytes
    def _bytes(self) -> None:
        rec, sizes = token_bytes(self.upload, [(t.pos, t) for t in self.toks], self.target, self.path)
        self.recorder = rec
        for t in self.toks:
            t.bytes, t.fold = sizes[t.pos]
        end = rec.fh["real"]
        self.dict_start = rec.k.dict_start
        self.fhere = end
        # the image itself, built as `jlforth build` builds it
        jl_lines = []
        for line, chunk in self.fp.upload_lines():
            jl_lines.append((getattr(chunk.loc, "line", 0) or 0, line))
        self.image = build_lines(jl_lines, self.target, path=self.path, main=self.fp.entry,
                                 check=False)
        if self.image.fhere != end:
            raise AssertionError("the recorder and the image builder disagree")
        info = {w.name.lower(): w for w in self.image.words}
        for w in self.words:
            wi = info.get(w.name.lower()) if w.name else None
            if wi is not None:
                w.flash, w.header, w.ram = wi.bytes, wi.header_bytes, wi.ram_bytes

    # ------------------------------------------------------------------ views
    @property
    def program_bytes(self) -> int:
        return self.fhere - self.dict_start

    def word(self, name: str) -> Optional[Word]:
        for w in self.words:
            if w.name.lower() == name.lower():
                return w
        return None

    def line_bytes(self) -> Dict[int, int]:
        """Julia line -> flash bytes of the tokens it became (helpers: line 0)."""
        out: Dict[int, int] = {}
        for t in self.toks:
            out[t.line] = out.get(t.line, 0) + t.bytes
        return out

    def uses_clock(self) -> bool:
        return any(t.text.lower() in CLOCK_WORDS for t in self.toks)


def token_bytes(lines: List[str], tokens, target, path: str = "<program>"):
    """Meta-compile upload lines; for each (position, key) in tokens: its
    flash bytes (up to the next token's start) and whether it folds.
    Returns (recorder, {position: (bytes, fold)})."""
    rec = record(lines, target, path)
    keys = [(e[0], e[1]) for e in rec.events]
    fh = [e[2] for e in rec.events]
    end = rec.fh["real"]

    def at(pos):
        j = bisect.bisect_left(keys, pos)
        return fh[j] if j < len(fh) else end
    order = sorted(p for p, _ in tokens)
    out = {}
    for a, b in zip(order, order[1:] + [None]):
        out[a] = ((at(b) if b is not None else end) - at(a), a in rec.folds)
    return rec, out


def _effect_and_frame(c: Chunk, target) -> Tuple[str, int]:
    """The stack effect comment and the return-stack cells of the frame: `>r`
    of the prologue, and registers the first code token pushes (the target's
    [teach] push = {mask, value, per_cell}: the push opcode, instructions per cell)."""
    push = target.raw.get("teach", {}).get("push")
    effect, frame, seen_colon = "", 0, False
    for kind, val in c.items:
        if kind == "t" and val.startswith(": "):
            seen_colon = True
            continue
        if not seen_colon:
            continue
        if kind == "c" and not effect:
            effect = val
            continue
        if kind == "c" and val.startswith("( frame:"):
            break
        if kind == "t":
            if val == ">r":
                frame += 1
            elif zero_code(val):
                continue
            elif val.startswith("[ ") and " f," in val and push:
                ops = [int(w, 16) for w in re.findall(r"\$([0-9a-f]{4}) f,", val)]
                n = 0
                for op in ops:                      # the pushes the code starts with
                    if op & push["mask"] != push["value"]:
                        break
                    n += 1
                frame += n // push["per_cell"]
                if n < len(ops):
                    break
            elif val != "0":
                break
    return effect, frame


def from_file(path, target, native: bool = True) -> Listing:
    p = Path(path)
    return Listing(p.read_text(encoding="utf-8"), str(p), target, native)
