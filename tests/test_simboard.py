"""The simulated Uno (tools/simboard + jlforth.board.simavr) against its test firmware."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import serial

from jlforth.board import BoardError
from jlforth.board.simavr import SimavrBoard, find_simboard

TOOL = Path(__file__).resolve().parents[1] / "tools" / "simboard"
FW = TOOL / "testfw" / "echo.hex"
LST = TOOL / "testfw" / "echo.lst"
BANNER = b"simboard echo fw\r\n"
BAUD = 38400


@pytest.fixture(scope="module")
def built():
    r = subprocess.run(["make", "-C", str(TOOL)], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout
    assert FW.is_file() and LST.is_file()
    return find_simboard()


def open_port(board, timeout=5.0):
    return serial.serial_for_url(board.url, baudrate=BAUD, timeout=timeout)


def expect(port, data: bytes) -> bytes:
    got = port.read_until(data)
    assert got.endswith(data), got
    return got


def board(**kw):
    kw.setdefault("reset_pc", 0)
    kw.setdefault("timeout", 60)
    return SimavrBoard(FW, **kw)


def test_banner_and_echo(built):
    with board() as b, open_port(b) as port:
        # The CPU waits for the first byte, so the banner is not lost to
        # pyserial's input flush on open.
        port.write(b"a")
        assert expect(port, b"A") == BANNER + b"A"
        port.write(b"hello, bob")           # (no command letters: f m p q r w x)
        assert port.read(10) == b"HELLO, BOB"
        assert b.running


def marker_loop_cycles() -> int:
    """Cycles from the first `out GPIOR0` to the second, derived from the
    disassembly of marker_loop and the ATmega328P instruction timings."""
    text = LST.read_text()
    body = text.split("<marker_loop>:", 1)[1].split("\n\n", 1)[0]
    ins = [m.group(1).split(None, 1) for m in
           re.finditer(r"^\s*[0-9a-f]+:\s+(?:[0-9a-f]{2} )+\s*(\S.*?)\s*(?:;.*)?$", body, re.M)]
    ops = [i[0] for i in ins]
    start = ops.index("out")
    seq = ops[start:start + 6]
    assert seq == ["out", "ldi", "ldi", "sbiw", "brne", "out"], seq
    assert ins[start][1].startswith("0x1e") and ins[start + 5][1].startswith("0x1e")
    lo = int(re.search(r"r24, (0x[0-9A-Fa-f]+)", ins[start + 1][1]).group(1), 16)
    hi = int(re.search(r"r25, (0x[0-9A-Fa-f]+)", ins[start + 2][1]).group(1), 16)
    n = hi << 8 | lo
    # out 1, ldi 1, ldi 1; n x sbiw (2); brne taken n-1 times (2), falls through once (1)
    return 1 + 1 + 1 + 2 * n + 2 * (n - 1) + 1


def test_marker_cycles(built):
    expected = marker_loop_cycles()
    assert expected == 4002       # n = 1000, as written in echo.c (sanity of the parser)
    with board() as b, open_port(b) as port:
        port.write(b"m")
        expect(port, b"M\r\n")
        marks = b.markers()
    assert [v for v, _ in marks] == [1, 2, 1, 2]
    assert marks[1][1] - marks[0][1] == expected     # the loop at boot
    assert marks[3][1] - marks[2][1] == expected     # the loop on 'm'
    assert marks[2][1] > marks[1][1]


def test_eeprom_survives_reset_and_dumps(built):
    with board() as b, open_port(b) as port:
        port.write(b"wZ")
        expect(port, b"OK\r\n")
        ee = b.dump_eeprom()          # from the running board (SIGUSR2)
        assert len(ee) == 1024 and ee[0x10] == ord("Z")
        before = b.markers()
        b.reset()
        # After the reset the CPU runs at once: the banner comes again.
        expect(port, BANNER)
        port.write(b"r")
        expect(port, b"E=5A\r\n")
        after = b.markers()
        assert len(after) == len(before) + 2          # the boot marker loop ran again
        assert after[-2][1] > before[-1][1]           # cycle counter is monotonic
        fl = b.dump_flash()
        assert len(fl) == 32768 and fl == FW_image()


def FW_image() -> bytes:
    """The flash image the HEX describes (0xFF elsewhere)."""
    img = bytearray(b"\xff" * 32768)
    base = 0
    for line in FW.read_text().split():
        n, addr, typ = int(line[1:3], 16), int(line[3:7], 16), int(line[7:9], 16)
        data = bytes.fromhex(line[9:9 + 2 * n])
        if typ == 0:
            img[base + addr: base + addr + n] = data
        elif typ == 4:
            base = int.from_bytes(data, "big") << 16
    return bytes(img)


def test_state_dir_power_cycle_and_spm(built, tmp_path):
    state = tmp_path / "uno"
    with board(state_dir=state) as b, open_port(b) as port:
        port.write(b"wQ")
        expect(port, b"OK\r\n")
        port.write(b"f")
        expect(port, b"F=FF\r\n")             # unprogrammed flash
        port.write(b"p")                      # SPM page erase + write from the boot section
        expect(port, b"P\r\n")
        port.write(b"f")
        expect(port, b"F=A5\r\n")
    assert (state / "flash.bin").stat().st_size == 32768
    assert (state / "eeprom.bin").stat().st_size == 1024

    # Power cycle: a new process on the same state directory.
    with board(state_dir=state) as b, open_port(b) as port:
        port.write(b"r")
        expect(port, BANNER + b"E=51\r\n")
        port.write(b"f")
        expect(port, b"F=A5\r\n")
        fl = b.dump_flash()
        assert fl[0x3000:0x3004] == bytes([0xA5, 0xA6, 0xA5, 0xA6])


def test_power_cycle_method(built, tmp_path):
    b = board(state_dir=tmp_path / "s")
    try:
        with open_port(b) as port:
            port.write(b"w7")
            expect(port, b"OK\r\n")
        b.power_cycle()
        with open_port(b) as port:
            port.write(b"r")
            expect(port, BANNER + b"E=37\r\n")
    finally:
        b.close()


def test_quit_ends_done_with_cycles(built):
    b = board()
    try:
        with open_port(b) as port:
            port.write(b"q")
            expect(port, BANNER + b"BYE\r\n")
            reason, cycles = b.wait_exit(10)
        assert reason == "done"
        assert cycles > b.markers()[-1][1]
        assert b._proc.returncode == 0
        # dumps still work after simavr freed its memory at cli;sleep
        assert b.dump_flash() == FW_image()
        assert len(b.dump_eeprom()) == 1024
    finally:
        b.close()


def test_crash_exits_instead_of_waiting_for_gdb(built):
    b = board()
    try:
        with open_port(b) as port:
            port.write(b"x")
            reason, cycles = b.wait_exit(10)
        assert reason == "crashed" and cycles > 0 and b.exit_pc is not None
        assert b._proc.returncode == 2
    finally:
        b.close()


def run_cli(*args, input=b"", timeout=30):
    return subprocess.run([str(find_simboard()), *args], input=input, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout)


def test_stdio_mode(built):
    r = run_cli("--stdio", "--reset-pc", "0", "--timeout", "20", str(FW), input=b"abc1q")
    assert r.returncode == 0, r.stderr
    assert r.stdout == BANNER + b"ABC1BYE\r\n"
    err = r.stderr.decode()
    assert "READY" in err and re.search(r"^EXIT done cycles=\d+$", err, re.M)
    assert re.search(r"^MARK 1 \d+$", err, re.M)

    # stdin EOF without 'q': the run ends once the firmware waits for input again
    r = run_cli("--stdio", "--reset-pc", "0", "--timeout", "20", str(FW), input=b"yz!")
    assert r.returncode == 0
    assert r.stdout == BANNER + b"YZ!"
    assert "EXIT hangup" in r.stderr.decode()


def test_limits(built):
    # --stdio with an empty stdin: nothing ever starts the CPU
    r = run_cli("--stdio", "--reset-pc", "0", "--timeout", "5", str(FW), input=b"")
    assert r.returncode == 0 and re.search(rb"^EXIT hangup cycles=0$", r.stderr, re.M)

    p = subprocess.Popen([str(find_simboard()), "--pty", "--reset-pc", "0", "--timeout", "0.5", str(FW)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate(timeout=10)
    assert p.returncode == 3 and re.search(rb"^EXIT timeout cycles=0$", out, re.M), (out, err)

    r = run_cli("--stdio", "--reset-pc", "0", "--max-cycles", "50000", "--timeout", "20", str(FW),
                input=b"a")
    assert r.returncode == 4 and re.search(rb"EXIT max-cycles cycles=5\d{4}", r.stderr)


def test_tcp_mode(built):
    p = subprocess.Popen([str(find_simboard()), "--tcp", "0", "--reset-pc", "0", "--timeout", "30",
                          "--markers", os.devnull, str(FW)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = p.stdout.readline().decode()
        m = re.match(r"TCP (127\.0\.0\.1:\d+)$", line.strip())
        assert m, line
        assert p.stdout.readline().strip() == b"READY"
        with serial.serial_for_url(f"socket://{m.group(1)}", baudrate=BAUD, timeout=5) as port:
            port.write(b"tcp")
            expect(port, BANNER + b"TCP")
        out, err = p.communicate(timeout=10)      # client gone -> hangup
        assert p.returncode == 0 and re.search(rb"^EXIT hangup cycles=\d+$", out, re.M), (out, err)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def test_tcp_bridge_in_python(built):
    with board(bridge="tcp") as b:
        assert b.url.startswith("socket://127.0.0.1:")
        with open_port(b) as port:
            port.write(b"k")
            expect(port, BANNER + b"K")


def test_close_returns_cycles_and_leaves_no_process(built):
    b = board()
    port = open_port(b)
    port.write(b"a")
    expect(port, BANNER + b"A")
    pid = b.pid
    cycles = b.close()
    port.close()
    assert b.exit_reason == "term" and cycles > 0
    assert not b.running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(BoardError):
        b.reset()

    # dropped without close(): __del__ kills it
    b = board()
    pid = b.pid
    del b
    import gc
    gc.collect()
    time.sleep(0.1)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_idle_board_is_cheap(built):
    with board() as b, open_port(b) as port:
        port.write(b"a")
        expect(port, BANNER + b"A")
        time.sleep(0.3)

        def cpu():
            with open(f"/proc/{b.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        c0 = cpu()
        time.sleep(2.0)
        used = (cpu() - c0) / 2.0
        print(f"\nidle simulator CPU use: {used:.1%}")
        assert used < 0.5


def test_echo_throughput(built):
    data = bytes(b"abcdeghijklnostuvyz"[i % 19] for i in range(2000))
    with board() as b, open_port(b, timeout=10) as port:
        port.write(b"m")                      # a marker pair stamps the start
        expect(port, BANNER + b"M\r\n")
        t = time.monotonic()
        port.write(data)
        got = port.read(len(data))
        dt = time.monotonic() - t
        port.write(b"m")
        expect(port, b"M\r\n")
        marks = b.markers()
    assert got == data.upper()
    sim_s = (marks[-2][1] - marks[-4][1]) / 16e6
    print(f"\necho of {len(data)} bytes at {BAUD} baud: {len(data) / dt:.0f} B/s wall clock, "
          f"{len(data) / sim_s:.0f} B/s simulated time (wire limit {BAUD // 10} B/s)")


def test_default_reset_vector_is_boot_section(built):
    # boot.S is linked at 0x7E00 and also fills the last flash word.
    r = run_cli("--stdio", "--no-wait-first-byte", str(TOOL / "testfw" / "boot.hex"), input=b"")
    assert r.returncode == 0, r.stderr
    err = r.stderr.decode()
    # ldi (1 cycle) precedes the marker write; ldi out ldi out cli sleep = 6 cycles
    assert re.search(r"^MARK 66 1$", err, re.M), err
    assert re.search(r"^EXIT done cycles=6$", err, re.M), err


def test_last_flash_word_loads(built, tmp_path):
    dump = tmp_path / "flash.bin"
    r = run_cli("--stdio", "--no-wait-first-byte", "--dump-flash", str(dump),
                str(TOOL / "testfw" / "boot.hex"), input=b"")
    assert r.returncode == 0
    fl = dump.read_bytes()
    assert len(fl) == 32768 and fl[-2:] == b"\xef\xbe" and fl[:2] == b"\xff\xff"


def hex_record(addr: int, data: bytes, typ: int = 0) -> str:
    body = bytes([len(data), addr >> 8, addr & 0xFF, typ]) + data
    return ":" + (body + bytes([-sum(body) & 0xFF])).hex().upper() + "\n"


def test_eeprom_images(built, tmp_path):
    eep = tmp_path / "fw.eep"                     # avr-objcopy .eep style: addressed from 0
    eep.write_text(hex_record(0x10, b"E") + hex_record(0, b"", 1))
    with board(eeprom=eep) as b, open_port(b) as port:
        port.write(b"r")
        expect(port, BANNER + b"E=45\r\n")

    # EEPROM records inside the main HEX, at 0x810000 (extended linear address 0x0081)
    lines = FW.read_text().splitlines(keepends=True)
    combined = tmp_path / "combined.hex"
    combined.write_text("".join(lines[:-1]) + hex_record(0, b"\x00\x81", 4)
                        + hex_record(0x10, b"c") + lines[-1])
    b = SimavrBoard(combined, reset_pc=0, timeout=60)
    with b, open_port(b) as port:
        port.write(b"r")
        expect(port, BANNER + b"E=63\r\n")
        assert b.dump_flash() == FW_image()


def test_port_can_be_closed_and_reopened(built):
    with board() as b:
        for i in range(3):
            with open_port(b) as port:
                port.write(b"abc")
                expect(port, b"ABC")
        assert b.running
