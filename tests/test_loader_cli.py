"""``jlforth upload`` from the command line (each run a fresh simulated board)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jlforth.loader.sample import program

REPO = Path(__file__).resolve().parents[1]


def jlforth(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "jlforth", *args], cwd=cwd or REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)


CHIPS = ["atmega328p", "msp430g2553"]


@pytest.mark.parametrize("chip", CHIPS)
def test_upload_forth_file(tmp_path, chip):
    f = tmp_path / "prog.fs"
    f.write_text(program(40))
    r = jlforth("upload", "--target", chip, str(f))
    assert r.returncode == 0, r.stderr
    assert "uploaded 42 of 42 units" in r.stdout
    r = jlforth("upload", "--target", chip, "--quiet", str(f))
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""


@pytest.mark.parametrize("chip", CHIPS)
def test_upload_error_names_the_forth_line(tmp_path, chip):
    f = tmp_path / "prog.fs"
    f.write_text(program(40, bad=25))
    r = jlforth("upload", "--target", chip, str(f))
    assert r.returncode == 1
    assert f"{f}:29: error: in word f25: the target says: no-such-word: undefined word (-13)" in r.stderr
    assert "rolled back" in r.stderr


@pytest.mark.parametrize("chip, prog, word", [
    ("atmega328p", "bench/programs/sieve.jl", "sieve(u16)"),
    ("msp430g2553", "examples/fizzbuzz.jl", "fizzbuzz(i16)")])
def test_upload_julia_file_and_its_error_location(tmp_path, chip, prog, word):
    r = jlforth("upload", "--target", chip, prog)
    assert r.returncode == 0, r.stderr
    assert "uploaded" in r.stdout and word in r.stdout
    f = tmp_path / "bad.jl"
    f.write_text("function good(x::Int16)\n    return x + 1\nend\n\n"
                 "function bad(x::Int16)\n    @forth \"nosuchword\"\n    return x\nend\n\n"
                 "println(good(1) + bad(2))\n")
    r = jlforth("upload", "--target", chip, str(f))
    assert r.returncode == 1
    assert f"{f}:5: error: in function bad(Int16): the target says: nosuchword" in r.stderr


def test_upload_source_errors_are_reported_before_connecting(tmp_path):
    f = tmp_path / "open.fs"
    f.write_text(": ok 1 ;\n: broken 1 2 +\n")
    r = jlforth("upload", str(f))
    assert r.returncode == 1 and f"{f}:2: error: definition of broken has no ;" in r.stderr


def test_upload_julia_compile_error(tmp_path):
    f = tmp_path / "t.jl"
    f.write_text("x = 1.5\n")
    r = jlforth("upload", str(f))
    assert r.returncode == 1 and f"{f}:1:5: error:" in r.stderr and "Traceback" not in r.stderr
