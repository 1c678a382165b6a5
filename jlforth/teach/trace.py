"""``jlforth trace PROG.jl --call 'f(3)'``: step through a call, word by
word, on the simulated board.

How it works:

* The program is compiled with its definitions (functions, globals,
  constants) but without its other top-level statements, and with the call
  appended as the new top-level code (literal arguments go through globals,
  so the compiler cannot compute the call at compile time).
* Every Julia word of that program is built again with a probe before each
  step: ``ID tr.``.  A step is one token, or a literal with the word that
  folds it into one instruction sequence (``5 +``, ``$25 c@``), or a
  machine-code block the MSP430 backend lays over several tokens; there is no
  probe right before ``;`` (a final call stays a jump) or before a word that
  compiles no code (``then``, ``begin``), where a branch lands.
* ``tr.`` writes to the marker register (GPIOR0 on the AVR, a byte at a
  time; 0x01FE on the MSP430, a cell at a time), which the simulator records
  with its cycle counter: the probe's number, the data stack depth and every cell.  Its
  first write and its last one bracket the probe; the cycles from one
  probe's last write to the next probe's first write, less the probe's own
  fixed cost (measured on the board at the start: two probes in a row), are
  the step's.  The Timer0 interrupt is off unless the program reads the clock.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from ..errors import CompileError
from .instrument import CallStack, Site, forth_chunk, place_sites, rebuild
from .listing import Listing, Tok, block_start, inside_block, token_bytes, token_positions, zero_code
from .sim import SimRun, TeachError, before_run, build_image, marker_register, marker_store, teach_data

END_ID = 0
B_MARK = 0x5A
DEFAULT_STEPS = 2000


@dataclass
class Step:
    n: int
    depth: int              # call depth (the traced call is 1)
    word: str               # the word the step ran in
    line: int               # its Julia line
    forth: str              # the tokens it ran
    flow: str               # "", "call NAME", "return", "jump"
    stack: List[int]        # the data stack after it, bottom first (signed cells)
    cycles: int


@dataclass
class Trace:
    call: str
    steps: List[Step] = field(default_factory=list)
    result: Optional[List[int]] = None   # cells the call left
    ret_type: str = ""
    error: str = ""
    stopped: bool = False
    output: str = ""
    overhead: int = 0
    clock: bool = False
    source_lines: List[str] = field(default_factory=list)
    call_line: int = 0

    @property
    def cycles(self) -> int:
        return sum(s.cycles for s in self.steps)

    def result_text(self) -> str:
        return show_value(self.result, self.ret_type) if self.result is not None else ""


_ABBREV = {"Int8": "i8", "UInt8": "u8", "Int16": "i16", "UInt16": "u16", "Int32": "i32",
           "UInt32": "u32", "Bool": "bool", "Char": "char"}


def s16(v: int) -> int:
    v &= 0xFFFF
    return v - 0x10000 if v & 0x8000 else v


def show_value(cells: List[int], abbrev: str) -> str:
    if not cells:
        return "nothing"
    if abbrev in ("i32", "u32") and len(cells) >= 2:
        v = (cells[-2] & 0xFFFF) | (cells[-1] & 0xFFFF) << 16
        return str(v - (1 << 32) if abbrev == "i32" and v & 0x80000000 else v)
    v = cells[-1]
    if abbrev == "bool":
        return "true" if v else "false"
    if abbrev == "char":
        return repr(chr(v & 0x7F))
    if abbrev.startswith("u"):
        return str(v & 0xFFFF)
    return str(s16(v))


# ---------------------------------------------------------------- the program
def _keep(s, ast) -> bool:
    if isinstance(s, ast.MacroStmt):
        return isinstance(s.body, ast.FunctionDef)
    if isinstance(s, (ast.FunctionDef, ast.Using, ast.Global)):
        return True
    if isinstance(s, ast.Assign):
        for t in s.targets:
            if isinstance(t, ast.TypeAssert):
                t = t.expr
            if not isinstance(t, ast.Name):
                return False
        return True
    return False


def trace_source(source: str, path: str, call: str, via_globals: bool = False) -> tuple:
    """(source of the traced program, the call's line, the called name).
    via_globals: literal arguments are assigned to globals first (for a call
    the compiler would otherwise inline and compute at compile time)."""
    from ..frontend import ast, parse_source
    text = call.strip()
    try:
        m = parse_source(text + "\n", "--call")
    except CompileError as e:
        raise TeachError(f"--call {call!r}: {e.message}") from None
    if len(m.body) != 1 or not isinstance(m.body[0], ast.ExprStmt) \
            or not isinstance(m.body[0].expr, ast.Call) \
            or not isinstance(m.body[0].expr.func, ast.Name):
        raise TeachError(f"--call {call!r}: give one call of a function, e.g. --call 'f(3)'")
    c = m.body[0].expr
    if "\n" in text:
        raise TeachError("--call: one line, please")
    close = text.rindex(")")
    args = []
    for k, a in enumerate(c.args):
        if isinstance(a, (ast.KwArg, ast.Splat)):
            raise TeachError("--call: positional arguments only")
        end = c.args[k + 1].loc.col - 1 if k + 1 < len(c.args) else close
        args.append(text[a.loc.col - 1:end].rstrip().rstrip(",").strip())
    prog = parse_source(source, path)
    lines = source.split("\n")
    keep = [False] * (len(lines) + 1)
    body = prog.body
    for k, s in enumerate(body):
        first = s.loc.line
        last = body[k + 1].loc.line - 1 if k + 1 < len(body) else len(lines)
        if _keep(s, ast):
            for ln in range(first, max(first, last) + 1):
                if ln <= len(lines):
                    keep[ln] = True
    out = [ln if keep[n] else "" for n, ln in enumerate(lines, 1)]
    extra, names = [], []
    for k, (a, node) in enumerate(zip(args, c.args)):
        if isinstance(node, ast.Name) or not via_globals:
            names.append(a)
        else:
            extra.append(f"__arg{k + 1} = {a}")
            names.append(f"__arg{k + 1}")
    while out and not out[-1].strip():
        out.pop()
    out += extra
    call_line = len(out) + 1
    # a value is kept (else the compiler drops an inlined call of a pure function)
    out.append(("__result = " if via_globals else "") + f"{c.func.id}({', '.join(names)})")
    return "\n".join(out) + "\n", call_line, c.func.id


def _group_text(lst: Listing, group: List[Tok]) -> str:
    """A step's tokens, with the register names the backend wrote beside them."""
    out = []
    for t in group:
        out.append(t.text)
        items = lst.chunks[t.chunk].items
        nxt = items[t.index + 1] if t.index + 1 < len(items) else None
        if nxt is not None and nxt[0] == "c" and re.fullmatch(r"\( [A-Za-z0-9_]+ \)", nxt[1]):
            out.append(nxt[1])
    return " ".join(out)


# ---------------------------------------------------------------- probes
def trace_sites(lst: Listing) -> Dict[int, List[Site]]:
    out: Dict[int, List[Site]] = {}
    next_id = END_ID + 1
    by_chunk: Dict[int, List[Tok]] = {}
    for t in lst.toks:
        by_chunk.setdefault(t.chunk, []).append(t)
    for ci, c in enumerate(lst.chunks):
        if c.kind not in ("function", "main"):
            continue
        toks = [t for t in by_chunk.get(ci, []) if not t.text.startswith(": ")]
        places = []
        opener = block_start(lst.target)
        for k, t in enumerate(toks):
            prev = toks[k - 1] if k else None
            if k and t.fold:
                continue
            if inside_block(t.text, opener):      # one step with the block it goes on
                continue
            if zero_code(t.text) and not (prev is not None and prev.call and not prev.tail):
                continue
            places.append(t.index)
        sites = place_sites(lst, ci, by_chunk.get(ci, []), places, next_id)
        next_id += len(sites)
        out[ci] = sites
    return out


def _probe_word(maddr: int, store: str) -> str:
    r = f"${maddr:x}"
    if store == "!":                # a cell per write
        return (f": tr. {r} ! depth dup {r} ! begin ?dup while "
                f"dup pick {r} ! 1- repeat tr.n @ 1- dup tr.n ! 0= if "
                f"-28 throw then {B_MARK} {r} ! ;")
    return (f": tr. dup {r} c! 8 rshift {r} c! depth dup {r} c! begin ?dup while "
            f"dup pick dup {r} c! 8 rshift {r} c! 1- repeat tr.n @ 1- dup tr.n ! 0= if "
            f"-28 throw then {B_MARK} {r} c! ;")


@dataclass
class _Event:
    id: int
    a: int                  # cycle of the first write
    b: int                  # cycle of the last
    stack: List[int]


def _events(markers, cell_writes: bool = False) -> List[_Event]:
    """The probes' records: number, depth, cells, end mark.  A cell takes two
    byte writes (low, high), or one write when cell_writes."""
    out, i = [], 0
    per = 1 if cell_writes else 2

    def cell(j):
        if cell_writes:
            return markers[j][0] & 0xFFFF
        return markers[j][0] | markers[j + 1][0] << 8
    while i + per + 1 < len(markers):
        a = markers[i][1]
        ident = cell(i)
        n = markers[i + per][0]
        cells = []
        j = i + per + 1
        for _ in range(n):
            if j + per - 1 >= len(markers):
                return out
            cells.append(s16(cell(j)))
            j += per
        if j >= len(markers):
            return out                 # the last probe stopped the run (--max-steps)
        if markers[j][0] != B_MARK:
            raise TeachError("unreadable trace markers; please report")
        out.append(_Event(ident, a, markers[j][1], cells))
        i = j + 1
    return out


def run_trace(source: str, path: str, call: str, target, max_steps: int = DEFAULT_STEPS,
              native: bool = True) -> Trace:
    src, call_line, fname = trace_source(source, path, call)
    lst = Listing(src, path, target, native)
    if not any(t.call for t in lst.toks if t.line == call_line):
        # inlined (and maybe computed by the compiler): keep the arguments opaque
        src, call_line, fname = trace_source(source, path, call, via_globals=True)
        lst = Listing(src, path, target, native)
    probes = trace_sites(lst)
    sites = [s for ss in probes.values() for s in ss]
    end = Site(END_ID, "tr.go", 0, ret=True)
    by_id = {s.id: s for s in sites}
    by_id[END_ID] = end
    maddr, _ = marker_register(target)
    store = marker_store(target)
    cell_writes = store == "!"
    clock = lst.uses_clock()
    pre = before_run(target, clock)
    before = [forth_chunk("tr.n", "variable tr.n"), forth_chunk("tr.", _probe_word(maddr, store)),
              forth_chunk("tr.cal", ": tr.cal 0 tr. 0 tr. 0 drop ;")]
    after = [forth_chunk("tr.go", f": tr.go {pre}{lst.fp.entry} {END_ID} tr. 0 drop ;")]   # not a tail call
    fp = rebuild(lst, probes, lambda s: [("t", str(s.id)), ("t", "tr.")], before, after)
    lines, positions = token_positions(fp)
    # how each probe calls tr. (rcall, or call when too far: one cycle more)
    probe_pos = {}
    for ci, c in enumerate(fp.chunks):
        where = getattr(c, "probes", None)
        if not where:
            continue
        idx = {i: pos for i, pos in positions[ci]}
        for sid, i in where.items():
            probe_pos[sid] = idx[i + 1]
    _, sizes = token_bytes(lines, [(p, None) for ps in positions.values() for _, p in ps], target, path)
    far_call = teach_data(target).get("far_call")
    far = {sid for sid, p in probe_pos.items() if far_call and sizes[p][0] == far_call["bytes"]}
    far_extra = far_call["extra_cycles"] if far_call else 0
    img = build_image(lines, target, path)
    tr = Trace(call, clock=clock, source_lines=src.split("\n"), call_line=call_line)
    callee = next((t.call for t in lst.toks if t.line == call_line and t.call), None)
    w = lst.word(callee) if callee else None
    if w is not None and "--" in w.effect:
        tr.ret_type = w.effect.split("--", 1)[1].strip(" )")
    for c in lst.chunks:
        for kind, val in c.items:
            if kind == "l" and val.startswith("\\ global __result::"):
                tr.ret_type = _ABBREV.get(val.split("::", 1)[1].split()[0], "")
    with SimRun(img, target) as sim:
        sim.run(f"{max_steps + 1000} tr.n !")
        cal = _events(sim.measure("tr.cal").markers, cell_writes)
        if len(cal) != 2:
            raise TeachError("the probe calibration failed; please report")
        tr.overhead = cal[1].a - cal[0].b
        sim.run(f"{max_steps + 1000} tr.n !")
        res = sim.measure("tr.go", wall=300.0)
    tr.output, tr.error = res.output, res.error
    events = _events(res.markers, cell_writes)
    stack = CallStack()
    showing = False
    prev: Optional[_Event] = None
    prev_site: Optional[Site] = None
    base_depth = 0
    for ev in events:
        site = by_id.get(ev.id)
        if site is None:
            raise TeachError(f"unexpected probe number {ev.id}")
        depth = stack.depth                  # of the word the step ran in
        stack.step(site, 0)
        if not showing and site.word == lst.fp.entry and site.line >= call_line:
            showing = True
            base_depth = stack.depth
        elif showing and prev is not None:
            cyc = ev.a - prev.b - tr.overhead - (far_extra if ev.id in far else 0)
            flow = ""
            if site.enter:
                flow = f"call {site.word}"
            elif site.ret:
                flow = "return"
            elif not (site.chunk == prev_site.chunk and site.id == prev_site.id + 1):
                flow = "jump"
            tr.steps.append(Step(len(tr.steps) + 1, max(0, depth - base_depth), prev_site.word,
                                 prev_site.line, _group_text(lst, prev_site.group), flow,
                                 ev.stack, cyc))
            if site.ret and site.word == lst.fp.entry and tr.result is None:
                tr.result = list(ev.stack)
            if tr.result is None and tr.steps[-1].forth.startswith("g.__result") and len(tr.steps) > 1:
                tr.result = list(tr.steps[-2].stack)        # an inlined call: its value
            if len(tr.steps) >= max_steps:
                tr.stopped = True
                break
        prev, prev_site = ev, site
    if tr.error and "-28" in tr.error:
        tr.stopped = True
    return tr
