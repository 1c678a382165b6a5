"""The bytecode encoder (jlforth/backend/bytecode.py) and the size form on the
real path: compiled, uploaded, run by the kernel's ~vm on the simulated chip;
and uploads and built images of bytecode words compared byte for byte."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from jlforth.backend import bytecode as bc
from jlforth.backend.forth import _forth_tokens, compile_source
from jlforth import targets
from test_image_sim import kernel  # noqa: F401  (fixture: both kernels)

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import bytecode_table  # noqa: E402


def test_one_table_for_host_and_kernels():
    words = bytecode_table.table_words()
    assert [w for w, c in sorted(bc.WORDS.items(), key=lambda x: x[1])] == words
    assert len(words) <= 0x80
    codes = sorted(bc.OPS.values())
    assert len(codes) == len(set(codes)) and max(codes) < 0x80
    # the ranges with the operand in the code (0x20+n, ...) leave room for n = 0..15
    for base in ("l@0", "l!0", "lit0", "l1+0"):
        assert all(not bc.OPS[base] < c < bc.OPS[base] + 16 for c in codes)
    for port in ("avr", "msp430"):
        have = bytecode_table.port_words(REPO / "forth_kernel" / port)
        assert set(words) <= set(have)


def encode(forth: str, **kw):
    return bc.Encoder(set(), **kw).encode(_forth_tokens(forth))


def test_literals_locals_and_fused_codes():
    code, cells = encode("5 -3 300 l@ 2 l! 17 1- 2* + @")
    assert code == bytes([0x45, 0x00, 0xFD, 0x01, 0x2C, 0x01, 0x22, 0x10, 17, 0x18, 0x08, 0x08])
    assert cells == []
    # a word's prologue and the end of a counted loop
    code, _ = encode(">r >r 0 >r 0 >r begin l@ 0 l@ 3 <> while l@ 0 1+ l! 0 repeat ldrop 4",
                     exit_in_semicolon=True)
    assert code == bytes([0x13, 0x22, 0x16, 0x03, 0xFD, 0x12, 0x04, 0x08])   # padded to even


def test_branches_grow_when_they_must():
    body = " ".join(["l@ 0 1+ l! 0"] * 100)          # 100 bytes of l1+ 0
    code, _ = encode(f"if {body} then")
    assert code[0] == bc.OPS["0branch"] and code[1] == 100
    body = " ".join(["l@ 0 300 + l! 0"] * 40)        # 6 bytes each
    code, _ = encode(f"if {body} then")
    assert code[0] == bc.OPS["0branch16"] and int.from_bytes(code[1:3], "little") == 240


def test_a_token_without_a_bytecode_form_keeps_the_word_forth():
    with pytest.raises(bc.Unsupported):
        encode("10 0 do i . loop")


def _long_program(n: int):
    body = "\n".join(f"            s += i * Int16({k})" for k in range(1, 41))
    src = (f"function f(x::Int16, n::Int16)\n    s = Int16(0)\n    if x > 0\n"
           f"        for i in 1:n\n{body}\n        end\n    end\n    return s\nend\n"
           f"println(f(Int16(1), Int16({n})))\nprintln(f(Int16(-1), Int16({n})))\n")
    s = sum(i * k for i in range(1, n + 1) for k in range(1, 41))
    s = (s + 2 ** 15) % 2 ** 16 - 2 ** 15                  # Int16 wrap-around
    return src, f"{s}\n0\n"


@pytest.fixture(scope="module")
def sized(tmp_path_factory):
    from test_backend_harness import open_julia_board
    board, link, jb = open_julia_board(tmp_path_factory, code="size")
    yield jb
    link.close()
    board.close()


def test_far_branches_run_on_the_chip(sized):
    src, want = _long_program(7)
    fp = sized.compile(src)
    assert "~vm" in fp.text()
    assert sized.output(src) == want


@pytest.mark.parametrize("name", ["fib", "gcd", "sieve", "bubble", "crc16", "isqrt", "mac32",
                                  "collatz", "print"])
def test_every_benchmark_function_is_bytecode(name):
    """No benchmark's function falls back to Forth (a token without a bytecode form)."""
    t = targets.get("atmega328p")
    src = (REPO / "bench" / "programs" / f"{name}.jl").read_text()
    small = compile_source(src, f"{name}.jl", t.with_code("size"))
    funcs = [c for c in small.chunks if c.kind == "function"]
    assert funcs and all("[ fhere ] ~vm" in " ".join(c.upload_lines(80)) for c in funcs)


@pytest.mark.parametrize("prog", ["inline", "loops"])
def test_size_form_uploads_and_builds_byte_identical_and_the_image_runs(prog, kernel, tmp_path):
    """The image builder lays bytecode words exactly as the chip's own compiler does."""
    from jlforth.image import build_lines
    from jlforth.image.julia import julia_to_forth
    from test_image_sim import JULIA, boots_and_prints, upload_equals_build
    src, want = JULIA[prog]
    file = tmp_path / "prog.jl"
    file.write_text(src)
    T = kernel.target
    lines, entry = julia_to_forth(file, src, T.with_code("size"))
    assert any("~vm" in line for _, line in lines)
    img = build_lines(lines, T, path=str(file), kernel=kernel, main=entry)
    assert upload_equals_build(kernel, lines, img) == want
    boots_and_prints(kernel, img, tmp_path / "prog.hex", want)
    # --strip finds the words a bytecode word calls (its `' name f,` cells)
    small = build_lines(lines, T, path=str(file), kernel=kernel, main=entry, strip=True)
    assert small.program_bytes < img.program_bytes
    boots_and_prints(kernel, small, tmp_path / "small.hex", want)


def test_size_on_a_kernel_without_the_interpreter_is_a_clear_error():
    """A target whose description has no bytecode interpreter refuses --size
    with a located error (no traceback, nothing uploaded)."""
    from dataclasses import replace
    from jlforth.errors import CompileError
    t = targets.get("atmega328p")
    raw = dict(t.raw, codegen={k: v for k, v in t.raw["codegen"].items() if k != "bytecode"})
    bare = replace(t, raw=raw).with_code("size")
    with pytest.raises(CompileError) as e:
        compile_source("println(1)\n", "p.jl", bare)
    assert e.value.format().startswith("p.jl:1:1: error: --size needs the kernel's bytecode interpreter")


def test_ctrl_c_breaks_a_bytecode_loop(sized):
    """Ctrl-C stops a running bytecode word; the words stay and the VM runs again."""
    import time
    fp = sized.load("function spin(n::Int16)\n    while n != Int16(0)\n        n = n ⊻ Int16(3)\n    end\n"
                    "    return n\nend\nflag = false\nif flag\n    spin(Int16(1))\nend\n")
    name = next(c.name for c in fp.chunks if c.kind == "function")
    assert "~vm" in fp.text()
    link = sized.link
    link.port.write(f"1 {name}\r".encode())
    time.sleep(0.3)
    link.interrupt()
    raw = link._read_answer(10)
    assert f"?? {name} -28".encode() in raw
    assert link.run(f"0 {name} .") == "0 "
