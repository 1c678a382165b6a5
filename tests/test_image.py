"""The image builder on the host: kernel facts read from the build, the code
the meta-compiler lays down (checked against codegen.c's encodings), build-
time execution, --strip, the size check, the files and the CLI verbs.  The
byte-for-byte comparison with the chip is in test_image_sim.py."""
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


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """A snapshot of the kernel build (the kernel may be rebuilt meanwhile)."""
    t = targets.get("atmega328p")
    d = tmp_path_factory.mktemp("kernel")
    shutil.copy(t.kernel_file(".elf"), d / "kernel.elf")
    shutil.copy(t.kernel_file(".hex"), d / "kernel.hex")
    return kmod.load(t, d / "kernel.elf", d / "kernel.hex")


def build(src, kernel, **kw):
    return build_forth(src, kernel.target, kernel=kernel, **kw)


def code_of(img, name):
    w = next(w for w in img.words if w.name == name)
    a = (w.start & 0x7FFF) - (img.kernel.dict_start & 0x7FFF) + w.header_bytes
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


def test_build_time_output_is_kept_apart(kernel):
    img = build(': hi ." hello" ; hi 1 2 + .', kernel)
    assert img.output == "hello3 "


def test_errors_have_file_line_and_the_kernels_words(kernel):
    with pytest.raises(BuildError) as e:
        build(": ok 1 ;\n: bad nosuch ;", kernel, path="p.fs")
    assert e.value.format().startswith("p.fs:2: error: nosuch: undefined word (-13)")
    with pytest.raises(BuildError, match="control structure mismatch"):
        build(": x if ;", kernel)
    with pytest.raises(BuildError, match="compile only"):
        build("then", kernel)
    with pytest.raises(BuildError, match="not finished"):
        build(": x 1", kernel)
    with pytest.raises(BuildError, match="cannot run while the image is built"):
        build("key", kernel)


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


def test_strip_drops_names_and_unreachable_words(kernel):
    src = """: unused1 1 2 3 + + ;
: helper 2* ;
10 constant ten
variable v
: shown ." x" ;
: main ten helper v ! v @ . ;
"""
    full = build(src, kernel)
    img = build(src, kernel, strip=True)
    assert img.program_bytes < full.program_bytes
    names = {w.name: w for w in img.words}
    assert "unused1" not in names and "ten" not in names and "shown" not in names
    assert names["helper"].header_bytes == 0 and names["main"].header_bytes > 0
    assert img.here == full.here                         # data space is kept as it was
    kept = {w.name: w for w in build(src, kernel, strip=True, keep=["shown"]).words}
    assert kept["shown"].header_bytes > 0
    with pytest.raises(BuildError, match="no such word"):
        build(src, kernel, strip=True, keep=["nope"])


def test_too_large_program_fails_with_numbers(kernel):
    src = "\n".join(f": w{i} " + "dup drop " * 10 + ";" for i in range(600))
    with pytest.raises(ImageTooLarge) as e:
        build(src, kernel)
    msg = str(e.value)
    img = build(src, kernel, check=False)
    assert not img.fits and img.free_flash < 0
    assert f"needs {img.program_bytes} bytes of flash" in msg
    assert f"dictionary has {img.dictionary_space}" in msg and f"{-img.free_flash} bytes too many" in msg
    with pytest.raises(ImageTooLarge, match="bytes of RAM"):
        build("create big 3000 allot", kernel)


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
