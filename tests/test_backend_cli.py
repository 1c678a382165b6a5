"""`jlforth compile` and `jlforth run FILE.jl`: outputs, exit codes and error
messages (file:line, the Julia line of run-time errors, never a traceback)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from jlforth import targets
from jlforth.backend.forth import compile_source
from test_backend_harness import jl  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parents[1]
HEADER = Path("/usr/lib/avr/include/avr/iom328p.h")


def jlforth(*args, cwd=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "jlforth", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout, cwd=cwd)


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(dedent(text), encoding="utf-8")
    return p


# ---------------------------------------------------------------- compile

def test_compile_prints_forth_with_comments(tmp_path):
    p = write(tmp_path, "area.jl", """
        function area(w::Int16, h::Int16)::Int16
            return w * h
        end
        area(r::Int32) = Int32(3) * r * r
        println(area(Int16(3), Int16(4)), " ", area(Int32(10)))
    """)
    r = jlforth("compile", str(p), "--no-opt")      # (else the tiny functions are inlined)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert ": area(i16,i16) ( w:i16 h:i16 -- i16 )" in out
    assert ": area(i32) ( r:i32 -- i32 )" in out
    assert "\\ area(w::Int16, h::Int16)::Int16  area.jl:2" in out
    assert ": main ( -- )" in out
    assert all(len(line) <= 80 for line in out.splitlines())


@pytest.mark.parametrize("emit,needle", [("ast", "Function"), ("ir", "function main()"), ("forth", ": main")])
def test_compile_emit(tmp_path, emit, needle):
    p = write(tmp_path, "t.jl", "f(x) = x + 1\nprintln(f(2))\n")
    r = jlforth("compile", str(p), "--emit", emit)
    assert r.returncode == 0, r.stderr
    assert needle in r.stdout


def test_compile_output_file_runs_as_forth(tmp_path):
    p = write(tmp_path, "t.jl", 'for i in 1:3\n    print(i * i, " ")\nend\n')
    fs = tmp_path / "t.fs"
    assert jlforth("compile", str(p), "-o", str(fs)).returncode == 0
    fs.write_text(fs.read_text() + "main\n")
    r = jlforth("run", str(fs), "-q")
    assert r.returncode == 0, r.stderr
    assert "1 4 9 " in r.stdout


def test_compile_portable_is_plain_forth_and_runs_the_same(tmp_path):
    """--portable: no machine code laid with f, ; the program prints the same."""
    p = write(tmp_path, "t.jl", "function g(a::Int16, b::Int16)::Int16\n    while b != 0\n"
                                "        t = a % b\n        a = b\n        b = t\n    end\n"
                                "    return a\nend\nprintln(g(Int16(1071), Int16(462)))\n")
    native = jlforth("compile", str(p))
    plain = jlforth("compile", str(p), "--portable")
    assert native.returncode == plain.returncode == 0, native.stderr + plain.stderr
    assert " f, " in native.stdout                   # the ATmega328P's register code
    assert " f, " not in plain.stdout
    for text in (native.stdout, plain.stdout):
        fs = tmp_path / "g.fs"
        fs.write_text(text + "main\n")
        r = jlforth("run", str(fs), "-q")
        assert r.returncode == 0, r.stderr
        assert "21" in r.stdout                        # gcd(1071, 462) = 21


def test_compile_error_has_location_and_caret(tmp_path):
    p = write(tmp_path, "bad.jl", "x = 1\ny = 1.5\n")
    r = jlforth("compile", str(p))
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith(f"{p}:2:5: error: Float64 is not supported on this target")
    assert r.stderr.splitlines()[1:3] == ["    y = 1.5", "        ^"]
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("text", [b"\xff\xfe junk", b"x = (" * 3000, b'println("unterminated'])
def test_compile_never_shows_a_traceback(tmp_path, text):
    p = tmp_path / "junk.jl"
    p.write_bytes(text)
    r = jlforth("compile", str(p))
    assert r.returncode == 1
    assert "error:" in r.stderr and "Traceback" not in r.stderr


def test_compile_missing_file(tmp_path):
    r = jlforth("compile", str(tmp_path / "nope.jl"))
    assert r.returncode == 1 and "cannot read" in r.stderr and "Traceback" not in r.stderr


def test_too_many_locals_is_a_compile_error(tmp_path):
    body = "\n".join(f"    x{k} = Int32({k}) * a" for k in range(20))
    uses = " + ".join(f"x{k}" for k in range(20))
    p = write(tmp_path, "big.jl", f"function f(a::Int32)\n{body}\n    println({uses})\nend\nf(Int32(1))\n")
    r = jlforth("compile", str(p))
    assert r.returncode == 1
    assert f"{p}:1:10: error: function f needs" in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------- run

def test_run_prints_the_output_exactly(tmp_path):
    p = write(tmp_path, "hello.jl", 'print("hello")\nprint(", world")\n')
    r = jlforth("run", str(p))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "hello, world"
    assert r.stderr == ""


def test_run_reports_a_runtime_error_at_the_julia_line(tmp_path):
    p = write(tmp_path, "err.jl", """
        xs = zeros(UInt8, 4)
        function fill!(v, n)
            for i in 1:n
                v[i] = 0x01
            end
        end
        fill!(xs, 3)
        println("ok so far")
        fill!(xs, 5)
        println("never")
    """)
    r = jlforth("run", str(p))
    assert r.returncode == 1
    assert r.stdout == "ok so far\n"
    assert r.stderr.splitlines() == [f"{p}:5: error: BoundsError: index out of bounds",
                                     "            v[i] = 0x01"]


def test_run_compile_error(tmp_path):
    p = write(tmp_path, "bad.jl", "x = 1.5\n")
    r = jlforth("run", str(p))
    assert r.returncode == 1 and f"{p}:1:5: error:" in r.stderr and "Traceback" not in r.stderr


def test_run_reports_a_refused_definition_at_the_function(tmp_path):
    p = write(tmp_path, "forth.jl", """
        println("start")
        function f()
            @forth "no-such-word"
        end
        f()
    """)
    r = jlforth("run", str(p))
    assert r.returncode == 1
    assert r.stderr.startswith(f"{p}:3: error: the target refused `no-such-word` while defining function f()")
    assert "undefined word" in r.stderr


# ---------------------------------------------------------------- names

def test_names_are_distinct_short_and_clear_of_the_kernel(jl):
    src = dedent("""
        function a_really_quite_extraordinarily_long_function_name(x, y)
            x + y
        end
        function Dup(x::Int16)
            println("mine ", x)
        end
        function dup(x::Int16)
            println("other ", x)
        end
        drop = Int16(5)
        count = Int16(6)
        αβ(x) = x * Int16(2)
        println(a_really_quite_extraordinarily_long_function_name(Int16(1), Int16(2)))
        println(a_really_quite_extraordinarily_long_function_name(Int32(1), Int32(2)))
        Dup(drop)
        dup(count)
        println(αβ(Int16(21)))
    """)
    fp = jl.compile(src, optimize=False)
    names = [c.name for c in fp.chunks if c.name]
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 for n in names)
    assert "g.drop" in names and "g.count" in names
    assert jl.output(src, optimize=False) == "3\n3\nmine 5\nother 6\n42\n"


def test_register_map_matches_avr_libc():
    regs = targets.get("atmega328p").registers
    assert regs["PORTB"] == (0x25, 8) and regs["DDRB"] == (0x24, 8) and regs["PINB"] == (0x23, 8)
    assert regs["UDR0"] == (0xC6, 8) and regs["TCNT1"] == (0x84, 16) and regs["OCR1A"] == (0x88, 16)
    assert regs["SREG"] == (0x5F, 8) and regs["EEAR"] == (0x41, 16) and regs["GPIOR0"] == (0x3E, 8)
    if not HEADER.is_file():
        pytest.skip("avr-libc is not installed")
    r = subprocess.run([sys.executable, str(REPO / "tools" / "gen_registers.py"), "--check"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout
    data = json.loads((REPO / "jlforth" / "targets" / "atmega328p_registers.json").read_text())
    assert len(data["registers"]) > 80


def test_compile_needs_no_board(tmp_path):
    """Compiling is pure: it works with any target description object."""
    from jlforth.ir.target import SimpleTarget
    fp = compile_source("PORTB[] = 0x20\n", "t.jl", SimpleTarget("x", 16, {"PORTB": (0x25, 8)}))
    assert "$25 ( PORTB ) c!" in fp.text()


def test_an_expression_too_big_for_the_data_stack_is_a_compile_error(tmp_path):
    expr = "g"
    for _ in range(14):
        expr = f"(g + {expr})"
    p = write(tmp_path, "wide.jl", f"g = Int32(1)\nx = Int32(0)\nx = {expr}\nprintln(x)\n")
    r = jlforth("compile", str(p))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{p}:3:" in r.stderr and "cells of the data stack" in r.stderr
