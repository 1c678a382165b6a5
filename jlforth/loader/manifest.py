"""What is on the target: the manifest, kept in the dictionary itself.

Every unit the loader uploads is followed in flash by an 8-byte *trailer*,
laid down by the support word ``~jl`` on the same line as the unit's end
(at an even address)::

    : fib ... ;  ~jl Xy3q          →   [latest][here]['X''y']['3''q']

``latest`` and ``here`` are the dictionary pointers after the unit (so the
next unit starts at the trailer's end, and rolling back to a trailer is
``end latest here (marker)``) and the four characters are the unit's hash.
The cost is 8 bytes of flash per unit (a ``MARKER`` per unit costs 44).

``~ls`` lists the headers newer than the support words and scans that part
of the dictionary for trailer candidates (four letters or digits after a
cell that points back into flash); the host keeps a candidate only if its
``latest`` is exactly the newest header before it, so a unit needs no header
of its own (``fhere 1 f, 2 f, constant table`` lays data down first).

The pointers the kernel keeps in EEPROM are saved only at the end of a line
that leaves the interpreter state, so after a reset the dictionary ends at a
line boundary; anything after the last trailer is an unfinished unit (or
words typed by hand) and is rolled back before the next upload.

Support words, defined once per board (support.py: about 900 bytes on the
ATmega328P, less on the MSP430G2553, where they differ as described there):

``~jl`` ( "hash" -- )   lay down a trailer
``~rb`` ( fhere latest here -- )  roll back (the run-time of MARKER)
``~!``  ( x a -- )       ``!`` as a call (it is inline code, and ``~fw`` needs four)
``~fw`` ( new-xt old-xt trailer -- )  forward: the old definition's code
                        runs the new one (AVR: ``JMP new``; MSP430: its first
                        cells are ``(branch) new+2``), its unit's hash becomes ``=fw=``
``~br``                 (MSP430) ``begin again``: where ``~fw`` finds ``(branch)``
``~c``, ``~k``          trailer candidate tests
``~ls`` ( a -- )        print the manifest from address a on (0: all):
                        pointers; ``ADDR NAME`` for each header after a and
                        the support words (newest first); ``b LINK`` (the
                        header before them); ``t ADDR LATEST HERE HASH`` for
                        each trailer candidate at or after a (oldest first)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .link import ForthLink
from .units import is_hash

from .support import AVR, BASE_HASH, Support
SUPPORT_VERSION = AVR.version            # (parse() is told the target's)

FW_HASH = "=fw="                         # a unit whose word now jumps to a newer one
TRAILER = 8
RAM_LOW, RAM_HIGH = 0x0100, 0x1FFF      # where HERE can be (any 16-bit chip with ≤ 8 KB of RAM)

@dataclass
class Trailer:
    addr: int            # unified flash address of its first byte
    latest: int
    here: int
    hash: str

    @property
    def end(self) -> int:
        return self.addr + TRAILER


@dataclass
class Header:
    addr: int
    link: int
    name: str
    pre: tuple = ()


@dataclass
class TargetUnit:
    """One unit found on the target, oldest first in :attr:`Manifest.units`."""
    hash: str
    names: list[str]             # headers in it, oldest first
    start: int                   # first byte (the previous trailer's end)
    trailer: Trailer
    before: Trailer              # the previous trailer: rolling back to it removes this unit
    headers: list = field(default_factory=list)   # Header objects, oldest first

    @property
    def forwarded(self) -> bool:
        """Its word was patched to jump to a newer definition of the same name."""
        return self.hash == FW_HASH

    @property
    def end(self) -> int:
        return self.trailer.end

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclass
class Manifest:
    version: int = 0
    fhere: int = 0
    latest: int = 0
    here: int = 0
    base: Optional[Trailer] = None            # the oldest trailer (normally the support words')
    units: list[TargetUnit] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)   # names of headers after the last trailer
    tail_bytes: int = 0
    before_all: int = 0                       # the newest header before the listed ones
    headers: list = field(default_factory=list, repr=False)     # oldest first
    trailers: list = field(default_factory=list, repr=False)    # oldest first
    expected: int = SUPPORT_VERSION           # the support words' version this loader sends

    @property
    def installed(self) -> bool:
        return self.version == self.expected

    @property
    def last(self) -> Optional[Trailer]:
        return self.units[-1].trailer if self.units else self.base

    def mark_forwarded(self, trailer_addr: int) -> None:
        """Record what ``~fw`` did to a unit's trailer (it is not read again)."""
        for t in self.trailers:
            if t.addr == trailer_addr:
                t.hash = FW_HASH
        for u in self.units:
            if u.trailer.addr == trailer_addr:
                u.hash = FW_HASH

    def truncated(self, t: Trailer) -> "Manifest":
        """The manifest after rolling back to trailer ``t`` (no query needed)."""
        keep = [x for x in self.trailers if x.end <= t.end]
        hs = [h for h in self.headers if h.addr < t.end]
        m = Manifest(self.version, t.end, t.latest, t.here, before_all=self.before_all,
                     expected=self.expected)
        return _assemble(m, hs, keep)

    def live(self) -> dict[str, int]:
        """name → index of the newest unit defining it."""
        out: dict[str, int] = {}
        for k, u in enumerate(self.units):
            for n in u.names:
                out[n] = k
        return out

    def used_bytes(self) -> int:
        return sum(u.size for u in self.units)


class ManifestError(Exception):
    pass


def parse(text: str, prior: Optional[Manifest] = None, start: int = 0,
          version: int = SUPPORT_VERSION) -> Manifest:
    """Parse the output of ``start ~ls``; with ``prior`` (the manifest read
    before, valid below ``start``) the two are merged.  ``version``: the
    support words' version expected (support.py)."""
    lines = [l.split() for l in text.replace("\r", "").split("\n") if l.strip()]
    if not lines:
        raise ManifestError("empty manifest answer")
    try:
        head = [int(x, 16) for x in lines[0]]
    except ValueError:
        raise ManifestError(f"unexpected manifest header: {text[:80]!r}") from None
    if len(head) != 4:
        if head and head[0] != version:
            return Manifest(version=head[0], expected=version)
        raise ManifestError(f"unexpected manifest header: {text[:80]!r}")
    m = Manifest(version=head[0], fhere=head[1], latest=head[2], here=head[3], expected=version)
    if prior is not None and m.fhere < start:
        raise ManifestError("the dictionary shrank below the last known unit")
    headers: list[Header] = []
    cands: list[tuple[int, tuple]] = []
    before_all = m.latest
    try:
        for parts in lines[1:]:
            if parts[0] == "t":
                a, latest, here = (int(x, 16) for x in parts[1:4])
                h = parts[4] if len(parts) > 4 else ""
                cands.append((a, (latest, here, h)))
            elif parts[0] == "b":
                before_all = int(parts[1], 16)         # the header before the listed ones
            else:
                headers.append(Header(int(parts[0], 16), 0, parts[1].lower() if len(parts) > 1 else ""))
    except (ValueError, IndexError):
        raise ManifestError(f"unexpected manifest line: {' '.join(parts)!r}") from None
    headers.reverse()                                   # oldest first
    old_trailers: list[Trailer] = []
    if prior is not None:
        headers = [h for h in prior.headers if h.addr < start] + headers
        old_trailers = [t for t in prior.trailers if t.end <= start]
        before_all = prior.before_all

    def newest_before(a: int) -> int:
        h = before_all
        for x in headers:
            if x.addr < a:
                h = x.addr
            else:
                break
        return h

    trailers: list[Trailer] = list(old_trailers)
    at_header = {x.addr for x in headers}
    for a, (latest, here, h) in sorted(cands):
        if a + TRAILER > m.fhere or (trailers and a < trailers[-1].end) or a in at_header:
            continue
        # HERE is a data-space address (a header seen as a trailer would have
        # its name's length and first letter there: 0x2101 or more)
        if not RAM_LOW <= here <= max(RAM_HIGH, m.here):
            continue
        if latest != newest_before(a) or (trailers and here < trailers[-1].here):
            continue
        if is_hash(h) or h in (BASE_HASH, FW_HASH):
            trailers.append(Trailer(a, latest, here, h))
    m.before_all = before_all
    return _assemble(m, headers, trailers)


def _assemble(m: Manifest, headers: list, trailers: list) -> Manifest:
    m.headers, m.trailers = headers, trailers
    if not trailers:
        m.tail = [h.name for h in headers]
        m.tail_bytes = -1                               # unknown: no trailer at all
        return m
    m.base = trailers[0]
    for prev, t in zip(trailers, trailers[1:]):
        hs = [h for h in headers if prev.end <= h.addr < t.addr]
        m.units.append(TargetUnit(t.hash, [h.name for h in hs], prev.end, t, prev, hs))
    last = trailers[-1]
    m.tail = [h.name for h in headers if h.addr >= last.end]
    m.tail_bytes = m.fhere - last.end
    return m


# ---------------------------------------------------------------------------
def read_manifest(link: ForthLink, timeout: Optional[float] = None,
                  support: Support = AVR) -> Manifest:
    """Ask the target for its manifest; an empty one when the support words
    are missing (``installed`` is then false)."""
    r = link.send("~ls", timeout=timeout)
    if r.error:
        if r.error.code == -13:
            return Manifest(expected=support.version)
        raise ManifestError(f"~ls failed: {r.error}")
    return parse(r.output, version=support.version)


def install_support(link: ForthLink, support: Support = AVR) -> None:
    for line in support.lines:
        link.run(line)


def xt_of(h: Header) -> int:
    """The execution token of a header (the layout in forth_kernel/README.md)."""
    n = len(h.name)
    return h.addr + 4 + n + (n & 1)


def code_size(u: TargetUnit, h: Header) -> int:
    """Bytes from the header's xt to the next header or the unit's trailer."""
    ends = [x.addr for x in u.headers if x.addr > h.addr] + [u.trailer.addr]
    return min(ends) - xt_of(h)


def rollback_line(t: Trailer) -> str:
    """The line that makes ``t`` the end of the dictionary."""
    return f"${t.end:x} ${t.latest:x} ${t.here:x} ~rb"
