"""Every target names its simulator's cycle marker MARKER (the TOML's
[registers] table), so one Julia program times itself on every chip."""
from __future__ import annotations

import pytest

from jlforth import targets
from jlforth.backend import compile_source
from jlforth.sim.msp430 import MARKER_ADDR
from jlforth.teach.sim import marker_address


def test_marker_register_per_target():
    avr, msp = targets.get("atmega328p"), targets.get("msp430g2553")
    assert avr.registers["MARKER"] == avr.registers["GPIOR0"] == (0x3E, 8)
    assert msp.registers["MARKER"] == (MARKER_ADDR, 16) == (0x01FE, 16)
    assert marker_address(avr) == 0x3E and marker_address(msp) == 0x01FE


@pytest.mark.parametrize("target, store", [("atmega328p", "$3e ( MARKER ) c!"),
                                           ("msp430g2553", "$1fe ( MARKER ) !")])
def test_marker_write_compiles_to_one_store(target, store):
    # a 16-bit register on the MSP430 takes one word store: its peripherals
    # ignore a byte written to the odd address
    # (plain Forth: the native build lays the same store as one instruction)
    out = compile_source("MARKER[] = 0x01\nMARKER[] = 0x02\n", "m.jl", targets.get(target),
                         native=False)
    assert f"1 {store}" in out.text() and f"2 {store}" in out.text()
