"""The image builder on the host: kernel facts read from the build, the code
the meta-compiler lays down (checked against the encodings of codegen.c on
the ATmega328P and codegen.S on the MSP430G2553), build-time execution,
--strip, the size check, the files and the CLI verbs.  The byte-for-byte
comparison with the chip is in test_image_sim.py."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from intelhex import IntelHex

from jlforth import targets
from jlforth.image import BuildError, ImageTooLarge, build_forth, eep_path
from jlforth.image import kernel as kmod
from jlforth.image.meta import MetaCompiler
from jlforth.image.report import avrdude_args, flash_command

REPO = Path(__file__).resolve().parents[1]
TARGETS = ["atmega328p", "msp430g2553"]


def _snapshot(name, tmp_path_factory):
    """A snapshot of the kernel build (the kernel may be rebuilt meanwhile)."""
    t = targets.get(name)
    d = tmp_path_factory.mktemp("kernel")
    shutil.copy(t.kernel_file(".elf"), d / "kernel.elf")
    shutil.copy(t.kernel_file(".hex"), d / "kernel.hex")
    return kmod.load(t, d / "kernel.elf", d / "kernel.hex")


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """The ATmega328P's kernel (the tests of AVR encodings)."""
    return _snapshot("atmega328p", tmp_path_factory)


@pytest.fixture(scope="module")
def k430(tmp_path_factory):
    """The MSP430G2553's kernel (the tests of its encodings)."""
    return _snapshot("msp430g2553", tmp_path_factory)


@pytest.fixture(scope="module", params=TARGETS)
def any_kernel(request, tmp_path_factory):
    """Each target's kernel, for what both have."""
    return _snapshot(request.param, tmp_path_factory)


def build(src, kernel, **kw):
    return build_forth(src, kernel.target, kernel=kernel, **kw)


def code_of(img, name):
    w = next(w for w in img.words if w.name == name)
    k = img.kernel
    a = k.flash_offset(w.start) - k.flash_offset(k.dict_start) + w.header_bytes
    return img.dictionary[a:a + w.code_bytes]


def words16(b):
    return [b[i] | b[i + 1] << 8 for i in range(0, len(b) - 1, 2)]


# ---- kernel facts -------------------------------------------------------------
def test_kernel_facts_come_from_the_build(kernel):
    k = kernel
    assert k.dict_start & 0x7F == 0 and k.dict_start & 0x8000
    assert (k.dict_start & 0x7FFF) >= k.kernel_bytes > 1000
    assert k.dict_end == 0x8000 | k.boot_byte
    names = {w.name for w in k.words}
    for n in ("dup", "+", ":", ";", "(do)", "(s\")", "turnkey", "create", "does>", "l@"):
        assert n in names
    assert k.by_name["dup"].inline and not k.by_name[":"].immediate
    assert k.by_name[";"].immediate and k.by_name[";"].compile_only
    assert k.inline_code(k.by_name["dup"].xt) == [0x939A, 0x938A]
    assert k.ram_start < k.here_limit < k.s0 <= k.ram_end


def test_kernel_from_the_package_data(monkeypatch, tmp_path):
    """A user without avr-gcc: Target.kernel_file falls back to jlforth/data/<target>."""
    t = targets.get("atmega328p")
    data = targets.DATA / t.name
    if not (data / "kernel.elf").is_file():
        pytest.skip("no packaged kernel (run tools/setup)")
    monkeypatch.setattr(targets.Target, "kernel_build_dir", lambda self: tmp_path / "nothing")
    assert t.kernel_file(".elf") == data / "kernel.elf"
    img = build_forth(": main 1 . ;", t, kernel=kmod.load(t))
    assert img.turnkey_name == "main"


# ---- what the meta-compiler lays down ----------------------------------------
def test_header_and_literal_layout(kernel):
    img = build(": abc 258 ;", kernel)
    d = img.dictionary
    assert d[0] | d[1] << 8 == kernel.kernel_latest            # link to the kernel's newest
    assert d[2] == 3 and d[3:6] == b"abc" and d[6:8] == b"\x00\xff"   # odd length: a pad byte
    assert words16(code_of(img, "abc")) == [0x939A, 0x938A, 0xE082, 0xE091, 0x9508]
    img = build(": ab 1 ;", kernel)
    assert img.dictionary[2:6] == b"\x02ab\xff"                  # even length: none
    assert img.latest == kernel.dict_start
    assert img.here == kernel.ram_start


def test_calls_tail_calls_and_inline_copies(kernel):
    img = build(": a 1 ; : b a ; : c a 1 ; : d dup ; : e if a then ;", kernel)
    b = words16(code_of(img, "b"))
    assert len(b) == 1 and b[0] & 0xF000 == 0xC000                # rcall became rjmp
    c = words16(code_of(img, "c"))
    assert c[0] & 0xF000 == 0xD000 and c[-1] == 0x9508          # a call, not a tail call
    assert words16(code_of(img, "d")) == [0x939A, 0x938A, 0x9508]   # dup copied inline
    e = words16(code_of(img, "e"))
    assert e[-1] == 0x9508 and e[-2] & 0xF000 == 0xD000         # a branch lands after the call


def test_numbers_in_every_form(kernel):
    src = ": n $ff #10 %101 'A' -5 ; hex : h ff ; decimal : dd 100000. ;"
    img = build(src, kernel)

    def lits(name):
        w = words16(code_of(img, name))
        out = []
        for i in range(0, len(w) - 1, 4):
            if w[i:i + 2] == [0x939A, 0x938A]:
                lo, hi = w[i + 2], w[i + 3]
                out.append((((lo >> 4) & 0xF0) | (lo & 0xF)) | (((hi >> 4) & 0xF0) | (hi & 0xF)) << 8)
        return out
    assert lits("n") == [255, 10, 5, 65, 0xFFFB]
    assert lits("h") == [255]
    assert lits("dd") == [100000 & 0xFFFF, 100000 >> 16]


def test_literal_folding(kernel):
    if not kernel.folds:
        pytest.skip("this kernel does not fold literals")
    img = build("variable v : f 5 + ; : g v @ ; : h 3 v ! ;", kernel)
    assert words16(code_of(img, "f")) == [0x5F8B, 0x4F9F, 0x9508]   # subi r24,-5; sbci r25,-1
    # v is an inline copy of a literal, not a literal: it does not fold
    img2 = build("variable v : g 512 @ ;", kernel)
    assert words16(code_of(img2, "g"))[:4] == [0x939A, 0x938A, 0x9180, 512]


def test_strings_loops_and_locals(kernel):
    img = build(': s ." hi" ; : l 10 0 do i loop ; : q l@ 1 l! 0 ldrop 2 ;', kernel)
    s = code_of(img, "s")
    c = 4 if words16(s)[0] == 0x940E else 2                 # CALL or RCALL (.")
    assert s[c:c + 3] == b"\x02hi" and s[c + 3] == 0 and s[-2:] == b"\x08\x95"
    assert words16(code_of(img, "l"))[-5:-1] == [0x911F, 0x910F, 0x90FF, 0x90EF]
    q = words16(code_of(img, "q"))
    assert q[:6] == [0x939A, 0x938A, 0xB7ED, 0xB7FE, 0x8184, 0x8193]   # L@ 1: ldd r24,Z+4 ...


def test_create_does_and_build_time_execution(kernel):
    src = """: mk create , does> @ 1+ ;
42 mk answer
: tbl create 3 0 do i , loop ;
tbl t3
10 constant ten  ten 2* constant twenty
: sq dup * ;  7 sq constant fortynine
"""
    img = build(src, kernel)
    answer = words16(code_of(img, "answer"))
    assert answer[4:5] == [0x940C]                      # the RET became JMP does-code
    assert next(w for w in img.words if w.name == "t3").ram_bytes == 6
    assert any("not part of the image" in w for w in img.warnings)
    assert img.here == kernel.ram_start + 2 + 6
    fortynine = words16(code_of(img, "fortynine"))
    assert fortynine[2:4] == [0xE381, 0xE090]          # 49
    m = MetaCompiler(kernel)
    m.compile_lines([(n, l) for n, l in enumerate(src.splitlines(), 1)]
                    + [(9, "answer twenty fortynine")], "x")
    assert m.stack == [43, 20, 49]


def test_build_time_output_is_kept_apart(any_kernel):
    img = build(': hi ." hello" ; hi 1 2 + .', any_kernel)
    assert img.output == "hello3 "


def test_errors_have_file_line_and_the_kernels_words(any_kernel):
    with pytest.raises(BuildError) as e:
        build(": ok 1 ;\n: bad nosuch ;", any_kernel, path="p.fs")
    assert e.value.format().startswith("p.fs:2: error: nosuch: undefined word (-13)")
    with pytest.raises(BuildError, match="control structure mismatch"):
        build(": x if ;", any_kernel)
    with pytest.raises(BuildError, match="compile only"):
        build("then", any_kernel)
    with pytest.raises(BuildError, match="not finished"):
        build(": x 1", any_kernel)
    with pytest.raises(BuildError, match="cannot run while the image is built"):
        build("key", any_kernel)


def test_turnkey_no_main_and_eeprom_record(kernel):
    img = build(": main 1 . ;", kernel)
    rec = img.eeprom_record
    vals = [rec[i] | rec[i + 1] << 8 for i in range(0, 12, 2)]
    assert vals[0] == 0x4A46 and vals[1] == img.fhere and vals[2] == img.latest
    assert vals[3] == img.here and vals[4] == img.turnkey != 0
    assert vals[5] == vals[0] ^ vals[1] ^ vals[2] ^ vals[3] ^ vals[4] ^ 0x5A5A
    assert build(": main 1 . ;", kernel, no_main=True).turnkey == 0
    assert build(": foo 1 . ;", kernel).turnkey == 0
    assert build(": foo 1 . ; ' foo turnkey", kernel).turnkey_name == "foo"


def test_strip_drops_names_and_unreachable_words(any_kernel):
    src = """: unused1 1 2 3 + + ;
: helper 2* ;
10 constant ten
variable v
: shown ." x" ;
: main ten helper v ! v @ . ;
"""
    full = build(src, any_kernel)
    img = build(src, any_kernel, strip=True)
    assert img.program_bytes < full.program_bytes
    names = {w.name: w for w in img.words}
    assert "unused1" not in names and "ten" not in names and "shown" not in names
    assert names["helper"].header_bytes == 0 and names["main"].header_bytes > 0
    assert img.here == full.here                         # data space is kept as it was
    kept = {w.name: w for w in build(src, any_kernel, strip=True, keep=["shown"]).words}
    assert kept["shown"].header_bytes > 0
    with pytest.raises(BuildError, match="no such word"):
        build(src, any_kernel, strip=True, keep=["nope"])


def test_too_large_program_fails_with_numbers(any_kernel):
    src = "\n".join(f": w{i} " + "dup drop " * 10 + ";" for i in range(600))
    with pytest.raises(ImageTooLarge) as e:
        build(src, any_kernel)
    msg = str(e.value)
    img = build(src, any_kernel, check=False)
    assert not img.fits and img.free_flash < 0
    assert f"needs {img.program_bytes} bytes of flash" in msg
    assert f"dictionary has {img.dictionary_space}" in msg and f"{-img.free_flash} bytes too many" in msg
    with pytest.raises(ImageTooLarge, match="bytes of RAM"):
        build("create big 3000 allot", any_kernel)


def test_files(kernel, tmp_path):
    img = build(": main 1 . ;", kernel)
    hexp, eep = img.write(tmp_path / "p.hex")
    assert eep == tmp_path / "p.eep.hex" == eep_path(hexp)
    ih = IntelHex(str(hexp))
    flash = img.flash()
    page = kernel.target.flash["page"]
    start = kernel.dict_start & 0x7FFF
    boot = kernel.boot_byte
    assert max(a for a in ih.addresses() if a < boot) + 1 == start + page   # whole pages
    assert bytes(ih.tobinarray(start=0, size=start + page)) == flash[:start + page]
    assert ih.start_addr is None                           # simavr rejects a start record
    ee = IntelHex(str(eep))
    assert bytes(ee.tobinarray(start=0, size=12)) == img.eeprom_record


def test_flashing_command(kernel, tmp_path):
    img = build(": main ;", kernel)
    cmd = flash_command(img, Path("prog.hex"), Path("prog.eep.hex"))
    assert cmd == ("avrdude -p m328p -c usbasp -U flash:w:prog.hex:i -U eeprom:w:prog.eep.hex:i "
                   "-U hfuse:w:0xDE:m -U lfuse:w:0xFF:m -U efuse:w:0xFD:m")
    a = avrdude_args(kernel.target, Path("x.hex"), None, programmer="arduino", port="/dev/ttyACM0",
                     fuses=False)
    assert a == ["avrdude", "-p", "m328p", "-c", "arduino", "-P", "/dev/ttyACM0",
                 "-U", "flash:w:x.hex:i"]


# ---- the CLI ----------------------------------------------------------------------
def jlforth(*args, input=None, env=None, timeout=120, cwd=None):
    return subprocess.run([sys.executable, "-m", "jlforth", *args], cwd=cwd or REPO, input=input,
                          capture_output=True, text=True, timeout=timeout, env=env)


def test_cli_build_report_and_command(tmp_path):
    src = tmp_path / "prog.fs"
    src.write_text(": sq dup * ;\n: main 7 sq . ;\n")
    r = jlforth("build", str(src), "-o", str(tmp_path / "prog.hex"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "prog.hex").is_file() and (tmp_path / "prog.eep.hex").is_file()
    out = r.stdout
    for s in ("kernel", "program", "free", "RAM", "sq", "main", "runs at reset",
              f"-U flash:w:{tmp_path / 'prog.hex'}:i", "hfuse:w:0xDE:m"):
        assert s in out, s


def test_cli_build_too_large_and_errors(tmp_path):
    src = tmp_path / "big.fs"
    src.write_text("\n".join(f": w{i} " + "dup drop " * 10 + ";" for i in range(600)) + "\n")
    r = jlforth("build", str(src), "--no-words")
    assert r.returncode == 1 and "does not fit" in r.stderr and "bytes too many" in r.stderr
    assert not (tmp_path / "big.hex").exists()
    bad = tmp_path / "bad.fs"
    bad.write_text(": x nosuch ;\n")
    r = jlforth("build", str(bad))
    assert r.returncode == 1 and f"{bad}:1: error: nosuch: undefined word (-13)" in r.stderr
    assert "Traceback" not in r.stderr


def test_cli_flash_without_avrdude_says_how_to_install(tmp_path):
    src = tmp_path / "p.fs"
    src.write_text(": main ;\n")
    assert jlforth("build", str(src), "-q").returncode == 0
    env = {"PATH": str(tmp_path / "empty"), "PYTHONPATH": str(REPO)}
    r = jlforth("flash", str(tmp_path / "p.hex"), "--programmer", "arduino", "-P", "/dev/x", env=env)
    assert r.returncode == 1 and "apt install avrdude" in r.stderr
    assert "avrdude -p m328p -c arduino -P /dev/x" in r.stdout
    r = jlforth("flash", str(tmp_path / "p.hex"), "--dry-run")
    assert r.returncode == 0 and "eeprom:w:" in r.stdout


def test_cli_flash_runs_avrdude(tmp_path):
    """A stand-in avrdude on PATH receives exactly the printed arguments."""
    src = tmp_path / "p.fs"
    src.write_text(": main ;\n")
    assert jlforth("build", str(src), "-q").returncode == 0
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "avrdude"
    fake.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path / 'args'}\n")
    fake.chmod(0o755)
    import os
    env = dict(os.environ, PATH=f"{bindir}:{os.environ['PATH']}")
    r = jlforth("flash", str(tmp_path / "p.hex"), env=env)
    assert r.returncode == 0, r.stderr
    args = (tmp_path / "args").read_text().split()
    assert args[:4] == ["-p", "m328p", "-c", "usbasp"] and "hfuse:w:0xDE:m" in args


# ---- the MSP430G2553: direct-threaded code (forth_kernel/msp430/codegen.S) ----------
DOCOL, CALL = 0x1289, 0x12B0         # call r9 / call #imm (forth_kernel/README.md)


def cells_of(img, name):
    return words16(code_of(img, name))


def xt_of(img, name):
    w = next(w for w in img.words if w.name == name)
    return w.start + w.header_bytes


def test_msp430_kernel_facts_come_from_the_build(k430):
    k, s = k430, k430.symbols
    assert k.dict_start == s["__dict_start"] and k.dict_start % 512 == 0
    assert k.dict_end == 0xFE00 == s["jlf_dict_end"]
    assert k.flash_offset(k.dict_start) >= k.kernel_bytes > 8000
    assert k.ram_start == s["__bss_end"] < k.here_limit == s["jlf_data_limit"] < k.s0 <= 0x3FF
    for label in ("docol", "docon", "docreate", "plit", "pexit", "pbranch", "pzbranch"):
        assert k.xts[label] == s[label]
    assert k.by_name["bl"].inline and k.docon_value(k.by_name["bl"].xt) == 32
    assert (k.base_addr, k.state_addr) == (s["g_base"], s["g_state"])
    assert k.by_name[";"].immediate and k.by_name[";"].compile_only
    assert k.fetch(k.by_name["."].xt) == DOCOL                # a colon word in the kernel


def test_msp430_header_literal_and_code_field(k430):
    x = k430.xts
    img = build(": abc 258 ;", k430)
    d = img.dictionary
    assert d[0] | d[1] << 8 == k430.kernel_latest            # plain addresses, no flash bit
    assert d[2] == 3 and d[3:6] == b"abc" and d[6:8] == b"\x00\xff"
    assert cells_of(img, "abc") == [DOCOL, x["plit"], 258, x["pexit"]]
    assert img.latest == k430.dict_start and img.here == k430.ram_start


def test_msp430_tail_calls_and_branches(k430):
    x = k430.xts
    img = build(": a 1 ; : b a ; : c a 1 ; : d dup ; : e if a then ; : f . ;", k430)
    a = xt_of(img, "a")
    assert cells_of(img, "b") == [DOCOL, x["pbranch"], a + 2]     # a tail call: into a's thread
    assert cells_of(img, "c") == [DOCOL, a, x["plit"], 1, x["pexit"]]
    assert cells_of(img, "d") == [DOCOL, k430.by_name["dup"].xt, x["pexit"]]   # a primitive
    e, exit_at = cells_of(img, "e"), xt_of(img, "e") + 8
    assert e == [DOCOL, x["pzbranch"], exit_at, a, x["pexit"]]   # a branch lands after a
    assert cells_of(img, "f") == [DOCOL, x["pbranch"], k430.by_name["."].xt + 2]


def test_msp430_constants_variables_and_alignment(k430):
    x = k430.xts
    img = build("10 constant ten : f ten ; 1 c, variable v 1 c, 2variable w "
                "1 c, create c 0 fc, : g v ;", k430)
    assert cells_of(img, "ten") == [CALL, x["docon"], 10]
    assert next(w for w in img.words if w.name == "ten").header_bytes == 8   # 2+1+3+pad+flags
    assert img.dictionary[xt_of(img, "ten") - 1 - k430.dict_start] == 0xBF   # inline flag
    assert cells_of(img, "f") == [DOCOL, x["plit"], 10, x["pexit"]]        # compiled as its literal
    v, w = cells_of(img, "v")[2], cells_of(img, "w")[2]
    c = cells_of(img, "c")
    def align(a):
        return (a + 1) & ~1
    assert v == align(k430.ram_start + 1)                         # C, then VARIABLE: aligned
    assert w == align(v + 2 + 1) and c[2] == align(w + 4 + 1)
    assert c[:2] == [CALL, x["docreate"]]
    assert c[3] == 0xFFFF                                         # the DOES> slot
    assert xt_of(img, "g") % 2 == 0                               # a pad byte after FC,
    assert cells_of(img, "g") == [DOCOL, x["plit"], v, x["pexit"]]
    assert img.here == c[2]


def test_msp430_loops_strings_locals_and_does(k430):
    x = k430.xts
    img = build(': l 10 0 do i loop ; : q 3 0 ?do leave +loop ; : s ." hi" ; '
                ': lc l@ 1 l! 0 ldrop 2 ; : mk create , does> @ 1+ ; 42 mk answer', k430)
    lx = xt_of(img, "l")
    i_xt = k430.by_name["i"].xt
    assert cells_of(img, "l") == [DOCOL, x["plit"], 10, x["plit"], 0, x["pdo"], lx + 22,
                                  i_xt, x["ploop"], lx + 14, x["unloop"], x["pexit"]]
    qx = xt_of(img, "q")
    assert cells_of(img, "q") == [DOCOL, x["plit"], 3, x["plit"], 0, x["pqdo"], qx + 22,
                                  x["pleave"], x["pplusloop"], qx + 14, x["unloop"], x["pexit"]]
    s = code_of(img, "s")
    assert words16(s[:4]) == [DOCOL, x["pdotquote"]] and s[4:8] == b"\x02hi\x00"
    assert words16(s[8:]) == [x["pexit"]]
    assert cells_of(img, "lc") == [DOCOL, x["plfetch"], 2, x["plstore"], 0, x["pldrop"], 4,
                                   x["pexit"]]
    mk = xt_of(img, "mk")
    does_code = mk + 2 + 2 * cells_of(img, "mk")[1:].index(x["pdoes"]) + 2
    ans = cells_of(img, "answer")
    assert ans[:2] == [CALL, x["docreate"]] and ans[3] == does_code
    m = build(": mk create , does> @ 1+ ; 42 mk answer : t answer ; 10 constant ten "
              "ten 2* constant twenty", k430)
    assert cells_of(m, "twenty")[2] == 20                        # ran while building


def test_msp430_pointer_record_and_files(k430, tmp_path):
    img = build(": main 1 . ; 1234 3 e! 7 9 ec!", k430)
    rec = img.eeprom_record
    vals = [rec[i] | rec[i + 1] << 8 for i in range(0, 12, 2)]
    assert vals[:5] == [0, img.fhere, img.latest, img.here, img.turnkey] and img.turnkey
    assert vals[5] == 0x4A46 ^ vals[1] ^ vals[2] ^ vals[3] ^ vals[4]
    assert img.eeprom == {2: 1234 & 0xFF, 3: 1234 >> 8, 9: 7}          # E! aligns its address
    hexp, eep = img.write(tmp_path / "p.hex")
    assert eep is None and not (tmp_path / "p.eep.hex").exists()
    ih = IntelHex(str(hexp))
    assert bytes(ih.tobinarray(start=0x1000, size=12)) == rec
    assert ih[0x1082] == 1234 & 0xFF and ih[0x1089] == 7
    assert not [a for a in ih.addresses() if 0x10C0 <= a < 0x1100]   # never segment A
    assert bytes(ih.tobinarray(start=0xC000, size=0x4000)) == img.flash()
    assert img.info_segments() == [0x1000, 0x1040, 0x1080]
    from jlforth.image.image_msp430 import flash_command as msp_command
    assert msp_command(img, Path("p.hex")) == ("mspdebug rf2500 'erase segment 0x1000' "
                                               "'erase segment 0x1040' 'erase segment 0x1080' "
                                               "'prog p.hex'")
    with pytest.raises(BuildError, match="invalid address"):
        build("1 63 e!", k430)


def test_msp430_mspdebug_programs_what_the_image_holds(k430, tmp_path):
    """The flashing command, run with mspdebug's own simulator as the driver:
    info flash and the dictionary read back as the image has them."""
    if not shutil.which("mspdebug"):
        pytest.skip("mspdebug not installed")
    from jlforth.image.image_msp430 import mspdebug_args
    img = build(": sq dup * ; : main 5 sq . ;", k430)
    hexp, _ = img.write(tmp_path / "p.hex")
    n = len(img.dictionary)
    cmd = mspdebug_args(k430.target, hexp, "sim") + [
        "md 0x1000 12", f"md {k430.dict_start:#x} {n}"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    got = {}
    for line in r.stdout.splitlines():
        parts = line.split(":", 1)
        if len(parts) == 2 and parts[0].strip() and all(c in "0123456789abcdefABCDEF"
                                                        for c in parts[0].strip()):
            a = int(parts[0], 16)
            for i, h in enumerate(parts[1].split("|")[0].split()):
                got[a + i] = int(h, 16)
    assert bytes(got[0x1000 + i] for i in range(12)) == img.eeprom_record
    assert bytes(got[k430.dict_start + i] for i in range(n)) == img.dictionary


def test_msp430_cli_build_flash_and_bad_input(tmp_path):
    src = tmp_path / "prog.fs"
    src.write_text(": sq dup * ;\n: main 7 sq . ;\n")
    r = jlforth("build", str(src), "--target", "msp430g2553")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for s in ("kernel top part", "info flash", "EEPROM (info B)", "runs at reset",
              "mspdebug rf2500 'erase segment 0x1000' 'erase segment 0x1040' 'prog "):
        assert s in out, s
    assert (tmp_path / "prog.hex").is_file() and not (tmp_path / "prog.eep.hex").exists()
    hexp = str(tmp_path / "prog.hex")
    r = jlforth("flash", hexp, "--target", "msp430g2553", "--dry-run")
    assert r.returncode == 0 and r.stdout.strip() == (
        f"mspdebug rf2500 'erase segment 0x1000' 'erase segment 0x1040' 'prog {hexp}'")
    env = {"PATH": str(tmp_path / "empty"), "PYTHONPATH": str(REPO)}
    r = jlforth("flash", hexp, "--target", "msp430g2553", "-c", "tilib", "-P", "/dev/ttyACM0",
                env=env)
    assert r.returncode == 1 and "apt install mspdebug" in r.stderr
    assert r.stdout.startswith("mspdebug tilib -d /dev/ttyACM0 'erase segment 0x1000'")
    r = jlforth("flash", hexp, "--target", "msp430g2553", "--eeprom", hexp)
    assert r.returncode == 1 and "no EEPROM file" in r.stderr
    r = jlforth("sim", str(src), "--target", "msp430g2553")        # not a HEX file
    assert r.returncode == 1 and "not an Intel HEX file" in r.stderr
    avr = tmp_path / "avr.hex"
    assert jlforth("build", str(src), "-q", "-o", str(avr)).returncode == 0
    r = jlforth("sim", str(avr), "--target", "msp430g2553")        # an image for another chip
    assert r.returncode == 1 and "not an image for the msp430g2553" in r.stderr
    assert "looks like an image for the atmega328p" in r.stderr and "Traceback" not in r.stderr
    r = jlforth("sim", hexp)                                        # the default chip: the Uno
    assert r.returncode == 1 and "not an image for the atmega328p" in r.stderr
    assert "add --target msp430g2553" in r.stderr and "Traceback" not in r.stderr
    r = jlforth("flash", hexp, "--dry-run")                         # nor is it flashed as one
    assert r.returncode == 1 and "add --target msp430g2553" in r.stderr and not r.stdout
