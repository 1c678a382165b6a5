"""jlforth's side of a benchmark: the Julia program compiled, uploaded to a
freshly booted simulated board through the serial line (as `jlforth run` does),
its top-level code run; cycles between the same two marker writes as the C twin."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from jlforth import targets
from jlforth.board.open import open_board
from jlforth.image.build import build_file
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


def _function_words(image):
    # a Julia method's word is named like  fib(i16)  (see jlforth/backend)
    return [w for w in image.words if "(" in w.name]


def run(target_name: str, name: str) -> Run:
    t = targets.get(target_name)
    src = PROGRAMS / f"{name}.jl"
    fp = compile_file(src, t)
    words = _function_words(build_file(src, t, check=False))
    with open_board(t, timeout=900) as board:
        link = ForthLink(board.url, baud=t.baud, timeout=600)
        link.sync()
        err = upload(link, fp, str(src))
        if err:
            raise RuntimeError(err.format())
        out = io.StringIO()
        err = run_entry(link, fp, str(src), out, idle_timeout=600)
        if err:
            raise RuntimeError(err.format())
        marks = dict((v, c) for v, c in board.markers())
        link.close()
    return Run(marks[2] - marks[1], sum(w.code_bytes for w in words),
               sum(w.header_bytes for w in words), out.getvalue().strip())
