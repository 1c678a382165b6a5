"""The ``jlforth`` command: thin verbs over the pieces in this package."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, targets
from .board import BoardError
from .loader import ForthLink, LinkError


class CliError(Exception):
    """A user-facing failure: printed without a traceback, exit status 1."""


def _target(args) -> targets.Target:
    try:
        t = targets.get(args.target)
    except targets.UnknownTarget as e:
        raise CliError(str(e)) from None
    return t.with_code(code_form(args))


def code_form(args) -> str:
    """--size / --portable -> the code form compile_source uses."""
    if getattr(args, "size", False):
        return "size"
    return "portable" if getattr(args, "portable", False) else "speed"


def add_code_flags(sp, portable: bool = False) -> None:
    g = sp.add_mutually_exclusive_group()
    g.add_argument("--size", action="store_true",
                   help="smallest code: Julia words as bytecode for the kernel's ~vm (slower)")
    if portable:
        g.add_argument("--portable", action="store_true",
                       help="plain Forth words only: no machine code laid with f, (slower code, "
                            "the same on every chip; easier to read)")


def _connect(args, target, **board_kw):
    from .board.open import open_board
    try:
        board = open_board(target, args.port, **board_kw)
        link = ForthLink(board.url, baud=target.baud, timeout=args.timeout)
        link.sync()
    except (BoardError, LinkError, FileNotFoundError) as e:
        raise CliError(str(e)) from None
    return board, link


# ---- term ----------------------------------------------------------------
def cmd_term(args) -> int:
    """An interactive terminal on the target's Forth prompt."""
    from .term import terminal
    target = _target(args)
    board, link = _connect(args, target)
    try:
        return terminal(link, banner=link.banner)
    finally:
        link.close()
        board.close()


# ---- run -----------------------------------------------------------------
def forth_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of a Forth source file, blank lines dropped."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CliError(f"{path}: cannot read: {e}") from None
    return [(n, l.replace("\t", " ").rstrip()) for n, l in enumerate(text.splitlines(), 1)
            if l.strip()]


def run_forth(link: ForthLink, path: Path, lines, out=sys.stdout, tib: int = 80) -> int:
    for n, line in lines:
        if len(line) > tib:
            print(f"{path}:{n}: error: line longer than the target's {tib}-character input buffer",
                  file=sys.stderr)
            return 1
        r = link.send(line)
        if r.output:
            out.write(r.output)
            out.flush()
        if r.error:
            print(f"\n{path}:{n}: error: {r.error.word}: {r.error.message} ({r.error.code})",
                  file=sys.stderr)
            print(f"    {line}", file=sys.stderr)
            return 1
    return 0


def cmd_run(args) -> int:
    """Upload a program and run it; Forth files line by line."""
    path = Path(args.file)
    target = _target(args)
    if path.suffix == ".jl":
        from .run import run_julia
        return run_julia(args, target, _connect)
    lines = forth_lines(path)
    board, link = _connect(args, target)
    try:
        status = run_forth(link, path, lines, tib=target.tib)
        if not args.quiet:
            print()
        return status
    except LinkError as e:
        raise CliError(str(e)) from None
    finally:
        link.close()
        board.close()


# ---- compile -------------------------------------------------------------
def cmd_compile(args) -> int:
    """Compile FILE.jl and print the Forth (or the AST, or the IR)."""
    from .errors import CompileError
    path = Path(args.file)
    target = _target(args)
    try:
        source = path.read_bytes()
    except OSError as e:
        raise CliError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        if args.emit == "ast":
            from .frontend import parse_source
            from .frontend.ast import dump
            text = dump(parse_source(source, str(path)))
        elif args.emit == "ir":
            from .frontend import frontend
            from .ir import dump
            text = dump(frontend(source, str(path), target, optimize=not args.no_opt))
        else:
            from .backend import compile_source
            text = compile_source(source, str(path), target, optimize=not args.no_opt).text()
    except CompileError as e:
        print(e.format(), file=sys.stderr)
        return 1
    out = sys.stdout
    if args.output:
        try:
            out = open(args.output, "w", encoding="utf-8")
        except OSError as e:
            raise CliError(f"{args.output}: cannot write: {e.strerror or e}") from None
    try:
        out.write(text if text.endswith("\n") else text + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


# ---- upload (jlforth/loader) ---------------------------------------------
def cmd_upload(args) -> int:
    """Upload FILE.jl or FILE.fs without running it, sending only what changed."""
    from .loader.command import cmd_upload as upload
    return upload(args, _target(args), _connect, CliError)


def cmd_repl(args) -> int:
    """The Julia REPL on a live target (jlforth/repl.py)."""
    from .repl import main as repl_main
    return repl_main(args, _target(args), _connect, CliError)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jlforth", description=__doc__.split("\n")[0] if __doc__ else None)
    p.add_argument("--version", action="version", version=f"jlforth {__version__}")
    sub = p.add_subparsers(dest="verb", metavar="VERB")

    from .image.cli import add_verbs as image_verbs     # build, sim, flash (jlforth/image)
    image_verbs(sub)
    from .teach.cli import add_verbs as teach_verbs     # explain, trace, size (jlforth/teach)
    teach_verbs(sub)
    def common(sp):
        sp.add_argument("--port", help="serial port or pyserial URL; default: a fresh simulated board")
        sp.add_argument("--target", default="atmega328p", help=f"chip ({', '.join(targets.names())})")
        sp.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for an answer")
        add_code_flags(sp)

    sp = sub.add_parser("term", help="interactive terminal on the target's Forth prompt")
    common(sp)
    sp.set_defaults(func=cmd_term)

    sp = sub.add_parser("compile", help="compile FILE.jl and print the Forth (or --emit ast|ir)")
    sp.add_argument("file")
    sp.add_argument("--emit", choices=("forth", "ast", "ir"), default="forth")
    sp.add_argument("--target", default="atmega328p", help=f"chip ({', '.join(targets.names())})")
    sp.add_argument("--no-opt", action="store_true", help="skip the optimiser")
    add_code_flags(sp, portable=True)
    sp.add_argument("-o", "--output", help="write to this file instead of standard output")
    sp.set_defaults(func=cmd_compile)

    sp = sub.add_parser("run", help="upload FILE.fs or FILE.jl and run it")
    sp.add_argument("file")
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    common(sp)
    sp.set_defaults(func=cmd_run)

    sp = sub.add_parser("upload", help="upload FILE.jl or FILE.fs (only what changed), without running it")
    sp.add_argument("file")
    sp.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    sp.add_argument("--clean", action="store_true", help="forget every word on the target first")
    common(sp)
    sp.set_defaults(func=cmd_upload)

    sp = sub.add_parser("repl", help="Julia REPL on the target")
    sp.add_argument("file", nargs="?", help="a program to load first (its functions can be called)")
    common(sp)
    sp.set_defaults(func=cmd_repl)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except CliError as e:
        print(f"jlforth: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
