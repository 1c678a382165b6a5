"""Kernel budgets, read from the built ELF (forth_kernel/*/config.h sets them)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

REPO = Path(__file__).resolve().parents[1]


def elf_facts(path: Path) -> dict:
    with open(path, "rb") as f:
        elf = ELFFile(f)
        size = {s.name: s["sh_size"] for s in elf.iter_sections()}
        syms = {s.name: s["st_value"] for s in elf.get_section_by_name(".symtab").iter_symbols()}
    flash = size.get(".text", 0) + size.get(".data", 0) + size.get(".bootloader", 0)
    ram = size.get(".data", 0) + size.get(".bss", 0) + syms["jlf_stack_bytes"]
    return {"flash": flash, "ram": ram, **{k: v for k, v in syms.items() if k.startswith("jlf_")}}


def test_kernel_budget(target):
    facts = elf_facts(target.kernel_file(".elf"))
    print(f"\n{target.name}: kernel flash {facts['flash']} B (ceiling {facts['jlf_budget_flash']}, "
          f"asked {facts['jlf_target_flash']}), RAM {facts['ram']} B (budget {facts['jlf_budget_ram']})")
    assert facts["flash"] <= facts["jlf_budget_flash"]
    assert facts["ram"] <= facts["jlf_budget_ram"]
    assert facts["jlf_budget_ram"] == target.kernel["budget_ram"]


def test_word_table_is_current():
    r = subprocess.run([sys.executable, str(REPO / "tools" / "wordtable.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("name", ["atmega328p", "msp430g2553"])
def test_target_knows_the_kernels_data_stack(name):
    """The compiler's static stack checks and jl.?ds use the target's
    data_stack_cells: it must be the kernel's DS_CELLS."""
    import re as _re
    from jlforth import targets
    t = targets.get(name)
    cfg = (REPO / t.kernel["source"] / "config.h").read_text()
    cells = int(_re.search(r"#define\s+DS_CELLS\s+(\d+)", cfg).group(1))
    assert t.kernel["data_stack_cells"] == cells
