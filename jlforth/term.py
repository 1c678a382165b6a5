"""``jlforth term``: the target's own Forth prompt in the user's terminal.

Lines are edited on the host (readline) and sent whole, one at a time, so
the kernel's one-line handshake is kept; Ctrl-C breaks a running word;
Ctrl-D or ``bye`` leaves.
"""
from __future__ import annotations

import sys

from .loader import ForthLink, LinkError


def terminal(link: ForthLink, banner: str = "", inp=None, out=None) -> int:
    inp = inp or sys.stdin
    out = out or sys.stdout
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    if banner:
        out.write(banner + "\n")
    interactive = inp.isatty()
    while True:
        try:
            line = input() if inp is sys.stdin else inp.readline()
            if inp is not sys.stdin and not line:
                raise EOFError
        except EOFError:
            out.write("\n")
            return 0
        except KeyboardInterrupt:
            out.write("\n")
            continue
        line = line.rstrip("\r\n")
        if line.strip().lower() == "bye":
            return 0
        try:
            r = link.send(line)
        except KeyboardInterrupt:
            link.interrupt()
            raw = link._read_answer(link.timeout)
            out.write(raw.decode("latin-1").replace("\x15", "") + "\n")
            continue
        except LinkError as e:
            out.write(f"jlforth: {e}\n")
            return 1
        if interactive:
            text = r.raw.decode("latin-1")[len(line) + 1:] if r.raw.startswith(line.encode("latin-1")) else r.raw.decode("latin-1")
        else:
            text = r.raw.decode("latin-1")
        out.write(text.replace("\x15", "").rstrip("\r\n") + "\n")
        out.flush()
