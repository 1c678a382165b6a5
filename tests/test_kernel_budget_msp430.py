"""The MSP430G2553 kernel's budgets and word set, read from the built ELF
(forth_kernel/msp430/config.h sets the budgets; the kernel exports them as
jlf_* symbols)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "forth_kernel" / "msp430"
FLASH_START, TOP_SEGMENT, SEGMENT = 0xC000, 0xFE00, 512
RAM_START, RAM_END = 0x0200, 0x0400

sys.path.insert(0, str(REPO / "tools"))
import wordtable  # noqa: E402


@pytest.fixture(scope="module")
def elf():
    if not all(shutil.which(t) for t in ("clang", "ld.lld", "llvm-objcopy")):
        pytest.skip("clang/ld.lld/llvm-objcopy not installed (tools/setup installs them)")
    r = subprocess.run(["make", "-s", "-C", str(SRC)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    with open(SRC / "build" / "kernel.elf", "rb") as f:
        e = ELFFile(f)
        sections = {s.name: (s["sh_addr"], s["sh_size"]) for s in e.iter_sections()}
        symbols = {s.name: s["st_value"] for s in e.get_section_by_name(".symtab").iter_symbols()}
        image = {}
        for seg in e.iter_segments():
            if seg["p_type"] == "PT_LOAD" and seg["p_filesz"]:
                for i, b in enumerate(seg.data()):
                    image[seg["p_paddr"] + i] = b
    return sections, symbols, image


def test_flash_budget(elf):
    sections, sym, _ = elf
    dict_start = sym["__dict_start"]
    code = sum(sections[s][1] for s in (".text", ".data", ".top", ".vectors"))
    # what the kernel takes from the dictionary: up to dict_start, and the top segment
    footprint = dict_start - FLASH_START + (0x10000 - TOP_SEGMENT)
    print(f"\nmsp430g2553 kernel: {code} B of code and data, footprint {footprint} B "
          f"(ceiling {sym['jlf_budget_flash']}, asked {sym['jlf_target_flash']}), "
          f"dictionary {sym['jlf_dict_end'] - dict_start} B")
    assert dict_start % SEGMENT == 0 and sections[".top"][0] == TOP_SEGMENT
    assert sections[".text"][0] == FLASH_START
    assert footprint <= sym["jlf_budget_flash"]
    assert sym["jlf_target_flash"] == 8192
    # the dictionary must hold at least John Hayes' core test (tests/test_kernel_core.py)
    assert sym["jlf_dict_end"] - dict_start >= 4096


def test_ram_budget(elf):
    sections, sym, _ = elf
    static = sections[".data"][1] + sections[".bss"][1]
    ram = static + sym["jlf_stack_bytes"]
    print(f"\nmsp430g2553 kernel RAM: {static} B state + {sym['jlf_stack_bytes']} B stacks "
          f"= {ram} B (budget {sym['jlf_budget_ram']})")
    assert ram <= sym["jlf_budget_ram"] == 256
    assert sections[".bss"][0] + sections[".bss"][1] == sym["__bss_end"] <= sym["jlf_data_limit"]
    # data space, the transient buffers above HERE and the return stack's
    # reserve lie below the stacks
    assert sym["jlf_data_limit"] + 2 * sym["jlf_hold_size"] + sym["jlf_rs_reserve"] == sym["jlf_rs_top"]
    assert sym["jlf_s0"] == RAM_END - 2 and sym["jlf_ds_cells"] >= 16


def kernel_words(sym, image) -> dict:
    """name -> (xt, flags), walking the kernel's header chain."""
    def byte(a):
        return image[a]

    def cell(a):
        return image[a] | image[a + 1] << 8
    words = {}
    h = cell(sym["kernel_latest_hdr"])
    while h:
        n = byte(h + 2)
        name = bytes(byte(h + 3 + i) for i in range(n)).decode("latin-1")
        xt = h + 4 + n + (n & 1)
        assert 1 <= n <= 31 and name == name.lower() and xt % 2 == 0, name
        words.setdefault(name, (xt, byte(xt - 1)))
        h = cell(h)
    return words


def test_same_word_set_as_the_atmega328p(elf):
    _, sym, image = elf
    msp = kernel_words(sym, image)
    # ~vm, the bytecode interpreter, is uploaded on this chip (kernel.vm.fs)
    avr = {name: flags for name, _, _, flags in wordtable.words() if name != "~vm"}
    assert sorted(set(avr) - set(msp)) == []
    # compile-only and immediate as on the AVR ("inline" differs: on this chip
    # only constants carry it, since a direct-threaded reference is one cell)
    for name, flags in avr.items():
        f = msp[name][1]
        assert ("immediate" in flags) == (not f & 0x80), name
        assert ("compile-only" in flags) == (not f & 0x20), name


def test_kernel_words_are_kernel_addresses(elf):
    _, sym, image = elf
    for name, (xt, _) in kernel_words(sym, image).items():
        assert FLASH_START <= xt < sym["__dict_start"], name
