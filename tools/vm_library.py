#!/usr/bin/env python3
"""Turn the MSP430 bytecode interpreter's code into Forth text that lays it.

    tools/vm_library.py BASE_A A.bin BASE_B B.bin OUT.fs

A.bin and B.bin are forth_kernel/msp430/vm.S linked at two bases (the
Makefile does it).  A cell that differs between them by exactly the
difference of the bases holds an address inside the library: it is laid as
`fhere n + f,`, n being the distance from the cell itself to that address;
any other cell is laid as it is (`$xxxx f,`).  The text defines ~vm as a
colon word whose thread starts with the code, as jlforth's native blocks do:

    : ~vm begin [ 2drop fhere 2 + f,
    $4134 f, $447f f, ... fhere 416 + f, ...
    ] ;

`begin` lays the code field (CALL r9); the first cell holds the address of
the code right after it.  Every line is at most 80 characters and uses only
`:` `begin` `[` `]` `2drop` `fhere` `f,` `+` `;` and numbers.
"""
from __future__ import annotations

import sys
from pathlib import Path

WIDTH = 80


def cells(data: bytes) -> list:
    return [int.from_bytes(data[i:i + 2], "little") for i in range(0, len(data), 2)]


def library_tokens(base_a: int, a: bytes, base_b: int, b: bytes) -> tuple:
    """(tokens, relocated cell offsets): one `... f,` token per cell."""
    if len(a) != len(b) or len(a) % 2:
        raise ValueError(f"the two links differ in size or are odd: {len(a)}, {len(b)}")
    delta = (base_b - base_a) & 0xFFFF
    toks, rel = [], []
    for i, (x, y) in enumerate(zip(cells(a), cells(b))):
        if x == y:
            toks.append(f"${x:04x} f,")
            continue
        if (y - x) & 0xFFFF != delta:
            raise ValueError(f"cell {2 * i:#x} is neither fixed nor relative: {x:#06x} / {y:#06x}")
        n = x - (base_a + 2 * i)
        toks.append(f"fhere {n} + f,")
        rel.append(2 * i)
    return toks, rel


def library_lines(toks: list) -> list:
    lines, line = [": ~vm begin [ 2drop fhere 2 + f,"], ""
    for t in toks:
        if line and len(line) + 1 + len(t) > WIDTH:
            lines.append(line)
            line = ""
        line = f"{line} {t}" if line else t
    if line:
        lines.append(line)
    lines.append("] ;")
    assert all(len(l) <= WIDTH for l in lines)
    return lines


def main(argv) -> int:
    if len(argv) != 6:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    base_a, a, base_b, b, out = int(argv[1], 0), Path(argv[2]), int(argv[3], 0), Path(argv[4]), Path(argv[5])
    try:
        toks, rel = library_tokens(base_a, a.read_bytes(), base_b, b.read_bytes())
    except ValueError as e:
        print(f"{argv[0]}: {e}", file=sys.stderr)
        return 1
    out.write_text("\n".join(library_lines(toks)) + "\n")
    print(f"{out}: ~vm, {2 * len(toks)} bytes, {len(rel)} cells relative to fhere")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
