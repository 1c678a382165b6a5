"""Every program in examples/ runs on the simulated Uno and prints what desktop
Julia prints.  The expected outputs are worked out here from the algorithms'
definitions (and well-known check values), never taken from a target run."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from test_backend_harness import jl  # noqa: F401  (fixture)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(jl, name: str) -> str:
    path = EXAMPLES / name
    return jl.output(path.read_text(encoding="utf-8"), filename=str(path))


# ---------------------------------------------------------------- expected outputs

def fizzbuzz(n):
    out = []
    for i in range(1, n + 1):
        out.append("FizzBuzz" if i % 15 == 0 else "Fizz" if i % 3 == 0 else "Buzz" if i % 5 == 0 else str(i))
    return "\n".join(out) + "\n"


def primes_report(limit):
    ps = [n for n in range(2, limit + 1) if all(n % d for d in range(2, int(n ** 0.5) + 1))]
    out = ""
    for k, p in enumerate(ps, 1):
        out += str(p) + ("\n" if k % 10 == 0 else " ")
    return out + "\n" + f"{len(ps)} primes up to {limit}\n"


def collatz_steps(n):
    k = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        k += 1
    return k


def collatz_peak(n):
    top = n
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        top = max(top, n)
    return top


def test_blink_through_the_command_line():
    """The README's first command: jlforth run examples/blink.jl."""
    r = subprocess.run([sys.executable, "-m", "jlforth", "run", str(EXAMPLES / "blink.jl")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = [f"blink {i}: LED {'on' if i % 2 else 'off'}" for i in range(1, 7)]
    assert r.stdout == "\n".join(lines) + "\ndone after 600 ms of blinking\n"
    assert r.stderr == ""


def test_blink_leaves_the_led_pin_set_up(jl):
    out = run_example(jl, "blink.jl")
    assert out.count("LED on") == 3 and out.count("LED off") == 3
    # DDRB bit 5 is an output and the LED ended off (6 toggles from off)
    assert jl.link.run("$24 c@ 32 and . $25 c@ 32 and .") == "32 0 "


def test_fizzbuzz(jl):
    assert run_example(jl, "fizzbuzz.jl") == fizzbuzz(20)


def test_primes(jl):
    assert run_example(jl, "primes.jl") == primes_report(200)


def test_fib(jl):
    fibs = [0, 1]
    while len(fibs) < 48:
        fibs.append(fibs[-1] + fibs[-2])
    wrapped47 = fibs[47] - 2 ** 32          # Int32 wraps: 2971215073 - 2^32
    assert run_example(jl, "fib.jl") == (" ".join(str(f) for f in fibs[:16]) + " \n"
                                         f"fib(46) = {fibs[46]}\n"
                                         f"fib(47) wraps around: {wrapped47}\n"
                                         f"rfib(18) = {fibs[18]}\n")


def test_gcd(jl):
    # Julia's % is rem, so the sign follows the dividend; abs() at the end
    assert run_example(jl, "gcd.jl") == "21\n6\n17\n12500\n1073741823\n42\n4200\n"


def test_collatz(jl):
    steps = [collatz_steps(n) for n in range(1, 11)]
    best = max(range(1, 256), key=lambda n: (collatz_steps(n), -n))
    assert run_example(jl, "collatz.jl") == (
        " ".join(map(str, steps)) + " \n"
        f"longest below 256: {best} with {collatz_steps(best)} steps\n"
        f"27 climbs to {collatz_peak(27)}, 703 to {collatz_peak(703)}\n")


def test_bubblesort(jl):
    xs = [31, -4, 15, 9, -26, 5, 3, 58, 0, -9, 32767, -32768]
    bs = [0xc8, 0x07, 0x40, 0x00, 0xff, 0x10]
    line = lambda v: " ".join(map(str, v)) + "\n"
    assert run_example(jl, "bubblesort.jl") == line(xs) + line(sorted(xs)) + line(bs) + line(sorted(bs))


def crc_ccitt(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def crc_arc(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def test_crc16(jl):
    # the catalogue's check values for "123456789"
    assert crc_ccitt(b"123456789") == 0x29B1 and crc_arc(b"123456789") == 0xBB3D
    assert run_example(jl, "crc16.jl") == ("CRC-16/CCITT-FALSE: 0x29B1 = 10673\n"
                                           "CRC-16/ARC: 0xBB3D = 47933\n")


def test_crc_table_lives_in_flash(jl):
    fp = jl.compile((EXAMPLES / "crc16.jl").read_text(), "crc16.jl")
    text = fp.text()
    assert "constant g.DATA" in text and "create g.DATA" not in text


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.jl")))
def test_every_example_compiles_to_short_lines(jl, name):
    fp = jl.compile((EXAMPLES / name).read_text(), name)
    for line in fp.text().splitlines():
        assert len(line) <= 80, line
    for line, _ in fp.upload_lines():
        assert len(line) <= 80, line
