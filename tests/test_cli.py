"""The jlforth command, as a user runs it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def jlforth(*args, input=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "jlforth", *args], cwd=REPO, input=input,
                          capture_output=True, text=True, timeout=timeout)


def test_version_and_help():
    r = jlforth("--version")
    assert r.returncode == 0 and r.stdout.startswith("jlforth ")
    for verb in ("run", "term"):
        r = jlforth(verb, "--help")
        assert r.returncode == 0 and "--port" in r.stdout


def test_run_forth_file_on_the_simulated_board():
    r = jlforth("run", "examples/hello.fs")
    assert r.returncode == 0, r.stderr
    squares = " ".join(str(i * i) for i in range(1, 11))
    assert r.stdout.splitlines()[:2] == ["hello from the Uno", squares + " "]


def test_run_stops_at_the_first_error_with_file_and_line(tmp_path):
    src = tmp_path / "bad.fs"
    src.write_text(": ok1 1 ;\n\n: bad ok1 nosuch ;\n: never 2 ;\n")
    r = jlforth("run", str(src))
    assert r.returncode == 1
    assert f"{src}:3: error: nosuch: undefined word (-13)" in r.stderr
    assert "Traceback" not in r.stderr


def test_term_on_the_simulated_board():
    r = jlforth("term", input="2 3 * .\nbye\n")
    assert r.returncode == 0
    assert "6  ok" in r.stdout


@pytest.mark.parametrize("target", ["atmega328p", "msp430g2553"])
def test_term_ctrl_c_breaks_the_running_word(target):
    """At a terminal, Ctrl-C goes to the host's process group: jlforth term
    sends the chip a break (the simulator, in a session of its own, runs on)."""
    import os
    import pexpect
    env = dict(os.environ, TERM="dumb", PYTHONPATH=str(REPO))
    c = pexpect.spawn(sys.executable, ["-m", "jlforth", "term", "--target", target], env=env,
                      cwd=str(REPO), encoding="utf-8", timeout=30)
    try:
        c.expect(rf"jlforth \S+ {target}")
        c.sendline(": spin begin again ; spin")
        c.expect_exact(": spin begin again ; spin")
        import time
        time.sleep(0.5)                        # the word is running
        c.sendintr()
        c.expect_exact("?? spin -28 break")
        c.sendline("4 5 + .")
        c.expect_exact("9  ok")
        c.sendline("bye")
        c.expect(pexpect.EOF)
        c.close()
        assert c.exitstatus == 0
    finally:
        if c.isalive():
            c.terminate(force=True)


def test_unknown_target_is_a_clear_error():
    r = jlforth("run", "examples/hello.fs", "--target", "z80")
    assert r.returncode == 1 and "unknown target 'z80'" in r.stderr
