"""Front end entry points.

``parse_source(source, filename) -> ast.Module``
    Lex and parse (``jlforth compile --emit ast`` uses ``ast.dump`` on the result).

``frontend(source, filename, target, optimize=True) -> ir.Program``
    Parse, check (names, scopes, types, method selection and specialisation),
    build the typed IR and, unless ``optimize`` is false, run the optimiser.
    ``ir.dump(program)`` is the ``--emit ir`` text.

Both raise only :class:`jlforth.errors.CompileError` (with ``source_line``
filled in, so ``err.format()`` shows the line and a caret) for any input,
including undecodable bytes and pathological nesting.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Union

from ..errors import CompileError, Loc

Source = Union[str, bytes]


def _decode(source: Source, filename: str) -> str:
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as e:
            text = source[: e.start].decode("utf-8", "replace")
            line = text.count("\n") + 1
            col = len(text) - (text.rfind("\n") + 1) + 1
            raise CompileError("source is not valid UTF-8", Loc(filename, line, col))
    if source.startswith("\ufeff"):
        source = source[1:]
    return source


@contextmanager
def _guard(source_text: str, filename: str):
    """Attach the source line to errors; turn any unexpected failure into a CompileError."""
    old = sys.getrecursionlimit()
    if old < 8000:
        sys.setrecursionlimit(8000)
    try:
        yield
    except CompileError as e:
        if source_text is not None:
            e.attach_source(source_text)
        raise
    except RecursionError:
        raise CompileError("expression nested too deeply", Loc(filename, 1, 1)).attach_source(source_text or "")
    except Exception as e:  # pragma: no cover - a compiler bug, reported without a traceback
        raise CompileError(f"internal compiler error: {type(e).__name__}: {e}",
                           Loc(filename, 1, 1)).attach_source(source_text or "") from e
    finally:
        sys.setrecursionlimit(old)


def parse_source(source: Source, filename: str = "<input>"):
    """Source text → :class:`jlforth.frontend.ast.Module`."""
    text = None
    with _guard(None, filename):
        text = _decode(source, filename)
    with _guard(text, filename):
        from .parser import parse
        return parse(text, filename)


def frontend(source: Source, filename: str = "<input>", target=None, optimize: bool = True):
    """Source text → optimised :class:`jlforth.ir.Program` for ``target``."""
    text = None
    with _guard(None, filename):
        text = _decode(source, filename)
    with _guard(text, filename):
        from .parser import parse
        from ..check import check_module
        from ..ir.target import default_target
        module = parse(text, filename)
        program = check_module(module, target or default_target())
        if optimize:
            from ..opt import optimize as run_opt
            program = run_opt(program)
        return program
