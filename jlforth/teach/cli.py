"""The ``explain``, ``trace`` and ``size`` verbs of the jlforth command."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from .. import targets


def _err(msg: str) -> int:
    print(f"jlforth: {msg}", file=sys.stderr)
    return 1


def _prepare(args):
    """(target, source text) or raises SystemExit with a message."""
    try:
        target = targets.get(args.target)
    except targets.UnknownTarget as e:
        raise SystemExit(_err(str(e)))
    if target.name not in _image_targets():
        raise SystemExit(_err(
            f"{args.verb} needs the image builder (flash bytes as the chip lays them down) and a "
            f"simulated board that boots its images; both know the {', '.join(_image_targets())} "
            f"so far, not the {target.name}"))
    path = Path(args.file)
    if path.suffix != ".jl":
        raise SystemExit(_err(f"{path}: give a Julia program (.jl)"))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SystemExit(_err(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}"))
    return target, text


def _listing(args, target, text):
    from ..errors import CompileError
    from ..image import BuildError, KernelError
    from .listing import Listing
    try:
        if getattr(args, "size", False):
            target = target.with_code("size")
        return Listing(text, args.file, target, native=not args.portable)
    except CompileError as e:
        print(e.format(), file=sys.stderr)
        raise SystemExit(1)
    except BuildError as e:
        print(e.format(), file=sys.stderr)
        raise SystemExit(1)
    except (KernelError, FileNotFoundError) as e:
        raise SystemExit(_err(f"{e} (flash bytes come from the image builder; "
                              f"it knows the {', '.join(_image_targets())})"))


def _image_targets():
    """The targets the verbs know: an image builder for their kernel and a
    simulated board that boots its images (jlforth/teach/sim.py)."""
    from .sim import booting_simulators
    return [n for n in targets.names() if targets.get(n).board.get("simulator") in booting_simulators()]


# ---- explain ---------------------------------------------------------------------
def cmd_explain(args) -> int:
    """Each Julia line beside its Forth, bytes and cycles."""
    from rich.console import Console
    from .explain import explain, render, to_html
    from .sim import TeachError
    target, text = _prepare(args)
    lst = _listing(args, target, text)
    try:
        ex = explain(lst, measure=not args.no_run, budget=int(args.max_cycles))
    except TeachError as e:
        return _err(str(e))
    if args.html:
        try:
            Path(args.html).write_text(to_html(ex), encoding="utf-8")
        except OSError as e:
            return _err(f"{args.html}: cannot write: {e.strerror or e}")
    if not args.html or args.show:
        render(ex, Console(highlight=False))
    else:
        print(f"wrote {args.html}")
    return 0


# ---- trace -----------------------------------------------------------------------
def render_trace(tr, console) -> None:
    from rich.table import Table
    from rich.text import Text
    console.print(Text.assemble(("trace of ", ""), (tr.call, "bold"),
                                (f": {len(tr.steps)} steps, {tr.cycles:,} cycles".replace(",", "\u2009"), "")))
    t = Table(show_edge=False, box=None, header_style="bold", pad_edge=False)
    t.add_column("step", justify="right", style="dim")
    t.add_column("line", justify="right", style="dim")
    t.add_column("Julia", overflow="fold")
    t.add_column("Forth word", style="cyan", overflow="fold")
    t.add_column("data stack after", overflow="fold")
    t.add_column("cycles", justify="right")
    last = None
    for s in tr.steps:
        where = (s.word, s.line)
        julia = ""
        if where != last:
            if s.line and 0 < s.line <= len(tr.source_lines):
                julia = re.sub(r"\s+#[^\"']*$", "", tr.source_lines[s.line - 1].strip())
            elif not s.line:
                julia = f"({s.word})"
        last = where
        forth = "  " * s.depth + _strip_marks(s.forth)
        note = {"": "", "jump": "  ↷ jump", "return": "  ← return"}.get(
            s.flow, "  → call" if s.flow.startswith("call") else "")
        stack = " ".join(str(v) for v in s.stack) if s.stack else "·"
        t.add_row(str(s.n), str(s.line or ""), Text(julia), Text(forth) + Text(note, style="dim"),
                  stack, str(s.cycles))
    console.print(t)
    if tr.result is not None:
        console.print(f"{tr.call} = {tr.result_text()}", markup=False)
    if tr.stopped:
        console.print(Text(f"stopped after {len(tr.steps)} steps (--max-steps)", style="yellow"))
    elif tr.error:
        from .sim import describe_error
        console.print(Text(f"the call stopped with an error: "
                           f"{describe_error(tr.error, tr.source_lines)}", style="red"))
    if tr.output:
        console.print(Text("output: ", style="bold") + Text(tr.output))
    console.print(Text(
        "cycles: of each step alone (the probe's own "
        f"{tr.overhead} cycles subtracted); timer interrupt "
        + ("on (the program reads the clock)" if tr.clock else "off"), style="dim"))


def _strip_marks(text: str) -> str:
    """A step's tokens without trailing words that compile nothing (`then`)."""
    from .listing import zero_code
    while True:
        head, _, last = text.rpartition(" ")
        if not head or not zero_code(last):
            return text
        text = head


def cmd_trace(args) -> int:
    """Step through a call on the simulated board."""
    from rich.console import Console
    from ..errors import CompileError
    from ..image import BuildError
    from .sim import TeachError
    from .trace import run_trace
    target, text = _prepare(args)
    try:
        tr = run_trace(text, args.file, args.call, target, max_steps=args.max_steps,
                       native=not args.portable)
    except (CompileError, BuildError) as e:
        print(e.format(), file=sys.stderr)
        return 1
    except TeachError as e:
        return _err(str(e))
    render_trace(tr, Console(highlight=False))
    return 1 if (tr.error and not tr.stopped) else 0


# ---- size ------------------------------------------------------------------------
def cmd_size(args) -> int:
    """Per-word flash, largest first, against the chip's free space."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text
    target, text = _prepare(args)
    lst = _listing(args, target, text)
    img = lst.image
    console = Console(highlight=False)
    space = img.dictionary_space
    from rich.markup import escape
    console.print(f"{escape(args.file)} for {target.name}: {img.program_bytes} B of {space} B of "
                  f"dictionary flash used, [{'red' if img.free_flash < 0 else 'green'}]"
                  f"{img.free_flash} B free[/]  (flash {target.flash['size']} B: kernel "
                  f"{img.kernel.kernel_bytes} B, boot section "
                  f"{target.flash['size'] - img.kernel.boot_byte} B)")
    t = Table(show_edge=False, header_style="bold")
    t.add_column("word")
    t.add_column("from")
    t.add_column("bytes", justify="right")
    t.add_column("header", justify="right", style="dim")
    t.add_column("RAM", justify="right")
    t.add_column("% of dictionary", justify="right")
    t.add_column("")
    words = sorted(lst.words, key=lambda w: (-w.flash, w.name))
    biggest = max((w.flash for w in words), default=1) or 1
    for w in words:
        if not w.flash and not w.ram:
            continue
        where = w.what + (f", line {w.line}" if w.line else "")
        bar = "█" * max(1, round(24 * w.flash / biggest)) if w.flash else ""
        t.add_row(Text(w.name or "(data)"), Text(where, style="dim"), str(w.flash), str(w.header or ""),
                  str(w.ram or ""), f"{100 * w.flash / space:.1f}", Text(bar, style="cyan"))
    t.add_row("[bold]total", "", f"[bold]{img.program_bytes}",
              str(sum(w.header for w in lst.words)), f"[bold]{img.ram_used}",
              f"{100 * img.program_bytes / space:.1f}", "")
    console.print(t)
    console.print(f"RAM: {img.ram_used} B of {img.data_space} B of data space "
                  f"({img.free_ram} B free; the return stack grows into it)")
    return 0 if img.fits else 1


def add_verbs(sub) -> None:
    """Register explain, trace and size on the jlforth command's subparsers."""
    names = ", ".join(targets.names())
    sp = sub.add_parser("explain", help="each Julia line beside its Forth, flash bytes and cycles")
    sp.add_argument("file", help="PROG.jl")
    sp.add_argument("--target", default="atmega328p", help=f"chip ({names})")
    sp.add_argument("--portable", action="store_true",
                    help="plain Forth words only, as `jlforth compile --portable` prints")
    sp.add_argument("--html", metavar="OUT.html", help="also write one self-contained HTML page")
    sp.add_argument("--show", action="store_true", help="with --html: print the table too")
    sp.add_argument("--no-run", action="store_true", help="bytes only: do not measure cycles")
    sp.add_argument("--max-cycles", type=float, default=32_000_000,
                    help="stop main after this many cycles (default 32e6: 2 s at 16 MHz)")
    sp.set_defaults(func=cmd_explain)

    sp = sub.add_parser("trace", help="step through a call on the simulated board, word by word")
    sp.add_argument("file", help="PROG.jl")
    sp.add_argument("--call", required=True, metavar="'f(3)'", help="the call to trace")
    sp.add_argument("--target", default="atmega328p", help=f"chip ({names})")
    sp.add_argument("--portable", action="store_true",
                    help="plain Forth words only, as `jlforth compile --portable` prints")
    sp.add_argument("--max-steps", type=int, default=2000, help="stop after this many steps")
    sp.set_defaults(func=cmd_trace)

    sp = sub.add_parser("size", help="per-word flash, largest first, against the free space")
    sp.add_argument("file", help="PROG.jl")
    sp.add_argument("--target", default="atmega328p", help=f"chip ({names})")
    g = sp.add_mutually_exclusive_group()
    g.add_argument("--portable", action="store_true",
                   help="plain Forth words only, as `jlforth compile --portable` prints")
    g.add_argument("--size", action="store_true",
                   help="the words as bytecode, as `jlforth compile --size` makes them")
    sp.set_defaults(func=cmd_size)
