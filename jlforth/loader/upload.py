"""The incremental word loader.

``Loader(link).upload(units)`` makes the target's dictionary hold the
program's units and sends as little as it can to get there:

1. read the manifest (``manifest.py``): which units are on the target, in
   which order, with which hashes; install the support words on a new board;
2. roll back anything after the last whole unit (an upload cut short by a
   reset, or words typed by hand);
3. plan: a program unit is *kept* when the target's newest definition of its
   names is a unit with the same hash, defined after every unit it uses (so it
   was compiled against them: Forth binds early), and those are kept too.
   Everything else is sent, in program order, after the target's last unit
   (the old definitions stay in flash, shadowed).  When rolling back to the
   first difference and sending the rest is as cheap, or when the shadowed
   definitions would waste too much flash, that is done instead;
4. pack the units' words into lines of at most the kernel's 80 characters,
   each unit followed by its trailer (``~jl HASH``), and send them one line
   at a time, each waiting for the kernel's answer, with no delays.

A target error stops the upload; everything after the last whole unit is
rolled back and :class:`UploadError` says which unit (its ``file:line``) and
what the target said.  A reset or disconnect (no answer, or an answer that
is not the echo of the line) raises :class:`UploadInterrupted`; the next
upload finds the units that made it and resumes after them.
"""
from __future__ import annotations

import re

import time
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import serial

from . import manifest as mf
from . import support as sup
from .link import ForthError, ForthLink, LinkError, Reply
from .units import NAME_TAKERS, Unit, dependencies

_LAID_CELL = re.compile(r"\$[0-9a-fA-F]+ f,")

TIB = 80


class UploadError(Exception):
    """The target refused a unit. ``unit`` is the program's unit, ``error``
    the target's answer."""

    def __init__(self, unit: Optional[Unit], error: ForthError, line: str):
        self.unit, self.error, self.line = unit, error, line
        super().__init__(self.describe())

    def describe(self) -> str:
        msg = f"{self.error.word}: {self.error.message} ({self.error.code})"
        if self.unit is None:
            return f"error: the target says: {msg}"
        return f"{self.unit.where}: error: in {self.unit.describe()}: the target says: {msg}"


class UploadInterrupted(LinkError):
    """The target stopped answering (reset, unplugged) during an upload."""


@dataclass
class Plan:
    mode: str                                  # "none" | "full" | "append" | "rollback"
    rollback: Optional[mf.Trailer]             # roll back to this trailer first
    send: list[int]                            # program units to send, in order
    kept: list[int]                            # program units already on the target
    bytes: int = 0                             # estimated bytes on the wire
    reason: str = ""
    install: bool = False                      # support words to define first
    tail: list[str] = field(default_factory=list)   # names removed from after the last unit
    forward: dict = field(default_factory=dict)     # program index -> [(old xt, old trailer, name)]
    forward_all: list = field(default_factory=list)


@dataclass
class Stats:
    bytes: int = 0            # bytes of upload lines sent (program, trailers, base words, rollback)
    lines: int = 0
    units: int = 0            # units sent
    kept: int = 0             # units already on the target
    wall: float = 0.0         # seconds spent sending the lines
    query_bytes: int = 0      # manifest queries and support words
    sent_names: list[str] = field(default_factory=list)
    mode: str = "none"
    removed: list[str] = field(default_factory=list)
    forwarded: list[str] = field(default_factory=list)   # old definitions now jumping to new ones


#: a unit using these does more than run its code: a jump cannot stand in for it
_NOT_FORWARDABLE = {"immediate", "does>", "postpone", "[compile]", "create", "variable",
                    "2variable", "constant", "2constant", "marker", "compile,"}


def _items(u: Unit, base_word: Optional[str], forward=(), support: sup.Support = sup.AVR) -> list[str]:
    """A unit's words as packing items: a word that parses the next name is
    kept with it (the kernel reads that name from the same line).  Before the
    trailer: the old definitions it replaces are made to jump to it (so the
    trailer is there only if they were)."""
    out = [base_word] if base_word else []
    toks = u.tokens
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.lower() in NAME_TAKERS and i + 1 < len(toks):
            out.append(t + " " + toks[i + 1])
            i += 2
        else:
            out.append(t)
            i += 1
    for xt, trailer, name in forward:
        out.append(support.forward_line(name, xt, trailer))
    out.append(f"~jl {u.hash}" if u.names else None)
    return [x for x in out if x]


@dataclass
class Line:
    text: str
    ends: list[int]          # program units whose trailer is on this line
    parts: list[int]         # program units with words on this line


def pack(units: Sequence[Unit], order: Sequence[int], tib: int = TIB,
         start_base: Optional[int] = None, forward: Optional[dict] = None,
         support: sup.Support = sup.AVR) -> list[Line]:
    """Lines of at most ``tib`` characters for the units ``order`` (indices)."""
    lines: list[Line] = []
    cur: list[str] = []
    ends: list[int] = []
    parts: list[int] = []
    n = 0
    base = start_base

    def flush():
        nonlocal cur, ends, parts, n
        if cur:
            lines.append(Line(" ".join(cur), ends, parts))
        cur, ends, parts, n = [], [], [], 0

    for k in order:
        u = units[k]
        word = None
        if u.base != base and not (u.tokens and u.tokens[0].lower() in ("hex", "decimal")):
            word = "hex" if u.base == 16 else "decimal"
        items = _items(u, word, (forward or {}).get(k, ()), support)
        base = u.end_base
        for j, it in enumerate(items):
            if len(it) > tib:
                from .units import SourceError
                raise SourceError(f"a word longer than the target's {tib}-character line: "
                                  f"{it[:40]}...", u.file, u.line)
            add = len(it) + (1 if cur else 0)
            if n + add > tib:
                flush()
                add = len(it)
            cur.append(it)
            n += add
            if not parts or parts[-1] != k:
                parts.append(k)
        if u.names:
            ends.append(k)
    flush()
    return lines


def _wire(lines: Sequence[Line]) -> int:
    return sum(len(l.text) + 1 for l in lines)


class Loader:
    """Uploads units to one target over ``link``."""

    #: bytes of replaced (shadowed) definitions tolerated in flash; beyond, compact
    GARBAGE_MAX = 1024

    def __init__(self, link: ForthLink, *, tib: int = TIB, flash_end: int = 0xFE00,
                 quiet: bool = True, progress_min: int = 6,
                 on_line: Optional[Callable[[Line, Reply], None]] = None,
                 support: sup.Support = sup.AVR):
        self.link = link
        self.support = support              # the support words of the target's architecture
        self.tib = tib
        self.flash_end = flash_end          # unified address where the dictionary ends
        self.quiet = quiet
        self.progress_min = progress_min
        self.on_line = on_line
        self.manifest: Optional[mf.Manifest] = None

    @classmethod
    def for_target(cls, link: ForthLink, target, **kw) -> "Loader":
        unified = target.flash.get("unified_bit", 0x8000)
        end = unified | target.flash.get("boot_start", target.flash.get("size", 0x8000))
        return cls(link, tib=target.tib, flash_end=end, support=sup.for_arch(target.arch), **kw)

    # -- talking -------------------------------------------------------------
    def _send(self, line: str, stats: Optional[Stats] = None, timeout=None) -> Reply:
        try:
            r = self.link.send(line, timeout)
        except LinkError as e:
            self.manifest = None
            raise UploadInterrupted(str(e)) from None
        except (serial.SerialException, OSError) as e:
            self.manifest = None
            raise UploadInterrupted(f"the serial line failed: {e}") from None
        if not r.echoed:
            raw = r.raw.decode("latin-1", "replace").replace("\x15", "").strip()
            why = "it was reset" if "jlforth" in raw else "its answer is not the line's echo"
            self.manifest = None
            self._resync()
            raise UploadInterrupted(f"the target did not answer the line as expected ({why}): "
                                    f"{raw[-120:]!r}")
        if stats is not None:
            stats.bytes += len(line) + 1
            stats.lines += 1
        return r

    def _resync(self) -> None:
        try:
            self.link.sync(timeout=5)
        except (LinkError, serial.SerialException, OSError):
            pass

    def state(self, stats: Optional[Stats] = None) -> mf.Manifest:
        """The target's manifest (support words installed if missing).  What
        this loader already read is not read again: only the part after the
        last unit it knows of (``forget()`` when someone else wrote)."""
        q = Stats()
        prior = self.manifest
        m = None
        if prior is not None and prior.installed and prior.last is not None:
            start = prior.last.end
            r = self._send(f"${start:x} ~ls", q)
            if not r.error:
                try:
                    m = mf.parse(r.output, prior, start, self.support.version)
                except mf.ManifestError:
                    m = None
        if m is None:
            r = self._send("0 ~ls", q)
            if r.error and r.error.code == -13:
                for line in self.support.lines:
                    rr = self._send(line, q)
                    if rr.error:
                        raise UploadError(None, rr.error, line)
                r = self._send("0 ~ls", q)
            if r.error:
                raise UploadError(None, r.error, "~ls")
            m = mf.parse(r.output, version=self.support.version)
            if not m.installed:
                raise mf.ManifestError(
                    f"the target has loader support words of version {m.version}, this loader "
                    f"needs {self.support.version}: start over with `empty` (or upload --clean)")
            if m.base is None:                          # support words but no trailer at all
                rr = self._send(f"~jl {mf.BASE_HASH}", q)
                if rr.error:
                    raise UploadError(None, rr.error, "~jl")
                m = mf.parse(self._send("0 ~ls", q).output, version=self.support.version)
        if stats is not None:
            stats.query_bytes += q.bytes
        self.manifest = m
        return m

    def forget(self) -> None:
        """The dictionary was changed behind the loader's back: read it all next time."""
        self.manifest = None

    def rollback(self, t: mf.Trailer, stats: Optional[Stats] = None) -> None:
        line = mf.rollback_line(t)
        r = self._send(line, stats)
        if r.error:
            self.manifest = None
            raise UploadError(None, r.error, line)
        self.manifest = self.manifest.truncated(t) if self.manifest is not None else None

    def clean(self, stats: Optional[Stats] = None) -> None:
        """Forget every word on the target (``empty``) and start a fresh manifest."""
        r = self._send("empty", stats)
        if r.error:
            raise UploadError(None, r.error, "empty")
        self.manifest = None

    # -- planning ------------------------------------------------------------
    def plan(self, units: Sequence[Unit], m: mf.Manifest, mode: str = "auto") -> Plan:
        flags = {}
        p = self._plan(units, m, mode, flags)
        if p.forward_all:
            # ~fw may need blank flash to rewrite a cell (MSP430: an erase
            # segment above the dictionary's end, after the units sent); their
            # text is a rough upper bound of their code (a machine-code cell
            # laid as "$xxxx f," is two bytes)
            after = m.fhere + sum(len(_LAID_CELL.sub("xx", units[i].text)) for i in p.send)
            if not self.support.can_patch(after, self.flash_end):
                return self._plan(units, m, mode, flags, room=False)
        want = {xt for xt, _, _ in p.forward_all if xt not in flags}
        if want:                                     # ask the target about those words
            flags.update(self.probe_flags(sorted(want)))
            p = self._plan(units, m, mode, flags)
        return p

    def probe_flags(self, xts) -> dict:
        """The flags byte of each xt (bit 7 clear: immediate, bit 6 clear: inline)."""
        out = {}
        cmds = [f"${xt:x} 1- c@ u." for xt in xts]
        while cmds:
            line = cmds.pop(0)
            while cmds and len(line) + 1 + len(cmds[0]) <= self.tib:
                line += " " + cmds.pop(0)
            r = self._send(line)
            if r.error:
                raise UploadError(None, r.error, line)
            for v in r.output.split():
                out[xts[len(out)]] = int(v)
        return out

    def _plan(self, units: Sequence[Unit], m: mf.Manifest, mode: str, flags: dict,
              room: bool = True) -> Plan:
        """``flags``: what probe_flags found so far (xt → flags byte); an xt not
        in it is taken as patchable, and the plan lists it for a probe.
        ``room``: false when ~fw could not rewrite flash (support.can_patch)."""
        deps = dependencies(list(units))
        tunits = m.units
        live = m.live()
        inst: dict[str, list[tuple[int, mf.Header]]] = {}     # name -> target instances, oldest first
        for k, tu in enumerate(tunits):
            for h in tu.headers:
                inst.setdefault(h.name, []).append((k, h))
        kept_t: dict[int, int] = {}               # program index -> target unit index
        shadowed: set[str] = set()                 # names whose target definition will be replaced
        send: list[int] = []
        forward: dict[int, list] = {}              # program index -> [(old xt, old trailer, name)]
        forward_all: list = []
        sup_ = self.support

        def patchable(k: int, h: mf.Header) -> bool:
            """Can this definition be made to jump to a newer one?  A colon
            definition (not inline, not immediate) alone in its unit, with room
            for the jump (support.forward_min)."""
            tu = tunits[k]
            if not room or len(tu.headers) != 1 or mf.code_size(tu, h) < sup_.forward_min:
                return False
            f = flags.get(mf.xt_of(h))
            return f is None or (f & 0xC0) == 0xC0

        def chain_ok(name: str, k_bound: int, j: int) -> bool:
            """The definition of ``name`` a unit was compiled against (in target
            unit k_bound) leads, through jumps, to the program's unit j."""
            seq = [k for k, _ in inst.get(name, []) if k >= k_bound]
            if not seq or seq[0] != k_bound:
                return False
            *older, newest = seq
            if any(not tunits[k].forwarded for k in older):
                return False
            if j in kept_t:
                return kept_t[j] == newest
            return (j in forward and any(n == name for _, _, n in forward[j]))

        for i, u in enumerate(units):
            t = live.get(u.names[0]) if u.names else None
            ok = (t is not None and tunits[t].hash == u.hash
                  and all(live.get(n) == t for n in u.names)
                  and not (set(u.names) & shadowed))
            if ok:
                for j in deps[i]:
                    if j in kept_t and kept_t[j] < t:
                        continue                     # compiled against it: as it is
                    for name in u.uses & set(units[j].names):
                        bound = [k for k, _ in inst.get(name, []) if k < t]
                        if not bound or not chain_ok(name, bound[-1], j):
                            ok = False
            if ok:
                kept_t[i] = t
                continue
            send.append(i)
            shadowed.update(u.names)
            # the definitions this one replaces jump to it, so words compiled
            # against them (and kept) run the new one
            fw = []
            if (len(u.names) == 1 and u.tokens and u.tokens[0] == ":"
                    and u.tokens.count(":") == 1 and not (u.uses & _NOT_FORWARDABLE)):
                name = u.names[0]
                old = inst.get(name, [])
                if old and patchable(*old[-1]):
                    k, h = old[-1]
                    fw.append((mf.xt_of(h), tunits[k].trailer.addr, name))
            if fw:
                forward[i] = fw
                forward_all.extend(fw)

        def cost(order, fw=None) -> int:
            return _wire(pack(units, order, self.tib, forward=fw, support=self.support)) if order else 0

        # rollback plan: the longest run of program units that the target has, in order
        k = 0
        while (k < len(units) and k < len(tunits) and units[k].hash == tunits[k].hash
               and units[k].names and k in kept_t and kept_t[k] == k):
            k += 1
        rb_send = list(range(k, len(units)))
        rb_to = tunits[k - 1].trailer if k else m.base
        needs_rb = len(tunits) > k                 # something after the common prefix

        append = Plan("append" if send else "none", None, send, sorted(kept_t),
                      cost(send, forward), forward=forward, forward_all=forward_all)
        rollback = Plan("rollback" if needs_rb else ("full" if k == 0 else "append"),
                        rb_to if needs_rb else None, rb_send, list(range(k)),
                        cost(rb_send) + (30 if needs_rb else 0))
        if mode == "append" or (mode == "auto" and not send):
            return append
        if mode == "rollback":
            return rollback
        # garbage after the append plan: target units that will not be live
        live_after = {kept_t[i] for i in kept_t}
        dead = sum(tu.size for j, tu in enumerate(tunits) if j not in live_after)
        est_new = sum(len(units[i].text) for i in send)         # rough flash estimate
        free = self.flash_end - m.fhere
        if rollback.bytes <= append.bytes:
            rollback.reason = "as cheap as appending, and leaves no shadowed words"
            return rollback
        if dead > self.GARBAGE_MAX:
            rollback.reason = f"{dead} bytes of flash hold replaced definitions: compacting"
            return rollback
        if est_new > free:
            rollback.reason = "not enough flash left to append: compacting"
            return rollback
        append.reason = "changed units and the units that use them"
        return append

    # -- uploading -----------------------------------------------------------
    def upload(self, units: Sequence[Unit], *, mode: str = "auto",
               label: str = "upload") -> Stats:
        """Make the target hold ``units``. Returns what was sent."""
        stats = Stats()
        if mode == "clean":
            self.clean(stats)
            mode = "rollback"
        m = self.state(stats)
        if m.tail_bytes:
            stats.removed = list(m.tail)
            self.rollback(m.last, stats)
            m = self.manifest
        plan = self.plan(units, m, mode)
        stats.mode = plan.mode
        stats.kept = len(plan.kept)
        n_before = len(m.units)
        if plan.rollback is not None:
            self.rollback(plan.rollback, stats)
            n_before = sum(1 for tu in m.units if tu.trailer.addr < plan.rollback.addr + 1)
        if not plan.send:
            return stats
        lines = pack(units, plan.send, self.tib, forward=plan.forward, support=self.support)
        total = _wire(lines)
        progress = None
        if not self.quiet and len(plan.send) >= self.progress_min and _tty():
            progress = _Progress(label, total)
        t0 = time.monotonic()
        try:
            for ln in lines:
                r = self._send(ln.text, stats)
                if self.on_line:
                    self.on_line(ln, r)
                if progress:
                    progress.advance(len(ln.text) + 1)
                if r.error:
                    self.manifest = None                  # forwards may have been made: read all
                    self._recover(units, plan, n_before, ln, r, stats)
                if self.manifest is not None:
                    for i in ln.ends:                     # this unit's forwards were made
                        for _, trailer, _ in plan.forward.get(i, ()):
                            self.manifest.mark_forwarded(trailer)
                for i in ln.ends:
                    stats.forwarded += [name for _, _, name in plan.forward.get(i, ())]
        finally:
            stats.wall += time.monotonic() - t0
            if progress:
                progress.close()
        stats.units = len(plan.send)
        stats.sent_names = [units[i].name for i in plan.send]
        return stats

    def _recover(self, units, plan: Plan, n_before: int, ln: Line, r: Reply, stats: Stats):
        """A line failed: find the unit, roll back to the last whole unit, raise."""
        m = self.state(stats)
        made = len(m.units) - n_before              # units of this batch with a trailer
        failed = plan.send[made] if 0 <= made < len(plan.send) else None
        if m.tail_bytes and m.last is not None:
            stats.removed = list(m.tail)
            self.rollback(m.last, stats)
        raise UploadError(units[failed] if failed is not None else None, r.error, ln.text)


def _tty() -> bool:
    import sys
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Progress:
    def __init__(self, label: str, total: int):
        from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                                   TimeRemainingColumn, TransferSpeedColumn)
        import sys
        from rich.console import Console
        self.p = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                          TransferSpeedColumn(), TimeRemainingColumn(),
                          console=Console(file=sys.stderr), transient=True)
        self.p.start()
        self.task = self.p.add_task(label, total=total)

    def advance(self, n: int) -> None:
        self.p.update(self.task, advance=n)

    def close(self) -> None:
        self.p.stop()
