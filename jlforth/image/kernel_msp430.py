"""What the image builder knows about an MSP430G2553 kernel, read from its
build (forth_kernel/msp430/build: ELF symbols, bytes from the Intel HEX).

One address space: a Forth address is the CPU's address (no unified bit),
flash is 0xC000..0xFFFF.  The dictionary is ``__dict_start`` ..
``jlf_dict_end`` (0xFE00: the kernel's top part and the vectors follow);
the kernel's words come from its header chain (links are plain addresses);
the run-time routines the code generator lays down (``plit``, ``pbranch``,
``docol``, ``docon`` ...) by their assembler labels; RAM facts from the
``jlf_*`` symbols the kernel exports.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..targets import Target
from .kernel import Kernel, KernelError, _opt_symbol, _read_elf, read_words

OP_DOCOL = 0x1289          # call r9: a colon word's code field
OP_CALL = 0x12B0           # call #imm: a constant's or CREATEd word's code field

# run-time routines without headers (or with), by label: codegen.S lays them down
RUNTIME = ("docol", "docon", "docreate", "plit", "pexit", "pbranch", "pzbranch", "ploop",
           "pplusloop", "pleave", "plfetch", "plstore", "pldrop", "unloop")

DS_CELLS = 16              # config.h DS_CELLS
EE_SIZE = 64               # config.h EE_SIZE: info segment B


@dataclass
class Kernel430(Kernel):
    """An MSP430 kernel.  ``flash`` holds flash_start..0xFFFF."""
    flash_start: int = 0xC000
    log_addr: int = 0x1000           # info D: the log of the dictionary pointers
    ee_addr: int = 0x1080            # info B: E@ E! EC@ EC!
    ee_size: int = EE_SIZE
    ds_cells: int = DS_CELLS
    top_name: str = "kernel top part"

    def cfetch(self, a: int) -> int:
        a &= 0xFFFF
        return self.flash[a - self.flash_start] if a >= self.flash_start else 0xFF

    def fetch(self, a: int) -> int:
        return self.cfetch(a) | self.cfetch(a + 1) << 8

    def flash_offset(self, a: int) -> int:
        return (a & 0xFFFF) - self.flash_start

    def plain(self, a: int) -> int:
        return a & 0xFFFF

    def inline_code(self, xt: int) -> list[int]:
        raise KernelError("the MSP430 kernel copies no code inline")

    def docon_value(self, xt: int) -> Optional[int]:
        """The value of a constant (CALL #docon, value), else None."""
        if self.fetch(xt) == OP_CALL and self.fetch(xt + 2) == self.xts["docon"]:
            return self.fetch(xt + 4)
        return None

    def literal_of(self, name: str) -> int:
        v = self.docon_value(self.by_name[name].xt)
        if v is None:
            raise KernelError(f"{name!r} is not a constant (CALL #docon)")
        return v


def load(target: Target, elf: Path, hexfile: Path) -> Kernel430:
    from intelhex import IntelHex
    syms, secs, _ = _read_elf(elf)
    start = target.flash["start"]
    size = target.flash["size"]
    ih = IntelHex(str(hexfile))
    flash = bytearray(b"\xff" * size)
    for a in ih.addresses():
        if start <= a < start + size:
            flash[a - start] = ih[a]
    flash = bytes(flash)

    def sym(name):
        if name not in syms:
            raise KernelError(f"{elf}: no symbol {name!r} (an older or foreign kernel?)")
        return syms[name]

    from elftools.elf.elffile import ELFFile
    with open(elf, "rb") as f:               # the HEX must be this ELF's bytes
        e = ELFFile(f)
        for name in (".text", ".top", ".vectors"):
            s = e.get_section_by_name(name)
            if s is not None and s["sh_size"]:
                a = s["sh_addr"] - start
                if flash[a:a + s["sh_size"]] != s.data():
                    raise KernelError(f"{hexfile} does not match {elf} (rebuilt in between?); "
                                      "run make again")

    dict_start = sym("__dict_start")
    dict_end = _opt_symbol(syms, "jlf_dict_end", default=target.flash["boot_start"])
    top = secs.get(".top", (dict_end, 0))
    vec = secs.get(".vectors", (0xFFE0, 0))
    data = secs.get(".data", (0, 0))
    main_end = sym("__data_load") + data[1]       # .text, then .data's image
    last = max((a for a in ih.addresses() if start <= a < dict_end), default=start)
    if last >= dict_start:
        raise KernelError(f"{hexfile}: kernel bytes beyond the dictionary start {dict_start:#06x}")
    if any(a >= 0x10000 or a < start for a in ih.addresses()):
        raise KernelError(f"{hexfile}: bytes outside main flash (an image, not a kernel?)")

    k = Kernel430(target=target, elf_path=Path(elf), hex_path=Path(hexfile), flash=flash,
                  symbols=syms, kernel_bytes=main_end - start,
                  boot_byte=dict_end - start, boot_bytes=top[1] + vec[1],
                  dict_start=dict_start, dict_end=dict_end, kernel_latest=0,
                  ram_start=sym("__bss_end"), ram_kernel_start=sym("__data_start"),
                  s0=0, here_limit=0, ram_end=target.ram["end"], flash_start=start,
                  log_addr=target.flash.get("info_start", 0x1000),
                  ee_addr=_opt_symbol(syms, "jlf_ee_base", default=0x1080),
                  ee_size=target.eeprom.get("size", EE_SIZE))
    for label in RUNTIME:
        k.xts[label] = sym(label)
    k.kernel_latest = k.fetch(sym("kernel_latest_hdr"))

    read_words(k, sym, 0)
    if k.by_name.get("unloop") is None or k.by_name["unloop"].xt != k.xts["unloop"]:
        raise KernelError("kernel label unloop is not the word 'unloop'")
    k.codegen = syms.get("jlf_codegen", 1)
    k.folds = False
    k.begin_is_target = True
    k.s0 = sym("jlf_s0")
    k.stack_bytes = sym("jlf_stack_bytes")
    k.here_limit = sym("jlf_data_limit")
    k.base_addr = k.literal_of("base")
    k.state_addr = k.literal_of("state")
    if (k.base_addr, k.state_addr) != (sym("g_base"), sym("g_state")):
        raise KernelError("the kernel's BASE and STATE are not g_base and g_state")
    return k
