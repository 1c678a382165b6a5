"""The MSP430 simulator as a board: CLI in a subprocess, UART on a pty (or TCP
or stdio), reached with pyserial; signals, dumps, state across power cycles."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import serial

from jlforth.board.msp430sim import Msp430SimBoard

from test_msp430sim import fw  # noqa: F401  (session fixture)

REPO = Path(__file__).resolve().parents[1]


def read_until(port, end, timeout=10.0, size=0):
    """Read until the data ends with ``end`` and has at least ``size`` bytes."""
    data = b""
    deadline = time.monotonic() + timeout
    while not (data.endswith(end) and len(data) >= size) and time.monotonic() < deadline:
        data += port.read(max(1, port.in_waiting))
    return data


def test_echo_over_pty_with_pyserial(fw):
    with Msp430SimBoard(fw["echo"], timeout=60) as board:
        assert board.url.startswith("/dev/")
        port = serial.serial_for_url(board.url, baudrate=115200, timeout=0.2)
        port.write(b"a")                    # starts the CPU (wait_first_byte)
        assert read_until(port, b"a") == b"ECHO\r\na"
        msg = b"The quick brown fox jumps over the lazy dog. " * 10
        msg = msg.replace(b"q", b"Q")
        port.write(msg)
        assert read_until(port, msg[-10:], size=len(msg)) == msg
        # the reset button: banner again, flash kept
        board.reset()
        assert read_until(port, b"ECHO\r\n") == b"ECHO\r\n"
        port.write(b"q")
        assert read_until(port, b"q") == b"q"
        reason, cycles = board.wait_exit(20)
        assert reason == "done" and cycles > 0
        marks = board.markers()
        assert [v for v, _ in marks] == [1, 1, 2]
        assert marks == sorted(marks, key=lambda m: m[1])
        port.close()


def test_pty_reopen_and_dump(fw):
    with Msp430SimBoard(fw["echo"], timeout=60) as board:
        p1 = serial.serial_for_url(board.url, baudrate=115200, timeout=0.2)
        p1.write(b"x")
        assert read_until(p1, b"x") == b"ECHO\r\nx"
        p1.close()
        p2 = serial.serial_for_url(board.url, baudrate=115200, timeout=0.2)
        p2.write(b"y")
        assert read_until(p2, b"y") == b"y"
        flash = board.dump_flash()
        assert len(flash) == 16384 and flash[-2:] == bytes([0x00, 0xC0])   # reset vector
        info = board.dump_info()
        assert len(info) == 256 and info[0xF8:0xFA] != b"\xff\xff"
        p2.close()
        assert board.close() > 0
        assert board.exit_reason == "term"


def test_state_survives_power_cycle(fw, tmp_path):
    state = tmp_path / "state"
    board = Msp430SimBoard(fw["flash"], state_dir=state, wait_first_byte=False, timeout=60)
    try:
        assert board.wait_exit(20)[0] == "done"
        assert board.markers()[0][0] == 0x101
        board.power_cycle()
        assert board.wait_exit(20)[0] == "done"
        assert board.markers()[0][0] == 0x102
    finally:
        board.close()
    assert (state / "flash.bin").stat().st_size == 16384
    assert (state / "info.bin").stat().st_size == 256


def test_tcp_bridge(fw):
    with Msp430SimBoard(fw["echo"], bridge="tcp", timeout=60) as board:
        assert board.url.startswith("socket://127.0.0.1:")
        port = serial.serial_for_url(board.url, timeout=0.2)
        port.write(b"t")
        assert read_until(port, b"t") == b"ECHO\r\nt"
        port.close()
        assert board.wait_exit(20)[0] == "hangup"


def test_stdio_mode_and_exit_lines(fw):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    p = subprocess.run([sys.executable, "-m", "jlforth.sim.msp430", "--stdio", "--timeout", "30",
                        fw["echo"]], input=b"hello q", capture_output=True, env=env, timeout=60)
    assert p.returncode == 0
    assert p.stdout == b"ECHO\r\nhello q"
    lines = p.stderr.decode().splitlines()
    assert "READY" in lines
    assert lines[-1].startswith("EXIT done cycles=")
    assert [l for l in lines if l.startswith("MARK")][0].startswith("MARK 1 ")


def test_timeout_and_max_cycles_exit_codes(fw):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    p = subprocess.run([sys.executable, "-m", "jlforth.sim.msp430", "--stdio", "--max-cycles", "3000",
                        fw["echo"]], input=b"", capture_output=True, env=env, timeout=60)
    assert p.returncode == 4
    assert p.stderr.decode().splitlines()[-1] == "EXIT max-cycles cycles=3000"
    p = subprocess.Popen([sys.executable, "-m", "jlforth.sim.msp430", "--pty", "--timeout", "0.5",
                          fw["echo"]], stdout=subprocess.PIPE, env=env)
    out, _ = p.communicate(timeout=30)
    assert p.returncode == 3
    assert out.decode().splitlines()[-1].startswith("EXIT timeout cycles=")


@pytest.mark.parametrize("fast_idle", [True, False])
def test_fast_idle_skips_the_wall_clock_while_serial_bytes_travel(fast_idle):
    """The kernel at 9600 baud sleeps between bytes.  --fast-idle (the board's
    default) does not pace that sleep to the wall clock: a line and its echo
    take the simulation's own time.  Without it they take the chip's."""
    from jlforth import targets
    from jlforth.loader import ForthLink
    t = targets.get("msp430g2553")
    with Msp430SimBoard(str(t.kernel_file(".hex")), timeout=120, fast_idle=fast_idle) as board:
        link = ForthLink(board.url, baud=t.baud, timeout=20)
        link.sync()
        line = "\\ " + "x" * 77
        t0 = int(link.run("millis drop u."))
        w0 = time.monotonic()
        for _ in range(12):
            link.run(line)
        wall = time.monotonic() - w0
        sim = (int(link.run("millis drop u.")) - t0) / 1000
        link.close()
    assert sim > 0.9                             # 12 × (81 bytes in, 86 out) at 9600 baud
    if fast_idle:
        assert wall < 0.6 * sim, (wall, sim)
    else:
        assert wall > 0.9 * sim, (wall, sim)
