"""Cycle counts of the MSP430 simulator against the MSP430x2xx Family User's
Guide (SLAU144), tables "Format-II (single operand) instruction cycles and
lengths" and "Format-I (double operand) instruction cycles and lengths",
plus jumps (2), RETI (5) and interrupt acceptance (6).

The expected numbers are typed in from those tables (most examples are the
table's own); they are not taken from the simulator.  Constant-generator
operands (#0, #1, #2, #4, #8, #-1) count as register operands.
"""
from __future__ import annotations

import pytest

from jlforth.sim.msp430 import Msp430Sim
from jlforth.sim.msp430 import regs as r
from jlforth.sim.msp430.asm import assemble

EDE, TONI = 0x0320, 0x0340
EQU = {"EDE": EDE, "TONI": TONI}

# (instruction, cycles, length in words)
FORMAT_I = [
    # src Rn
    ("mov r5, r8", 1, 1),
    ("br r9", 2, 1),                    # Rn -> PC
    ("add r5, 4(r6)", 4, 2),
    ("xor r8, EDE", 4, 2),
    ("mov r5, &EDE", 4, 2),
    # src @Rn
    ("and @r4, r5", 2, 1),
    ("br @r8", 2, 1),
    ("xor @r5, 8(r6)", 5, 2),
    ("mov @r5, EDE", 5, 2),
    ("xor @r5, &EDE", 5, 2),
    # src @Rn+
    ("add @r5+, r6", 2, 1),
    ("br @r9+", 3, 1),
    ("xor @r5+, 8(r6)", 5, 2),
    ("mov @r9+, EDE", 5, 2),
    ("mov @r9+, &EDE", 5, 2),
    # src #N
    ("mov #20, r9", 2, 2),
    ("br #0xC100", 3, 2),
    ("mov #0x0300, 0(sp)", 5, 3),
    ("add #33, EDE", 5, 3),
    ("add #33, &EDE", 5, 3),
    # src x(Rn)
    ("mov 2(r5), r7", 3, 2),
    ("br 2(r6)", 3, 2),
    ("mov 4(r7), TONI", 6, 3),
    ("add 4(r4), 6(r9)", 6, 3),
    ("mov 2(r4), &TONI", 6, 3),
    # src EDE (symbolic)
    ("and EDE, r6", 3, 2),
    ("br EDE", 3, 2),
    ("cmp EDE, TONI", 6, 3),
    ("mov EDE, 0(sp)", 6, 3),
    ("mov EDE, &TONI", 6, 3),
    # src &EDE (absolute)
    ("mov &EDE, r8", 3, 2),
    ("br &EDE", 3, 2),
    ("mov &EDE, TONI", 6, 3),
    ("mov &EDE, 0(sp)", 6, 3),
    ("mov &EDE, &TONI", 6, 3),
    # constant generator sources behave like Rn
    ("mov #0, r5", 1, 1),
    ("add #1, r5", 1, 1),
    ("sub #2, r5", 1, 1),
    ("bis #4, r5", 1, 1),
    ("bic #8, r5", 1, 1),
    ("xor #-1, r5", 1, 1),
    ("add #1, 2(r5)", 4, 2),
    ("mov #0, &EDE", 4, 2),
    ("bis #8, sr", 1, 1),               # eint
    ("mov #0, r3", 1, 1),               # nop
    ("mov.b #-1, r5", 1, 1),
    # byte forms take as long as word forms
    ("mov.b @r5+, r6", 2, 1),
    ("add.b #0x12, 3(r4)", 5, 3),
]

FORMAT_II = [
    # (instruction, cycles, length): RRA, RRC, SWPB, SXT | PUSH | CALL
    ("rra r5", 1, 1), ("rrc @r5", 3, 1), ("swpb @r5+", 3, 1),
    ("sxt 2(r5)", 4, 2), ("rrc EDE", 4, 2), ("rra &EDE", 4, 2),
    ("rrc.b r5", 1, 1), ("rra.b @r4+", 3, 1),
    ("push r5", 3, 1), ("push @r5", 4, 1), ("push @r5+", 5, 1), ("push #0x1234", 4, 2),
    ("push 2(r5)", 5, 2), ("push EDE", 5, 2), ("push &EDE", 5, 2), ("push.b r5", 3, 1),
    ("call r8", 4, 1), ("call @r8", 4, 1), ("call @r8+", 5, 1), ("call #0xC100", 5, 2),
    ("call 2(r8)", 5, 2), ("call EDE", 5, 2), ("call &EDE", 5, 2),
]

JUMPS = ["jmp $+8", "jne $+8", "jeq $+8", "jnc $+8", "jc $+8", "jn $+8", "jge $+8", "jl $+8"]


def run_one(text, **regs):
    code, _ = assemble(f".word 0\n{text.replace('$', '0xC002')}".replace("EDE", str(EDE))
                       .replace("TONI", str(TONI)), 0xC000)
    sim = Msp430Sim()
    sim.load_bytes(0xC000, code)
    sim.load_bytes(0xFFFE, b"\x02\xc0", reset=True)
    sim.wdt.write(r.WDTCTL, 0x5A80, 2)
    for i in range(4, 16):
        sim.R[i] = 0x0300 + 8 * (i - 4)     # valid RAM pointers
    sim.R[1] = 0x03F0
    for k, v in regs.items():
        sim.R[int(k[1:])] = v
    c0 = sim.cycles
    sim.step()
    return sim.cycles - c0, sim.R[0]


@pytest.mark.parametrize("text,cycles,length", FORMAT_I + FORMAT_II, ids=lambda x: str(x))
def test_instruction_cycles(text, cycles, length):
    got, pc = run_one(text)
    assert got == cycles
    writes_pc = text.startswith(("br", "call"))
    if not writes_pc:
        assert pc == 0xC002 + 2 * length


@pytest.mark.parametrize("text", JUMPS)
@pytest.mark.parametrize("sr", [0, 0x107])
def test_jumps_take_two_cycles_taken_or_not(text, sr):
    got, _ = run_one(text, r2=sr)
    assert got == 2


def test_reti_and_interrupt_acceptance():
    # RETI: 5 cycles
    sim = Msp430Sim()
    sim.load_bytes(0xC000, assemble("reti")[0])
    sim.load_bytes(0xFFFE, b"\x00\xc0", reset=True)
    sim.R[1] = 0x03F0
    sim.load_bytes(0x03F0, b"\x00\x00\x00\xc1")
    c0 = sim.cycles
    sim.step()
    assert sim.cycles - c0 == 5 and sim.R[0] == 0xC100
    # interrupt acceptance: 6 cycles from the end of the instruction to the
    # first instruction of the handler
    sim = Msp430Sim()
    sim.load_bytes(0xC000, assemble("""
        mov #0x5A80, &0x0120
        mov #0x3F0, sp
        bis.b #1, &0x0025
        bis.b #1, &0x0023
        eint
        nop
        nop
    """)[0])
    sim.load_bytes(0xC100, assemble("mov #1, &0x01FE", 0xC100)[0])
    sim.load_bytes(0xFFE4, b"\x00\xc1")
    sim.load_bytes(0xFFFE, b"\x00\xc0", reset=True)
    sim.run(max_cycles=5 + 2 + 4 + 4 + 1 + 1 + 6 + 1)
    assert sim.markers == [(1, 5 + 2 + 4 + 4 + 1 + 1 + 6)]
