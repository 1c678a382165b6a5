"""An MSP430G2553 image: one Intel HEX with the kernel, the dictionary, the
record of the dictionary pointers in the kernel's log (info flash segment
D, 0x1000) and any EEPROM bytes (segment B, 0x1080); and the mspdebug
command that programs it."""
from __future__ import annotations

import shlex
from pathlib import Path
from typing import Optional

from .build import Image

DRIVER = "rf2500"            # the LaunchPad's own debugger (MSP-EXP430G2)
INFO_SEG = 64


class Image430(Image):
    """The same sizes and words as an AVR image; the files differ: the
    pointers live in info flash, so everything goes into one HEX."""

    def flash(self) -> bytes:
        k = self.kernel
        img = bytearray(k.flash)
        a = k.flash_offset(k.dict_start)
        img[a:a + len(self.dictionary)] = self.dictionary
        return bytes(img)

    def info(self) -> dict[int, int]:
        """address -> byte of info flash the image programs: the log record
        (segment D) and the EEPROM bytes (segment B)."""
        k = self.kernel
        out = {k.log_addr + i: b for i, b in enumerate(self.eeprom_record)}
        for a, b in self.eeprom.items():
            out[k.ee_addr + a] = b
        return out

    def flash_info(self) -> bytes:
        """Info flash 0x1000..0x10FF as the image leaves it (0xFF where it
        writes nothing; segment A, TI's calibration, is never written)."""
        k = self.kernel
        out = bytearray(b"\xff" * 4 * INFO_SEG)
        for a, b in self.info().items():
            out[a - k.log_addr] = b
        return bytes(out)

    def info_segments(self) -> list[int]:
        """Info segments to erase before programming: the log's two (an old
        log would outvote the image's record) and B when it has EEPROM data."""
        k = self.kernel
        segs = [k.log_addr, k.log_addr + INFO_SEG]
        if self.eeprom:
            segs.append(k.ee_addr)
        return segs

    def hex(self):
        from intelhex import IntelHex
        k = self.kernel
        ih = IntelHex(str(k.hex_path))
        data = self.dictionary
        if len(data) & 1:
            data += b"\xff"
        ih.puts(k.dict_start, data)
        for a, b in sorted(self.info().items()):
            ih[a] = b
        return ih

    def eeprom_bytes(self) -> bytes:
        e = bytearray(b"\xff" * self.kernel.ee_size)
        for a, b in self.eeprom.items():
            e[a] = b
        return bytes(e)

    def write(self, out: Path) -> tuple[Path, Optional[Path]]:
        """Write the one HEX file (there is no EEPROM file on this chip)."""
        out = Path(out)
        with open(out, "w") as f:
            self.hex().write_hex_file(f, write_start_addr=False)
        return out, None


def info_segments_of(hex_path: Path, target) -> list[int]:
    """The info segments to erase before programming a HEX file: always the
    pointer log's two (programming replaces the dictionary, so an old log
    would point into erased flash), and any other the file writes but A."""
    from intelhex import IntelHex
    lo = target.flash.get("info_start", 0x1000)
    segs = {lo, lo + INFO_SEG}
    for a in IntelHex(str(hex_path)).addresses():
        if lo <= a < lo + 4 * INFO_SEG:
            segs.add(a & ~(INFO_SEG - 1))
    segs.discard(lo + 3 * INFO_SEG)     # segment A: TI's calibration, never
    return sorted(segs)


def mspdebug_args(target, hex_path: Path, driver: Optional[str] = None,
                  segments: Optional[list[int]] = None, extra=()) -> list[str]:
    """mspdebug DRIVER "erase segment 0x1000" ... "prog FILE": prog erases
    main flash only, so the info segments the image writes are erased first."""
    if segments is None:
        segments = info_segments_of(hex_path, target)
    args = ["mspdebug", driver or DRIVER, *extra]
    args += [f"erase segment {s:#06x}" for s in segments]
    args.append(f"prog {hex_path}")
    return args


def flash_command(img, hex_path: Path, driver: Optional[str] = None) -> str:
    return shlex.join(mspdebug_args(img.target, hex_path, driver, img.info_segments()))
