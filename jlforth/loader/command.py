"""``jlforth upload FILE.jl|FILE.fs``: the verb's body (cli.py only parses)."""
from __future__ import annotations

import sys
from pathlib import Path

from .link import LinkError
from .manifest import ManifestError
from .source import NoBackend, file_units
from .units import SourceError
from .upload import Loader, UploadError, UploadInterrupted


def _names(names, most=6) -> str:
    names = [n for n in names if n]
    if len(names) > most:
        return ", ".join(names[:most]) + f" and {len(names) - most} more"
    return ", ".join(names)


def summary(stats, total_units: int) -> str:
    if stats.units == 0:
        return f"nothing to upload: the target has all {total_units} units"
    how = {"full": "uploaded", "append": "uploaded", "rollback": "rolled back and uploaded"}
    verb = how.get(stats.mode, "uploaded")
    s = (f"{verb} {stats.units} of {total_units} units ({_names(stats.sent_names)}): "
         f"{stats.bytes} bytes in {stats.lines} lines, {stats.wall:.1f} s")
    if stats.kept:
        s += f"; {stats.kept} already on the target"
    return s


def cmd_upload(args, target, connect, CliError) -> int:
    path = Path(args.file)
    from ..errors import CompileError
    try:
        units = file_units(path, target)
    except CompileError as e:
        print(e.format(), file=sys.stderr)
        return 1
    except SourceError as e:
        raise CliError(str(e)) from None
    except NoBackend as e:
        raise CliError(str(e)) from None
    board, link = connect(args, target)
    quiet = getattr(args, "quiet", False)
    try:
        loader = Loader.for_target(link, target, quiet=quiet)
        mode = "clean" if getattr(args, "clean", False) else getattr(args, "mode", "auto")
        stats = loader.upload(units, mode=mode, label=path.name)
        if stats.removed and not quiet:
            print(f"removed from the target (after the last whole unit): {_names(stats.removed)}",
                  file=sys.stderr)
        if not quiet:
            print(summary(stats, len(units)))
        return 0
    except UploadError as e:
        print(e.describe(), file=sys.stderr)
        if e.unit is not None and not quiet:
            print(f"    {e.unit.text[:76]}", file=sys.stderr)
        print("the target's dictionary was rolled back to the last whole unit", file=sys.stderr)
        return 1
    except UploadInterrupted as e:
        raise CliError(f"upload interrupted: {e}\n"
                       "the units sent before the interruption are kept on the target; "
                       "run the upload again to resume") from None
    except (LinkError, ManifestError) as e:
        raise CliError(str(e)) from None
    finally:
        link.close()
        board.close()
