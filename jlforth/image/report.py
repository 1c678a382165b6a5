"""The size report (rich tables) and the flashing command for an image."""
from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Optional

from .build import Image

# Fuses the kernel needs (forth_kernel/README.md, "A real Uno"): the Uno's own
# high fuse (BOOTSZ = 256 words at 0x7E00, where the SPM writer sits; BOOTRST),
# the full-swing crystal and brown-out at 2.7 V.  A target may override them
# with a [flashing] fuses table.
FUSES = {"atmega328p": {"hfuse": 0xDE, "lfuse": 0xFF, "efuse": 0xFD}}
PARTS = {"atmega328p": "m328p"}


def avrdude_args(img_or_target, hex_path: Path, eep_path: Optional[Path],
                 programmer: str = "usbasp", port: Optional[str] = None,
                 fuses: bool = True, extra=()) -> list[str]:
    target = getattr(img_or_target, "target", img_or_target)
    tmpl = target.flashing.get("avrdude", "")
    m = re.search(r"-p\s+(\S+)", tmpl)
    part = m.group(1) if m else PARTS.get(target.name, target.name)
    args = ["avrdude", "-p", part, "-c", programmer]
    if port:
        args += ["-P", port]
    args += list(extra)
    args += ["-U", f"flash:w:{hex_path}:i"]
    if eep_path is not None:
        args += ["-U", f"eeprom:w:{eep_path}:i"]
    if fuses:
        f = target.flashing.get("fuses") or FUSES.get(target.name, {})
        for name in ("hfuse", "lfuse", "efuse"):
            if name in f:
                args += ["-U", f"{name}:w:{int(f[name]):#04X}:m".replace("0X", "0x")]
    return args


def flash_command(img, hex_path: Path, eep_path: Optional[Path], **kw) -> str:
    return shlex.join(avrdude_args(img, hex_path, eep_path, **kw))


def _pct(n: int, of: int) -> str:
    return f"{100 * n / of:.0f} %" if of else ""


def report(img: Image, title: str = "") -> list:
    """rich renderables: the memory table and the words table."""
    from rich.table import Table
    k = img.kernel
    t = img.target
    flash_total = t.flash["size"]
    boot_size = flash_total - k.boot_byte
    mem = Table(title=title or f"image for {t.name}", title_justify="left", show_edge=False)
    mem.add_column("", style="bold")
    mem.add_column("bytes", justify="right")
    mem.add_column("of", justify="right")
    mem.add_column("", justify="right")
    mem.add_row("flash", "", str(flash_total), "")
    mem.add_row("  kernel", str(k.kernel_bytes), "", _pct(k.kernel_bytes, flash_total))
    gap = k.flash_offset(k.dict_start) - k.kernel_bytes
    if gap:
        mem.add_row("  (to the page end)", str(gap), "", "")
    mem.add_row("  program", str(img.program_bytes), str(img.dictionary_space),
                _pct(img.program_bytes, img.dictionary_space))
    style = "red" if img.free_flash < 0 else "green"
    mem.add_row("  free", f"[{style}]{img.free_flash}[/]", "", _pct(img.free_flash, img.dictionary_space))
    mem.add_row(f"  {k.top_name}", str(k.boot_bytes), str(boot_size), "")
    ram_total = t.ram["size"]
    mem.add_row("RAM", "", str(ram_total), "")
    mem.add_row("  kernel state", str(k.ram_start - k.ram_kernel_start), "", "")
    mem.add_row("  program (HERE)", str(img.ram_used), str(img.data_space),
                _pct(img.ram_used, img.data_space))
    style = "red" if img.free_ram < 0 else "green"
    mem.add_row("  free", f"[{style}]{img.free_ram}[/]", "", _pct(img.free_ram, img.data_space))
    mem.add_row("  stacks, buffers", str(k.ram_end + 1 - k.here_limit), "", "")
    if t.arch == "msp430":        # the pointer record goes to info D, E! data to info B
        mem.add_row("info flash: pointers", str(len(img.eeprom_record)), "", "")
        mem.add_row("EEPROM (info B)", str(len(img.eeprom)), str(t.eeprom["size"]), "")
    else:
        ee_user = sum(1 for a in img.eeprom if a >= 16)
        mem.add_row("EEPROM", str(len(img.eeprom) - ee_user) + (f" + {ee_user}" if ee_user else ""),
                    str(t.eeprom["size"]), "")

    words = Table(title="program words", title_justify="left", show_edge=False)
    words.add_column("word")
    words.add_column("kind")
    words.add_column("flash", justify="right")
    words.add_column("header", justify="right")
    words.add_column("RAM", justify="right")
    words.add_column("", style="dim")
    for w in img.words:
        note = []
        if not w.header_bytes:
            note.append("headerless")
        if img.turnkey and w.start + w.header_bytes == img.turnkey:
            note.append("runs at reset")
        words.add_row(w.name, w.kind, str(w.bytes), str(w.header_bytes) if w.header_bytes else "-",
                      str(w.ram_bytes) if w.ram_bytes else "", ", ".join(note))
    words.add_row("[bold]total", "", f"[bold]{img.program_bytes}",
                  str(sum(w.header_bytes for w in img.words)), f"[bold]{img.ram_used}", "")
    return [mem, words]


def print_report(img: Image, console=None, title: str = "", words: bool = True) -> None:
    from rich.console import Console
    console = console or Console()
    parts = report(img, title)
    console.print(parts[0])
    if words and img.words:
        console.print()
        console.print(parts[1])
