"""The ``build``, ``sim`` and ``flash`` verbs of the jlforth command."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from .. import targets


def _err(msg: str) -> int:
    print(f"jlforth: {msg}", file=sys.stderr)
    return 1


def _target(args):
    from ..cli import code_form
    try:
        return targets.get(args.target).with_code(code_form(args))
    except targets.UnknownTarget as e:
        raise SystemExit(_err(str(e)))


# ---- build -----------------------------------------------------------------------
def cmd_build(args) -> int:
    """Meta-compile PROG (.jl or .fs) with the kernel into one HEX (+ .eep.hex)."""
    from rich.console import Console
    from ..errors import CompileError
    from .build import build_file
    from .kernel import KernelError
    from .meta import BuildError
    from .report import flash_command, print_report
    target = _target(args)
    src = Path(args.file)
    out = Path(args.output) if args.output else src.with_suffix(".hex")
    if args.keep and not args.strip:
        return _err("--keep names the words --strip keeps; add --strip")
    if out.suffix != ".hex":
        return _err(f"{out}: the image is an Intel HEX file; name it *.hex")
    try:
        img = build_file(src, target, no_main=args.no_main, strip=args.strip,
                         keep=args.keep or (), check=False)
    except (CompileError, BuildError) as e:
        print(e.format(), file=sys.stderr)
        return 1
    except (KernelError, FileNotFoundError) as e:
        return _err(str(e))
    console = Console(stderr=False, highlight=False)
    for w in img.warnings:
        console.print(f"[yellow]{w}[/]")
    if img.output and not args.quiet:
        console.print("output while building: " + repr(img.output))
    if not args.quiet:
        print_report(img, console, title=f"{out.name}: {src.name} for {target.name}",
                     words=not args.no_words)
    if not img.fits:
        try:
            img.check_fits()
        except BuildError as e:
            print(e.format(), file=sys.stderr)
        return 1
    hexp, eep = img.write(out)
    if not args.quiet:
        console.print()
        tk = f"runs [bold]{img.turnkey_name}[/] at reset (ESC within 0.2 s gives the prompt)" \
            if img.turnkey else "boots to the prompt"
        console.print(f"wrote {hexp}" + (f" and {eep}" if eep else "") + f": {tk}")
        console.print("flash it with:")
        prog = args.programmer or _default_programmer(target)
        if target.arch == "msp430":
            from .image_msp430 import flash_command as msp_command
            cmd = msp_command(img, hexp, driver=prog)
        else:
            cmd = flash_command(img, hexp, eep, programmer=prog)
        console.print("  " + cmd, soft_wrap=True, highlight=False, markup=False)
        tgt = f" --target {target.name}" if target.name != "atmega328p" else ""
        console.print(f"or: jlforth flash {hexp}{tgt} --programmer {prog}"
                      f"   |   try it: jlforth sim {hexp}{tgt}", highlight=False, markup=False)
    return 0


# ---- flash -----------------------------------------------------------------------
def _default_programmer(target) -> str:
    return "rf2500" if target.arch == "msp430" else "usbasp"


def _flash_msp430(args, target, hexp: Path) -> int:
    """mspdebug: erase the info segments the image writes, then prog (main flash)."""
    import shlex
    from .image_msp430 import mspdebug_args
    if args.eeprom:
        return _err(f"{target.name}: the image holds its info flash (pointers, EEPROM) in the "
                    "HEX itself; there is no EEPROM file")
    extra = ["-d", args.port] if args.port else []
    extra += list(args.mspdebug_arg or ())
    try:
        cmd = mspdebug_args(target, hexp, args.programmer or _default_programmer(target),
                            extra=extra)
    except (ValueError, OSError) as e:
        return _err(f"{hexp}: not an Intel HEX file ({e})")
    print(shlex.join(cmd))
    if args.dry_run:
        return 0
    if not shutil.which("mspdebug"):
        return _err("mspdebug is not installed: apt install mspdebug (Debian, Ubuntu), "
                    "brew install mspdebug (macOS), or https://github.com/dlbeer/mspdebug; "
                    "then run the command above")
    return subprocess.call(cmd)


def cmd_flash(args) -> int:
    """Program a real chip: avrdude (image, EEPROM record, fuses) or mspdebug."""
    from .build import eep_path
    from .report import avrdude_args
    target = _target(args)
    hexp = Path(args.file)
    if not hexp.is_file():
        return _err(f"{hexp}: no such file")
    try:
        _check_image_hex(hexp, target)
    except ValueError as e:
        return _err(str(e))
    if target.arch == "msp430":
        return _flash_msp430(args, target, hexp)
    eep = Path(args.eeprom) if args.eeprom else eep_path(hexp)
    if not eep.is_file():
        if args.eeprom:
            return _err(f"{eep}: no such file")
        print(f"jlforth: warning: no {eep}: the kernel will not know the program's words "
              f"(build images with jlforth build)", file=sys.stderr)
        eep = None
    cmd = avrdude_args(target, hexp, eep, programmer=args.programmer or "usbasp", port=args.port,
                       fuses=not args.no_fuses, extra=args.avrdude_arg or ())
    import shlex
    print(shlex.join(cmd))
    if args.dry_run:
        return 0
    if not shutil.which("avrdude"):
        return _err("avrdude is not installed: apt install avrdude (Debian, Ubuntu), "
                    "brew install avrdude (macOS), or https://github.com/avrdudes/avrdude; "
                    "then run the command above")
    return subprocess.call(cmd)


# ---- sim -------------------------------------------------------------------------
def bridge(port, inp, out, *, escape: bool = False, duration: float = 0.0,
           idle: float = 1.0) -> int:
    """Connect the simulated UART to the terminal: every key goes to the chip as
    typed (Enter as CR, the kernel echoes); its output comes back as it is
    printed.  Ctrl-] leaves; Ctrl-C is sent on (it breaks the running word).
    With a pipe or file as input: send it, then leave once the chip has been
    quiet for `idle` seconds.  duration > 0: leave after that many seconds."""
    stop = threading.Event()
    last = [time.monotonic()]
    out_b = getattr(out, "buffer", out)

    def reader():
        while not stop.is_set():
            try:
                data = port.read(port.in_waiting or 1)
            except Exception:
                break
            if data:
                last[0] = time.monotonic()
                out_b.write(data.replace(b"\x15", b""))
                out_b.flush()
    port.write(b"\x1b" if escape else b"\n")     # the simulated CPU starts on the first byte
    th = threading.Thread(target=reader, daemon=True)
    th.start()
    t0 = time.monotonic()
    tty = hasattr(inp, "isatty") and inp.isatty()
    saved = None
    try:
        if tty:
            import termios
            import tty as ttym
            fd = inp.fileno()
            saved = termios.tcgetattr(fd)
            ttym.setraw(fd)
            import select
            while not (duration and time.monotonic() - t0 > duration):
                r, _, _ = select.select([fd], [], [], 0.1)
                if not r:
                    continue
                data = os.read(fd, 64)
                if not data or b"\x1d" in data:
                    break
                port.write(data.replace(b"\n", b"\r"))
        else:
            fd = inp.fileno() if hasattr(inp, "fileno") else None
            eof = False
            quiet = min(idle, 0.5)
            while not (duration and time.monotonic() - t0 > duration):
                if not eof and time.monotonic() - last[0] > quiet:
                    # one line at a time, once the chip is quiet: a byte that
                    # arrives while a word runs can be lost (the kernel holds one)
                    line = inp.readline()
                    if line:
                        data = line.encode("latin-1") if isinstance(line, str) else line
                        port.write(data.replace(b"\r", b"").replace(b"\n", b"\r"))
                        last[0] = time.monotonic()
                        continue
                    eof = True
                if not duration and time.monotonic() - last[0] > idle:
                    break
                time.sleep(0.05)
    finally:
        if saved is not None:
            import termios
            termios.tcsetattr(inp.fileno(), termios.TCSADRAIN, saved)
            out_b.write(b"\r\n")
        stop.set()
        th.join(1)
    return 0


def cmd_sim(args) -> int:
    """Boot an image on the simulated board and bridge the terminal."""
    import serial
    from ..board import BoardError
    from .build import eep_path
    target = _target(args)
    hexp = Path(args.file)
    if not hexp.is_file():
        return _err(f"{hexp}: no such file")
    eep = Path(args.eeprom) if args.eeprom else eep_path(hexp)
    sim = target.board.get("simulator")
    try:
        _check_image_hex(hexp, target)
        if sim == "msp430sim":
            if args.eeprom:
                return _err(f"{target.name}: the image holds its info flash in the HEX itself; "
                            "there is no EEPROM file")
            from ..board.msp430sim import Msp430SimBoard
            board = Msp430SimBoard(hexp, timeout=args.timeout, target_name=target.name)
        elif sim == "simavr":
            from ..board.simavr import SimavrBoard
            board = SimavrBoard(hexp, mcu=target.board["mcu"], freq=target.clock_hz,
                                reset_pc=target.board["reset_pc"],
                                eeprom=eep if eep.is_file() else None,
                                timeout=args.timeout, target_name=target.name)
        else:
            return _err(f"no image simulator for {target.name}")
    except (BoardError, FileNotFoundError, ValueError) as e:
        return _err(str(e))
    try:
        port = serial.serial_for_url(board.url, baudrate=target.baud, timeout=0.05)
        if sys.stdin.isatty():
            print(f"jlforth sim: {hexp} on a simulated {target.name}; Ctrl-] leaves",
                  file=sys.stderr)
        return bridge(port, sys.stdin, sys.stdout, escape=args.escape, duration=args.duration,
                      idle=args.idle)
    except KeyboardInterrupt:
        return 130
    finally:
        board.close()


def _image_fits(addrs, target) -> bool:
    """All of an image's bytes lie in the target's flash (or its info flash)."""
    start = target.flash.get("start", 0)
    end = start + target.flash["size"]
    info = target.flash.get("info_start")
    return bool(addrs) and all(start <= a < end or (info is not None and info <= a < info + 256)
                               for a in addrs)


def _check_image_hex(hexp: Path, target) -> None:
    """The HEX is an image for this chip; if not, say which chip it fits."""
    from intelhex import IntelHex, IntelHexError
    try:
        addrs = IntelHex(str(hexp)).addresses()
    except (IntelHexError, OSError, ValueError) as e:
        raise ValueError(f"{hexp}: not an Intel HEX file ({e})") from None
    if _image_fits(addrs, target):
        return
    others = [n for n in targets.names() if n != target.name and _image_fits(addrs, targets.get(n))]
    hint = (f"it looks like an image for the {others[0]}: add --target {others[0]}" if others
            else f"was it built with --target {target.name}?")
    start = target.flash.get("start", 0)
    raise ValueError(f"{hexp}: not an image for the {target.name} (bytes outside its flash "
                     f"{start:#06x}..{start + target.flash['size'] - 1:#06x}); {hint}")


def add_verbs(sub, common=None) -> None:
    """Register build, sim and flash on the jlforth command's subparsers."""
    sp = sub.add_parser("build", help="kernel + program in one Intel HEX image (+ .eep.hex)")
    sp.add_argument("file", help="PROG.jl or PROG.fs")
    sp.add_argument("-o", "--output", help="the image (default: PROG.hex); the EEPROM "
                                           "image goes beside it as PROG.eep.hex")
    sp.add_argument("--target", default="atmega328p", help=f"chip ({', '.join(targets.names())})")
    sp.add_argument("--no-main", action="store_true",
                    help="boot to the prompt (the words are there) instead of running main")
    sp.add_argument("--strip", action="store_true",
                    help="only the words reachable from main (and --keep), without their names")
    sp.add_argument("--keep", action="append", metavar="NAME",
                    help="with --strip: keep this word and its name (repeatable)")
    from ..cli import add_code_flags
    add_code_flags(sp)
    sp.add_argument("--programmer", default=None, help="avrdude programmer (default usbasp) "
                    "or mspdebug driver (default rf2500) for the printed command")
    sp.add_argument("--no-words", action="store_true", help="no per-word table")
    sp.add_argument("-q", "--quiet", action="store_true", help="only errors and warnings")
    sp.set_defaults(func=cmd_build)

    sp = sub.add_parser("sim", help="boot an image on the simulated board, bridge the terminal")
    sp.add_argument("file", help="prog.hex from jlforth build")
    sp.add_argument("--eeprom", help="EEPROM image (default: prog.eep.hex beside it)")
    sp.add_argument("--target", default="atmega328p", help=f"chip ({', '.join(targets.names())})")
    sp.add_argument("--escape", action="store_true",
                    help="send ESC at reset: skip the turnkey word, go to the prompt")
    sp.add_argument("--duration", type=float, default=0.0, help="leave after this many seconds")
    sp.add_argument("--idle", type=float, default=1.0,
                    help="input from a pipe: leave after this many quiet seconds at its end")
    sp.add_argument("--timeout", type=float, default=24 * 3600.0, help=argparse_suppress())
    sp.set_defaults(func=cmd_sim)

    sp = sub.add_parser("flash", help="program a chip: avrdude (image, EEPROM, fuses) or mspdebug (MSP430)")
    sp.add_argument("file", help="prog.hex from jlforth build")
    sp.add_argument("--programmer", "-c", default=None,
                    help="avrdude -c (default usbasp); for the MSP430 the mspdebug driver "
                         "(default rf2500)")
    sp.add_argument("--port", "-P", help="avrdude -P / mspdebug -d (programmer port)")
    sp.add_argument("--eeprom", help="EEPROM image (default: prog.eep.hex beside it)")
    sp.add_argument("--target", default="atmega328p", help=f"chip ({', '.join(targets.names())})")
    sp.add_argument("--no-fuses", action="store_true", help="leave the fuses alone")
    sp.add_argument("--avrdude-arg", action="append", metavar="ARG",
                    help="one more avrdude argument (repeatable), e.g. --avrdude-arg=-B10")
    sp.add_argument("--mspdebug-arg", action="append", metavar="ARG",
                    help="MSP430: one more mspdebug option before the commands (repeatable)")
    sp.add_argument("-n", "--dry-run", action="store_true", help="print the command only")
    sp.set_defaults(func=cmd_flash)


def argparse_suppress():
    import argparse
    return argparse.SUPPRESS
