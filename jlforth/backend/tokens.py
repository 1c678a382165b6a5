"""Small facts about emitted Forth tokens, shared by the chips' peephole passes."""
from __future__ import annotations

import re
from typing import Optional


def cell_value(tok: str) -> Optional[int]:
    """The 16-bit cell a literal token puts on the stack (``$ff``, ``-3``,
    ``65535``), or None when the token is not such a literal."""
    t = tok.lower()
    try:
        if t.startswith("$"):
            return int(t[1:], 16) & 0xFFFF
        if re.fullmatch(r"-?\d+", t):
            v = int(t)
            if -32768 <= v <= 65535:
                return v & 0xFFFF
    except ValueError:
        pass
    return None
