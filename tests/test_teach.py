"""jlforth explain / trace / size (jlforth/teach).

* explain's bytes are the image builder's: every word as `jlforth build` lays
  it down, and the lines' bytes add up to the program;
* explain's cycles are the simulator's: a word's cycles per call equal a
  call of the *real* (uninstrumented) image timed with two marker writes;
* the HTML page renders in headless Chromium with the listing on it;
* trace's data stack after each word of a small function, worked out by hand.
"""
from __future__ import annotations

import html
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from jlforth import targets
from jlforth.cli import main as jlforth_main
from jlforth.image import build_file
from jlforth.teach.explain import explain, to_html
from jlforth.teach.listing import Listing
from jlforth.teach.sim import SimRun, uart_idle
from jlforth.teach.trace import run_trace

TARGET = targets.get("atmega328p")

SUMSQ = """\
function sumsq(n::Int16)::Int16
    s = Int16(0)
    for i in 1:n
        s += i * i
    end
    return s
end

x = sumsq(Int16(10))
y = sumsq(Int16(3))
"""

# a program that prints too: for the page and the CLI
PRINTS = SUMSQ + 'println("sum of squares: ", x + y)\n'

F = """\
function f(x::Int16)::Int16
    y = 2 * x + 1
    if y > 5
        y -= 3
    end
    return y
end

println(f(Int16(4)))
"""


@pytest.fixture(scope="module")
def sumsq(tmp_path_factory):
    p = tmp_path_factory.mktemp("teach") / "sumsq.jl"
    p.write_text(SUMSQ)
    lst = Listing(SUMSQ, str(p), TARGET)
    return p, lst, explain(lst)


def test_explain_bytes_are_the_images(sumsq):
    path, lst, ex = sumsq
    img = build_file(path, TARGET)              # as `jlforth build` builds it
    words = {w.name: w for w in img.words}
    for w in lst.words:
        if w.name:
            assert w.flash == words[w.name].bytes, w.name
            assert w.header == words[w.name].header_bytes, w.name
            assert sum(t.bytes for t in w.toks) == w.flash, w.name   # no data after these
    rows = [ex.setup] + ex.rows
    helpers = sum(w.flash for w in ex.helpers)
    assert sum(r.bytes for r in rows) + helpers == img.program_bytes
    # the columns of the known program
    r = {row.line: row for row in ex.rows}
    # s += i * i, with s in r15:r14 and i in r17:r16 (locals in registers, jlforth/backend/avr.py);
    # the first two fetches are one push of the top and of r15:r14, then `movw r24,r16`
    s_i_i = ("[ $939a f, $938a f, $92fa f, $92ea f, $01c8 f, ] "
             "[ $939a f, $938a f, $01c8 f, ] ( r16@ ) * + [ $017c f, $9189 f, $9199 f, ] ( r14! )")
    assert r[4].forth == s_i_i
    assert r[4].bytes == sum(t.bytes for t in lst.toks if t.line == 4)
    assert r[1].defines and r[1].defines[0].name == "sumsq(i16)"
    assert r[1].forth.startswith(": sumsq(i16) ( n:i16 -- i16 ) [ $92cf f,")    # push r12
    assert r[9].forth.split("\n") == ["variable g.x", "10 sumsq(i16) g.x !"]
    assert r[5].forth == "" and r[5].bytes == 0                        # `end`
    # the words' columns
    wr = {w.word.name: w for w in ex.words}
    assert wr["sumsq(i16)"].word.effect == "( n:i16 -- i16 )"
    assert wr["sumsq(i16)"].stack_bytes == 2 * 3 + 2                   # n, s, i + return address
    assert [w.ram for w in ex.data if w.name == "g.x"] == [2]


def test_explain_cycles_are_the_simulators(sumsq):
    path, lst, ex = sumsq
    r = {row.line: row for row in ex.rows}
    assert (r[3].runs, r[4].runs, r[6].runs, r[9].runs) == (2, 13, 2, 1)
    wr = {w.word.name: w for w in ex.words}
    assert wr["sumsq(i16)"].calls == 2 and wr["main"].calls == 1
    assert ex.profile.finished and not ex.profile.clock
    # every cycle of main belongs to some line
    assert sum(c for c in ex.profile.line_cycles.values()) == wr["main"].per_call
    # the real image, timed by the simulator: GPIOR0 writes around one call
    # (`1 $3e c!` ... `2 $3e c!`: the first marker's sts+ld+ld (6 cycles), each
    # literal argument (6), rcall (3) and the second marker's literal (6) are
    # not the word's; forth_kernel/README.md, "Code generation")
    img = build_file(path, TARGET, no_main=True)
    with SimRun(img, TARGET) as sim:
        sim.run(": m1 0 $6e c! 1 $3e c! 10 sumsq(i16) 2 $3e c! drop ;")
        sim.run(": m3 0 $6e c! 1 $3e c! 3 sumsq(i16) 2 $3e c! drop ;")
        sim.run(": m 0 $6e c! 1 $3e c! main 2 $3e c! ;")
        calls = []
        for word, extra in (("m1", 21), ("m3", 21)):
            (_, a), (_, b) = sim.measure(word).markers
            calls.append(b - a - extra)
        (_, a), (_, b) = sim.measure("m").markers
        main = b - a - 15
    assert sorted(ex.profile.calls["sumsq(i16)"]) == sorted(calls)
    assert wr["sumsq(i16)"].low == min(calls) and wr["sumsq(i16)"].high == max(calls)
    assert wr["main"].per_call == main


def test_explain_cli_and_html(tmp_path):
    src = tmp_path / "prints.jl"
    src.write_text(PRINTS)
    out = tmp_path / "prints.html"
    assert jlforth_main(["explain", str(src), "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    # one self-contained page: no network assets
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script>" in page and "<style>" in page
    for n, line in enumerate(PRINTS.splitlines(), 1):
        assert f"<span class='ln'>{n}</span>{html.escape(line)}" in page or not line
    assert html.escape("* + [ $017c f, $9189 f, $9199 f, ]") in page    # s += i * i, s in r15:r14
    # hover-linking: a line with code appears in the listing, the Julia pane
    # and the Forth pane under one data-line
    assert page.count("data-line='4'") >= 4
    assert "sum of squares: 399" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _png_pixels(data: bytes):
    """(width, height, rows of RGB(A) bytes) of an 8-bit, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, idat, w = 8, b"", 0
    while i < len(data):
        n, kind = struct.unpack(">I4s", data[i:i + 8])
        body = data[i + 8:i + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        i += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 0xFF
            elif f == 2:
                line[x] = (line[x] + b) & 0xFF
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (tools/setup installs it)")
def test_html_in_headless_chromium(tmp_path, sumsq):
    _, _, ex = sumsq
    page = tmp_path / "explain.html"
    page.write_text(to_html(ex), encoding="utf-8")
    shot = tmp_path / "explain.png"
    r = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                        f"--screenshot={shot}", "--window-size=1280,900", page.as_uri()],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert shot.is_file(), r.stdout[-2000:]
    w, h, bpp, rows = _png_pixels(shot.read_bytes())
    assert (w, h) == (1280, 900)
    # not blank: many rows carry ink (dark text on the white page), spread down the page
    inked = [y for y, row in enumerate(rows)
             if any(row[x] < 100 and row[x + 1] < 100 and row[x + 2] < 100 for x in range(0, len(row), bpp))]
    assert len(inked) > 200 and inked[0] < 100 and inked[-1] > 500
    # what the browser made of the page: the listing is in the DOM
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-background-networking", "--disable-component-update",
                          "--disable-sync", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile2'}", "--dump-dom", page.as_uri()],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=120).stdout
    assert "id=\"listing\"" in dom and "sumsq(i16)" in dom
    assert "class=\"j lk\"" in dom            # the script ran: Julia cells are hover links


# ---------------------------------------------------------------- trace
def test_trace_stack_after_each_word():
    tr = run_trace(F, "f.jl", "f(3)", TARGET)
    got = [(s.forth, s.stack) for s in tr.steps]
    # by hand: the locals are in registers (jlforth/backend/avr.py): x = 3 in r15:r14,
    # y in r17:r16; 2*3+1 = 7 > 5, so y = 7-3 = 4
    want = [
        ("3", [3]),                      # the argument
        ("f(i16)", [3]),                 # call: f starts with 3 on the stack
        ("[ $92ef f, $92ff f, $930f f, $931f f, $017c f, ]", [3]),    # push r14..r17, r14 = x
        ("[ $9189 f, $9199 f, ]", []),   # drop (y is written before it is read: not cleared)
        ("[ $939a f, $938a f, $01c7 f, ]", [3]),                      # x
        ("2*", [6]),
        ("1+", [7]),
        ("[ $018c f, $9189 f, $9199 f, ]", []),                       # y = 7
        ("[ $3006 f, $0511 f, $f40c f, fhere -1 f, 20306 ]", []),     # y > 5: cpi cpc brge
        ("[ $5003 f, $4010 f, ] then", []),                           # y -= 3: subi sbci
        ("[ $939a f, $938a f, $01c8 f, ]", [4]),                      # return y
        ("[ $911f f, $910f f, $90ff f, $90ef f, ] ;", [4]),           # pop r17..r14
        ("drop ;", []),                  # the statement f(3) drops it
    ]
    assert got == want
    assert [s.line for s in tr.steps] == [8, 8, 1, 1, 2, 2, 2, 2, 3, 4, 6, 1, 8]
    assert [s.depth for s in tr.steps] == [0, 0] + [1] * 10 + [0]
    assert [s.flow for s in tr.steps if s.flow] == ["call f(i16)", "return", "return"]
    assert tr.result_text() == "4" and not tr.error and not tr.stopped
    # cycles, from the kernel's code generation rules: a literal is st st ldi ldi
    # (6), `3 -` one subi/sbci pair (2), `2*` lsl/rol (2), rcall (3); the probe
    # itself, from one probe's last GPIOR0 write to the next one's first:
    # sts, ld, ld, ret, literal, rcall, dup (2+4+4+6+3+4 = 23)
    cyc = {s.n: s.cycles for s in tr.steps}
    assert tr.overhead == 23
    # step 3: four pushes (2 each) and the argument's movw (1)
    assert (cyc[1], cyc[2], cyc[3], cyc[5], cyc[7], cyc[9], cyc[10]) == (6, 3, 9, 5, 2, 4, 2)
    assert cyc[12] == 4 * 2 + 4               # four pops and the return
    assert cyc[13] == 4 + 4                   # drop (ld, ld) and the return


def test_trace_of_an_inlined_function_and_the_cli(tmp_path, capsys):
    src = tmp_path / "sq.jl"
    src.write_text("sq(x) = x * x\nprintln(sq(Int16(4)))\n")
    tr = run_trace(src.read_text(), str(src), "sq(Int32(300))", TARGET)
    assert tr.result_text() == "90000"
    assert [s.forth for s in tr.steps][-4:-1] == ["d*", "g.__result", "2!"]
    assert tr.steps[-4].stack == [90000 & 0xFFFF, 1]     # low cell below, high cell on top
    assert jlforth_main(["trace", str(src), "--call", "sq(5)"]) == 0
    out = capsys.readouterr().out
    assert "sq(5) = 25" in out and "[ $939a f, $938a" in out     # x, from a register


def test_trace_errors(tmp_path, capsys):
    src = tmp_path / "d.jl"
    src.write_text("half(x::Int16) = x ÷ (x - x)\n")
    tr = run_trace(src.read_text(), str(src), "half(2)", TARGET)
    assert "-10" in tr.error
    assert jlforth_main(["trace", str(src), "--call", "half(2)"]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "DivideError: integer division error at line 1: half(x::Int16)" in out
    assert jlforth_main(["trace", str(src), "--call", "2 + 3"]) == 1
    assert "give one call" in capsys.readouterr().err
    short = run_trace(F, "f.jl", "f(3)", TARGET, max_steps=5)
    assert short.stopped and len(short.steps) == 5


# ---------------------------------------------------------------- size
def test_size_largest_first(tmp_path, capsys):
    src = tmp_path / "sumsq.jl"
    src.write_text(PRINTS)
    assert jlforth_main(["size", str(src)]) == 0
    out = capsys.readouterr().out
    img = build_file(src, TARGET)
    names = [w.name for w in sorted(img.words, key=lambda w: -w.bytes)]
    pos = [out.index(n) for n in names[:3]]
    assert pos == sorted(pos)
    assert f"{img.program_bytes} B of {img.dictionary_space} B" in out
    assert f"{img.free_flash} B free" in out


# ---------------------------------------------------------------- the MSP430G2553
# The same verbs on the simulated LaunchPad (jlforth/sim/msp430).  Cycle counts
# by hand come from the kernel's own per-instruction comments in
# forth_kernel/msp430/prims.S: (LIT) 10, `!` to RAM 15, CALL r9 + docol 13,
# >r 8, l@ 13, 2* 4, 1+ 4, drop 5, (EXIT) 5.
T430 = targets.get("msp430g2553")
M430 = "$1fe"              # the simulator's marker (0x01FE; a cell, one word store)
PROBE430 = 10 + 10 + 15    # a probe `ID $1fe !`: (LIT) (LIT) !, from one marker write to the next
DOCOL430 = 13              # CALL r9 (the code field) and docol


@pytest.fixture(scope="module")
def sumsq430(tmp_path_factory):
    p = tmp_path_factory.mktemp("teach430") / "sumsq.jl"
    p.write_text(SUMSQ)
    lst = Listing(SUMSQ, str(p), T430)
    return p, lst, explain(lst)


def test_explain_msp430_bytes_are_the_images(sumsq430):
    path, lst, ex = sumsq430
    img = build_file(path, T430)
    words = {w.name: w for w in img.words}
    for name in ("sumsq(i16)", "main", "g.x", "g.y"):
        w = lst.word(name)
        assert w.flash == words[name].bytes and w.header == words[name].header_bytes, name
        assert sum(t.bytes for t in w.toks) == w.flash, name
    rows = [ex.setup] + ex.rows
    assert sum(r.bytes for r in rows) + sum(w.flash for w in ex.helpers) == img.program_bytes
    # the backend's machine-code blocks (jlforth/backend/msp430.py): the first
    # opens the word (`begin` lays the code field) and saves r7, r8 and the
    # caller's r6 (push: $1207 $1208 $1206): n in the frame, s and i in r7/r8
    r = {row.line: row for row in ex.rows}
    assert "begin [ 2drop fhere 2 + f, $1207 f, $1208 f, $1206 f," in r[3].forth
    wr = {w.word.name: w for w in ex.words}
    assert wr["sumsq(i16)"].word.frame_cells == 3 and wr["sumsq(i16)"].stack_bytes == 2 * 3 + 2
    assert r[9].forth.split("\n") == ["variable g.x", "10 sumsq(i16) g.x"]
    assert [w.ram for w in ex.data if w.name == "g.x"] == [2]


def test_explain_msp430_cycles_are_the_simulators(sumsq430):
    path, lst, ex = sumsq430
    p = ex.profile
    r = {row.line: row for row in ex.rows}
    # by hand: the for loop starts twice, its body runs 10 + 3 times, each
    # top-level assignment once
    assert (r[3].runs, r[4].runs, r[9].runs, r[10].runs) == (2, 13, 1, 1)
    wr = {w.word.name: w for w in ex.words}
    assert wr["sumsq(i16)"].calls == 2 and wr["main"].calls == 1
    assert p.finished and not p.clock
    assert p.probe_cycles == PROBE430          # measured on the board, as worked out above
    assert sum(p.line_cycles.values()) == wr["main"].per_call
    # no probe inside a block: every probe goes before a token that starts anew
    from jlforth.teach.listing import inside_block
    from jlforth.teach.profile import profile_sites
    sites = [s for ss in profile_sites(lst).values() for s in ss]
    assert sites and not any(inside_block(s.tok.text, "fhere 2 + f,") for s in sites)
    # the real image, timed between two marker writes: a probe's own cost, the
    # literal argument and the call (code field and docol) are not the word's
    img = build_file(path, T430, no_main=True)
    with SimRun(img, T430) as sim:
        sim.run(f": m1 0 $162 ! 1 {M430} ! 10 sumsq(i16) 2 {M430} ! drop ;")
        sim.run(f": m3 0 $162 ! 1 {M430} ! 3 sumsq(i16) 2 {M430} ! drop ;")
        sim.run(f": m 0 $162 ! 1 {M430} ! main 2 {M430} ! ;")
        calls = []
        for word in ("m1", "m3"):
            (_, a), (_, b) = sim.measure(word).markers
            calls.append(b - a - PROBE430 - 10 - DOCOL430)
        (_, a), (_, b) = sim.measure("m").markers
        main = b - a - PROBE430 - DOCOL430
    assert sorted(p.calls["sumsq(i16)"]) == sorted(calls)
    assert wr["main"].per_call == main


def test_explain_msp430_cli(tmp_path, capsys):
    src = tmp_path / "prints.jl"
    src.write_text(PRINTS)
    assert jlforth_main(["explain", str(src), "--target", "msp430g2553"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "for msp430g2553" in out and "output: sum of squares: 399" in out
    assert "ran to its end" in out


def test_trace_msp430_stack_after_each_word():
    tr = run_trace(F, "f.jl", "f(3)", T430, native=False)
    got = [(s.forth, s.stack) for s in tr.steps]
    # by hand, the portable Forth (jlforth compile --portable): x and y in the
    # return-stack frame (l@ 1 is x, l@ 0 is y); 2*3+1 = 7 > 5, so y = 7-3 = 4
    want = [
        ("3", [3]),
        ("f(i16)", [3]),
        (">r", []),                      # x
        ("0", [0]),
        (">r", []),                      # y = 0
        ("l@ 1", [3]),
        ("2*", [6]),
        ("1+", [7]),
        ("l! 0", []),                    # y = 7
        ("l@ 0", [7]),
        ("5", [7, 5]),
        (">", [-1]),                     # true
        ("if", []),
        ("l@ 0", [7]),
        ("3", [7, 3]),
        ("-", [4]),
        ("l! 0 then", []),               # y = 4
        ("l@ 0", [4]),                   # return y
        ("ldrop 2 ;", [4]),
        ("drop ;", []),                  # the statement f(3) drops it
    ]
    assert got == want
    assert [s.flow for s in tr.steps if s.flow] == ["call f(i16)", "return", "return"]
    assert [s.depth for s in tr.steps] == [0, 0] + [1] * 17 + [0]
    assert tr.result_text() == "4" and not tr.error and not tr.stopped
    cyc = [s.cycles for s in tr.steps]
    # prims.S: (LIT) 10, CALL r9 + docol 13, >r 8, l@ 13, 2* 4, 1+ 4
    assert cyc[:8] == [10, DOCOL430, 8, 10, 8, 13, 4, 4]
    assert cyc[9:11] == [13, 10]


def test_trace_msp430_blocks_are_steps(tmp_path, capsys):
    tr = run_trace(F, "f.jl", "f(3)", T430)
    # a machine-code block laid over several `[ ... ]` tokens is one step, and
    # a probe never lands inside one: each step that is code starts a block
    code = [s.forth for s in tr.steps if s.forth.startswith("[")]
    assert code and all(f.startswith(("[ 2drop fhere 2 + f,", "[ fhere 2 + f,")) for f in code)
    assert [s.forth for s in tr.steps][:2] == ["3", "f(i16)"]
    assert tr.steps[1].flow == "call f(i16)" and tr.steps[-1].forth == "drop ;"
    assert tr.steps[-2].stack == [4] and tr.result_text() == "4"
    src = tmp_path / "f.jl"
    src.write_text(F)
    assert jlforth_main(["trace", str(src), "--call", "f(3)", "--target", "msp430g2553"]) == 0
    assert "f(3) = 4" in capsys.readouterr().out


def test_size_msp430(tmp_path, capsys):
    src = tmp_path / "sumsq.jl"
    src.write_text(PRINTS)
    assert jlforth_main(["size", str(src), "--target", "msp430g2553"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    img = build_file(src, T430)
    names = [w.name for w in sorted(img.words, key=lambda w: -w.bytes)]
    pos = [out.index(n) for n in names[:3]]
    assert pos == sorted(pos)
    assert f"{img.program_bytes} B of {img.dictionary_space} B" in out
    assert f"{img.free_flash} B free" in out and "for msp430g2553" in out
