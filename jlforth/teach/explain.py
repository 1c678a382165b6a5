"""``jlforth explain PROG.jl``: every Julia line beside the Forth it became,
with its flash bytes and the cycles it took when ``main`` ran once on the
simulated board; every word with its stack effect, flash, RAM and cycles per
call.  The terminal view uses rich; :func:`to_html` writes the same columns
as one self-contained page."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .listing import Listing, Word
from .profile import DEFAULT_BUDGET, Profile, run_profile
from .sim import describe_error

SETUP = 0          # the pseudo-line of main's set-up (and helpers)


@dataclass
class Piece:
    """The Forth one Julia line became inside one word."""
    word: str
    text: str
    bytes: int


@dataclass
class Row:
    line: int
    julia: str
    pieces: List[Piece] = field(default_factory=list)
    defines: List[Word] = field(default_factory=list)     # words whose home is this line
    bytes: int = 0
    cycles: Optional[int] = None
    runs: Optional[int] = None

    @property
    def forth(self) -> str:
        return "\n".join(" … ".join(p.text for p in g) for g in self.by_word())

    def by_word(self) -> List[List[Piece]]:
        """The pieces, grouped by the word they are in (in program order)."""
        out: List[List[Piece]] = []
        for p in self.pieces:
            if out and out[-1][0].word == p.word:
                out[-1].append(p)
            else:
                out.append([p])
        return out


@dataclass
class WordRow:
    word: Word
    calls: Optional[int] = None
    per_call: Optional[float] = None
    low: Optional[int] = None
    high: Optional[int] = None
    unfinished: int = 0

    @property
    def stack_bytes(self) -> int:
        """Return stack while it runs: its frame and the return address."""
        return 2 * self.word.frame_cells + 2


@dataclass
class Explanation:
    listing: Listing
    rows: List[Row]
    setup: Row
    helpers: List[Word]
    data: List[Word]
    words: List[WordRow]
    profile: Optional[Profile] = None

    @property
    def target(self):
        return self.listing.target


def _comment_ok(text: str) -> bool:
    """Short comments worth keeping beside a token: register names ( PORTB )."""
    inner = text[2:-2]
    return len(inner) <= 16 and ":" not in inner and "--" not in inner and " " not in inner.strip()


def _pieces(lst: Listing, words: List[Word]) -> Dict[int, List[Piece]]:
    out: Dict[int, List[Piece]] = {}
    for w in words:
        by_index = {t.index: t for t in w.toks}
        cur_line, cur = None, None
        for i, (kind, val) in enumerate(w.chunk.items):
            t = by_index.get(i)
            if t is None:
                if kind == "c" and cur is not None and (_comment_ok(val) or (
                        cur.text.startswith(": ") and " " not in cur.text[2:] and "--" in val)):
                    cur.text += " " + val           # a register name, or the stack effect
                continue
            if t.line != cur_line or cur is None:
                cur_line = t.line
                cur = Piece(w.name, t.text, 0)
                out.setdefault(t.line, []).append(cur)
            else:
                cur.text += " " + t.text
            cur.bytes += t.bytes
    return out


def explain(lst: Listing, measure: bool = True, budget: int = DEFAULT_BUDGET) -> Explanation:
    prof = run_profile(lst, budget) if measure else None
    code_words = [w for w in lst.words if w.kind in ("function", "main", "link", "global", "array")]
    helpers = [w for w in lst.words if w.kind == "helper"]
    pieces = _pieces(lst, code_words)
    lb: Dict[int, int] = {}
    for w in code_words:
        for t in w.toks:
            lb[t.line] = lb.get(t.line, 0) + t.bytes
    rows = []
    for n, text in enumerate(lst.src_lines, 1):
        r = Row(n, text, pieces.get(n, []), [w for w in code_words if w.line == n and w.kind != "main"],
                lb.get(n, 0))
        if prof is not None and (n in prof.line_cycles or n in prof.line_runs):
            r.cycles = prof.line_cycles.get(n, 0)
            r.runs = prof.line_runs.get(n, 0)
        rows.append(r)
    main = [w for w in code_words if w.kind == "main"]
    setup = Row(SETUP, "(main: start-up)", pieces.get(SETUP, []), main,
                lb.get(SETUP, 0))
    if prof is not None:
        setup.cycles = prof.line_cycles.get(SETUP, 0)
    wrows = []
    for w in lst.words:
        if not w.julia:
            continue
        wr = WordRow(w)
        if prof is not None:
            c = prof.calls.get(w.name, [])
            wr.calls = len(c)
            wr.unfinished = prof.unfinished.get(w.name, 0)
            if c:
                wr.per_call, wr.low, wr.high = sum(c) / len(c), min(c), max(c)
        wrows.append(wr)
    data = [w for w in lst.words if w.kind in ("global", "array")]
    return Explanation(lst, rows, setup, helpers, data, wrows, prof)


# ------------------------------------------------------------------ formatting
def num(n) -> str:
    if n is None:
        return ""
    if isinstance(n, float):
        n = round(n)
    return f"{n:,}".replace(",", "\u2009")          # thin space: 1 602 345


def cycles_text(wr: WordRow) -> str:
    if wr.per_call is None:
        return "still running" if wr.unfinished else ("not called" if wr.calls == 0 else "")
    s = num(wr.per_call)
    if wr.low != wr.high:
        s += f" ({num(wr.low)}–{num(wr.high)})"
    return s


def word_note(wr: WordRow, measured: bool) -> str:
    w = wr.word
    parts = [f"{w.name}: {w.flash} B flash", f"{wr.stack_bytes} B stack"]
    if measured:
        if wr.calls:
            parts.append(f"{wr.calls} call{'s' if wr.calls != 1 else ''} × {cycles_text(wr)} cycles")
        elif wr.unfinished:
            parts.append("still running when measuring stopped")
        else:
            parts.append("not called")
    return " · ".join(parts)


def summary_lines(ex: Explanation) -> List[str]:
    lst, p = ex.listing, ex.profile
    img = lst.image
    out = [f"{lst.path} for {lst.target.name}: program {img.program_bytes} B of "
           f"{img.dictionary_space} B of dictionary flash ({img.free_flash} B free), "
           f"RAM {img.ram_used} B of {img.data_space} B of data space"]
    if p is not None:
        ms = p.total / lst.target.clock_hz * 1000
        how = "ran to its end" if p.finished else (
            f"stopped after {num(p.budget)} cycles" if not p.error else
            f"stopped: {describe_error(p.error, lst.src_lines)}")
        out.append(f"main: {num(p.total)} cycles ({ms:.3f} ms at {lst.target.clock_hz // 1_000_000} MHz), "
                   f"{how}; timer interrupt {'on (the program reads the clock)' if p.clock else 'off'}")
    return out


# ------------------------------------------------------------------ terminal
def render(ex: Explanation, console=None, width: Optional[int] = None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text
    console = console or Console(width=width)
    measured = ex.profile is not None
    for s in summary_lines(ex):
        console.print(s, highlight=False, markup=False)
    if ex.profile is not None and ex.profile.output:
        out = ex.profile.output.rstrip("\n")
        console.print(Text("output: ", style="bold") + Text(out if "\n" not in out else
                                                            "\n  " + out.replace("\n", "\n  ")))
    console.print()
    t = Table(show_edge=False, pad_edge=False, box=None, header_style="bold", expand=False)
    t.add_column("line", justify="right", style="dim")
    longest = max((len(r.julia.rstrip()) for r in ex.rows), default=10)
    t.add_column("Julia", overflow="fold", min_width=min(longest, 44))
    t.add_column("Forth", overflow="fold", style="cyan", min_width=24)
    t.add_column("bytes", justify="right")
    if measured:
        t.add_column("cycles", justify="right")
        t.add_column("runs", justify="right", style="dim")
    by_word = {wr.word.name: wr for wr in ex.words}

    def add(r: Row, label: str):
        cells = [label, Text(r.julia.rstrip()), Text(r.forth), num(r.bytes) if r.pieces else ""]
        if measured:
            cells += [num(r.cycles) if r.cycles else "", num(r.runs) if r.runs else ""]
        t.add_row(*cells)
        for w in r.defines:
            wr = by_word.get(w.name)
            note = word_note(wr, measured) if wr is not None else \
                f"{w.name}: {w.flash} B flash" + (f", {w.ram} B RAM" if w.ram else "")
            t.add_row("", "", Text("└ " + note, style="dim"), "", *(["", ""] if measured else []))

    if ex.setup.pieces:
        add(ex.setup, "")
    for r in ex.rows:
        add(r, str(r.line))
    console.print(t)
    console.print()
    wt = Table(title="words", title_justify="left", show_edge=False, header_style="bold")
    wt.add_column("word")
    wt.add_column("stack effect")
    wt.add_column("line", justify="right")
    wt.add_column("flash B", justify="right")
    wt.add_column("RAM B", justify="right")
    wt.add_column("return stack B", justify="right")
    if measured:
        wt.add_column("calls", justify="right")
        wt.add_column("cycles per call", justify="right")
    for wr in ex.words:
        w = wr.word
        cells = [Text(w.name), Text(w.effect), str(w.line) if w.line else "", str(w.flash), "",
                 str(wr.stack_bytes)]
        if measured:
            cells += [str(wr.calls or 0) + (f" (+{wr.unfinished} running)" if wr.unfinished else ""),
                      cycles_text(wr)]
        wt.add_row(*cells)
    for w in ex.data:
        wt.add_row(Text(w.name), Text(f"( -- addr )  {w.what}"), str(w.line) if w.line else "", str(w.flash),
                   str(w.ram) if w.ram else "", "", *(["", ""] if measured else []))
        wt.rows[-1].style = "dim"
    if ex.helpers:
        wt.add_row(Text(", ".join(w.name for w in ex.helpers), style="dim"),
                   Text("run-time helpers", style="dim"),
                   "", str(sum(w.flash for w in ex.helpers)), "", "", *(["", ""] if measured else []))
    console.print(wt)


# ------------------------------------------------------------------ HTML
_CSS = """
body{font:14px/1.35 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px}
.sum{color:#4a5568;margin:2px 0} pre.out{background:#f6f8fa;padding:8px 12px;border-radius:6px;margin:8px 0}
code,.mono,td.j,td.f,.pane div{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:13px}
table{border-collapse:collapse} th{text-align:left;font-weight:600;border-bottom:2px solid #cbd5e0;padding:4px 8px}
td{padding:2px 8px;vertical-align:top;border-bottom:1px solid #edf2f7}
td.n{text-align:right;color:#718096} td.r{text-align:right;white-space:nowrap} td.j{white-space:pre}
td.f{color:#1a5e7a} tr.note td{color:#718096;font-size:12px;border-bottom:none}
.hl{background:#fff3b0 !important} .lk{cursor:pointer}
.panes{display:flex;gap:16px} .pane{flex:1;border:1px solid #e2e8f0;border-radius:6px;padding:8px;overflow:auto}
.pane div{white-space:pre;padding:0 4px} .pane .ln{color:#a0aec0;display:inline-block;width:2.5em}
.wd{color:#805ad5;font-weight:600} .dim{color:#a0aec0}
"""

_JS = """
(function(){
  function mark(line,on){
    document.querySelectorAll('[data-line="'+line+'"]').forEach(function(e){
      e.classList.toggle('hl',on);});
  }
  document.querySelectorAll('[data-line]').forEach(function(e){
    var l=e.getAttribute('data-line'); if(l==='') return;
    e.classList.add('lk');
    e.addEventListener('mouseenter',function(){mark(l,true);});
    e.addEventListener('mouseleave',function(){mark(l,false);});
  });
})();
"""


def _tint(line: int) -> str:
    return f"hsl({(line * 47) % 360},70%,95%)" if line else "transparent"


def to_html(ex: Explanation) -> str:
    e = html.escape
    lst = ex.listing
    measured = ex.profile is not None
    by_word = {wr.word.name: wr for wr in ex.words}
    out = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
           f"<title>jlforth explain: {e(lst.path)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{e(lst.path)} on the {e(lst.target.description if hasattr(lst.target, 'description') else lst.target.name)}</h1>"]
    for s in summary_lines(ex):
        out.append(f"<p class='sum'>{e(s)}</p>")
    if ex.profile is not None and ex.profile.output:
        out.append(f"<pre class='out'>{e(ex.profile.output)}</pre>")
    out.append("<p class='sum'>Hover a Julia line or a piece of Forth: both light up.</p>")
    # the aligned listing
    head = ["line", "Julia", "Forth", "bytes"] + (["cycles", "runs"] if measured else [])
    out.append("<h2>Line by line</h2><table id='listing'><tr>" + "".join(f"<th>{h}</th>" for h in head)
               + "</tr>")

    def row(r: Row, label: str):
        forth = "<br>".join(" … ".join(f"<span data-line='{r.line}'>{e(p.text)}</span>" for p in g)
                            for g in r.by_word())
        cells = [f"<td class='n'>{label}</td>", f"<td class='j' data-line='{r.line}'>{e(r.julia.rstrip())}</td>",
                 f"<td class='f'>{forth}</td>", f"<td class='r'>{num(r.bytes) if r.pieces else ''}</td>"]
        if measured:
            cells += [f"<td class='r'>{num(r.cycles) if r.cycles else ''}</td>",
                      f"<td class='r'>{num(r.runs) if r.runs else ''}</td>"]
        out.append(f"<tr>{''.join(cells)}</tr>")
        for w in r.defines:
            wr = by_word.get(w.name)
            note = word_note(wr, measured) if wr is not None else \
                f"{w.name}: {w.flash} B flash" + (f", {w.ram} B RAM" if w.ram else "")
            out.append(f"<tr class='note'><td></td><td></td><td colspan='{len(head) - 2}'>└ {e(note)}</td></tr>")
    if ex.setup.pieces:
        row(ex.setup, "")
    for r in ex.rows:
        row(r, str(r.line))
    out.append("</table>")
    # side by side: the source, and the Forth program in its own order
    out.append("<h2>Source and Forth side by side</h2><div class='panes'><div class='pane' id='julia'>")
    for r in ex.rows:
        out.append(f"<div data-line='{r.line}' style='background:{_tint(r.line) if r.pieces else 'transparent'}'>"
                   f"<span class='ln'>{r.line}</span>{e(r.julia.rstrip()) or ' '}</div>")
    out.append("</div><div class='pane' id='forth'>")
    for w in lst.words:
        if not w.toks:
            continue
        by_index = {t.index: t for t in w.toks}
        cur_line, buf = None, []

        def flush():
            if buf:
                ln = cur_line if cur_line is not None else 0
                attr = f" data-line='{ln}'" if ln else ""
                out.append(f"<div{attr} style='background:{_tint(ln)}'>{'  ' + ' '.join(buf)}</div>")
                buf.clear()
        out.append(f"<div><span class='wd'>{e(w.name or w.what)}</span> "
                   f"<span class='dim'>{e(w.effect)} {w.flash} B</span></div>")
        for i in range(len(w.chunk.items)):
            t = by_index.get(i)
            if t is None:
                continue
            line = t.line if w.kind != "helper" else 0
            if line != cur_line:
                flush()
                cur_line = line
            buf.append(e(t.text))
        flush()
    out.append("</div></div>")
    # the words
    out.append("<h2>Words</h2><table id='words'><tr><th>word</th><th>stack effect</th><th>line</th>"
               "<th>flash B</th><th>RAM B</th><th>return stack B</th>"
               + ("<th>calls</th><th>cycles per call</th>" if measured else "") + "</tr>")
    for wr in ex.words:
        w = wr.word
        out.append(f"<tr><td class='mono' data-line='{w.line or ''}'>{e(w.name)}</td><td class='mono'>{e(w.effect)}</td>"
                   f"<td class='n'>{w.line or ''}</td><td class='r'>{w.flash}</td><td></td><td class='r'>{wr.stack_bytes}</td>"
                   + (f"<td class='r'>{wr.calls or 0}</td><td class='r'>{e(cycles_text(wr))}</td>" if measured else "")
                   + "</tr>")
    for w in ex.data:
        out.append(f"<tr class='dim'><td class='mono'>{e(w.name)}</td><td>( -- addr ) {e(w.what)}</td>"
                   f"<td class='n'>{w.line or ''}</td><td class='r'>{w.flash}</td>"
                   f"<td class='r'>{w.ram or ''}</td><td></td>"
                   + ("<td></td><td></td>" if measured else "") + "</tr>")
    if ex.helpers:
        out.append(f"<tr class='dim'><td class='mono'>{e(', '.join(w.name for w in ex.helpers))}</td>"
                   f"<td>run-time helpers</td><td></td><td class='r'>{sum(w.flash for w in ex.helpers)}</td>"
                   "<td></td><td></td>" + ("<td></td><td></td>" if measured else "") + "</tr>")
    out.append("</table>")
    out.append("<p class='sum'>Bytes: the image builder's (the same as <code>jlforth build</code>). "
               "Cycles: one run of <code>main</code> on the simulated board, probes subtracted; "
               "a line's cycles exclude the words it calls, a word's cycles per call include them. "
               "See docs/tutorial/README.md.</p>")
    out.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(out)


def to_json(ex: Explanation) -> dict:
    """The same numbers as data (used by the tests)."""
    return {
        "rows": [{"line": r.line, "forth": r.forth, "bytes": r.bytes, "cycles": r.cycles,
                  "runs": r.runs} for r in [ex.setup] + ex.rows],
        "words": [{"name": wr.word.name, "effect": wr.word.effect, "flash": wr.word.flash,
                   "calls": wr.calls, "per_call": wr.per_call} for wr in ex.words],
    }
