"""Instrumented builds: the program's own Forth with a probe inserted at
chosen places, and the bookkeeping to read the probes back.

A *site* is one place in a word where a probe runs.  Probes are only put
where they change nothing else in the generated code:

* never between a literal and the word that folds it (``5 +``, ``$25 c@``:
  one machine sequence in the real build, found by the image builder);
* never right before ``;``, so a word that ends in a call still ends in a
  jump (tail call), as in the real build;
* places with no token between them are one site (one address in the code);
* never inside a machine-code block the backend lays over several tokens
  (MSP430: ``[ fhere 2 + f, ... ]`` ``[ ... ]``): a probe there would run as
  code; it goes before the next token that starts anew.

Each site knows the Julia line that runs from there on, whether a statement
starts there, whether it is a word's entry, whether it is reached when a
call of a Julia word returns, and which Julia words are tail-called before
the next site.  :class:`CallStack` uses that to follow calls and returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Set

from ..backend.forth import Chunk, ForthProgram
from .listing import Listing, Tok, block_start, inside_block, zero_code


@dataclass
class Site:
    id: int
    word: str               # the word it is in
    line: int               # the Julia line that runs from here on (0: none)
    start: bool = False     # a Julia statement starts here
    enter: bool = False     # the word's entry
    ret: bool = False       # reached when a call of a Julia word returns
    tails: Set[str] = field(default_factory=set)   # words tail-called before the next site
    chunk: int = -1
    index: int = -1         # the probe goes before this item
    tok: Optional[Tok] = None       # the first token after the probe
    group: List[Tok] = field(default_factory=list)  # the tokens up to the next site


def _tokens_by_chunk(lst: Listing) -> Dict[int, List[Tok]]:
    out: Dict[int, List[Tok]] = {}
    for t in lst.toks:
        out.setdefault(t.chunk, []).append(t)
    return out


def place_sites(lst: Listing, chunk_no: int, toks: List[Tok], places: Sequence[int],
                first_id: int) -> List[Site]:
    """Sites of one word at the given item indices (probe before that item)."""
    c = lst.chunks[chunk_no]
    body = [t for t in toks if not t.text.startswith(": ")]
    if not body:
        return []
    # the entry: the first token, or the first one that compiles code (MSP430:
    # `begin` only lays the code field before the first block)
    entry = next((t.index for t in body if not zero_code(t.text)), body[0].index)
    # the first token at or after each place; drop places right before `;`
    chosen: Dict[int, int] = {}          # index of the token after -> where the probe goes
    opener = block_start(lst.target)
    for p in sorted(set(places)):
        nxt = next((t for t in body if t.index >= p and not inside_block(t.text, opener)), None)
        if nxt is None or nxt.text == ";":
            continue
        chosen.setdefault(nxt.index, nxt.index)
    sites: List[Site] = []
    by_index = {t.index: k for k, t in enumerate(body)}
    for ti in sorted(chosen):
        k = by_index[ti]
        t = body[k]
        prev = body[k - 1] if k else None
        s = Site(first_id + len(sites), c.name, t.line, start=t.start, enter=(ti <= entry and not sites),
                 ret=bool(prev is not None and prev.call and not prev.tail),
                 chunk=chunk_no, index=chosen[ti], tok=t)
        sites.append(s)
    # groups, and tail calls before the next site
    for s, nxt in zip(sites, sites[1:] + [None]):
        s.group = [t for t in body if t.index >= s.tok.index and (nxt is None or t.index < nxt.tok.index)]
        s.tails = {t.call for t in s.group if t.call and t.tail}
    return sites


def rebuild(lst: Listing, probes: Dict[int, List[Site]], probe_items: Callable[[Site], list],
            before: Sequence[Chunk] = (), after: Sequence[Chunk] = ()) -> ForthProgram:
    """The program with the probes inserted (and extra chunks); the probe items
    of site s are chunk.probes[s.id] = index of its first item."""
    chunks: List[Chunk] = list(before)
    for ci, c in enumerate(lst.chunks):
        sites = probes.get(ci)
        if not sites:
            chunks.append(c)
            continue
        at: Dict[int, List[Site]] = {}
        for s in sites:
            at.setdefault(s.index, []).append(s)
        items = []
        where = {}
        for i, it in enumerate(c.items):
            for s in at.get(i, ()):
                where[s.id] = len(items)
                items.extend(probe_items(s))
            items.append(it)
        nc = Chunk(c.kind, c.name, items, c.loc, c.what)
        nc.probes = where
        chunks.append(nc)
    chunks.extend(after)
    return ForthProgram(chunks, lst.fp.entry, lst.fp.source_file, lst.fp.tib)


def forth_chunk(name: str, text: str) -> Chunk:
    """A small definition of our own (tokens split at blanks; a token that
    parses a name is kept with it)."""
    toks, words = [], text.split()
    i = 0
    while i < len(words):
        w = words[i]
        if w.lower() in (":", "variable", "constant", "l@", "l!", "ldrop") and i + 1 < len(words):
            toks.append(w + " " + words[i + 1])
            i += 2
            continue
        toks.append(w)
        i += 1
    return Chunk("helper", name, [("t", t) for t in toks], None, "instrumentation")


class CallStack:
    """Follows calls and returns from the sequence of sites reached."""

    def __init__(self):
        self.frames: List[list] = []     # [word, start time, tail]
        self.prev: Optional[Site] = None

    def step(self, site: Site, now: int) -> List[tuple]:
        """Apply a site reached at time `now`; returns the finished calls
        [(word, cycles)]."""
        done = []
        if site.ret:
            while self.frames:
                word, t0, tail = self.frames.pop()
                done.append((word, now - t0))
                if not tail:
                    break
        if site.enter:
            tail = self.prev is not None and site.word in self.prev.tails
            self.frames.append([site.word, now, tail])
        self.prev = site
        return done

    @property
    def depth(self) -> int:
        return len(self.frames)
