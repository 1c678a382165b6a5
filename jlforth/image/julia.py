"""Julia source -> the Forth lines the image builder compiles, through the
backend (jlforth.backend): the same packed lines `jlforth run` uploads, each
with the Julia line of the definition it belongs to (for error messages)."""
from __future__ import annotations

from pathlib import Path

from ..targets import Target


def julia_to_forth(path: Path, text: str, target: Target) -> tuple[list[tuple[int, str]], str]:
    """(lines, entry word).  Raises jlforth.errors.CompileError."""
    try:
        from ..backend import compile_source
    except ImportError as e:                      # pragma: no cover - a checkout without it
        from .meta import BuildError
        raise BuildError(f"the Julia backend is not available ({e}); build the Forth "
                         f"output instead (jlforth compile {path.name} -o prog.fs)", str(path))
    fp = compile_source(text, str(path), target)
    lines = []
    for line, chunk in fp.upload_lines():
        loc = getattr(chunk, "loc", None)
        lines.append((getattr(loc, "line", 0) or 0, line))
    return lines, fp.entry
