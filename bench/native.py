"""Native baselines: each benchmark's C twin, built with the chip's C compiler at
-O2 and -Os, run on the same simulated chip, timed by the same markers."""
from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from elftools.elf.elffile import ELFFile

from jlforth.board.simavr import find_simboard

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"


@dataclass
class Run:
    cycles: int          # between the two marker writes
    bytes: int           # the benchmark's own code (section .text.bench)
    output: str


def bench_functions(src: Path) -> list[str]:
    """The functions a C twin marks BENCH: the code that is compared."""
    return re.findall(r"^BENCH\s+[\w\s\*]*?\b(\w+)\s*\(", src.read_text(), re.M)


def _code_size(elf: Path, functions: list[str]) -> int:
    with open(elf, "rb") as f:
        syms = ELFFile(f).get_section_by_name(".symtab")
        return sum(s["st_size"] for s in syms.iter_symbols()
                   if s.name in functions and s["st_info"]["type"] == "STT_FUNC")


def _cycles(markers: str) -> int:
    marks = {int(v): int(c) for v, c in re.findall(r"MARK (\d+) (\d+)", markers)}
    return marks[2] - marks[1]


def run_avr(name: str, opt: str, work: Path) -> Run:
    src = PROGRAMS / f"{name}.c"
    elf, hexf, mk = (work / f"{name}-{opt}{s}" for s in (".elf", ".hex", ".marks"))
    subprocess.run(["avr-gcc", "-mmcu=atmega328p", f"-{opt}", "-I", str(PROGRAMS),
                    "-o", str(elf), str(src)], check=True)
    subprocess.run(["avr-objcopy", "-O", "ihex", "-R", ".eeprom", str(elf), str(hexf)], check=True)
    r = subprocess.run([str(find_simboard()), "--stdio", "--reset-pc", "0", "--no-wait-first-byte",
                        "--markers", str(mk), "--timeout", "120", str(hexf)],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=150)
    return Run(_cycles(mk.read_text()), _code_size(elf, bench_functions(src)), r.stdout.strip())


RUNNERS = {"atmega328p": run_avr}


def native(target: str, name: str) -> dict[str, Run]:
    """{'O2': Run, 'Os': Run} for one benchmark on one chip."""
    with tempfile.TemporaryDirectory() as d:
        return {opt: RUNNERS[target](name, opt, Path(d)) for opt in ("O2", "Os")}
