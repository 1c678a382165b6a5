"""Kernel + program = one image: the build, --strip, the size check and the
files (``prog.hex`` with kernel and dictionary, ``prog.eep.hex`` with the
EEPROM record that makes the kernel take the dictionary at reset)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..targets import Target
from . import kernel as kmod
from .kernel import Kernel
from .meta import BuildError, Def, MetaCompiler


class ImageTooLarge(BuildError):
    """The program does not fit the chip; the message has the numbers."""


@dataclass
class WordInfo:
    name: str
    kind: str
    start: int                  # unified address of its first byte
    header_bytes: int           # 0: headerless (--strip)
    code_bytes: int             # code and any data laid down after it (f, fc,)
    ram_bytes: int
    line: int

    @property
    def bytes(self) -> int:
        return self.header_bytes + self.code_bytes


@dataclass
class Image:
    kernel: Kernel
    dictionary: bytes           # flash from dict_start up to FHERE
    fhere: int
    latest: int
    here: int
    turnkey: int
    turnkey_name: Optional[str]
    eeprom: dict                # address -> byte: the record (+ any build-time e! / ec!)
    eeprom_record: bytes
    words: list[WordInfo]
    warnings: list[str] = field(default_factory=list)
    output: str = ""            # what words printed while the image was built
    stripped: bool = False
    dict_overflow: bool = False
    ram_overflow: bool = False
    source: str = ""

    # ---- sizes --------------------------------------------------------------
    @property
    def target(self) -> Target:
        return self.kernel.target

    @property
    def program_bytes(self) -> int:
        return self.fhere - self.kernel.dict_start

    @property
    def dictionary_space(self) -> int:
        return self.kernel.dict_end - self.kernel.dict_start

    @property
    def free_flash(self) -> int:
        return self.kernel.dict_end - self.fhere

    @property
    def ram_used(self) -> int:
        return self.here - self.kernel.ram_start

    @property
    def data_space(self) -> int:
        return self.kernel.here_limit - self.kernel.ram_start

    @property
    def free_ram(self) -> int:
        return self.kernel.here_limit - self.here

    @property
    def fits(self) -> bool:
        return not self.dict_overflow and not self.ram_overflow and self.free_flash >= 0 \
            and self.free_ram >= 0

    def check_fits(self) -> None:
        k = self.kernel
        msgs = []
        if self.dict_overflow or self.free_flash < 0:
            msgs.append(
                f"the program needs {self.program_bytes} bytes of flash but the dictionary has "
                f"{self.dictionary_space} ({k.plain(k.dict_start):#06x}..{k.plain(k.dict_end):#06x}: "
                f"{k.target.flash['size']} bytes of flash, kernel {k.kernel_bytes}, "
                f"{k.top_name} {k.target.flash['size'] - k.boot_byte}); "
                f"{-self.free_flash} bytes too many")
        if self.ram_overflow or self.free_ram < 0:
            msgs.append(
                f"the program needs {self.ram_used} bytes of RAM but data space has "
                f"{self.data_space} ({k.ram_start:#06x}..{k.here_limit:#06x}: "
                f"{k.target.ram['size']} bytes of RAM, kernel state "
                f"{k.ram_start - k.ram_kernel_start}, stacks and buffers "
                f"{k.ram_end + 1 - k.here_limit}); {-self.free_ram} bytes too many")
        if msgs:
            raise ImageTooLarge("does not fit the " + k.target.name + ": " + "; ".join(msgs),
                                self.source)

    # ---- files --------------------------------------------------------------
    def flash(self) -> bytes:
        """The whole flash as the chip holds it after programming (0xFF where erased).
        Beyond FHERE the dictionary page is 0xFF, as the chip writes whole pages."""
        k = self.kernel
        img = bytearray(k.flash)
        a = k.flash_offset(k.dict_start)
        img[a:a + len(self.dictionary)] = self.dictionary
        return bytes(img)

    def hex(self):
        from intelhex import IntelHex
        k = self.kernel
        ih = IntelHex(str(k.hex_path))
        for a in list(ih.addresses()):
            if a >= k.target.flash["size"]:       # flash only: EEPROM goes beside
                del ih[a]
        page = k.target.flash["page"]
        start = k.dict_start & 0x7FFF
        end = start + len(self.dictionary)
        end = (end + page - 1) // page * page
        data = self.dictionary + b"\xff" * (end - start - len(self.dictionary))
        ih.puts(start, data)
        return ih

    def eep_hex(self):
        from intelhex import IntelHex
        ih = IntelHex()
        for a, b in sorted(self.eeprom.items()):
            ih[a] = b
        return ih

    def eeprom_bytes(self) -> bytes:
        size = self.kernel.target.eeprom["size"]
        e = bytearray(b"\xff" * size)
        for a, b in self.eeprom.items():
            e[a] = b
        return bytes(e)

    def write(self, out: Path) -> tuple[Path, Path]:
        """Write out (the flash HEX) and the EEPROM HEX beside it (.eep.hex)."""
        out = Path(out)
        eep = eep_path(out)
        with open(out, "w") as f:
            self.hex().write_hex_file(f, write_start_addr=False)
        with open(eep, "w") as f:
            self.eep_hex().write_hex_file(f, write_start_addr=False)
        return out, eep


def eep_path(hex_path: Path) -> Path:
    """prog.hex -> prog.eep.hex"""
    hex_path = Path(hex_path)
    stem = hex_path.name[:-4] if hex_path.name.endswith(".hex") else hex_path.name
    return hex_path.with_name(stem + ".eep.hex")


# ---- source handling ---------------------------------------------------------
def forth_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) as `jlforth run` sends them: tabs become blanks,
    trailing blanks go, blank lines are not sent."""
    return [(n, l.replace("\t", " ").rstrip()) for n, l in enumerate(text.splitlines(), 1)
            if l.strip()]


def _classes(k: Kernel):
    """The meta-compiler and image classes for the kernel's chip."""
    if k.target.arch == "msp430":
        from .image_msp430 import Image430
        from .meta_msp430 import MetaCompiler430
        return MetaCompiler430, Image430
    return MetaCompiler, Image


def _compile(k: Kernel, lines, path: str, plan=None) -> MetaCompiler:
    m = _classes(k)[0](k, plan)
    m.compile_lines(lines, path)
    return m


def strip_plan(m: MetaCompiler, roots: Sequence[Def], named: Sequence[Def]) -> dict[int, str]:
    """Which words the stripped image keeps: reachable from the roots through
    calls, jumps (DOES>), literals and f, cells that are some word's xt;
    `named` keep their header, the others are laid down headerless."""
    by_xt = {d.xt: d for d in m.all_defs}
    real = sorted((d for d in m.all_defs if not d.ghost), key=lambda d: d.xt)

    def containing(addr):
        best = None
        for d in real:
            if d.xt <= addr:
                best = d
        return best

    seen: set[int] = set()
    todo = list(roots)
    while todo:
        d = todo.pop()
        if d is None or d.ordinal in seen:
            continue
        seen.add(d.ordinal)
        for o in d.ops:
            kind = o[1]
            if kind == "call":
                todo.append(by_xt.get(o[2]))
            elif kind == "lit":
                todo.append(by_xt.get(o[2]))
            elif kind == "jump":
                todo.append(containing(o[2]))
        for v in d.data_refs:
            todo.append(by_xt.get(v))
    keep = {d.ordinal for d in named}
    return {d.ordinal: ("full" if d.ordinal in keep else "bare" if d.ordinal in seen else "ghost")
            for d in m.all_defs}


def _words(m: MetaCompiler) -> list[WordInfo]:
    real = sorted((d for d in m.defs if not d.ghost), key=lambda d: d.start)
    out = []
    for i, d in enumerate(real):
        end = real[i + 1].start if i + 1 < len(real) else m.fh["real"]
        hb = d.xt - d.hdr if d.hdr is not None else 0
        out.append(WordInfo(d.name, d.kind, d.start, hb, end - d.start - hb, d.ram, d.line))
    return out


def build_lines(lines: Iterable[tuple[int, str]], target: Target, *, path: str = "<source>",
                no_main: bool = False, strip: bool = False, keep: Sequence[str] = (),
                main: str = "main", kernel: Optional[Kernel] = None,
                check: bool = True) -> Image:
    """Meta-compile Forth source lines for target; returns the Image.

    The turnkey word is `main` when the program defines one (and did not set
    a turnkey itself), none with no_main.  strip keeps only the words reachable
    from main, the turnkey word and `keep`; of those only main and `keep` keep
    their names.  check: raise ImageTooLarge when it does not fit."""
    k = kernel or kmod.get(target)
    lines = list(lines)
    m = _compile(k, lines, path)
    plan = None
    if strip:
        named = []
        for name in keep:
            d = m.find(name.encode("latin-1"))
            if not isinstance(d, Def):
                raise BuildError(f"--keep {name}: no such word in the program", path)
            named.append(d)
        roots = list(named)
        md = m.find(main.encode())
        if isinstance(md, Def):
            roots.append(md)
            named.append(md)
        if m.turnkey and not no_main:
            roots.append(m.by_xt_def.get(m.turnkey))
        plan = strip_plan(m, roots, named)
        first = m
        m = _compile(k, lines, path, plan)
        if [d.name for d in m.all_defs] != [d.name for d in first.all_defs]:
            raise BuildError("the program defines different words on a second pass; "
                             "--strip needs a program that builds the same way twice", path)
    md = m.find(main.encode())
    tk_name = None
    if no_main:
        m.turnkey = 0
    elif not m.turnkey and isinstance(md, Def):
        m.turnkey = md.xt
    if m.turnkey:
        d = m.by_xt_def.get(m.turnkey)
        tk_name = d.name if d else (k.by_xt[m.turnkey].name if m.turnkey in k.by_xt else
                                    f"{m.turnkey:#06x}")
    img = _classes(k)[1](kernel=k, dictionary=m.dictionary_bytes(), fhere=m.fh["real"], latest=m.latest,
                here=m.here, turnkey=m.turnkey, turnkey_name=tk_name, eeprom=m.eeprom_image(),
                eeprom_record=m.eeprom_record(), words=_words(m), warnings=m.warnings,
                output="".join(m.output), stripped=strip, dict_overflow=m.overflow,
                ram_overflow=m.overflow_ram, source=path)
    if check:
        img.check_fits()
    return img


def build_forth(text: str, target: Target, *, path: str = "<source>", **kw) -> Image:
    return build_lines(forth_lines(text), target, path=path, **kw)


def build_file(path: Path, target: Target, **kw) -> Image:
    """A .fs file, or a .jl file through the Julia backend."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise BuildError(f"cannot read: {e}", str(path)) from None
    if path.suffix == ".jl":
        from .julia import julia_to_forth
        lines, entry = julia_to_forth(path, text, target)
        kw.setdefault("main", entry)
        return build_lines(lines, target, path=str(path), **kw)
    return build_forth(text, target, path=str(path), **kw)
