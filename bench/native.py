"""Native baselines: each benchmark's C twin, built with the chip's C compiler at
-O2 and -Os, run on the same simulated chip, timed by the same markers.

ATmega328P: avr-gcc and avr-libc, run by simboard (simavr).  MSP430G2553:
clang/ld.lld (no C library: -ffreestanding, our startup, linker script and
EABI helpers in bench/native/, the kernel's mspabi.S), run in-process by the
Python simulator (jlforth.sim.msp430)."""
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


NATIVE = HERE / "native"
MSP430_KERNEL = HERE.parent / "forth_kernel" / "msp430"


def _msp430_runtime(work: Path) -> list[Path]:
    """Objects every MSP430 twin links: startup, the EABI helpers."""
    objs = []
    for src in (NATIVE / "msp430_crt0.S", NATIVE / "msp430_abi.S", MSP430_KERNEL / "mspabi.S"):
        obj = work / f"rt-{src.stem}.o"
        if not obj.exists():
            subprocess.run(["clang", "--target=msp430", "-mmcu=msp430g2553", "-c", str(src),
                            "-o", str(obj)], check=True)
        objs.append(obj)
    return objs


def build_msp430(name: str, opt: str, work: Path, baud: int) -> Path:
    src = PROGRAMS / f"{name}.c"
    obj, elf = work / f"{name}-{opt}.o", work / f"{name}-{opt}.elf"
    subprocess.run(["clang", "--target=msp430", "-mmcu=msp430g2553", f"-{opt}", "-ffreestanding",
                    f"-DBAUD={baud}L", "-I", str(PROGRAMS), "-c", str(src), "-o", str(obj)],
                   check=True)
    subprocess.run(["ld.lld", "-n", "-T", str(NATIVE / "msp430.ld"), str(obj),
                    *map(str, _msp430_runtime(work)), "-o", str(elf)], check=True)
    return elf


def run_msp430(name: str, opt: str, work: Path, max_cycles: int = 400_000_000) -> Run:
    from jlforth import targets
    from jlforth.sim.msp430 import Msp430Sim
    t = targets.get("msp430g2553")
    elf = build_msp430(name, opt, work, t.baud)
    hexf = elf.with_suffix(".hex")
    subprocess.run(["llvm-objcopy", "-O", "ihex", str(elf), str(hexf)], check=True)
    sim = Msp430Sim()
    sim.load_hex(str(hexf))
    state = sim.run(max_cycles=max_cycles)
    if state != "done":
        raise RuntimeError(f"{name} -{opt} on the MSP430 simulator: {state} "
                           f"{getattr(sim, 'error', '') or ''}")
    marks = {v: c for v, c in sim.markers}
    return Run(marks[2] - marks[1], _code_size(elf, bench_functions(PROGRAMS / f"{name}.c")),
               sim.output().decode("latin-1").strip())


RUNNERS = {"atmega328p": run_avr, "msp430g2553": run_msp430}


def native(target: str, name: str) -> dict[str, Run]:
    """{'O2': Run, 'Os': Run} for one benchmark on one chip."""
    with tempfile.TemporaryDirectory() as d:
        return {opt: RUNNERS[target](name, opt, Path(d)) for opt in ("O2", "Os")}
