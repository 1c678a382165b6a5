"""What is on the target: the manifest, kept in the dictionary itself.

Every unit the loader uploads is followed in flash by an 8-byte *trailer*,
laid down by the support word ``~jl`` on the same line as the unit's end::

    : fib ... ;  ~jl Xy3q          →   [latest][here]['X''y']['3''q']

``latest`` and ``here`` are the dictionary pointers after the unit (so the
next unit starts at the trailer's end: rolling back to a trailer is
``end latest here (marker)``) and the four characters are the unit's hash.
A trailer is recognised in front of a header whose link equals the
trailer's ``latest`` (or at ``fhere`` when its ``latest`` is ``LATEST``),
so a unit needs no header of its own for the manifest and the cost is
8 bytes of flash per unit (a ``MARKER`` per unit would cost 44).

The pointers the kernel keeps in EEPROM are saved only at the end of a line
that leaves the interpreter state, so after a reset the dictionary ends at a
line boundary; anything after the last trailer is an unfinished unit (or
words typed by hand) and is rolled back before the next upload.

Support words, defined once per board (about 300 bytes):

``~jl`` ( "hash" -- )   lay down a trailer
``~t``  ( a -- )        print the four cells before a
``~rb`` ( fhere latest here -- )  roll back (the run-time of MARKER)
``~ls`` ( -- )          print the manifest: pointers, then one line per
                        header newer than the support words, newest first
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .link import ForthLink, LinkError
from .units import is_hash

SUPPORT_VERSION = 1
BASE_HASH = "----"
TRAILER = 8

#: the support words, one line each (all shorter than the 80-character TIB)
SUPPORT = [
    ": ~jl latest f, here f, parse-name drop dup @ f, cell+ @ f, ;",
    ": ~t 8 - 4 0 do dup @ u. cell+ loop drop ;",
    ": ~rb (marker) ;",
    f": ~ls base @ hex {SUPPORT_VERSION} u. fhere u. latest u. here u. fhere ~t latest begin",
    " dup [ fhere ] literal u> while cr dup u. dup @ u. dup ~t dup cell+ count type",
    " @ repeat drop base ! ;",
    f"~jl {BASE_HASH}",
]


def hash_of(c2: int, c3: int) -> str:
    b = bytes([c2 & 0xFF, c2 >> 8, c3 & 0xFF, c3 >> 8])
    return b.decode("latin-1")


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
    pre: tuple           # the four cells before it


@dataclass
class TargetUnit:
    """One unit found on the target, oldest first in :attr:`Manifest.units`."""
    hash: str
    names: list[str]             # headers in it, oldest first
    start: int                   # first byte (the previous trailer's end)
    trailer: Trailer
    before: Trailer              # the previous trailer: rolling back to it removes this unit

    @property
    def end(self) -> int:
        return self.trailer.end

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclass
class Manifest:
    fhere: int = 0
    latest: int = 0
    here: int = 0
    version: int = 0
    base: Optional[Trailer] = None            # the oldest trailer (normally the support words')
    units: list[TargetUnit] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)   # names of headers after the last trailer
    tail_bytes: int = 0

    @property
    def installed(self) -> bool:
        return self.version == SUPPORT_VERSION

    @property
    def last(self) -> Optional[Trailer]:
        return self.units[-1].trailer if self.units else self.base

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


def parse(text: str) -> Manifest:
    """Parse the output of ``~ls``."""
    lines = [l.split() for l in text.replace("\r", "").split("\n") if l.strip()]
    if not lines:
        raise ManifestError("empty manifest answer")
    head = [int(x, 16) for x in lines[0]]
    if len(head) != 8:
        raise ManifestError(f"unexpected manifest header: {text[:80]!r}")
    m = Manifest(version=head[0], fhere=head[1], latest=head[2], here=head[3])
    end_cells = head[4:8]
    headers: list[Header] = []
    for parts in lines[1:]:
        if len(parts) < 6:
            raise ManifestError(f"unexpected manifest line: {' '.join(parts)!r}")
        addr, link, *cells = (int(x, 16) for x in parts[:6])
        name = parts[6] if len(parts) > 6 else ""
        headers.append(Header(addr, link, name.lower(), tuple(cells)))
    headers.reverse()                                   # oldest first

    def trailer(at: int, cells, latest: int) -> Optional[Trailer]:
        if cells[0] != latest:
            return None
        h = hash_of(cells[2], cells[3])
        if not (is_hash(h) or h == BASE_HASH):
            return None
        return Trailer(at - TRAILER, cells[0], cells[1], h)

    # trailers in address order: before headers, and at the end
    found: list[tuple[Trailer, int]] = []            # (trailer, index of the next header)
    for k, h in enumerate(headers):
        t = trailer(h.addr, h.pre, h.link)
        if t:
            found.append((t, k))
    t = trailer(m.fhere, end_cells, m.latest)
    if t and (not found or found[-1][0].addr != t.addr):
        found.append((t, len(headers)))
    if not found:
        m.tail = [h.name for h in headers]
        m.tail_bytes = -1                               # unknown: no trailer at all
        return m
    m.base = found[0][0]
    prev = m.base
    for (t, k_next), (t0, k0) in zip(found[1:], found[:-1]):
        names = [h.name for h in headers[k0:k_next]]
        m.units.append(TargetUnit(t.hash, names, prev.end, t, prev))
        prev = t
    last_t, k_last = found[-1]
    m.tail = [h.name for h in headers[k_last:]]
    m.tail_bytes = m.fhere - last_t.end
    return m


# ---------------------------------------------------------------------------
def read_manifest(link: ForthLink, timeout: Optional[float] = None) -> Manifest:
    """Ask the target for its manifest; an empty one when the support words
    are missing (``installed`` is then false)."""
    r = link.send("~ls", timeout=timeout)
    if r.error:
        if r.error.code == -13:
            return Manifest()
        raise ManifestError(f"~ls failed: {r.error}")
    m = parse(r.output)
    return m


def install_support(link: ForthLink) -> None:
    for line in SUPPORT:
        link.run(line)


def rollback_line(t: Trailer) -> str:
    """The line that makes ``t`` the end of the dictionary."""
    return f"${t.end:x} ${t.latest:x} ${t.here:x} ~rb"
