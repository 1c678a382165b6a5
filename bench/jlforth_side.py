"""jlforth's side of a benchmark: the Julia program compiled, uploaded to a
freshly booted simulated board through the serial line (as `jlforth run` does),
its top-level code run; cycles between the same two marker writes as the C twin
(`MARKER[] = 0x01` / `0x02`: the target description names each chip's marker).

Bytes are measured on the target itself, the same way on every chip: after the
upload, the dictionary is walked from LATEST back to the LATEST seen before it
(the header layout is forth_kernel/README.md's, shared by all kernels); a word's
code runs from its xt to the next header (to FHERE for the newest), so data it
lays down after itself counts, as in jlforth.image.build_file.  tests/
test_bench_twins.py checks that this agrees with the host image builder on every
target the builder supports."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from jlforth import targets
from jlforth.board.open import open_board
from jlforth.loader import ForthLink
from jlforth.run import compile_file, run_entry, upload

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"


@dataclass
class Run:
    cycles: int
    bytes: int            # code of the program's functions (headers not counted)
    header_bytes: int     # their name headers (dropped by `jlforth build --strip`)
    output: str
    words: dict           # name -> (header bytes, code bytes) of every word uploaded
    markers: list         # [(value, cycle)] of every marker write


class DoesNotFit(RuntimeError):
    """The target refused the program: its dictionary (flash) or data space
    (RAM) is full (-8): on the MSP430G2553, sieve's 250-byte array does not
    fit the data space the kernel leaves."""


def _is_function(name: str) -> bool:
    # a Julia method's word is named like  fib(i16)  (see jlforth/backend)
    return "(" in name


def _number(link: ForthLink, forth: str) -> int:
    return int(link.run(forth).split()[0])


def dictionary_words(link: ForthLink, since: int) -> dict:
    """{name: (header bytes, code bytes)} of the words defined after the
    header `since` (the LATEST before the upload), read from the target."""
    heads = []                                   # (header address, name), newest first
    a = _number(link, "latest u.")
    while a != since:
        if a == 0:
            raise RuntimeError("the dictionary chain does not reach the LATEST seen before the upload")
        out = link.run(f"{a} @ u. {a} 2 + count type").split()
        heads.append((a, out[1] if len(out) > 1 else ""))
        a = int(out[0])
    end = _number(link, "fhere u.")
    words = {}
    for addr, name in heads:                     # newest first: `end` is the next header
        n = len(name)
        xt = addr + 4 + n + (n & 1)              # link, length, name, pad to even, flags
        words[name] = (xt - addr, end - xt)
        end = addr
    return words


def run(target_name: str, name: str, code: str = "speed") -> Run:
    """code: the compiler's code form, "speed" (the default) or "size" (--size)."""
    t = targets.get(target_name).with_code(code)
    src = PROGRAMS / f"{name}.jl"
    fp = compile_file(src, t)
    with open_board(t, timeout=900) as board:
        link = ForthLink(board.url, baud=t.baud, timeout=600)
        link.sync()
        link.run("decimal empty")
        before = _number(link, "latest u.")
        err = upload(link, fp, str(src))
        if err:
            raise (DoesNotFit if err.code == -8 else RuntimeError)(err.format())
        out = io.StringIO()
        err = run_entry(link, fp, str(src), out, idle_timeout=600)
        if err:
            raise RuntimeError(err.format())
        markers = list(board.markers())
        marks = dict(markers)
        words = dictionary_words(link, before)
        link.close()
    fn = [w for w in words if _is_function(w)]
    return Run(marks[2] - marks[1], sum(words[w][1] for w in fn),
               sum(words[w][0] for w in fn), out.getvalue().strip(), words, markers)
