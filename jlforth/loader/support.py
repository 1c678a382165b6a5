"""The loader's support words, per processor architecture (``arch`` in the
target description): the Forth text that is defined once per board, and
what the planner must know about forwarding an old definition to a new one.

The trailer format (manifest.py) and the words that read it (``~ls``,
``~k``, ``~c``, ``~rb``) are the same on every chip; what differs is how a
trailer's hash is copied into flash (``~jl``) and how an old definition is
patched to run the new one (``~fw``):

avr (subroutine threaded)
    the old code starts with ``JMP new`` (4 bytes), written through the
    flash page cache.  ``!`` is inline code there, so ``~!`` is a call.

msp430 (direct threaded)
    the old colon definition keeps its code field (``CALL r9``); its first
    two thread cells become ``(branch) new+2``, so a call, an ``execute``
    and a tail call (``(branch) old+2``) all run the new thread.  The cells
    are written with ``!``, which rebuilds the flash segment (only bits can
    be cleared without an erase): that needs a blank segment above the
    dictionary's end.  ``~br`` is ``begin again``: its first cell is the
    ``(branch)`` the kernel's compiler lays down, so no kernel address is
    built in here.  The hash is copied byte by byte (``@`` ignores bit 0 of
    an address).
"""
from __future__ import annotations

from dataclasses import dataclass

BASE_HASH = "----"


def _common(version: int) -> list:
    """Shared: roll back, trailer candidate tests, the manifest listing.
    ``version`` is printed first by ~ls: a board holding other support words
    is refused (start over with ``empty``)."""
    return [
        ": ~rb (marker) ;",
        ": ~c c@ 45 123 within ;",
        ": ~k dup 4 + ~c over 5 + ~c and over 6 + ~c and over 7 + ~c and",
        " swap dup @ dup 0< >r u> r> and and ;",
        f": ~ls [ fhere ] literal umax >r base @ hex {version} u. fhere u. latest u.",
        " here u. latest begin dup r@ u< 0= while cr dup u. dup cell+ count type @",
        " repeat cr [char] b emit space u. fhere 7 - dup r> umin ?do i ~k if cr",
        " [char] t emit space i dup u. dup @ u. dup cell+ @ u. 4 + 4 type then 2 +loop",
        " base ! ;",
    ]


@dataclass(frozen=True)
class Support:
    arch: str
    version: int
    lines: tuple            # Forth lines, each shorter than the kernel's TIB
    forward_min: int        # code bytes a definition needs to be forwarded
    patch_segment: int      # ~fw needs a blank erase segment of this size above the
                            # dictionary's end (0: no erase segments)
    forward_how: str        # for messages and docs

    def can_patch(self, fhere: int, flash_end: int) -> bool:
        """Can ~fw rewrite a cell when the dictionary ends at ``fhere``?"""
        seg = self.patch_segment
        if not seg:
            return True
        return (fhere + seg - 1) // seg * seg + seg <= flash_end

    def forward_line(self, name: str, old_xt: int, trailer: int) -> str:
        """The words that make the old definition (xt ``old_xt``, its unit's
        trailer at ``trailer``) run the newest ``name``."""
        return f"' {name} ${old_xt:x} ${trailer:x} ~fw"


AVR = Support(
    "avr", 3,
    tuple([
        ": ~jl fhere 1 and if 0 fc, then latest f, here f, parse-name drop dup @ f,",
        " cell+ @ f, ;",
        *_common(3),
        ": ~! ! ;",
        ": ~fw >r swap $7FFF and 2/ swap $940C over ~! cell+ ~! $663D r@ 4 + ~! $3D77",
        " r> 6 + ~! ;",
        f"~jl {BASE_HASH}",
    ]),
    forward_min=4, patch_segment=0,
    forward_how="JMP new at the old code")

MSP430 = Support(
    "msp430", 4,       # 3 was the AVR text, which the REPL once sent to this chip too
    tuple([
        ": ~jl fhere 1 and if 0 fc, then latest f, here f, parse-name drop 4 0 do",
        " dup i + c@ fc, loop drop ;",
        *_common(4),
        ": ~br begin again ;",
        ": ~fw >r ['] ~br cell+ @ over cell+ ! swap cell+ swap 4 + ! $663D r@ 4 + !",
        " $3D77 r> 6 + ! ;",
        f"~jl {BASE_HASH}",
    ]),
    # CALL r9, (branch), new+2: a colon definition of at least one cell and (exit)
    forward_min=6, patch_segment=512,
    forward_how="(branch) new+2 after the old code field")

BY_ARCH = {s.arch: s for s in (AVR, MSP430)}


def for_arch(arch: str) -> Support:
    try:
        return BY_ARCH[arch]
    except KeyError:
        raise ValueError(f"the loader has no support words for the {arch} architecture "
                         f"(known: {', '.join(sorted(BY_ARCH))})") from None
