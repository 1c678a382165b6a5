"""A synthetic Forth program of N small words, for the loader's tests and
``bench/upload``: word ``f<i>`` does some arithmetic, every fifth word calls
the one before it, ``main`` calls every fourth word.  ``edit=i`` changes
word i's text (a one-function edit)."""
from __future__ import annotations


def program(n: int = 40, edit=None, bad=None) -> str:
    out = ["\\ a generated program", "decimal", "variable acc"]
    for i in range(n):
        body = f"dup dup {i + 3} * swap {i % 7 + 1} + xor acc +!"
        if i and i % 5 == 0:
            body += f" dup f{i - 1} drop"
        if edit == i:
            body += " 1+"
        if bad == i:
            body += " no-such-word"
        out.append(f": f{i} ( n -- n' )  {body}  {i} + ;")
    out.append(": main ( -- ) 0 " + " ".join(f"f{i}" for i in range(0, n, 4)) + " . ;")
    return "\n".join(out) + "\n"


def expected_main(n: int = 40, edit=None) -> int:
    """What ``main`` prints (acc aside), computed on the host."""
    def f(i, x):
        if i and i % 5 == 0:
            f(i - 1, x)
        x = (x + i + (1 if edit == i else 0)) & 0xFFFF
        return x
    x = 0
    for i in range(0, n, 4):
        x = f(i, x)
    return x - 0x10000 if x & 0x8000 else x
