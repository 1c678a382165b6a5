"""John Hayes' core test (coretest.fs, from Debian's gforth package) run on the
simulated board, line by line through the same handshake the loader uses."""
from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CORETEST = Path("/usr/share/gforth/0.7.3/test/coretest.fs")


# gforth's copy ends with Anton Ertl's additions for 64-bit cells (they compare
# against 16-digit strings); the core test proper ends before them.
GFORTH_TAIL = "\\ the lower case stuff is not restricted to core words"


def core_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="latin-1").splitlines()
    for n, line in enumerate(lines):
        if line.startswith(GFORTH_TAIL):
            return lines[:n]
    return lines


# Forth 2012 leaves "," at an unaligned HERE ambiguous (6.1.0150); the core
# test does it right after "HERE 1 ALLOT".  A CPU without unaligned cell
# access (the MSP430: a word access ignores address bit 0) gets an ALIGN
# before that line; nothing else changes.
ALIGN_BEFORE = {"msp430": "HERE 1 ,"}


def upload(forth, path: Path, align_before: str = "") -> list[str]:
    problems = []
    for n, line in enumerate(core_lines(path), 1):
        if not line.strip():
            continue
        if align_before and line.startswith(align_before):
            forth.run("ALIGN")
        r = forth.send(line.replace("\t", " "))
        if r.error:
            problems.append(f"{path.name}:{n}: {r.error}: {line}")
        elif "INCORRECT RESULT" in r.output or "WRONG NUMBER" in r.output:
            problems.append(f"{path.name}:{n}: {r.output.strip()}")
    return problems


def test_hayes_core(forth, target):
    assert CORETEST.is_file(), "coretest.fs comes with Debian's gforth package (tools/setup installs it)"
    assert upload(forth, HERE / "forth" / "tester.fs") == []
    problems = upload(forth, CORETEST, ALIGN_BEFORE.get(target.arch, ""))
    expected = sum(1 for l in core_lines(CORETEST) if l.lstrip().startswith("{"))
    ran = int(forth.run("decimal #tests @ ."))
    assert problems == []
    assert ran == expected
