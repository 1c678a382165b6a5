"""Streamed lines: a line sent with a leading STX is interpreted while it
arrives (forth_kernel/README.md, "Wire protocol").  The answer must be the
one the same line gets when sent plainly: echo, output, ok or the error
answer; and words whose code crosses a flash page in the middle of a line
(a page written while the rest of the line comes in) must come out right.

Only kernels that stream are tested here (ForthLink.sync finds out); the
others answer an STX line as a plain one, which test_plain_kernel checks.
"""
from __future__ import annotations

import pytest

from jlforth.loader import ForthLink

LINES = [
    # (line, expected output, expected error code or None)
    ("1 2 + . 3 4 + .", "3 7 ", None),
    (': greet ." hi, " s" you" type ;  greet  42 emit', "hi, you*", None),
    (": t5 5 0 do i . loop ; t5 \\ a comment: 1 2 3 .", "0 1 2 3 4 ", None),
    ("( a comment ) 9 . .( now) 8 .", "9 now8 ", None),
    ("source nip .", "12 ", None),
    ("1 2 nosuchword 3 .", "", -13),                        # error mid-line
    ('s" 1 2 + ." evaluate  10 .', "3 10 ", None),
    ("base @ hex ff . decimal .", "FF 10 ", None),
]


def _streams(forth):
    if not forth.stream:
        pytest.skip("this kernel does not interpret lines as they arrive")


def _answer(link, line, stream):
    link.stream = stream
    return link.send(line)


def test_streamed_answers_equal_plain_answers(forth):
    _streams(forth)
    for line, expected, code in LINES:
        plain = _answer(forth, line, False)
        streamed = _answer(forth, line, True)
        assert streamed.raw == plain.raw, line
        assert streamed.output == expected, line
        if code is None:
            assert streamed.error is None, line
        else:
            assert streamed.error is not None and streamed.error.code == code, line
        # the answer starts with the line's echo, STX not echoed
        assert streamed.raw.startswith(line.encode() + b" "), line
    # the prompt is fine afterwards, the stacks empty
    forth.stream = True
    assert forth.run("depth .") == "0 "


def test_error_mid_line_drops_the_rest_and_forgets_the_definition(forth):
    _streams(forth)
    forth.stream = True
    r = forth.send(": bad 1 nosuch ;  : good 2 ;")
    assert r.error is not None and r.error.word == "nosuch" and r.error.code == -13
    assert r.raw.startswith(b": bad 1 nosuch ;  : good 2 ; ")    # whole echo first
    r = forth.send("bad")
    assert r.error is not None and r.error.code == -13            # bad was forgotten
    r = forth.send("good")
    assert r.error is not None and r.error.code == -13            # the rest was dropped


def test_code_crossing_flash_pages_within_one_line(forth, target):
    """Each line below compiles to more than a flash page, so a page is
    written (erased, filled, written, verified) while the rest of the line is
    still coming in; the words must come out right all the same."""
    _streams(forth)
    forth.stream = True
    page = target.flash["page"]
    for n in range(3):
        before = int(forth.run("fhere u."))
        line = f": s{n} " + "9 " * 17 + "+ " * 16 + ";"
        assert len(line) <= target.tib
        assert forth.run(line) == ""
        after = int(forth.run("fhere u."))
        assert (after - 1) // page > before // page, "the line did not cross a page"
    assert forth.run("s0 s1 s2 + + .") == f"{3 * 17 * 9} "


def test_a_full_length_streamed_line(forth, target):
    _streams(forth)
    forth.stream = True
    line = "10" + " 1 +" * 19 + " ."
    assert len(line) == target.tib
    assert forth.run(line) == "29 "
    assert forth.run("depth .") == "0 "


def test_plain_kernel_answers_an_stx_line(board, target):
    """Any kernel answers a line with a leading STX sensibly: one that streams
    as usual, one that does not as a line starting with a blank (and sync
    tells the two apart), so the loader can always send it."""
    link = ForthLink(board.url, baud=target.baud, timeout=20)
    link.sync()
    link.stream = False
    r = link.send("\x021 2 + .")
    assert r.error is None and r.raw.endswith(b"3  ok\r\n")
    link.close()
