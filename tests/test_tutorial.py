"""Every lesson of docs/tutorial runs: its program (examples/tutorial_*.jl)
prints, on the simulated Uno, exactly the output worked out here by hand from
the program — and the lesson shows that same output."""
from __future__ import annotations

from pathlib import Path

import pytest

from jlforth import targets
from jlforth.teach.explain import explain
from jlforth.teach.listing import from_file
from test_backend_harness import jl  # noqa: F401  (fixture: one shared board)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
LESSONS = ROOT / "docs" / "tutorial"


def blink():
    return "on\noff\n" * 2


def button():
    # the button is down at looks 3, 4 and 7: presses start at 3 and 7; up at look 8
    return "press 1 at look 3\npress 2 at look 7\nLED off, 2 presses\n"


def serial():
    def hx(v):
        return f"0x{v:04x}"
    return ("Hello from the Uno!\n"
            "answer = 42, doubled = 84\n"
            "Int16 wraps: 32767 + 1 = -32768\n"              # Int16 wraps round
            f"UInt8(200) + UInt8(100) = {(200 + 100) % 256}\n"
            f"Int32: {100_000 * 3}\n"
            + "".join(hx(v) + "\n" for v in (0x00ff, 0xbeef, 4660))
            + "true x -7\n")


def millis():
    return ("toggle 1 at 250 ms\ntoggle 2 at 500 ms\ntoggle 3 at 750 ms\n"
            "3 toggles; the loop ran more than 1000 times: true\n")


def state_machine():
    presses = [False, True, False, False, False, False, False, True, False, False]
    out, state, ticks = [], "green", 0
    for t, b in enumerate(presses, 1):
        out.append(f"tick {t}" + (" (button)" if b else ""))
        ticks += 1
        new = None
        if state == "green" and b:
            new = "yellow"
        elif state == "yellow" and ticks >= 2:
            new = "red"
        elif state == "red" and ticks >= 3:
            new = "green"
        if new:
            state, ticks = new, 0
            out.append("  -> " + {"red": "red: walk"}.get(new, new))
    return "\n".join(out) + "\n"


def ram():
    squares = [0, 1, 4, 9, 16, 25, 36, 49]
    samples, count, total = [0] * 16, 0, 0
    for i in range(1, 21):
        x = squares[i % 8] % 256
        samples[count % 16] = x
        count += 1
        total += x
    avg = sum(samples) // 16
    return (f"recorded {count} samples, total {total}\n"
            f"average of the last 16: {avg}\n"
            "recursion 100 deep: 100\n")


def size():
    s = 0
    for b in b"jlforth":
        s = ((s << 3) & 0xFFFF) ^ (s >> 13) ^ b           # UInt16 wraps; >> is logical
    return f"checksum of jlforth: {s}\nbits set: {bin(s).count('1')}\n"


CASES = [
    ("tutorial_1_blink.jl", "01-blink.md", blink),
    ("tutorial_2_button.jl", "02-button.md", button),
    ("tutorial_3_serial.jl", "03-serial.md", serial),
    ("tutorial_4_millis.jl", "04-millis.md", millis),
    ("tutorial_5_state_machine.jl", "05-state-machine.md", state_machine),
    ("tutorial_6_ram.jl", "06-ram.md", ram),
    ("tutorial_7_size.jl", "07-size.md", size),
]


@pytest.mark.parametrize("example,lesson,expected", CASES, ids=[c[0] for c in CASES])
def test_lesson_runs(jl, example, lesson, expected):  # noqa: F811
    path = EXAMPLES / example
    want = expected()
    assert jl.output(path.read_text(encoding="utf-8"), filename=str(path)) == want
    text = (LESSONS / lesson).read_text(encoding="utf-8")
    assert f"examples/{example}" in text
    shown = "\n".join("    " + line for line in want.rstrip("\n").split("\n"))
    assert f"$ jlforth run examples/{example}\n{shown}\n" in text, "the lesson shows another output"


def test_every_lesson_is_listed_and_has_its_program():
    index = (LESSONS / "README.md").read_text(encoding="utf-8")
    examples = sorted(p.name for p in EXAMPLES.glob("tutorial_*.jl"))
    assert examples == sorted(c[0] for c in CASES)
    for example, lesson, _ in CASES:
        assert f"({lesson})" in index and f"examples/{example}" in index
        # the code in the lesson is the program's (its comment header aside)
        code = (EXAMPLES / example).read_text(encoding="utf-8").split("\nusing MCU\n", 1)[1]
        assert code in (LESSONS / lesson).read_text(encoding="utf-8"), lesson


def test_explain_on_a_lesson():
    """The lesson's `explain` numbers: the state machine's step() runs 10 times."""
    ex = explain(from_file(EXAMPLES / "tutorial_5_state_machine.jl", targets.get("atmega328p"),
                           native=False))                 # the lessons use --portable
    calls = {w.word.name: w.calls for w in ex.words}
    assert calls["step(bool)"] == 10 and calls["enter(i16)"] == 5
    assert ex.profile.finished
    rows = {r.line: r for r in ex.rows}
    assert rows[15].runs == 10 and rows[15].forth == "g.ticks @ 1+ g.ticks !"


def test_lesson_one_shows_what_compile_portable_prints():
    """The Forth listed in lesson 1 is the compiler's output, word for word."""
    from jlforth.backend import compile_source
    text = (LESSONS / "01-blink.md").read_text(encoding="utf-8")
    listed = text.split("```forth\n", 1)[1].split("```", 1)[0]
    src = (EXAMPLES / "tutorial_1_blink.jl").read_text(encoding="utf-8")
    out = compile_source(src, "tutorial_1_blink.jl", targets.get("atmega328p"), native=False).text()
    assert listed.strip() in out


def test_lesson_seven_size_form(tmp_path_factory):
    """Lesson 7: the program prints the same with --size, in under half the flash."""
    from jlforth.image.build import build_file
    from test_backend_harness import open_julia_board
    path = EXAMPLES / "tutorial_7_size.jl"
    board, link, jb = open_julia_board(tmp_path_factory, code="size")
    try:
        assert jb.output(path.read_text(encoding="utf-8"), filename=str(path)) == size()
    finally:
        link.close()
        board.close()
    t = targets.get("atmega328p")
    fast = build_file(path, t, check=False).program_bytes
    small = build_file(path, t.with_code("size"), check=False).program_bytes
    assert small < fast / 2
