"""Simulated MSP430G2553: in-process API, UART, markers, flash controller,
watchdog, Timer_A, resets, LPM sleep/wake."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from jlforth.sim.msp430 import MARKER_ADDR, Msp430Sim
from jlforth.sim.msp430 import regs as r
from jlforth.sim.msp430.asm import assemble

REPO = Path(__file__).resolve().parents[1]
TOOLS = REPO / "tools" / "msp430"


def _load_build():
    spec = importlib.util.spec_from_file_location("msp430_build", TOOLS / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def fw(tmp_path_factory):
    """Test firmware (tools/msp430/*.S) built with clang/ld.lld: name -> hex path."""
    build = _load_build()
    if not build.have_toolchain():
        pytest.skip("clang/ld.lld/llvm-objcopy not installed")
    out = tmp_path_factory.mktemp("msp430fw")
    return {name: build.build(name, str(out)) for name in build.all_names()}


def program(src, **kw):
    """A simulator running ``src`` (assembled at 0xC000, reset vector set)."""
    code, labels = assemble(src, 0xC000)
    sim = Msp430Sim(**kw)
    sim.load_bytes(0xC000, code)
    vectors = {0xFFFE: labels.get('reset', 0xC000)}
    for name, addr in labels.items():
        if name.startswith('vec_'):
            vectors[int(name[4:], 16)] = addr
    for v, a in vectors.items():
        sim.load_bytes(v, bytes([a & 0xFF, a >> 8]))
    sim.reset()
    sim.labels = labels
    return sim


STOP_WDT = "mov #0x5A80, &0x0120"
DONE = "dint\n nop\n bis #0x10, sr"


# ---------------------------------------------------------------- memory map
def test_reset_state_and_memory_map():
    sim = Msp430Sim()
    assert sim.read_word(0xC000) == 0xFFFF            # erased flash
    assert sim.read_word(0x0600) == 0x3FFF            # vacant memory
    assert sim.mem[r.CALBC1_16MHZ] != 0xFF and sim.mem[r.CALDCO_16MHZ] != 0xFF
    assert sim.mem[r.CALBC1_1MHZ] != 0xFF
    # TLV checksum of segment A
    x = 0
    for a in range(0x10C2, 0x1100, 2):
        x ^= sim.read_word(a)
    assert (x + sim.read_word(0x10C0)) & 0xFFFF == 0
    assert sim.rd8(r.IFG2) & r.UCA0TXIFG
    assert sim.rd16(r.WDTCTL) == 0x6900
    assert sim.rd16(r.FCTL3) == 0x9658
    assert MARKER_ADDR == 0x01FE


# ---------------------------------------------------------------- markers / exit
def test_markers_exact_and_clean_exit(fw):
    sim = Msp430Sim()
    sim.load_hex(fw["markers"])
    assert sim.run(max_cycles=10_000) == "done"
    # values from SLAU144's tables, see the comments in markers.S
    assert sim.markers == [(1, 7), (2, 14), (0x1234, 18), (0, 55), (3, 77)]
    assert sim.cycles == 86
    assert sim.state == "done"


def test_marker_byte_write_and_callback():
    seen = []
    sim = program(f"""
    reset: {STOP_WDT}
           mov.b #0x42, &0x01FE
           mov #0xBEEF, &0x01FE
           {DONE}
    """)
    sim.on_marker = lambda v, c: seen.append((v, c))
    assert sim.run(max_cycles=1000) == "done"
    assert sim.markers == [(0x42, 5), (0xBEEF, 10)]
    assert seen == sim.markers


def test_done_only_when_gie_clear():
    sim = program(f"""
    reset: {STOP_WDT}
           bis #0x18, sr        ; LPM0 with GIE: sleeps, nothing can wake it
    """)
    assert sim.run(max_cycles=10_000) == "sleeping"
    assert sim.state == "sleeping"


# ---------------------------------------------------------------- UART
def test_uart_echo_in_process(fw):
    sim = Msp430Sim()
    sim.load_hex(fw["echo"])
    assert sim.run(max_cycles=1_000_000) == "sleeping"
    assert sim.output() == b"ECHO\r\n"
    assert sim.clocks.mclk_hz() == 16_000_000
    assert sim.uart.frame_cycles() == 1389               # 10 * (138 + 7/8) cycles
    assert abs(sim.uart.baud() - 115200) < 200
    msg = bytes(c for c in range(32, 127) if c != ord("q")) * 3
    sim.feed(msg)
    assert sim.run(max_cycles=10_000_000) == "sleeping"
    assert sim.output() == b"ECHO\r\n" + msg
    sim.feed(b"q")
    assert sim.run(max_cycles=1_000_000) == "done"
    assert sim.output().endswith(b"q")
    assert [v for v, _ in sim.markers] == [1, 2]


def test_uart_rx_pacing(fw):
    """Bytes arrive one frame time apart, never faster."""
    sim = Msp430Sim()
    sim.load_hex(fw["echo"])
    sim.run(max_cycles=1_000_000)
    toggles = []
    sim.ports.hooks.append(lambda port, v, c: toggles.append(c))
    t0 = sim.cycles
    sim.feed(b"abcdefgh")
    sim.run(max_cycles=10_000_000)
    assert len(toggles) == 8
    frame = sim.uart.frame_cycles()
    assert toggles[0] - t0 >= frame
    gaps = [b - a for a, b in zip(toggles, toggles[1:])]
    assert all(g >= frame - 50 for g in gaps), gaps     # the ISR latency varies slightly
    assert sum(gaps) >= 7 * frame - 10


def test_uart_overrun_when_firmware_does_not_read():
    # receiver on, never reads RXBUF: the second byte overruns the first
    sim = program(f"""
    reset: {STOP_WDT}
           mov.b #0x81, &0x0061     ; SMCLK, UCSWRST
           mov.b #8, &0x0062
           bic.b #1, &0x0061
    loop:  jmp loop
    """)
    sim.run(max_cycles=100)
    assert sim.uart.frame_cycles() == 80
    sim.feed(b"xy")
    sim.run(max_cycles=120)             # first byte in, second still on the wire
    assert sim.rd8(r.IFG2) & r.UCA0RXIFG
    assert not sim.rd8(r.UCA0STAT) & r.UCOE
    sim.run(max_cycles=100)
    assert sim.rd8(r.UCA0STAT) & r.UCOE
    assert sim.rd8(r.UCA0RXBUF) == ord("y")
    assert not sim.rd8(r.IFG2) & r.UCA0RXIFG
    assert not sim.rd8(r.UCA0STAT) & r.UCOE


def test_uart_bytes_wait_while_in_reset():
    sim = program(f"""
    reset: {STOP_WDT}
           mov #1000, r5
    1:     dec r5
           jnz 1b
           mov.b #0x81, &0x0061
           mov.b #8, &0x0062
           bic.b #1, &0x0061
    2:     bit.b #1, &0x0003
           jz 2b
           mov.b &0x0066, &0x01FE
           {DONE}
    """)
    sim.feed(b"Z")                     # sent before the firmware enabled the UART
    assert sim.run(max_cycles=100_000) == "done"
    assert sim.markers[0][0] == ord("Z")


def test_uart_tx_timing():
    # two bytes back to back: TXIFG comes back at once for the first (moved to
    # the shift register), one frame later for the second
    sim = program(f"""
    reset: {STOP_WDT}
           mov.b #0x81, &0x0061
           mov.b #10, &0x0062       ; 10 cycles/bit -> 100 cycles/frame
           bic.b #1, &0x0061
           mov.b #'A', &0x0067
           mov #1, &0x01FE
    1:     bit.b #2, &0x0003
           jz 1b
           mov.b #'B', &0x0067
           mov #2, &0x01FE
    2:     bit.b #2, &0x0003
           jz 2b
           mov #3, &0x01FE
    3:     bit.b #1, &0x0065        ; UCBUSY
           jnz 3b
           mov #4, &0x01FE
           {DONE}
    """)
    assert sim.run(max_cycles=10_000) == "done"
    assert sim.uart.frame_cycles() == 100
    m = dict(sim.markers)
    assert sim.output() == b"AB"
    assert m[2] - m[1] < 20            # 'A' went straight to the shift register
    assert 95 <= m[3] - m[1] <= 110     # 'B' waits for 'A' to leave
    assert 95 <= m[4] - m[3] <= 115


# ---------------------------------------------------------------- LPM / interrupts
def test_lpm0_wake_by_rx_interrupt_and_bic_on_stack():
    sim = program(f"""
    reset:  {STOP_WDT}
            mov #0x400, sp
            mov.b #0x81, &0x0061
            mov.b #8, &0x0062
            bic.b #1, &0x0061
            bis.b #1, &0x0001        ; UCA0RXIE
            clr r10
    loop:   bis #0x18, sr            ; LPM0 + GIE
            mov r9, &0x01FE          ; reached only after the ISR cleared CPUOFF
            cmp.b #'!', r9
            jne loop
            {DONE}
    rx_isr: mov.b &0x0066, r9
            inc r10
            cmp.b #'x', r9
            jeq 1f                   ; 'x': stay asleep
            bic #0x10, 0(sp)
    1:      reti
    vec_ffee: .word 0
    """)
    sim.load_bytes(0xFFEE, sim.labels["rx_isr"].to_bytes(2, "little"))
    assert sim.run(max_cycles=10_000) == "sleeping"
    sim.feed(b"ax")
    assert sim.run(max_cycles=100_000) == "sleeping"
    assert [v for v, _ in sim.markers] == [ord("a")]
    assert sim.R[10] == 2
    sim.feed(b"!")
    assert sim.run(max_cycles=100_000) == "done"
    assert [v for v, _ in sim.markers] == [ord("a"), ord("!")]


def test_interrupt_timing_and_eint_delay():
    # interrupt entry: 6 cycles, reti: 5 cycles; the instruction after eint
    # runs before the pending interrupt is taken
    sim = program(f"""
    reset:  {STOP_WDT}
            mov #0x400, sp
            bis.b #1, &0x0023        ; P1IFG.0 (software-set)
            bis.b #1, &0x0025        ; P1IE.0
            mov #1, &0x01FE          ; t
            eint                     ; 1
            mov #2, &0x01FE          ; runs first: t+4+1
            mov #4, &0x01FE          ; t+4+1+4 + 6 (entry) + isr 5+4 + reti 5
            {DONE}
    p1_isr: mov #3, &0x01FE
            bic.b #1, &0x0023
            reti
    vec_ffe4: .word 0
    """)
    sim.load_bytes(0xFFE4, sim.labels["p1_isr"].to_bytes(2, "little"))
    assert sim.run(max_cycles=10_000) == "done"
    m = sim.markers
    assert [v for v, _ in m] == [1, 2, 3, 4]
    t = m[0][1]
    assert m[1][1] == t + 4 + 1
    assert m[2][1] == t + 4 + 1 + 4 + 6
    assert m[3][1] == t + 4 + 1 + 4 + 6 + 5 + 4 + 5     # mov #3 (no CG constant): 5


def test_timer_a0_up_mode_tick():
    sim = program(f"""
    reset:  {STOP_WDT}
            mov #0x400, sp
            clr r10
            mov #999, &0x0172         ; TA0CCR0
            mov #0x0010, &0x0162      ; CCIE
            mov #0x0214, &0x0160      ; TASSEL_2 | MC_1 | TACLR
    loop:   bis #0x18, sr
            cmp #5, r10
            jne loop
            {DONE}
    isr:    inc r10
            mov r10, &0x01FE
            bic #0x10, 0(sp)
            reti
    """)
    sim.load_bytes(0xFFF2, sim.labels["isr"].to_bytes(2, "little"))
    assert sim.run(max_cycles=100_000) == "done"
    times = [c for _, c in sim.markers]
    assert [v for v, _ in sim.markers] == [1, 2, 3, 4, 5]
    assert [b - a for a, b in zip(times, times[1:])] == [1000] * 4


def test_timer_a_continuous_tar_and_taiv():
    sim = program(f"""
    reset:  {STOP_WDT}
            mov #0x0224, &0x0160      ; SMCLK, continuous, TACLR
            nop
            mov &0x0170, &0x01FE      ; TAR
            mov #100, &0x0174         ; CCR1
            mov #0x0010, &0x0164      ; CCIE1
    1:      bit #1, &0x0164
            jz 1b
            mov &0x012E, &0x01FE      ; TA0IV = 2, clears CCIFG1
            mov &0x0164, &0x01FE
            {DONE}
    """)
    assert sim.run(max_cycles=10_000) == "done"
    vals = [v for v, _ in sim.markers]
    assert 0 < vals[0] < 10
    assert vals[1] == 2
    assert vals[2] == 0x0010


# ---------------------------------------------------------------- watchdog
def test_watchdog_expires_without_hold():
    sim = program("""
    reset: mov #1, &0x01FE
    1:     jmp 1b
    """)
    sim.run(max_cycles=40_000)
    # reset DCO ~1.1 MHz, SMCLK = MCLK: 32768 cycles per watchdog period
    assert [c for _, c in sim.markers] == [0, 32768]
    assert sim.rd8(r.IFG1) & r.WDTIFG


def test_watchdog_password_violation_resets():
    sim = program("""
    reset: mov #1, &0x01FE
           mov #0x0080, &0x0120   ; WDTHOLD without the password
           mov #2, &0x01FE
    """)
    sim.run(max_cycles=30)
    assert [v for v, _ in sim.markers][:3] == [1, 1, 1]
    assert sim.reset_log[-1][1] == "puc"
    assert sim.rd8(r.IFG1) & r.WDTIFG


def test_watchdog_interval_mode_interrupt():
    sim = program("""
    reset: mov #0x400, sp
           mov #0x5A1B, &0x0120    ; WDTPW|WDTTMSEL|WDTCNTCL|WDTIS_3 (64 cycles)
           bis.b #1, &0x0000       ; WDTIE
           eint
    1:     cmp #3, r10
           jne 1b
           mov #0x5A80, &0x0120
           dint
           nop
           bis #0x10, sr
    isr:   inc r10
           mov r10, &0x01FE
           reti
    """)
    sim.load_bytes(0xFFF4, sim.labels["isr"].to_bytes(2, "little"))
    assert sim.run(max_cycles=10_000) == "done"
    t = [c for _, c in sim.markers]
    assert [b - a for a, b in zip(t, t[1:])] == [64, 64]


# ---------------------------------------------------------------- flash controller
FLASH_MARKERS = [0x1234, 0xFF03, 0x000F, 0xFFFF, 0x965C, 0xFFFF, 0x964C,
                 None, 0xBEEF, 0xFFFF, 0x4000, 0x4001, 0xFFFF]


def test_flash_controller_rules(fw):
    sim = Msp430Sim()
    cal = sim.read_word(r.CALDCO_16MHZ)
    sim.load_hex(fw["flash"])
    assert sim.run(max_cycles=1_000_000) == "done"
    vals = [v for v, _ in sim.markers]
    assert vals[0] == 0x101
    expect = list(FLASH_MARKERS)
    expect[7] = cal                          # info segment A survived (LOCKA)
    assert vals[1:] == expect
    # the segment erase held the CPU: 4819 flash-timing cycles of MCLK/3
    t_before, t_after = sim.markers[-3][1], sim.markers[-2][1]
    assert t_after - t_before == 5 + 5 + 5 + 4 + 4819 * 3
    assert sim.read_word(0x1000) == 0xBEEF
    assert sim.read_word(0xE200) == 1


def test_reset_keeps_flash_and_power_cycle_images(fw, tmp_path):
    sim = Msp430Sim()
    sim.load_hex(fw["flash"])
    sim.run(max_cycles=1_000_000)
    sim.markers.clear()
    sim.reset()
    sim.run(max_cycles=1_000_000)
    assert sim.markers[0][0] == 0x102         # boot counter kept in flash
    sim.save_flash(tmp_path / "flash.bin")
    sim.save_info(tmp_path / "info.bin")
    assert (tmp_path / "flash.bin").stat().st_size == 16384
    assert (tmp_path / "info.bin").stat().st_size == 256
    other = Msp430Sim()
    other.load_flash(tmp_path / "flash.bin")
    other.load_info(tmp_path / "info.bin")
    other.reset()
    other.run(max_cycles=1_000_000)
    assert other.markers[0][0] == 0x103


def test_flash_key_violation_resets_and_sets_keyv():
    sim = program("""
    reset: mov #1, &0x01FE
           mov &0x012C, &0x01FE
           mov #0x0000, &0x012C    ; wrong password -> PUC, KEYV set
    """)
    sim.run(max_cycles=30)
    vals = [v for v, _ in sim.markers]
    assert vals[:2] == [1, 0x9658]
    assert vals[2:4] == [1, 0x965A]          # KEYV survives the PUC
    assert sim.reset_log[-1][1] == "puc"


def test_flash_write_from_ram_sets_busy_and_locka_toggle():
    sim = Msp430Sim()
    # code in RAM: unlock, write a word, read FCTL3 while busy
    code, _ = assemble("""
        mov #0xA500, &0x012C
        mov #0xA540, &0x0128
        mov #0x1111, &0xD000
        mov &0x012C, &0x01FE        ; BUSY while the write runs
        mov #0xA540, &0x012C        ; LOCKA: writing 1 toggles it
        mov &0x012C, &0x01FE
        mov #0xA540, &0x012C
        mov &0x012C, &0x01FE
        dint
        nop
        bis #0x10, sr
    """, 0x0200)
    sim.load_bytes(0x0200, code)
    sim.load_bytes(0xC000, assemble("mov #0x5A80, &0x0120\nbr #0x0200")[0])
    sim.load_bytes(0xFFFE, b"\x00\xc0", reset=True)
    assert sim.run(max_cycles=1000) == "done"
    vals = [v for v, _ in sim.markers]
    assert vals[0] & r.BUSY
    assert vals[1] & r.LOCKA == 0 and vals[2] & r.LOCKA
    assert sim.read_word(0xD000) == 0x1111


def test_self_modifying_code_in_ram():
    sim = Msp430Sim()
    code, labels = assemble("""
    start:  mov #0x5A80, &0x0120
            mov #3, r5
    again:  mov #1, r6              ; patched below to mov #7, r6 (##: ext word)
            mov r6, &0x01FE
            mov #7, &again+2
            dec r5
            jnz again
            dint
            nop
            bis #0x10, sr
    """.replace("mov #1, r6", "mov ##1, r6"), 0x0200)
    sim.load_bytes(0x0200, code)
    sim.load_bytes(0xFFFE, b"\x00\x02", reset=True)
    assert sim.run(max_cycles=1000) == "done"
    assert [v for v, _ in sim.markers] == [1, 7, 7]


# ---------------------------------------------------------------- ports, clocks
def test_p1out_hook_blink():
    seen = []
    sim = program(f"""
    reset: {STOP_WDT}
           bis.b #1, &0x0022
           mov #4, r5
    1:     xor.b #1, &0x0021
           dec r5
           jnz 1b
           {DONE}
    """)
    sim.ports.hooks.append(lambda port, v, c: seen.append((port, v)))
    sim.run(max_cycles=1000)
    assert seen == [(1, 1), (1, 0), (1, 1), (1, 0)]
    assert sim.rd8(r.P1IN) & 1 == 0


def test_clock_frequency_setting():
    sim = program(f"""
    reset: {STOP_WDT}
           mov.b &0x10F9, &0x0057
           mov.b &0x10F8, &0x0056
           {DONE}
    """)
    assert abs(sim.clocks.mclk_hz() - 1_100_000) < 1
    sim.run(max_cycles=100)
    assert sim.clocks.mclk_hz() == 16_000_000
    fixed = Msp430Sim(clock_hz=8_000_000)
    assert fixed.clocks.mclk_hz() == 8_000_000


def test_illegal_instruction_stops_with_error():
    sim = program("reset: .word 0x0000")
    assert sim.run(max_cycles=100) == "error"
    assert "illegal" in sim.error and sim.state == "error"


def test_until_predicate(fw):
    sim = Msp430Sim()
    sim.load_hex(fw["echo"])
    assert sim.run(until=lambda: b"\n" in sim.output(), max_cycles=10**7) == "until"
    assert sim.output().endswith(b"\n")


def test_load_elf_same_as_hex(fw):
    a, b = Msp430Sim(), Msp430Sim()
    a.load_hex(fw["markers"])
    b.load(fw["markers"].replace(".hex", ".elf"))
    assert a.flash_image() == b.flash_image()
    assert b.run(max_cycles=1000) == "done" and b.cycles == 86
