"""Program files → upload units: Forth (``.fs``) directly, Julia (``.jl``)
through the compiler's Forth backend."""
from __future__ import annotations

from pathlib import Path

from .units import SourceError, Unit, split_units


class NoBackend(Exception):
    """The Julia → Forth backend is not available in this tree."""


def forth_units(text: str, file: str = "<input>") -> list[Unit]:
    return split_units(text, file)


def julia_units(text: str, file: str, target=None) -> list[Unit]:
    """Compile Julia source to units, one per generated definition, each
    carrying the Julia ``file:line`` of the function it came from."""
    try:
        from ..backend import forth as backend  # noqa: F401
    except ImportError as e:
        raise NoBackend("Julia files need the Forth backend (jlforth/backend/forth.py), "
                        f"which is not in this tree yet ({e})") from None
    from .julia import units_from_julia
    return units_from_julia(text, file, target)


def file_units(path: Path, target=None) -> list[Unit]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SourceError(f"cannot read: {e}", str(path), 0) from None
    if str(path).endswith(".jl"):
        return julia_units(text, str(path), target)
    return forth_units(text, str(path))
