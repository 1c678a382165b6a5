"""Cycles per Julia line and per call, measured on the simulated board.

How (docs/tutorial/README.md, "What the numbers mean", says the same):

1. The program is built a second time with a *probe* at the start of every
   Julia statement, where a statement's enclosing statement goes on after it,
   at the entry of every Julia word, and right after every call of a Julia
   word.  A probe is ``ID $3e c!``: the site's number written to the
   marker register (GPIOR0 on the AVR; ``ID $1fe !``, a word store, on the
   MSP430), which the simulator records with its cycle counter.  On the AVR
   it compiles to ``st -Y,r25`` ``st -Y,r24`` ``ldi`` ``ldi`` ``sts`` ``ld``
   ``ld`` and costs exactly 12 cycles (24 for two-byte numbers, when there
   are more than 256 sites); on the MSP430 it is three threaded cells.  The
   cost is measured on the board (two probes in a row) and subtracted.  Probes sit only where they change nothing
   else (see jlforth/teach/instrument.py): the code between two probes is the
   code of the real build, instruction for instruction.
2. ``main`` runs once on a fresh simulated Uno booted with that image.  The
   Timer0 interrupt (``millis``) is switched off first unless the program
   reads the clock, so the numbers do not depend on when the host typed.
   A program that does not end within the budget (default 1 s of simulated
   time, 16 000 000 cycles) is stopped there.
3. The cycles between two probes belong to the Julia line of the first one;
   "runs" counts how often a statement on that line started.  A call's
   cycles run from the called word's first instruction to its return,
   callees included (the call instruction itself, 3 cycles for ``rcall``,
   counts at the calling line).

Waiting is included: ``delay_ms`` spins on the clock, ``print`` waits for
the serial line (38400 baud: about 4 167 cycles per character once the
transmitter is busy).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .instrument import CallStack, Site, forth_chunk, place_sites, rebuild
from .listing import Listing
from .sim import SimRun, TeachError, before_run, build_image, marker_register, marker_store

DEFAULT_BUDGET = 32_000_000
RUNNER = "teach.run"
CAL = "teach.cal"


@dataclass
class Profile:
    line_cycles: Dict[int, int] = field(default_factory=dict)
    line_runs: Dict[int, int] = field(default_factory=dict)
    calls: Dict[str, List[int]] = field(default_factory=dict)    # word -> cycles of each call
    unfinished: Dict[str, int] = field(default_factory=dict)      # calls still running at the end
    total: int = 0                  # cycles from main's first instruction to the end
    finished: bool = True           # main returned (else: stopped by the budget or an error)
    output: str = ""
    error: str = ""
    clock: bool = False             # the timer interrupt was on
    budget: int = DEFAULT_BUDGET
    sites: int = 0
    probe_cycles: int = 12

    def per_call(self, word: str) -> Optional[float]:
        c = self.calls.get(word)
        return sum(c) / len(c) if c else None


def profile_sites(lst: Listing) -> Dict[int, List[Site]]:
    out: Dict[int, List[Site]] = {}
    next_id = 0
    by_chunk: Dict[int, list] = {}
    for t in lst.toks:
        by_chunk.setdefault(t.chunk, []).append(t)
    for ci, c in enumerate(lst.chunks):
        if c.kind not in ("function", "main"):
            continue
        toks = by_chunk.get(ci, [])
        places = [m[0] for m in c.lines if m[0] > 0]
        places += [t.index + 1 for t in toks if t.call and not t.tail]
        places += [0]                                 # the entry
        sites = place_sites(lst, ci, toks, places, next_id)
        next_id += len(sites)
        out[ci] = sites
    return out


def run_profile(lst: Listing, budget: int = DEFAULT_BUDGET) -> Profile:
    target = lst.target
    probes = profile_sites(lst)
    sites = [s for ss in probes.values() for s in ss]
    maddr, mbits = marker_register(target)
    store = marker_store(target)
    reg = f"${maddr:x}"
    # one write per probe when the marker takes a cell (MSP430: 16 bits, `!`)
    # or when the site numbers fit a byte; else two byte writes
    wide = mbits < 16 and len(sites) + 1 > 1 << mbits

    def probe(v: int) -> list:
        if wide:
            return [("t", str(v >> 8)), ("t", reg), ("t", store), ("t", str(v & 0xFF)), ("t", reg),
                    ("t", store)]
        return [("t", str(v)), ("t", reg), ("t", store)]

    # the runner: calls main; the probe after the call is main's return
    back = Site(len(sites), RUNNER, 0, ret=True)
    sites.append(back)
    clock = lst.uses_clock()
    pre = before_run(target, clock)
    runner = forth_chunk(RUNNER, f": {RUNNER} {pre}{lst.fp.entry} " + " ".join(
        t for _, t in probe(back.id)) + " ;")
    # the probe's own cost: from one probe's marker write to the next one's,
    # with nothing between (measured on the board: the same code as every probe)
    cal = forth_chunk(CAL, f": {CAL} " + " ".join(t for _, t in probe(1) + probe(1)) + " ;")
    fp = rebuild(lst, probes, lambda s: probe(s.id), after=[runner, cal])
    lines = [ln for ln, _ in fp.upload_lines()]
    img = build_image(lines, target, lst.path)
    prof = Profile(clock=clock, budget=budget, sites=len(sites))
    with SimRun(img, target) as sim:
        cm = sim.measure(CAL).markers
        if len(cm) != (4 if wide else 2):
            raise TeachError("the probe calibration failed; please report")
        prof.probe_cycles = cm[-1][1] - cm[len(cm) // 2 - 1][1]
        res = sim.measure(RUNNER, budget=budget, wall=30.0)
    prof.output, prof.error = res.output, res.error
    marks = res.markers
    if wide:
        pairs = []
        for k in range(0, len(marks) - 1, 2):
            pairs.append(((marks[k][0] << 8) | marks[k + 1][0], marks[k][1]))
        marks = pairs
    by_id = {s.id: s for s in sites}
    stack = CallStack()
    prev_site: Optional[Site] = None
    prev_cycle = 0
    t = 0
    first = marks[0][1] if marks else 0
    for v, cyc in marks:
        if cyc - first > budget:
            break
        site = by_id.get(v)
        if site is None:
            raise TeachError(f"unexpected marker value {v}")
        if prev_site is not None:
            dt = cyc - prev_cycle - prof.probe_cycles
            if dt < 0:
                raise TeachError("probe cost mismatch (negative interval); please report")
            prof.line_cycles[prev_site.line] = prof.line_cycles.get(prev_site.line, 0) + dt
            t += dt
        for word, cycles in stack.step(site, t):
            prof.calls.setdefault(word, []).append(cycles)
        if site.start:
            prof.line_runs[site.line] = prof.line_runs.get(site.line, 0) + 1
        prev_site, prev_cycle = site, cyc
    prof.total = t
    prof.finished = not res.stopped and not res.error and stack.depth == 0
    for word, _, _ in stack.frames:
        prof.unfinished[word] = prof.unfinished.get(word, 0) + 1
    return prof
