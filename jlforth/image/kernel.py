"""What the image builder knows about a kernel: read from the kernel's own
build (ELF symbols via pyelftools, bytes from its Intel HEX), never
hard-coded.

* the dictionary starts at ``__data_load_end`` rounded up to a flash page and
  ends at the boot section (the ``.bootloader`` section's address);
* every kernel word (name, flags, xt) comes from the kernel's header chain,
  walked from the cell at ``kernel_latest_hdr``;
* the words the compiler itself lays down calls to (``(do)``, ``(s")`` ...)
  are found by their assembler labels, and cross-checked against the chain;
* RAM: ``__bss_end`` is where data space (HERE) starts; ``S0`` is read from
  the literal in the ``s0`` word; ``BASE`` and ``STATE`` likewise.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..targets import Target

UNIFIED = 0x8000           # Forth address of flash byte b: 0x8000 | b
OP_RET = 0x9508

F_IMMEDIATE = 0x80         # flags are active low: a clear bit sets the flag
F_INLINE = 0x40
F_COMPONLY = 0x20

# Kernel constants that are not (yet) ELF symbols.  Each is looked up as a
# symbol first (see _opt_symbol), so a kernel that exports them wins.
DS_CELLS = 24              # config.h DS_CELLS: the data stack
HOLD_SIZE = 34             # config.h HOLD_SIZE: pictured output above HERE
EE_MAGIC = 0x4A46          # config.h EE_MAGIC ("JF")
EE_BASE = 0                # config.h EE_BASE: the saved pointers
EE_USER = 16               # platform.c EE_USER: e! refuses addresses below

# labels of the kernel words the code generator refers to (arch.h XT(...))
LABELS = {
    "compilecomma": "compile,", "pdoes": "(does>)", "psquote": '(s")',
    "pdotquote": '(.")', "pabortq": '(abort")', "pmarker": "(marker)",
    "pdo": "(do)", "pqdo": "(?do)", "qrp": "?rp",
}
# the words a literal before them folds into (codegen.c fold_literal); kernels
# from before the folding lack these labels, and then nothing folds
FOLD_LABELS = {"plus": "+", "minus": "-", "and": "and", "or": "or", "fetch": "@",
               "cfetch": "c@", "store": "!", "cstore": "c!"}


class KernelError(Exception):
    """The kernel build is missing or inconsistent."""


@dataclass
class KernelWord:
    name: str               # as stored: lower case
    hdr: int                # unified address of the header
    xt: int                 # unified address of the code
    flags: int              # the raw flags byte (active low)

    @property
    def immediate(self) -> bool:
        return not self.flags & F_IMMEDIATE

    @property
    def inline(self) -> bool:
        return not self.flags & F_INLINE

    @property
    def compile_only(self) -> bool:
        return not self.flags & F_COMPONLY


@dataclass
class Kernel:
    """One kernel build.  Addresses are unified (flash = 0x8000 | byte)
    unless the name says ``byte``."""
    target: Target
    elf_path: Path
    hex_path: Path
    flash: bytes                     # the whole flash as the HEX loads it (0xFF elsewhere)
    symbols: dict[str, int]
    kernel_bytes: int                # .text + .data: flash 0 .. __data_load_end
    boot_byte: int                   # byte address of the boot section
    boot_bytes: int                  # bytes used in the boot section
    dict_start: int
    dict_end: int
    kernel_latest: int
    ram_start: int                   # __bss_end: HERE of an empty dictionary
    ram_kernel_start: int            # __data_start
    s0: int
    here_limit: int                  # ALLOT refuses beyond this (config.h DATA_LIMIT)
    ram_end: int
    words: list[KernelWord] = field(default_factory=list)      # newest first
    by_name: dict[str, KernelWord] = field(default_factory=dict)
    by_xt: dict[int, KernelWord] = field(default_factory=dict)
    xts: dict[str, int] = field(default_factory=dict)           # label -> xt
    base_addr: int = 0
    stack_bytes: int = 0             # data stack, guards, return-stack reserve
    folds: bool = False              # a literal folds into + - and or @ c@ ! c!
    codegen: int = 1                 # jlf_codegen: 2 = constants compile as literals
    begin_is_target: bool = False    # BEGIN counts as a branch target (no tail call)
    state_addr: int = 0
    top_name: str = "boot section"   # what follows the dictionary in flash

    # -- flash access (unified or byte addresses) ---------------------------
    def cfetch(self, a: int) -> int:
        return self.flash[a & 0x7FFF]

    def fetch(self, a: int) -> int:
        a &= 0x7FFF
        return self.flash[a] | self.flash[a + 1] << 8

    def inline_code(self, xt: int) -> list[int]:
        """The words an inline kernel word copies: its code up to the first RET."""
        out, a = [], xt
        while (w := self.fetch(a)) != OP_RET:
            out.append(w)
            a += 2
            if len(out) > 256:
                raise KernelError(f"inline word at {xt:#06x} has no RET")
        return out

    def literal_of(self, name: str) -> int:
        """The value a LITWORD (PUSHT; ldi r24; ldi r25; ret) pushes."""
        w = self.by_name[name]
        code = self.inline_code(w.xt)
        ldi = [c for c in code if c & 0xF000 == 0xE000]
        if len(ldi) != 2:
            raise KernelError(f"{name!r} is not a literal word")
        lo, hi = (((c >> 4) & 0xF0) | (c & 0x0F) for c in ldi)
        return lo | hi << 8

    def flash_offset(self, a: int) -> int:
        """Index into ``flash`` of a unified or byte address."""
        return a & 0x7FFF

    def plain(self, a: int) -> int:
        """The address as the chip's manuals write it (flash: the byte address)."""
        return a & 0x7FFF

    @property
    def fingerprint(self) -> str:
        return hashlib.sha1(self.flash[: self.kernel_bytes]).hexdigest()[:12]


def read_words(k, sym, bit: int) -> None:
    """Walk the kernel's header chain from k.kernel_latest into k.words,
    k.by_name and k.by_xt (links are plain byte addresses; ``bit`` is the
    flash bit of the chip's Forth addresses), then check the labels the
    compiler refers to name the right words."""
    h, seen = k.kernel_latest, set()
    while h & ~bit & 0xFFFF:
        if h in seen or len(seen) > 2000:
            raise KernelError("the kernel's header chain loops")
        seen.add(h)
        n = k.cfetch(h + 2)
        if not 1 <= n <= 31:
            raise KernelError(f"bad kernel header at {h:#06x} (name length {n})")
        name = bytes(k.cfetch(h + 3 + i) for i in range(n)).decode("latin-1")
        xt = (h + 4 + n + (n & 1)) | bit
        w = KernelWord(name, h | bit, xt, k.cfetch(xt - 1))
        k.words.append(w)
        k.by_name.setdefault(name, w)
        k.by_xt[xt] = w
        link = k.fetch(h)
        h = link | bit if link else 0
    for label, name in LABELS.items():
        xt = sym(label) | bit
        w = k.by_xt.get(xt)
        if w is None or w.name != name:
            raise KernelError(f"kernel label {label} ({xt:#06x}) is not the word {name!r}")
        k.xts[label] = xt


def _opt_symbol(symbols: dict, *names, default=None):
    for n in names:
        if n in symbols:
            return symbols[n]
    return default


def _read_elf(path: Path) -> tuple[dict[str, int], dict[str, tuple[int, int]], bytes]:
    from elftools.elf.elffile import ELFFile
    syms: dict[str, int] = {}
    secs: dict[str, tuple[int, int]] = {}
    with open(path, "rb") as f:
        elf = ELFFile(f)
        for s in elf.iter_sections():
            secs[s.name] = (s["sh_addr"], s["sh_size"])
        st = elf.get_section_by_name(".symtab")
        if st is None:
            raise KernelError(f"{path}: no symbol table")
        for s in st.iter_symbols():
            if s.name and not s.name.endswith((".c", ".o", ".S")):
                # globals win over locals of the same name
                if s.name not in syms or s["st_info"]["bind"] == "STB_GLOBAL":
                    syms[s.name] = s["st_value"]
        text = elf.get_section_by_name(".text")     # to check the HEX against
        code = text.data() if text is not None and text["sh_addr"] == 0 else b""
    return syms, secs, code


def load(target: Target, elf: Optional[Path] = None, hexfile: Optional[Path] = None) -> Kernel:
    """Read a target's kernel (by default the one Target.kernel_file finds)."""
    from intelhex import IntelHex
    elf = Path(elf) if elf else target.kernel_file(".elf")
    hexfile = Path(hexfile) if hexfile else elf.with_suffix(".hex")
    if not hexfile.is_file():
        hexfile = target.kernel_file(".hex")
    if target.arch == "msp430":
        from .kernel_msp430 import load as load_msp430
        return load_msp430(target, elf, hexfile)
    syms, secs, text = _read_elf(elf)
    flash_size = target.flash["size"]
    ih = IntelHex(str(hexfile))
    flash = bytearray(b"\xff" * flash_size)
    for a in ih.addresses():
        if a < flash_size:
            flash[a] = ih[a]
    flash = bytes(flash)

    def sym(name):
        if name not in syms:
            raise KernelError(f"{elf}: no symbol {name!r} (an older or foreign kernel?)")
        return syms[name]

    if flash[: len(text)] != text:
        raise KernelError(f"{hexfile} does not match {elf} (rebuilt in between?); run make again")

    page = target.flash["page"]
    load_end = sym("__data_load_end")
    boot = secs.get(".bootloader", (target.flash["boot_start"], 0))
    boot_byte, boot_bytes = boot
    dict_start = ((load_end + page - 1) & ~(page - 1)) | UNIFIED
    dict_end = boot_byte | UNIFIED
    last_kernel_byte = max((a for a in ih.addresses() if a < boot_byte), default=0)
    if (last_kernel_byte | UNIFIED) >= dict_start:
        raise KernelError(f"{hexfile}: kernel bytes beyond the dictionary start {dict_start:#06x}")

    k = Kernel(target=target, elf_path=elf, hex_path=hexfile, flash=flash, symbols=syms,
               kernel_bytes=load_end, boot_byte=boot_byte, boot_bytes=boot_bytes,
               dict_start=dict_start, dict_end=dict_end, kernel_latest=0,
               ram_start=sym("__bss_end") & 0xFFFF,
               ram_kernel_start=_opt_symbol(syms, "__data_start", default=0x800100) & 0xFFFF,
               s0=0, here_limit=0, ram_end=target.ram["end"])
    k.kernel_latest = k.fetch(sym("kernel_latest_hdr")) | UNIFIED

    read_words(k, sym, UNIFIED)
    # codegen.c features, told apart by their statics and functions
    k.folds = "last_lit" in syms
    k.begin_is_target = "cg_begin" in syms
    k.codegen = syms.get("jlf_codegen", 1)
    for label, name in FOLD_LABELS.items():
        k.xts[label] = -1
        if k.folds:
            xt = sym(label) | UNIFIED
            if k.by_xt.get(xt) is None or k.by_xt[xt].name != name:
                raise KernelError(f"kernel label {label} ({xt:#06x}) is not the word {name!r}")
            k.xts[label] = xt

    k.s0 = _opt_symbol(syms, "jlf_s0", default=None) or k.literal_of("s0")
    k.stack_bytes = _opt_symbol(syms, "jlf_stack_bytes", default=2 * DS_CELLS + 8 + 64)
    # ALLOT's limit (config.h DATA_LIMIT): exported as jlf_data_limit by newer
    # kernels; else what the stacks and the transient buffers above HERE leave
    k.here_limit = _opt_symbol(syms, "jlf_data_limit", default=None) or (
        k.ram_end + 1 - k.stack_bytes - 2 * _opt_symbol(syms, "jlf_hold_size", default=HOLD_SIZE))
    k.base_addr = k.literal_of("base")
    k.state_addr = k.literal_of("state")
    return k


_cache: dict[tuple, Kernel] = {}


def get(target: Target) -> Kernel:
    """The target's kernel, read once per build of it."""
    elf = target.kernel_file(".elf")
    hx = elf.with_suffix(".hex") if elf.with_suffix(".hex").is_file() else target.kernel_file(".hex")
    key = (target.name, str(elf), elf.stat().st_mtime_ns, str(hx), hx.stat().st_mtime_ns)
    k = _cache.get(key)
    if k is None:
        k = _cache[key] = load(target, elf, hx)
    return k
