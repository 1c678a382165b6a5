"""Julia programs as upload units, through the Forth backend
(``jlforth.backend.forth``): one unit per chunk the backend emits (a run-time
helper, a global, an array, a function, the top-level code ``main``), each
carrying the Julia ``file:line`` and description of what it came from."""
from __future__ import annotations

from typing import Optional

from .units import Unit, split_units


def units_from_program(fp, file: str = "<input>", group_data: bool = True) -> list[Unit]:
    """A backend ``ForthProgram`` → units, in its order.

    With ``group_data`` the globals and arrays form one unit: ``main`` copies
    their initial contents as one block (``init.data``), so they must stay
    together in RAM; changing one re-sends them all (and what uses them)."""
    out: list[Unit] = []
    data: Optional[Unit] = None
    for chunk in fp.chunks:
        if chunk.kind == "comment":
            continue
        text = " ".join(chunk.upload_lines(1 << 20))
        if not text.strip():
            continue
        parts = split_units(text, file)
        loc = getattr(chunk, "loc", None)
        u = Unit([], [], getattr(loc, "file", None) or file, getattr(loc, "line", 0) or 0)
        for p in parts:
            u.tokens += p.tokens
            u.names += p.names
            u.uses |= p.uses
        u.base, u.end_base = parts[0].base, parts[-1].end_base
        u.label = chunk.what or (f"word {u.name}" if u.name else "")
        u.info = {"chunk": chunk, "kind": chunk.kind}
        if not u.names and out:                    # e.g. "' f 'f !": runs with the unit before
            _merge(out[-1], u)
            continue
        if group_data and chunk.kind in ("global", "array") and chunk.name != "init.data":
            if data is not None and out and out[-1] is data:
                _merge(data, u)
                data.label = "the program's globals"
                continue
            data = u
        out.append(u)
    return out


def _merge(into: Unit, u: Unit) -> None:
    into.tokens += u.tokens
    into.names += u.names
    into.uses |= u.uses
    into.end_base = u.end_base
    into.__dict__.pop("_hash", None)


def units_from_julia(text: str, file: str, target=None) -> list[Unit]:
    """Compile Julia source (raises ``CompileError``) and split it into units."""
    from ..backend.forth import compile_source
    fp = compile_source(text, file, target)
    return units_from_program(fp, file)
