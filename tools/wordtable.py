#!/usr/bin/env python3
"""Make the word table of forth_kernel/README.md from the kernel sources.

Every header in prims.S is preceded by a comment `; NAME ( effect )  meaning`;
every CWORD line in cwords.inc ends with `; ( effect )  meaning`.  The table in
the README sits between <!-- words:begin --> and <!-- words:end -->.

    tools/wordtable.py            rewrite the README's table
    tools/wordtable.py --check    exit 1 if it is out of date
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AVR = REPO / "forth_kernel" / "avr"
README = REPO / "forth_kernel" / "README.md"
FLAGS = {"F_INL": "inline", "F_CO": "compile-only", "F_INLCO": "inline, compile-only",
         "F_IMM": "immediate", "F_IMMCO": "immediate, compile-only"}


def unescape(name: str) -> str:
    return name.replace('\\"', '"').replace("\\\\", "\\")


def words() -> list[tuple[str, str, str, str]]:
    """(name, effect, meaning, flags) for every kernel word, in source order."""
    out = []
    lines = []
    for line in (AVR / "prims.S").read_text().splitlines():     # with the files it includes
        m = re.match(r'#include\s+"(\w+\.S)"', line)
        lines.extend((AVR / m.group(1)).read_text().splitlines() if m else [line])
    for i, line in enumerate(lines):
        m = re.match(r'\s+(HEADER|LITWORD)\s+"((?:[^"\\]|\\.)*)"\s*,\s*\w+(?:\s*,\s*(\w+))?', line)
        if not m:
            continue
        name = unescape(m.group(2))
        flags = m.group(3) if m.group(1) == "HEADER" else "F_INL"
        c = None
        for comment in reversed(lines[max(0, i - 4): i]):   # the nearest "; NAME ( ..."
            c = re.match(r";\s*\S+\s+(\(.*?\)(?:\s*\(.*?\))?)\s*(.*)", comment)
            if c:
                break
        if not c:
            raise SystemExit(f"prims.S:{i}: no stack-effect comment before {name!r}")
        out.append((name, c.group(1), c.group(2).strip(), FLAGS.get(flags or "", "")))
    for i, line in enumerate((AVR / "cwords.inc").read_text().splitlines(), 1):
        m = re.match(r'\s+CWORD\s+"((?:[^"\\]|\\.)*)"\s*,\s*\w+\s*,\s*\w+(?:\s*,\s*(\w+))?\s*;\s*(\(.*\))\s*(.*)', line)
        if m:
            eff = m.group(3)
            # split "( a -- b ) ( run: ... )  meaning" into effect and meaning
            k = eff.rfind(")")
            out.append((unescape(m.group(1)), eff[: k + 1], (eff[k + 1:] + " " + m.group(4)).strip(),
                        FLAGS.get(m.group(2) or "", "")))
        elif "CWORD" in line and not line.lstrip().startswith(";"):
            raise SystemExit(f"cwords.inc:{i}: CWORD without a stack-effect comment")
    return out


def table() -> str:
    rows = ["| word | stack effect | meaning | flags |", "|---|---|---|---|"]
    for name, eff, meaning, flags in words():
        rows.append(f"| `{name.replace('|', chr(92) + '|')}` | `{eff}` | {meaning} | {flags} |")
    return "\n".join(rows)


def main() -> int:
    text = README.read_text()
    begin, end = "<!-- words:begin -->", "<!-- words:end -->"
    a, b = text.index(begin) + len(begin), text.index(end)
    new = text[:a] + "\n" + table() + "\n" + text[b:]
    if "--check" in sys.argv:
        if new != text:
            print("forth_kernel/README.md: the word table is out of date; run tools/wordtable.py")
            return 1
        return 0
    README.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
