"""The bytecode interpreter ~vm (forth_kernel/common/bytecode.tbl), end to
end on both simulated boards: in the ATmega328P's kernel (avr/vm.S), and on
the MSP430G2553 a library uploaded into the dictionary first (msp430/vm.S,
built into build/kernel.vm.fs by the kernel's Makefile).

Bytecode words are laid by hand, as the host lays them:
    : name [ fhere ] ~vm [ ...bytes, by f, and fc, ... drop ] ;
with the opcodes read from bytecode.tbl by name (the small assembler below);
each expected answer is worked out by hand in the comment beside it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from test_image_sim import kernel  # noqa: F401  (fixture: both kernels)

TBL = Path(__file__).resolve().parents[1] / "forth_kernel" / "common" / "bytecode.tbl"


def read_table():
    """(ops, operands, words): opcode by name, operand kind by name, 0x80+k by word."""
    ops, operands, words = {}, {}, {}
    for line in TBL.read_text().splitlines():
        p = line.split()
        if p and p[0] == "vm":
            ops[p[2]] = int(p[1], 16)
            operands[p[2]] = " ".join(p[3:p.index("(")])     # "u8 s8": two
        elif p and p[0] == "word":
            words[p[1]] = 0x80 + len(words)
    return ops, operands, words


OPS, OPERANDS, WORDS = read_table()
SIZE = {"-": 0, "s8": 1, "u8": 1, "u16": 2, "s16": 2, "u8 s8": 2, "u8 s16": 3}
GROUPS = ("l@0", "l!0", "lit0", "l1+0")  # 0x20+n .. 0x50+n: n in the opcode


def assemble(prog) -> list:
    """Forth tokens laying the bytecode `prog` (after `[ fhere ] ~vm [`).

    An instruction is an op name or a tuple (name, operand): ("w", "+") is
    the kernel word + (0x80+k); ("lit0", 5) is 0x45; ("byte", n) a raw
    byte.  A branch's operand may be a label, a string "name:" in prog; a
    call's operand is Forth text leaving the xt ("' foo", or "dup" for the
    word itself, whose xt `[ fhere ]` left on the stack); next's and
    next16's is (ab, offset or label)."""
    def norm(ins):
        return (ins, None) if isinstance(ins, str) else ins

    def size(name, arg):
        if name in ("w", "byte") or name in GROUPS:
            return 1
        if OPERANDS[name] == "u8+text":
            return 2 + len(arg)
        return 1 + SIZE[OPERANDS[name]]

    labels, pos = {}, 0
    for ins in prog:
        if isinstance(ins, str) and ins.endswith(":"):
            labels[ins[:-1]] = pos
        else:
            pos += size(*norm(ins))
    out, pos = [], 0
    for ins in prog:
        if isinstance(ins, str) and ins.endswith(":"):
            continue
        name, arg = norm(ins)
        pos += size(name, arg)
        if name == "w":
            out.append(f"{WORDS[arg]} fc,")
        elif name == "byte":
            out.append(f"{arg & 0xFF} fc,")
        elif name in GROUPS:
            assert 0 <= arg <= 15
            out.append(f"{OPS[name] + arg} fc,")
        else:
            out.append(f"{OPS[name]} fc,")
            kind = OPERANDS[name]
            if kind == "u8+text":
                out.append(f"{len(arg)} fc,")
                out.extend(f"{ord(c)} fc," for c in arg)
                continue
            if kind in ("u8 s8", "u8 s16"):
                ab, arg = arg
                out.append(f"{ab} fc,")
                kind = kind.split()[1]
            if isinstance(arg, str) and arg in labels:
                arg = labels[arg] - pos                 # from the byte after the operand
            if kind in ("s8", "u8"):
                assert -128 <= arg <= 255
                out.append(f"{arg & 0xFF} fc,")
            elif kind in ("u16", "s16"):
                out.append(f"{arg} f," if isinstance(arg, str) else f"{arg & 0xFFFF} f,")
    return out


def word_lines(name, prog) -> list:
    """The lines that lay the bytecode word `name`, short enough for the TIB."""
    toks = [f": {name} [ fhere ] ~vm ["] + assemble(prog) + ["drop ] ;"]
    lines, line = [], ""
    for t in toks:
        if len(line) + len(t) + 1 > 70:
            lines.append(line)
            line = ""
        line = f"{line} {t}" if line else t
    return lines + [line]


def define(forth, name, prog):
    """Lay the bytecode word `name` on the board."""
    for line in word_lines(name, prog):
        r = forth.send(line)
        assert r.error is None, (line, r.error)


def library_lines(target) -> list:
    """The Forth text that lays ~vm: the MSP430's library; none on the AVR,
    whose kernel has ~vm."""
    if target.arch != "msp430":
        return []
    return target.kernel_file(".vm.fs").read_text().splitlines()


@pytest.fixture
def vm(forth, target):
    """The board with ~vm: on the MSP430 the library is uploaded first."""
    for line in library_lines(target):
        assert len(line) <= 80, line
        r = forth.send(line)
        assert r.error is None, (line, r.error)
    assert forth.send("' ~vm drop").error is None
    return forth


def test_literals_and_kernel_words(vm):
    define(vm, "t1", [("lit8", -5), ("lit16", 1234), ("lit16", -30000), ("lit0", 0),
                      ("lit0", 15), ("lit8", 127), ("lit8", -128), "exit"])
    assert vm.run("t1 . . . . . . .") == "-128 127 15 0 -30000 1234 -5 "
    # ( a b -- (a+b)*(a-b) ): 7 3 -> 10*4
    define(vm, "t2", [("w", "over"), ("w", "over"), ("w", "+"), ("w", "-rot"), ("w", "-"),
                      ("w", "*"), "exit"])
    assert vm.run("7 3 t2 .") == "40 "
    # 100 7 /mod -> rem 2, quot 14; the last table word too
    define(vm, "t3", [("lit8", 100), ("lit0", 7), ("w", "/mod"), ("lit0", 3), ("lit0", 9),
                      ("w", list(WORDS)[-1]), "exit"])
    last = {"umax": 9, "umin": 3}[list(WORDS)[-1]]
    assert vm.run("t3 . . .") == f"{last} 14 2 "
    assert vm.run("depth .") == "0 "


def test_branches_both_widths(vm):
    # ( n -- )  begin dup . 1- dup while repeat drop: 8-bit offsets
    define(vm, "cd8", ["top:", ("w", "dup"), ("w", "."), ("w", "1-"), ("w", "dup"),
                       ("0branch", "end"), ("branch", "top"), "end:", ("w", "drop"), "exit"])
    assert vm.run("3 cd8") == "3 2 1 "
    # the same with 16-bit offsets, and 0branch16 on a true flag
    define(vm, "cd16", ["top:", ("w", "dup"), ("w", "."), ("w", "1-"), ("w", "dup"),
                        ("0branch16", "end"), ("branch16", "top"), "end:", ("w", "drop"),
                        ("lit0", 1), ("0branch16", "skip"), ("lit0", 7), ("w", "."),
                        "skip:", "exit"])
    assert vm.run("4 cd16") == "4 3 2 1 7 "
    # a forward 16-bit branch over 300 bytes (an offset above 255)
    define(vm, "far", [("branch16", "there")] + [("byte", 0x13)] * 300
           + ["there:", ("lit8", 42), "exit"])
    assert vm.run("far .") == "42 "


def test_calls(vm):
    vm.run(": sq dup * ;  variable v  10 constant ten  create cw 5 ,")
    vm.run(": arr create cells allot does> swap cells + ;  3 arr a  9 2 a !")
    define(vm, "t4", [("lit0", 6), ("call", "' negate"),        # -6  a primitive
                      ("lit0", 9), ("call", "' sq"),            # 81  a colon word
                      ("lit8", 77), ("call", "' v"), ("w", "!"),
                      ("call", "' v"), ("w", "@"),              # 77  a variable
                      ("call", "' ten"),                        # 10  a constant
                      ("lit16", "' cw"), ("call", "' >body"), ("w", "@"),   # 5  a C word
                      ("lit0", 2), ("call", "' a"), ("w", "@"),             # 9  DOES>
                      ("lit16", "' sq"), ("lit0", 4), ("w", "swap"), ("w", "execute"),  # 16
                      "exit"])
    assert vm.run("t4 . . . . . . .") == "16 9 5 10 77 81 -6 "
    # a bytecode word called from a bytecode word and from a colon word
    define(vm, "t2", [("w", "over"), ("w", "over"), ("w", "+"), ("w", "-rot"), ("w", "-"),
                      ("w", "*"), "exit"])                       # (a+b)*(a-b)
    define(vm, "t5", [("call", "' t2"), ("lit0", 1), ("w", "+"), "exit"])
    assert vm.run("7 3 t5 . : t6 5 1 t5 ; t6 .") == "41 25 "


def test_recursion(vm):
    # fib ( n -- f ): n < 2 if n else fib(n-1) + fib(n-2)
    define(vm, "fib", [("w", "dup"), ("lit0", 2), ("w", "<"), ("0branch", "rec"), "exit",
                       "rec:", ("w", "dup"), ("w", "1-"), ("rcall", "dup"), ("w", "swap"),
                       ("lit0", 2), ("w", "-"), ("rcall", "dup"), ("w", "+"), "exit"])
    assert vm.run("10 fib . 1 fib . 0 fib .") == "55 1 0 "
    # fact ( n -- n! ) with the argument in a frame cell
    define(vm, "fact", [(">r"), ("l@0", 0), ("lit0", 1), ("w", ">"), ("0branch", "one"),
                        ("l@0", 0), ("l@0", 0), ("w", "1-"), ("rcall", "dup"), ("w", "*"),
                        ("lexit", 1), "one:", ("lit0", 1), ("lexit", 1)])
    assert vm.run("7 fact . 0 fact .") == "5040 1 "
    # endless recursion meets ?rp's check: -5, and the prompt recovers
    define(vm, "deep", [("0>r"), ("rcall", "dup"), "exit"])
    r = vm.send("deep")
    assert r.error and r.error.code == -5
    assert vm.run("1 2 + . depth .") == "3 0 "


def test_frames(vm):
    # ( a b c -- ): R after >r >r >r 0>r: 0 a b c (cell 0 first)
    define(vm, "fr", [">r", ">r", ">r", "0>r",
                      ("l@0", 1), ("l@0", 2), ("w", "-"), ("l!0", 0),       # cell0 = a-b
                      ("l@", 3), ("lit8", 10), ("w", "*"), ("l!", 1),       # cell1 = 10c
                      ("l@0", 0), ("l@0", 1), ("w", "+"),                   # (a-b)+10c
                      "r@",                                                 # a-b
                      "rdrop", "r>",                                        # 10c
                      ("lexit", 2)])
    assert vm.run("7 2 5 fr . . .") == "50 5 55 "
    # 17 cells: the long forms reach cell 16; ldrop drops them all
    define(vm, "fr17", ["0>r"] * 17 + [("lit0", 9), ("l!", 16), ("l@", 16), ("l@0", 15),
                                       ("ldrop", 17), "exit"])
    assert vm.run("fr17 . .") == "0 9 "
    assert vm.run("depth .") == "0 "


def test_dot_quote(vm):
    define(vm, "hi", [('."', "hello, "), ("lit0", 1), ("w", "."), ('."', "world"), "exit"])
    assert vm.run("hi") == "hello, 1 world"


def test_throw_through_the_vm(vm):
    vm.run(": boom 33 throw ;  : sq dup * ;")
    # a frame cell and a stack item are left behind by the THROW
    define(vm, "inner", ["0>r", ("lit0", 1), ("call", "' boom"), ("lit8", 99), ("lexit", 1)])
    vm.run(": outer ['] inner catch . depth . ;")
    assert vm.run("outer") == "33 0 "
    # CATCH called by bytecode: THROW comes back to the VM
    define(vm, "outer2", [("lit0", 5), ("lit16", "' inner"), ("call", "' catch"), ("w", "."),
                          ("w", "."), ("lit16", "' sq"), ("lit0", 3), ("w", "swap"),
                          ("call", "' catch"), ("w", "."), ("w", "."), "exit"])
    assert vm.run("outer2") == "33 5 0 9 "
    # an uncaught error in a called word ends at the prompt
    define(vm, "div0", [("lit0", 1), ("lit0", 0), ("w", "/"), "exit"])
    r = vm.send("div0")
    assert r.error and r.error.code == -10
    assert vm.run("outer2 depth .") == "33 5 0 9 0 "     # nothing left in the way


@pytest.mark.parametrize("op", [0x1C, 0x1F, 0x60, 0x6F, 0x70, 0x7F, 0x80 + len(WORDS), 0xFF])
def test_invalid_opcode(vm, op):
    define(vm, "bad", [("lit0", 1), ("byte", op), ("lit0", 2), "exit"])
    r = vm.send("bad")
    assert r.error and r.error.code == -21          # unsupported operation
    assert vm.run("depth . 1 2 + .") == "0 3 "
    assert vm.run("' bad catch . depth .") == "-21 0 "
    define(vm, "ok", [("lit8", -7), ("w", "abs"), "exit"])
    assert vm.run("ok .") == "7 "


def test_frame_prologues(vm):
    # frame $21 ( a b -- ): >r twice (b, then a), one zero: cells 0 a b
    define(vm, "fr21", [("frame", 0x21), ("l@0", 1), ("l@0", 2), ("w", "-"),     # a-b
                        ("l@0", 0), ("w", "+"), ("lexit", 3)])                   # + 0
    assert vm.run("7 3 fr21 .") == "4 "
    # frame $30 ( a b c -- ): cells a b c; frame $03 ( -- ): three zeros
    define(vm, "fr30", [("frame", 0x30), ("l@0", 0), ("l@0", 1), ("l@0", 2), ("lexit", 3)])
    assert vm.run("1 2 3 fr30 . . .") == "3 2 1 "
    define(vm, "fr03", [("frame", 0x03), ("l@0", 0), ("l@0", 1), ("w", "+"), ("l@0", 2),
                        ("w", "+"), ("lexit", 3)])
    assert vm.run("5 fr03 . .") == "0 5 "
    # frame $00 does nothing; $1F: one cell moved, fifteen zeros (cell 15)
    define(vm, "fr1f", [("frame", 0x00), ("frame", 0x1F), ("l@0", 15), ("l@0", 14),
                        ("lexit", 16)])
    assert vm.run("9 fr1f . . depth .") == "0 9 0 "


def test_l1plus(vm):
    # three l1+ on a zero cell; l1+ 15 twice on the deepest of sixteen
    define(vm, "inc3", [("frame", 0x01), ("l1+0", 0), ("l1+0", 0), ("l1+0", 0),
                        ("l@0", 0), ("lexit", 1)])
    assert vm.run("inc3 .") == "3 "
    define(vm, "inc15", ["0>r", ("frame", 0x0F), ("l1+0", 15), ("l1+0", 15), ("l@0", 15),
                         ("l@0", 14), ("ldrop", 16), "exit"])
    assert vm.run("inc15 . . depth .") == "0 2 0 "
    # -1 + 1 wraps to 0
    define(vm, "incm", [("lit8", -1), ">r", ("l1+0", 0), "r>", "exit"])
    assert vm.run("incm .") == "0 "


def test_tbranch_both_widths(vm):
    # ( f -- n ): 2 when f is not zero, else 1
    define(vm, "tb", [("tbranch", "yes"), ("lit0", 1), "exit", "yes:", ("lit0", 2), "exit"])
    assert vm.run("0 tb . -1 tb . 5 tb . depth .") == "1 2 2 0 "
    # the same over 300 bytes that are never run (an offset above 255)
    define(vm, "tb16", [("tbranch16", "yes"), ("lit0", 1), "exit"] + [("byte", 0xFF)] * 300
           + ["yes:", ("lit0", 2), "exit"])
    assert vm.run("0 tb16 . 1 tb16 . -32768 tb16 . depth .") == "1 2 2 0 "
    # a backward tbranch: ( n -- ) counts down, 3 2 1
    define(vm, "cdt", ["top:", ("w", "dup"), ("w", "."), ("w", "1-"), ("w", "dup"),
                       ("tbranch", "top"), ("w", "drop"), "exit"])
    assert vm.run("3 cdt") == "3 2 1 "


def test_next_loops(vm):
    # ( n -- sum ) for i = 1:n, sum += i: cell 0 = i, cell 1 = n; next $01
    define(vm, "sum", [">r", ("lit0", 1), ">r", ("lit0", 0),
                       "top:", ("l@0", 0), ("w", "+"), ("next", (0x01, "top")),
                       ("lexit", 2)])
    assert vm.run("10 sum . 1 sum . 100 sum . depth .") == "55 1 5050 0 "
    # the cells the other way round (next $10: a = cell 1), and the loop
    # variable after the loop is the limit
    define(vm, "cnt", [("lit0", 3), ">r", ">r",                   # cell 0 = n, cell 1 = 3
                       "top:", ("l@0", 1), ("w", "."), ("next", (0x10, "top")),
                       ("l@0", 1), ("lexit", 2)])
    assert vm.run("6 cnt .") == "3 4 5 6 6 "
    # next16: a body of more than 127 bytes (+ 0 seventy times, 140 bytes)
    define(vm, "sum16", [">r", ("lit0", 1), ">r", ("lit0", 0),
                         "top:", ("l@0", 0), ("w", "+")] + [("lit0", 0), ("w", "+")] * 70
           + [("next16", (0x01, "top")), ("lexit", 2)])
    assert vm.run("10 sum16 . 3 sum16 .") == "55 6 "
    # frame cells deeper than 15 in the operand's nibbles: cells 14 and 15
    define(vm, "deepn", [("lit0", 5), ">r", ("lit0", 2), ">r", ("frame", 0x0E),  # 15 = 5, 14 = 2
                         "top:", ("next", (0xEF, "top")), ("l@0", 14), ("ldrop", 16), "exit"])
    assert vm.run("deepn . depth .") == "5 0 "


def test_array_codes(vm):
    vm.run("create ca 10 , 20 , 30 ,  create cb 5 c, 6 c, 7 c, 0 c,")
    vm.run("fhere 40 fc, 41 fc, 42 fc, 0 fc, constant ft")       # bytes in flash
    define(vm, "arr", [("lit16", "ca"), ("lit0", 1), "[]@",          # 10
                       ("lit16", "ca"), ("lit0", 3), "[]@",          # 30
                       ("lit16", "cb"), ("lit0", 2), "[]c@",         # 6
                       ("lit16", "ft"), ("lit0", 3), "[]c@",         # 42  from flash
                       ("lit16", "ca"), ("lit0", 2), ("lit16", -1234), "[]!",
                       ("lit16", "cb"), ("lit0", 4), ("lit8", 99), "[]c!",
                       ("lit16", "cb"), ("lit0", 1), ("lit16", 0x1234), "[]c!",  # the low byte
                       "exit"])
    assert vm.run("arr . . . .") == "42 6 30 10 "
    assert vm.run("ca cell+ @ . cb 3 + c@ . cb c@ . ca @ . cb 1+ c@ . depth .") == \
        "-1234 99 52 10 6 0 "
    # the index from a frame cell, in a loop: ( -- sum ) of ca's three cells
    define(vm, "asum", [("lit0", 1), ">r", ("lit0", 3), ">r", ("lit0", 0),   # cell 1 = i
                        "top:", ("lit16", "ca"), ("l@0", 1), "[]@", ("w", "+"),
                        ("next", (0x10, "top")), ("lexit", 2)])
    assert vm.run("asum .") == "-1194 "


def test_image_builder_lays_the_same_bytes(vm, target):
    """The host image builder compiles the same text to the same bytes (it
    knows ~vm from the kernel's header chain on the AVR, from the library's
    text on the MSP430, which it lays as the board does)."""
    from jlforth.image import build_forth
    from jlforth.image import kernel as kmod
    prog = [("lit8", -3), ('."', "odd"), ("rcall", "dup"), ("call", "' dup"), ("w", "+"), "exit"]
    lines = word_lines("bc", prog) + [": after 1 ;"]
    lib = library_lines(target)
    k = kmod.load(target, target.kernel_file(".elf"), target.kernel_file(".hex"))
    img = build_forth("\n".join(lib + lines), target, kernel=k)
    for ln in lines:
        assert vm.send(ln).error is None, ln
    vm.run(": rd ( a n -- ) 0 do dup i + c@ . loop drop ;")
    assert [w.name for w in img.words] == ["~vm"] * bool(lib) + ["bc", "after"]
    for w in img.words:
        a = k.flash_offset(w.start) - k.flash_offset(k.dict_start)
        addr = 0x8000 | k.flash_offset(w.start) if target.name == "atmega328p" else w.start
        n = w.header_bytes + w.code_bytes
        want = list(img.dictionary[a:a + n])
        got = [int(x) for x in vm.run(f"{addr} {n} rd").split()]
        assert got == want, w.name


def test_library_and_bytecode_upload_and_build_byte_identical(kernel, tmp_path):  # noqa: F811
    """The library, a bytecode word and a main: uploaded on a fresh board and
    built by the image builder, the whole dictionary and the pointers agree,
    and the built image boots and runs main."""
    from jlforth.image import build_lines
    from test_image_sim import boots_and_prints, upload_equals_build
    T = kernel.target
    prog = [("frame", 0x10), ("lit0", 0),                          # ( n -- ) cell 0 = n
            "top:", ("l@0", 0), ("w", "+"), ("l@0", 0), ("w", "1-"), ("l!0", 0),
            ("l@0", 0), ("tbranch", "top"), ('."', "sum "), ("w", "."), ("lexit", 1)]
    text = library_lines(T) + word_lines("tri", prog) + [": main 10 tri 4 tri cr ;"]
    lines = list(enumerate(text, 1))
    img = build_lines(lines, T, kernel=kernel)
    want = "sum 55 sum 10 \r\n"
    assert upload_equals_build(kernel, lines, img) == want
    boots_and_prints(kernel, img, tmp_path / "vm.hex", want)


def lay_library(text: str, at: int) -> bytes:
    """The bytes kernel.vm.fs lays when its first cell is at `at` (after the
    code field): `$xxxx f,` as it is, `fhere n + f,` as at + offset + n."""
    toks = text.replace("\n", " ").split()
    assert toks[:5] == [":", "~vm", "begin", "[", "2drop"] and toks[-2:] == ["]", ";"]
    out, i, body = bytearray(), 0, toks[5:-2]
    while i < len(body):
        if body[i] == "fhere":
            assert body[i + 2:i + 4] == ["+", "f,"]
            v, i = at + len(out) + int(body[i + 1]), i + 4
        else:
            assert body[i][0] == "$" and body[i + 1] == "f,"
            v, i = int(body[i][1:], 16), i + 2
        out += (v & 0xFFFF).to_bytes(2, "little")
    return bytes(out)


def test_msp430_library_cycles_as_documented():
    """The cycle counts vm.S's header gives, on the simulated CPU: one
    operation from the opcode fetch until the next, with the library laid at
    the dictionary's start (as the text lays it) and the kernel's words."""
    import subprocess
    from jlforth import targets
    from jlforth.sim.msp430 import Msp430Sim
    from jlforth.sim.msp430 import regs as r
    t = targets.get("msp430g2553")
    syms = {}
    for ln in subprocess.run(["llvm-nm", str(t.kernel_file(".elf"))], capture_output=True,
                             text=True, check=True).stdout.splitlines():
        p = ln.split()
        if len(p) == 3:
            syms[p[2]] = int(p[0], 16)
    at = syms["__dict_start"] + 8                   # any even address in the dictionary
    lib = lay_library(t.kernel_file(".vm.fs").read_text(), at)
    vm = at + 4                                     # the first cell, then vm_start's pop
    assert lib[:2] == (at + 2).to_bytes(2, "little")

    def cycles(code):
        sim = Msp430Sim()
        sim.load_hex(str(t.kernel_file(".hex")))
        sim.load_bytes(at, lib)
        sim.wdt.write(r.WDTCTL, 0x5A80, 2)
        sim.load_bytes(0x0300, bytes(code))
        sim.load_bytes(0x0380, b"\x05\x00\x06\x00")
        sim.R[1], sim.R[4], sim.R[5], sim.R[6] = 0x03C0, 0x0300, 0x0380, 7
        sim.R[9] = syms["docol"]
        sim.R[0] = vm
        c0 = sim.cycles
        for _ in range(100):
            sim.step()
            if sim.R[0] == vm:
                return sim.cycles - c0
        raise AssertionError("did not come back")

    dup = syms["dup"]
    assert cycles([WORDS["+"]]) == 27               # 20 to it, + 5, pop 2
    assert cycles([WORDS["dup"]]) == 30
    assert cycles([OPS["call"], dup & 255, dup >> 8]) == 40
    assert cycles([OPS["l@0"] + 1]) == 31
    assert cycles([OPS["lit0"] + 3]) == 30
    assert cycles([OPS["lit8"], 5]) == 15 + 13
    assert cycles([OPS["branch"], 0]) == 15 + 6
    assert cycles([OPS["0branch"], 0]) == 15 + 8     # not taken (TOS = 7)
