"""The incremental loader against both simulated boards (the Uno's
ATmega328P and the LaunchPad's MSP430G2553), through pyserial.

The program is the 40-word sample (jlforth/loader/sample.py): about 2.3 KB on
the wire.  ``main`` prints a value computed from the words it calls, so a
wrong or stale word shows.
"""
from __future__ import annotations

import pytest

from jlforth.loader import ForthLink
from jlforth.loader.sample import expected_main, program
from jlforth.loader.units import split_units
from jlforth.loader.upload import Loader, UploadError, UploadInterrupted, pack


def units(**kw):
    return split_units(program(40, **kw), "prog.fs")


def loader(link, target, **kw):
    return Loader.for_target(link, target, **kw)


def main_value(link) -> int:
    return int(link.run("main"))


def words(link) -> list[str]:
    return link.run("words").split()


@pytest.fixture
def full(forth, target):
    """The sample program uploaded in full; (loader, stats)."""
    ld = loader(forth, target)
    stats = ld.upload(units())
    return ld, stats


def test_full_upload_then_nothing_to_send(full, forth):
    ld, stats = full
    assert stats.mode == "full" and stats.units == 42 and stats.kept == 0
    assert stats.bytes > 2000 and stats.lines >= stats.bytes // 81
    assert main_value(forth) == expected_main()
    again = ld.upload(units())
    assert again.bytes == 0 and again.units == 0 and again.kept == 42


@pytest.mark.parametrize("edit", [37, 24, 2])
def test_one_function_edit_resends_at_most_ten_percent(full, forth, target, edit):
    """f37 is used by nothing, f24 by f25 and main, f2 sits early in the program.
    Only the edited word is sent: the old definition's code is made to jump
    to the new one, so the words compiled against it need not be sent again."""
    ld, stats = full
    re = ld.upload(units(edit=edit))
    assert re.sent_names == [f"f{edit}"] and re.forwarded == [f"f{edit}"]
    assert re.bytes <= 0.10 * stats.bytes, (re.bytes, stats.bytes)
    assert main_value(forth) == expected_main(edit=edit)
    assert loader(forth, target).upload(units(edit=edit)).bytes == 0    # a new host agrees
    # and back again: the edited word is replaced once more, nothing else
    back = ld.upload(units())
    assert back.sent_names == [f"f{edit}"] and main_value(forth) == expected_main()


def test_callers_reach_the_new_definition_through_the_old(full, forth, target):
    ld, _ = full
    # f19 is used by f20 (every fifth word calls the one before), f20 by main
    assert ld.upload(units(edit=19)).sent_names == ["f19"]
    assert forth.run("7 f19 .") == f"{7 + 19 + 1} "
    re = ld.upload(units(edit=4))             # f4; f19 back as it was
    assert re.sent_names == ["f4", "f19"]
    assert main_value(forth) == expected_main(edit=4)
    m = ld.state()
    assert sum(1 for u in m.units if u.forwarded) == 3   # f19 twice, f4 once


def test_words_that_cannot_jump_make_their_users_resend(forth, target):
    ld = loader(forth, target)
    src = "10 constant k\nvariable v\n: a 1 ;\n: b a k + v @ + ;\n: c b 1+ ;\n"
    ld.upload(split_units(src, "s.fs"))
    assert forth.run("c .") == "12 "
    # a constant is compiled into its users as a literal: b is sent again (c is not)
    src2 = src.replace("10 constant", "20 constant")
    re = ld.upload(split_units(src2, "s.fs"))
    assert re.sent_names == ["k", "b"] and forth.run("c .") == "22 "
    # a colon definition: only itself
    re = ld.upload(split_units(src2.replace(": a 1 ;", ": a 5 ;"), "s.fs"))
    assert re.sent_names == ["a"] and forth.run("c .") == "26 "


def test_a_tail_call_reaches_the_new_definition(forth, target):
    """b ends with a: a tail call (ATmega328P: JMP a; MSP430G2553: (branch)
    to a's first cell, past its code field).  It too runs the new a."""
    ld = loader(forth, target)
    src = ": a 1 2 + ;\n: b a ;\n' b constant xb\n"
    ld.upload(split_units(src, "s.fs"))
    re = ld.upload(split_units(src.replace("1 2 +", "5 2 +"), "s.fs"))
    assert re.sent_names == ["a"] and re.forwarded == ["a"]
    assert forth.run("b . xb execute .") == "7 7 "


def test_no_jump_when_flash_has_no_room_to_patch_it(forth, target):
    """On the MSP430G2553 a jump is a rewritten cell: the kernel rebuilds the
    segment through a blank one above the dictionary's end.  With the
    dictionary in its last segment the loader sends the users again instead."""
    seg = target.flash.get("segment")
    if not seg:
        pytest.skip("flash without erase segments: patching needs no room")
    ld = loader(forth, target)
    head = ": fill 0 ?do 0 f, loop ;\n"
    ld.upload(split_units(head, "s.fs"))
    last = ld.flash_end - seg                    # the dictionary's last segment
    n = (last + 64 - ld.state().fhere) // 2
    src = head + f"create blob {n} fill\n: a 1 2 + ;\n: b a 1+ ;\n"
    ld.upload(split_units(src, "s.fs"))
    assert ld.state().fhere > last and forth.run("b .") == "4 "
    re = ld.upload(split_units(src.replace("1 2 +", "5 2 +"), "s.fs"))
    assert re.sent_names == ["a", "b"] and re.forwarded == []
    assert forth.run("b .") == "8 "


def test_target_error_stops_rolls_back_and_reports_the_location(forth, target):
    ld = loader(forth, target)
    bad = units(bad=25)
    with pytest.raises(UploadError) as e:
        ld.upload(bad)
    err = e.value
    assert err.unit.name == "f25" and err.unit.where == "prog.fs:29"
    assert err.error.code == -13 and err.error.word == "no-such-word"
    assert "prog.fs:29: error: in word f25" in str(err)
    # everything before f25 is there, f25 is not, and nothing half-made is left
    ws = words(forth)
    assert "f24" in ws and "f25" not in ws
    m = ld.state()
    assert m.tail == [] and m.tail_bytes == 0 and m.units[-1].names == ["f24"]
    # fixed: the upload goes on from f25
    fixed = ld.upload(units())
    assert fixed.sent_names[0] == "f25" and fixed.kept == 26
    assert main_value(forth) == expected_main()


def test_error_after_a_header_was_made_rolls_the_header_back(forth, target):
    ld = loader(forth, target)
    src = ": ok1 1 ;\ncreate tbl 1 , 2 , oops ,\n: ok2 2 ;\n"
    fhere0 = None
    with pytest.raises(UploadError) as e:
        ld.upload(split_units(src, "t.fs"))
    assert e.value.unit.name == "tbl" and e.value.unit.line == 2
    assert "tbl" not in words(forth)                 # CREATE had linked it: rolled back
    m = ld.state()
    assert m.fhere == m.units[-1].end and m.units[-1].names == ["ok1"]


def test_host_restart_reupload_sends_nothing(full, board, target):
    ld, _ = full
    ld.link.close()
    link = ForthLink(board.url, baud=target.baud, timeout=20)   # a new host session
    link.sync()
    again = loader(link, target).upload(units())
    assert again.bytes == 0 and again.kept == 42
    assert main_value(link) == expected_main()
    link.close()


def test_survives_a_board_reset_between_uploads(full, board, forth, target):
    board.reset()
    link = ForthLink(board.url, baud=target.baud, timeout=20)
    link.sync()
    again = loader(link, target).upload(units())
    assert again.bytes == 0
    assert main_value(link) == expected_main()
    link.close()


def _reset_during_line(ld, board, nth: int, at: int):
    """Make the nth upload line reset the board after ``at`` of its bytes."""
    port = ld.link.port
    write = port.write
    count = {"n": 0}

    def writer(data):
        if data.endswith(b"\r") and not data.startswith(b"~ls"):
            count["n"] += 1
            if count["n"] == nth:
                write(data[:at])
                port.flush()
                board.reset()
                return write(data[at:])
        return write(data)
    port.write = writer
    return lambda: setattr(port, "write", write)


@pytest.mark.parametrize("nth, at", [(6, 40), (12, 0), (20, 79)])
def test_reset_mid_upload_is_detected_and_the_next_upload_resumes(forth, board, target, nth, at):
    ld = loader(forth, target)
    ld.state()                                   # support words in place: count program lines
    full_bytes = sum(len(l.text) + 1 for l in pack(units(), range(42)))
    undo = _reset_during_line(ld, board, nth, at)
    with pytest.raises(UploadInterrupted) as e:
        ld.upload(units())
    undo()
    assert "reset" in str(e.value)
    resumed = ld.upload(units())
    assert resumed.kept > 0 and resumed.bytes < full_bytes
    assert main_value(forth) == expected_main()
    assert ld.upload(units()).bytes == 0


def test_power_cycle_mid_upload_then_resume(forth, board, target):
    ld = loader(forth, target)

    def cut(line, reply):
        if cut.n == 8:
            cut.url = board.power_cycle()        # the port goes away under the loader
        cut.n += 1
    cut.n, cut.url = 0, None
    ld.on_line = cut
    with pytest.raises(UploadInterrupted):
        ld.upload(units())
    link = ForthLink(cut.url, baud=target.baud, timeout=20)
    link.sync()
    resumed = loader(link, target).upload(units())
    assert resumed.kept >= 8 and resumed.units == 42 - resumed.kept
    assert main_value(link) == expected_main()
    link.close()


def test_no_answer_is_reported_as_an_interruption(forth, target):
    forth.timeout = 3
    ld = loader(forth, target)
    src = ": spin begin again ;\nspin\n"
    with pytest.raises(UploadInterrupted) as e:
        ld.upload(split_units(src, "s.fs"))
    assert "no answer" in str(e.value)
    forth.interrupt()                                  # the word was still running
    forth.sync()
    forth.timeout = 20
    assert forth.run("1 2 + .") == "3 "


def test_flash_is_compacted_when_replaced_words_pile_up(full, forth):
    ld, _ = full
    ld.GARBAGE_MAX = 150
    modes = []
    for k in range(4):
        modes.append(ld.upload(units(edit=30 + k % 2)).mode)
    assert "append" in modes and "rollback" in modes
    ws = words(forth)
    assert len(ws) == len(set(ws))                     # compacted: every word once
    assert main_value(forth) == expected_main(edit=31)


def test_each_unit_costs_eight_bytes_of_flash(forth, target):
    ld = loader(forth, target)
    ld.upload(split_units(": a 1 ;", "a.fs"))
    before = int(forth.run("fhere u."))
    ld.upload(split_units(": a 1 ;\n: b 2 ;", "a.fs"))
    after = int(forth.run("fhere u."))
    forth.run(": c 2 ;")
    plain = int(forth.run("fhere u.")) - after
    assert after - before == plain + 8


def _bench_units(name: str, target):
    """A program of bench/programs as upload units."""
    from pathlib import Path
    from jlforth.loader.source import file_units
    return file_units(Path(__file__).resolve().parents[1] / "bench" / "programs" / name, target)


def test_julia_programs_switch_and_come_back(forth, board, target):
    # the sieve's 250-byte array does not fit the MSP430G2553's RAM: collatz there
    sieve = _bench_units("sieve.jl" if target.arch == "avr" else "collatz.jl", target)
    fib = _bench_units("fib.jl", target)
    first = loader(forth, target).upload(sieve)
    assert first.units == len(sieve)
    assert loader(forth, target).upload(sieve).bytes == 0       # a new host session
    loader(forth, target).upload(fib)
    assert int(forth.run("10 fib(i16) .")) == 55
    back = loader(forth, target).upload(sieve)
    assert 0 < back.bytes and loader(forth, target).upload(sieve).bytes == 0
    m = loader(forth, target).state()
    assert m.tail == [] and [u.hash for u in m.units][-len(back.sent_names):] == \
        [u.hash for u in sieve if u.name in back.sent_names]


def test_julia_forty_functions_one_edit(forth, target):
    """40 functions on the ATmega328P; on the MSP430G2553 12 (its 4 KB
    dictionary must keep a blank 512-byte segment for ~fw after the edit,
    and the register code of its native build is larger than plain Forth)."""
    from jlforth.loader.julia import units_from_julia
    from jlforth.loader.sample import julia_expected, julia_program
    n, edits = (40, (24, 3)) if target.arch == "avr" else (12, (9, 3))
    ld = loader(forth, target)
    full = ld.upload(units_from_julia(julia_program(n), "p.jl", target))
    assert full.units >= n + 2
    assert forth.run("main_() .") == f"{julia_expected(n)} "
    for k in edits:
        re = ld.upload(units_from_julia(julia_program(n, edit=k), "p.jl", target))
        assert re.sent_names == [f"f{k}(i16)"] and re.bytes <= 0.10 * full.bytes
        assert re.forwarded == [f"f{k}(i16)"]
        assert forth.run("main_() .") == f"{julia_expected(n, edit=k)} "
        assert loader(forth, target).upload(
            units_from_julia(julia_program(n, edit=k), "p.jl", target)).bytes == 0
        back = ld.upload(units_from_julia(julia_program(n), "p.jl", target))
        assert back.sent_names == [f"f{k}(i16)"]
        assert forth.run("main_() .") == f"{julia_expected(n)} "
