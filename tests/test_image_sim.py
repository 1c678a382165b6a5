"""Built images against the chip itself, on the simulated Uno (simavr) and
the simulated LaunchPad (the MSP430G2553 simulator).

For each program: upload it line by line through the wire protocol (as
`jlforth run` does), dump flash and EEPROM (on the MSP430: info flash), build
the image of the same program on the host and compare byte for byte (the
dictionary region up to the boot section or the kernel's top part, the whole
EEPROM; on the MSP430 the pointers of the newest record in the kernel's log
in info flash, since an upload leaves a log of many records and an image one).
Then boot the built image: it must print what `main` printed on the board it
was uploaded to."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import serial

from jlforth import targets
from jlforth.board.msp430sim import Msp430SimBoard
from jlforth.board.simavr import SimavrBoard
from jlforth.image import build_forth, build_lines, forth_lines
from jlforth.image import kernel as kmod
from jlforth.loader import ForthLink

REPO = Path(__file__).resolve().parents[1]
TARGETS = ["atmega328p", "msp430g2553"]
LOG_MAGIC = 0x4A46          # forth_kernel/msp430/flash.S: the log record's check seed

BASICS = """\
\\ squares, loops, recursion, variables, CREATE DOES>, strings
: sq ( n -- n*n ) dup * ;
: sum-sq ( n -- s ) 0 swap 1+ 1 ?do i sq + loop ;
: cnt 0 begin 1+ dup 5 = until ;
: fact ( n -- n! ) dup 1 > if dup 1- recurse * then ;
variable v  10 constant ten
: arr create cells allot does> swap cells + ;
3 arr a
: greet ." hello, " s" world" type ;
: t 5 0 do i 3 = if leave then i . loop ;
: main greet cr 7 fact . 10 sum-sq . cnt .
  ten v ! 5 v +! v @ . 7 0 a ! 9 2 a !
  0 a @ 2 a @ + . t cr ;
"""
BASICS_OUT = "hello, world\r\n5040 385 5 15 16 0 1 2 \r\n"

FORMS = """\
( every number form, BASE, doubles, tail calls, immediate words, locals )
: nums $ff #10 %101 'A' -5 1234567. 2drop + + + + ;
hex : hx ff 10 + ; decimal
: dd 100000. d+ ;
: tail1 nums ;   : tail2 if nums then ;
: tail3 dup if drop exit then nums ;
: ch [char] x emit ;  : tk ['] ch execute ;
: twice postpone dup postpone + ; immediate
: use2 3 twice ;      : lit3 [ 1 2 + ] literal ;
: bw begin dup 0> while 1- repeat ;
: ag begin 1- dup 0= if exit then again ;
: pl 10 0 do i . 2 +loop ;
: nest 3 0 do 2 0 do j i + . loop loop ;
: ab abort" boom" ;
2variable dv  1 2 2constant two
: arr2 create does> drop 7 ;  arr2 seven
create tbl 1 f, 2 f, 3 f, 65 fc, 66 fc,
: loc 5 >r 6 >r l@ 0 l@ 1 + l! 1 l@ 1 ldrop 2 ;
: a-very-long-name-that-goes-beyond-thirty-one-chars 1 ;
: Mixed-Case 2 ;  : odd 1 ; : even 2 ;
: cmp ['] odd compile, ; immediate   : usecmp cmp ;
: str s" a string" type ." odd" ." even!" ;
: rec dup 0> if 1- recurse then ;
: deep recurse 1 ;
variable g  : gs 5 g ! g @ 3 + g c! g c@ ;
: 7 99 ;  : sh 7 ;   \\ in decimal an all-digit token is a number, never a word
12345 {ee1} e!  7 {ee2} ec!
marker -gone
: gone1 1 2 3 ;
-gone
: main nums . hx . 1. dd d. use2 . lit3 . 5 bw . 5 ag . pl
  nest seven . 0 loc . two + . str 3 rec . gs . sh . cr ;
"""
FORMS_OUT = "330 271 100001 6 3 0 0 0 2 4 6 8 0 1 1 2 2 3 7 11 3 a stringoddeven!0 8 7 \r\n"


def big_program(n=320):
    """More than 8 KB: calls from the last words to the first are CALLs, not RCALLs."""
    lines = [": w0 1 ;"] + [f": w{i} w{i - 1} {i} + dup 3 and drop ;" for i in range(1, n)]
    lines.append(f": main w0 . w{n - 1} . w100 . cr ;")
    return "\n".join(lines) + "\n"


def _big_out(n=320):
    v = (1 + sum(range(1, n))) & 0xFFFF
    return f"1 {v - 65536 if v > 32767 else v} 5051 \r\n"


FORTH = {"basics": (BASICS, BASICS_OUT), "forms": (FORMS, FORMS_OUT),
         "big": (big_program(), _big_out()), "align": None}
# E! addresses: the ATmega328P's EEPROM keeps 0..15 for the pointers; the
# MSP430's 64 bytes of info B are all the program's
EE_ADDRS = {"atmega328p": dict(ee1=100, ee2=200), "msp430g2553": dict(ee1=10, ee2=21)}

# Cells at odd addresses: C, before VARIABLE, 2VARIABLE and CREATE, FC,
# before a header (the MSP430 aligns them; a word access there would be wrong)
ALIGN = """\
1 c, variable v1  1 c, 2variable v2  1 c, create c1 2 ,  1 c, create c2 3 allot
fhere 7 fc, constant tbl
: main v1 1 and . v2 1 and . c1 1 and . c2 1 and .
  5 v1 ! 6 7 v2 2! v1 @ . v2 2@ . . tbl c@ . cr ;
"""
ALIGN_OUT = "0 0 0 0 5 7 6 7 \r\n"


def forth_program(name, target):
    """(source, expected output of main) of FORTH[name] for a target."""
    if name == "align":
        return ALIGN, ALIGN_OUT
    src, out = FORTH[name]
    return src.format(**EE_ADDRS[target.name]) if name == "forms" else src, out


@pytest.fixture(scope="module", params=TARGETS)
def kernel(request, tmp_path_factory):
    """One snapshot of the kernel for both sides (it may be rebuilt meanwhile)."""
    t = targets.get(request.param)
    d = tmp_path_factory.mktemp("kernel")
    shutil.copy(t.kernel_file(".elf"), d / "kernel.elf")
    shutil.copy(t.kernel_file(".hex"), d / "kernel.hex")
    return kmod.load(t, d / "kernel.elf", d / "kernel.hex")


def msp430(kernel) -> bool:
    return kernel.target.arch == "msp430"


def fresh_board(target, hexfile, eeprom=None):
    if target.arch == "msp430":
        return Msp430SimBoard(hexfile, timeout=300)      # the image's info flash is in the HEX
    return SimavrBoard(hexfile, mcu=target.board["mcu"], freq=target.clock_hz,
                       reset_pc=target.board["reset_pc"], timeout=300, eeprom=eeprom)


def upload(kernel, lines, turnkey=None):
    """Upload on a fresh board; returns (flash, eeprom, output of main).
    On the MSP430 "eeprom" is the info flash (the pointer log, EEPROM in B)."""
    t = kernel.target
    board = fresh_board(t, kernel.hex_path)
    try:
        link = ForthLink(board.url, baud=t.baud, timeout=30)
        link.sync()
        for n, line in lines:
            r = link.send(line)
            assert not r.error, f"line {n}: {r.error}: {line}"
        out = None
        if turnkey:
            link.run(f"' {turnkey} turnkey")
        flash = board.dump_flash()
        eeprom = board.dump_info() if msp430(kernel) else board.dump_eeprom()
        if turnkey:
            out = link.run(turnkey, timeout=60)
        link.close()
        return flash, eeprom, out
    finally:
        board.close()


def boot(kernel, hexp, eep, first=b"\n", settle=1.0, limit=60.0, expect=None):
    """Boot an image; returns (board, output after the banner).  The simulated
    CPU starts on the host's first byte; anything but ESC lets main run.  The
    output is complete when it has been quiet for `settle` seconds, or, given
    the output `expect`ed, once that is there and nothing follows (the MSP430
    simulator is Python: a long main may be quiet for seconds of wall time)."""
    t = kernel.target
    board = fresh_board(t, hexp, eeprom=eep)
    port = serial.serial_for_url(board.url, baudrate=t.baud, timeout=0.05)
    port.write(first)
    want = None if expect is None else b" ok\r\n" + expect.encode("latin-1")
    buf, t0, last = b"", time.monotonic(), time.monotonic()
    while time.monotonic() - t0 < limit:
        data = port.read(4096)
        if data:
            buf += data
            last = time.monotonic()
        elif b"ok\r\n" in buf and time.monotonic() - last > settle and (
                want is None or want in buf or len(buf) > len(want) + 200):
            break
        elif want is not None and buf.endswith(want) and time.monotonic() - last > 0.3:
            break
    port.close()
    text = buf.decode("latin-1")
    banner, _, rest = text.partition(" ok\r\n")
    assert banner.startswith("jlforth"), text
    return board, rest


def log_pointers(info: bytes):
    """The MSP430 kernel's newest valid record in its log (info D and C, five
    12-byte records each: sequence, fhere, latest, here, turnkey, check);
    returns (fhere, latest, here, turnkey).  Written here from the format in
    forth_kernel/README.md, not from the builder's code."""
    best = None
    for seg in (0, 64):
        for i in range(5):
            w = [int.from_bytes(info[seg + 12 * i + 2 * j:seg + 12 * i + 2 * j + 2], "little")
                 for j in range(6)]
            if w[0] ^ w[1] ^ w[2] ^ w[3] ^ w[4] ^ LOG_MAGIC != w[5]:
                continue
            if best is None or 0 < (w[0] - best[0]) & 0xFFFF < 0x8000:
                best = w
    assert best is not None, "no valid record in the pointer log"
    return tuple(best[1:5])


def compare(kernel, img, flash, eeprom):
    a, e = kernel.flash_offset(kernel.dict_start), kernel.flash_offset(kernel.dict_end)
    mine = img.flash()
    diff = [i for i in range(a, e) if mine[i] != flash[i]]
    assert not diff, (f"{len(diff)} bytes differ, first at {kernel.plain(kernel.dict_start) + diff[0] - a:#06x}: "
                      f"built {mine[diff[0]]:#04x}, chip {flash[diff[0]]:#04x}")
    assert mine[:a] == flash[:a] and mine[e:] == flash[e:]   # the kernel itself, untouched
    if msp430(kernel):
        assert log_pointers(eeprom) == (img.fhere, img.latest, img.here, img.turnkey)
        assert log_pointers(img.flash_info()) == (img.fhere, img.latest, img.here, img.turnkey)
        assert img.eeprom_bytes() == eeprom[0x80:0xC0]      # info B: E! EC!
    else:
        assert img.eeprom_bytes() == eeprom


def upload_equals_build(kernel, lines, img) -> str:
    """Upload `lines` to a fresh board: the dictionary and pointers are the
    image's, byte for byte.  Returns what the upload printed."""
    flash, eeprom, out = upload(kernel, lines, img.turnkey_name)
    compare(kernel, img, flash, eeprom)
    return out


def boots_and_prints(kernel, img, path, want: str):
    """The image written to `path` boots on a simulated board and prints `want`."""
    hexp, eep = img.write(path)
    board, text = boot(kernel, hexp, eep, expect=want)
    board.close()
    assert text == want


@pytest.mark.parametrize("name", list(FORTH))
def test_upload_and_build_are_byte_identical_and_the_image_runs(name, kernel, tmp_path):
    if name == "big" and msp430(kernel):
        pytest.skip("more than the MSP430G2553's 4 KB of dictionary: a test of long calls")
    if name == "align" and not msp430(kernel):
        pytest.skip("the ATmega328P has byte-addressed cells: it does not align")
    src, expected = forth_program(name, kernel.target)
    img = build_forth(src, kernel.target, kernel=kernel)
    assert upload_equals_build(kernel, forth_lines(src), img) == expected
    boots_and_prints(kernel, img, tmp_path / f"{name}.hex", expected)


def test_example_without_main_is_byte_identical(kernel):
    src = (REPO / "examples" / "hello.fs").read_text()
    img = build_forth(src, kernel.target, kernel=kernel)
    assert img.turnkey == 0 and "hello from the Uno" in img.output   # ran while building
    flash, eeprom, _ = upload(kernel, forth_lines(src))
    compare(kernel, img, flash, eeprom)


def _julia_examples():
    return sorted((REPO / "examples").glob("*.jl"))


JULIA = {"inline": ("""\
const N = 5
xs = [3, 1, 2]
ys = zeros(Int16, 4)
total = 0
function sq(x)
    return x * x
end
for i in 1:N
    global total += sq(i)
end
ys[1] = xs[2]
println("total ", total, " ", xs[1], " ", ys[1])
""", "total 55 3 1\n"),
    # Int32, UInt8 arrays, nested loops with break/continue (the backend's jl.dig)
    "loops": ("""\
function collatz(n::Int32)
    steps = 0
    while n != 1
        if n % 2 == 0
            n = n ÷ 2
        else
            n = 3*n + 1
        end
        steps += 1
    end
    return steps
end
function firstpair(limit)
    found = 0
    for i in 1:limit
        for j in 1:limit
            if j > i
                break
            end
            if (i * j) % 7 != 3
                continue
            end
            found = i * 100 + j
            break
        end
        if found != 0
            break
        end
    end
    return found
end
buf = zeros(UInt8, 8)
for k in 1:8
    buf[k] = UInt8(k * 3)
end
s = 0
for k in 1:8
    global s += buf[k]
end
big = Int32(100000) * 3
println("collatz ", collatz(Int32(27)), " pair ", firstpair(10), " sum ", s, " big ", big)
println(true, ' ', 'x', ' ', -7 ÷ 2, ' ', 0x1f)
""", "collatz 111 pair 301 sum 108 big 300000\ntrue x -3 31\n"),
}


# examples that are not for a target (checked: they fail to compile or to fit)
_AVR_PORTS = "uses the ATmega328P's registers (DDRB, PORTB)"
NOT_FOR = {
    "blink.jl": {"msp430g2553": _AVR_PORTS}, "tutorial_1_blink.jl": {"msp430g2553": _AVR_PORTS},
    "tutorial_2_button.jl": {"msp430g2553": _AVR_PORTS},
    "tutorial_4_millis.jl": {"msp430g2553": _AVR_PORTS},
    "primes.jl": {"msp430g2553": "its sieve needs 200 bytes of RAM, the G2553 has 188 free"},
    "tutorial_6_ram.jl": {"msp430g2553": "main overflows the G2553's return stack (-5), "
                                         "uploaded as built"},
}


@pytest.mark.parametrize("path", list(JULIA) + [p.name for p in _julia_examples()])
def test_julia_upload_and_build_are_byte_identical_and_the_image_runs(path, kernel, tmp_path):
    pytest.importorskip("jlforth.backend")
    from jlforth.image.julia import julia_to_forth
    if path in JULIA:
        src, file = JULIA[path][0], tmp_path / "prog.jl"
        file.write_text(src)
    else:
        file = REPO / "examples" / path
        src = file.read_text()
    T = kernel.target
    if T.name in NOT_FOR.get(path, {}):
        pytest.skip(NOT_FOR[path][T.name])
    lines, entry = julia_to_forth(file, src, T)
    img = build_lines(lines, T, path=str(file), kernel=kernel, main=entry)
    out = upload_equals_build(kernel, lines, img) or ""
    if path in JULIA:
        assert out == JULIA[path][1]
    boots_and_prints(kernel, img, tmp_path / "prog.hex", out)
    small = build_lines(lines, T, path=str(file), kernel=kernel, main=entry, strip=True)
    assert small.program_bytes < img.program_bytes
    if msp430(kernel) and path not in JULIA:
        return                       # (time: the MSP430 simulator is Python)
    boots_and_prints(kernel, small, tmp_path / "small.hex", out)


def test_fizzbuzz_hex_for_the_launchpad_boots_and_runs(tmp_path):
    """examples/fizzbuzz.jl built with the CLI for the G2553, the HEX booted
    on the simulated LaunchPad: its output, worked out here."""
    pytest.importorskip("jlforth.backend")
    hexp = tmp_path / "fb.hex"
    r = subprocess.run([sys.executable, "-m", "jlforth", "build", str(REPO / "examples" / "fizzbuzz.jl"),
                        "--target", "msp430g2553", "-o", str(hexp), "-q"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "fb.eep.hex").exists()          # one file: info flash is in it
    expected = "".join(("FizzBuzz" if i % 15 == 0 else "Fizz" if i % 3 == 0 else
                        "Buzz" if i % 5 == 0 else str(i)) + "\n" for i in range(1, 21))
    t = targets.get("msp430g2553")
    k = kmod.get(t)
    board, text = boot(k, hexp, None, expect=expected)
    board.close()
    assert text == expected


def test_stripped_image_is_smaller_and_runs(kernel, tmp_path):
    T = kernel.target
    full = build_forth(BASICS, T, kernel=kernel)
    img = build_forth(BASICS, T, kernel=kernel, strip=True)
    assert img.program_bytes < full.program_bytes
    assert {w.name for w in img.words if w.header_bytes} == {"main"}
    hexp, eep = img.write(tmp_path / "s.hex")
    board, text = boot(kernel, hexp, eep, expect=BASICS_OUT)
    try:
        assert text == BASICS_OUT
        link = ForthLink(board.url, baud=T.baud, timeout=30)
        link.sync()
        assert link.send("sq").error.code == -13          # its name is gone
        assert link.run("main") == BASICS_OUT             # main kept its name
        assert link.run(": more 2 3 + . ; more") == "5 "  # the dictionary grows on
        link.close()
    finally:
        board.close()


def test_no_main_boots_to_the_prompt_with_the_words(kernel, tmp_path):
    T = kernel.target
    img = build_forth(BASICS, T, kernel=kernel, no_main=True)
    hexp, eep = img.write(tmp_path / "n.hex")
    board, text = boot(kernel, hexp, eep, expect="")
    try:
        assert text == ""                                # no turnkey word: the prompt
        link = ForthLink(board.url, baud=T.baud, timeout=30)
        link.sync()
        assert link.run("7 sq .") == "49 "
        assert link.run("main") == BASICS_OUT
        link.close()
    finally:
        board.close()


def test_escape_at_reset_skips_main_and_reset_runs_it_again(kernel, tmp_path):
    T = kernel.target
    img = build_forth(BASICS, T, kernel=kernel)
    hexp, eep = img.write(tmp_path / "e.hex")
    board, text = boot(kernel, hexp, eep, first=b"\x1b")
    try:
        assert "hello" not in text
        link = ForthLink(board.url, baud=T.baud, timeout=30)
        link.sync()
        assert link.run("3 sq .") == "9 "
        link.close()
        port = serial.serial_for_url(board.url, baudrate=T.baud, timeout=0.1)
        board.reset()                                    # the reset button: main runs
        buf, t0 = b"", time.monotonic()
        while BASICS_OUT.encode() not in buf and time.monotonic() - t0 < 20:
            buf += port.read(4096)
        port.close()
        assert BASICS_OUT.encode() in buf
    finally:
        board.close()


@pytest.mark.parametrize("target", TARGETS)
def test_cli_build_then_sim(target, tmp_path):
    src = tmp_path / "prog.fs"
    src.write_text(BASICS)
    r = subprocess.run([sys.executable, "-m", "jlforth", "build", str(src), "-q",
                        "--target", target], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "jlforth", "sim", str(tmp_path / "prog.hex"),
                        "--target", target],
                       input="7 sq .\n", capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert BASICS_OUT.replace("\r\n", "\n") in r.stdout.replace("\r\n", "\n")
    assert "7 sq . 49  ok" in r.stdout


# ---- random programs: every construct the compiler has, in random company ----
KERNEL_WORDS = ("dup drop swap over rot -rot nip tuck ?dup 2dup 2drop + - and or xor "
                "invert negate abs 1+ 1- 2* 2/ cells cell+ = <> < > u< 0= 0< @ c@ ! c! "
                "+! * / mod min max i j unloop >r r> r@ emit . cr type count execute "
                "s>d d+ dnegate um* fill move here depth pick lshift rshift").split()


def random_program(seed: int, words: int = 40) -> str:
    import random
    rnd = random.Random(seed)
    defined, lines = [], []

    def lit():
        return rnd.choice([str(rnd.randint(-40, 300)), str(rnd.randint(-32768, 65535)),
                           f"${rnd.randint(0, 0xFFFF):x}", f"%{rnd.randint(0, 31):b}",
                           f"#{rnd.randint(0, 999)}", f"'{rnd.choice('aZ0~')}'",
                           f"{rnd.randint(-99999, 99999)}.", str(rnd.randint(0x100, 0x8FF)),
                           str(rnd.randint(0x8000, 0xFFFF))])

    def simple():
        r = rnd.random()
        if r < 0.30:
            return [lit()]
        if r < 0.55:
            return [rnd.choice(KERNEL_WORDS)]
        if r < 0.70 and defined:
            return [rnd.choice(defined)]
        if r < 0.75:
            return [lit() + " " + rnd.choice("+ - and or @ c@ ! c!".split())]   # folding
        if r < 0.80:
            return [rnd.choice(['." hi there"', 's" abc"', 'abort" no"', '." "', 's" odd1"'])]
        if r < 0.85:
            return [rnd.choice(["l@", "l!", "ldrop"]) + " " + str(rnd.randint(0, 5))]
        if r < 0.90:
            return [rnd.choice(["[char] q", "postpone dup", "postpone if", "[ 1 2 + ] literal",
                                "recurse", "exit"] + [f"['] {w}" for w in defined[-3:]])]
        return [lit()]

    def body(depth):
        out = []
        for _ in range(rnd.randint(1, 6)):
            r = rnd.random()
            if depth < 3 and r < 0.12:
                out += ["if"] + body(depth + 1) + (["else"] + body(depth + 1) if rnd.random() < .5
                                                    else []) + ["then"]
            elif depth < 3 and r < 0.18:
                out += ["begin"] + body(depth + 1) + ["until"]
            elif depth < 3 and r < 0.23:
                out += ["begin"] + body(depth + 1) + ["while"] + body(depth + 1) + ["repeat"]
            elif depth < 3 and r < 0.26:
                out += ["begin"] + body(depth + 1) + ["again"]
            elif depth < 3 and r < 0.33:
                inner = body(depth + 1)
                if rnd.random() < 0.4:
                    inner += ["if", "leave", "then"]
                out += [rnd.choice(["do", "?do"])] + inner + [rnd.choice(["loop", "+loop"])]
            else:
                out += simple()
        return out

    for n in range(words):
        r = rnd.random()
        name = rnd.choice(["w", "W", "word-", "x"]) + str(n) + rnd.choice(["", "!", "?", "ab"])
        if r < 0.08:
            lines.append(f"variable {name}")
        elif r < 0.13:
            v = lit()
            lines.append(f"{v} {'2drop 5 ' if v.endswith('.') else ''}constant {name}")
        elif r < 0.16:
            lines.append(f"create {name} {rnd.randint(0, 9)} allot")
        elif r < 0.18:
            lines.append(f"1 2 2constant {name}  2variable {name}v")
        else:
            toks = [":", name] + body(0) + [";"]
            line = ""
            for t in toks:                   # packed lines (an item is never split)
                if len(line) + len(t) + 1 > 78:
                    lines.append(line)
                    line = t
                else:
                    line = f"{line} {t}" if line else t
            lines.append(line)
        defined.append(name)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_programs_are_byte_identical(seed, kernel):
    if msp430(kernel):
        if seed > 2:
            pytest.skip("two programs on the MSP430 (its simulator is Python: seconds each)")
        src = random_program(seed, words=18)          # the 4 KB dictionary
    else:
        src = random_program(seed)
    img = build_forth(src, kernel.target, kernel=kernel)
    flash, eeprom, _ = upload(kernel, forth_lines(src))
    compare(kernel, img, flash, eeprom)


def test_cli_sim_bridges_a_terminal(tmp_path):
    """In a terminal: keys go to the chip as typed, Ctrl-] leaves."""
    pexpect = pytest.importorskip("pexpect")
    src = tmp_path / "prog.fs"
    src.write_text(BASICS)
    r = subprocess.run([sys.executable, "-m", "jlforth", "build", str(src), "-q"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    c = pexpect.spawn(sys.executable, ["-m", "jlforth", "sim", str(tmp_path / "prog.hex")],
                      timeout=30)
    try:
        c.expect_exact("0 1 2 ")
        c.send("5 sq .\r")
        c.expect_exact("25  ok")
        c.send("\x1d")
        c.expect(pexpect.EOF)
    finally:
        c.close(force=True)
