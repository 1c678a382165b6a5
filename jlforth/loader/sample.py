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


def julia_program(n: int = 40, edit=None) -> str:
    """The same shape in Julia: n functions ``f<i>(x::Int16)``, every fifth
    calling the one before, ``main_()`` calling them all."""
    out = ["acc = Int16(0)"]
    for i in range(n):
        call = f"    y = f{i - 1}(y)\n" if i and i % 5 == 0 else ""
        plus = " + 1" if edit == i else ""
        out.append(f"function f{i}(x::Int16)\n    global acc\n    y = x * {i + 3} + {i % 7}{plus}\n"
                   f"{call}    acc += y\n    return y\nend")
    out.append("function main_()\n    s = Int16(0)\n"
               + "".join(f"    s += f{i}(s)\n" for i in range(n)) + "    return s\nend")
    out.append("println(main_())")
    return "\n".join(out) + "\n"


def julia_expected(n: int = 40, edit=None) -> int:
    """``main_()`` of :func:`julia_program`, computed with Int16 wrap-around."""
    def w(v):
        v &= 0xFFFF
        return v - 0x10000 if v & 0x8000 else v

    def f(i, x):
        y = w(x * (i + 3) + i % 7 + (1 if edit == i else 0))
        if i and i % 5 == 0:
            y = f(i - 1, y)
        return y
    s = 0
    for i in range(n):
        s = w(s + f(i, s))
    return s
