"""Every benchmark program and its C twin print the same output on the simulated
chip (bench/run measures them; this only checks that they agree, and that both
print the result shared/BENCHMARKS.md defines)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import jlforth_side  # noqa: E402
import native  # noqa: E402

EXPECTED = {"fib": "6765", "gcd": "13870", "sieve": "303", "bubble": "29227296",
            "crc16": str(0x7E55), "isqrt": "20615", "mac32": "42415000", "collatz": "14167",
            "print": " ".join(str(i) for i in range(1, 101))}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_julia_program_and_c_twin_agree(name, tmp_path):
    c = native.run_avr(name, "Os", tmp_path)
    jl = jlforth_side.run("atmega328p", name)
    assert c.output == EXPECTED[name]
    assert jl.output == c.output
    assert c.cycles > 0 and jl.cycles > 0
