"""Every benchmark program and its C twin print the same output on each
simulated chip (bench/run measures them; this only checks that they agree, and
that both print the result shared/BENCHMARKS.md defines); and the jlforth
side's on-target byte count agrees with the host image builder wherever the
builder supports the chip."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import jlforth_side  # noqa: E402
import native  # noqa: E402

# the printed results, from shared/BENCHMARKS.md
EXPECTED = {"fib": "6765", "gcd": "13870", "sieve": "303", "bubble": "29227296",
            "crc16": str(0x7E55), "isqrt": "20615", "mac32": "42415000", "collatz": "14167",
            "print": " ".join(str(i) for i in range(1, 101))}

TARGETS = ["atmega328p", "msp430g2553"]

# Programs whose RAM data the kernel cannot give: the MSP430G2553 kernel leaves
# 188 bytes of data space; sieve needs 254 (its 250-byte bit array), crc16 260.
DOES_NOT_FIT = {("msp430g2553", "sieve"), ("msp430g2553", "crc16")}


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("target", TARGETS)
def test_julia_program_and_c_twin_agree(target, name, tmp_path):
    c = native.RUNNERS[target](name, "Os", tmp_path)
    assert c.output == EXPECTED[name]
    if (target, name) in DOES_NOT_FIT:
        with pytest.raises(jlforth_side.DoesNotFit, match="dictionary full"):
            jlforth_side.run(target, name)
        return
    jl = jlforth_side.run(target, name)
    assert jl.output == c.output
    assert [v for v, _ in jl.markers] == [1, 2]       # one record per MARKER[] write
    assert c.cycles > 0 and jl.cycles > 0
    assert c.bytes > 0 and jl.bytes > 0


def test_msp430_twin_at_O2_too(tmp_path):
    # clang -O2 rewrites some loops (mac32: a closed form with a 64-bit
    # multiply, __mspabi_mpyll from bench/native/msp430_abi.S)
    for name in ("mac32", "gcd"):
        assert native.run_msp430(name, "O2", tmp_path).output == EXPECTED[name]


@pytest.mark.parametrize("target", TARGETS)
def test_on_target_bytes_agree_with_image_builder(target):
    from jlforth import targets
    from jlforth.image.build import build_file
    t = targets.get(target)
    src = BENCH / "programs" / "bubble.jl"
    try:
        img = build_file(src, t, check=False)
    except (KeyError, NotImplementedError) as e:      # the MSP430 builder: branch img430
        pytest.skip(f"the host image builder does not support {target} yet ({e!r})")
    jl = jlforth_side.run(target, "bubble")
    assert jl.words == {w.name: (w.header_bytes, w.code_bytes) for w in img.words}


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("target", TARGETS)
def test_size_form_prints_the_defined_result(target, name):
    """The benchmarks compiled with --size (bytecode for ~vm) print the result
    shared/BENCHMARKS.md defines, and their functions are smaller than the
    default code's."""
    if (target, name) in DOES_NOT_FIT:
        pytest.skip("its data does not fit the chip's RAM (see above)")
    small = jlforth_side.run(target, name, code="size")
    assert small.output == EXPECTED[name]
    assert [v for v, _ in small.markers] == [1, 2]
    fast = jlforth_side.run(target, name)
    assert 0 < small.bytes < fast.bytes
