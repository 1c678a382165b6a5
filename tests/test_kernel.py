"""The kernel at its prompt, end to end through pyserial to the simulated board.

Expected values are worked out from Forth 2012's definitions of the words.
"""
from __future__ import annotations

import pytest

from jlforth.loader import ForthLink


def test_banner_and_arithmetic(forth):
    assert "jlforth" in forth.banner
    assert forth.run("1 2 + .") == "3 "
    assert forth.run("-7 2 / . -7 2 mod .") == "-3 -1 "     # symmetric division
    assert forth.run("-7. 2 fm/mod . .") == "-4 1 "          # floored: q=-4 r=1
    assert forth.run("65535 0 5 um/mod . .") == "13107 0 "
    assert forth.run("-3 4 m* d.") == "-12 "
    assert forth.run("hex ff . decimal $10 . %101 . 'A' .") == "FF 16 5 65 "


def test_words_defined_interactively_and_used(forth):
    forth.run(": sq ( n -- n*n ) dup * ;")
    assert forth.run("7 sq .") == "49 "
    forth.run(": sum-sq ( n -- s ) 0 swap 1+ 1 ?do i sq + loop ;")
    assert forth.run("10 sum-sq .") == "385 "                 # 1+4+...+100
    forth.run(": cnt 0 begin 1+ dup 5 = until ;")
    assert forth.run("cnt .") == "5 "
    forth.run(": fact ( n -- n! ) dup 1 > if dup 1- recurse * then ;")
    assert forth.run("7 fact .") == "5040 "
    forth.run("variable v  10 constant ten")
    assert forth.run("ten v ! 5 v +! v @ .") == "15 "
    forth.run(": arr create cells allot does> swap cells + ;")
    forth.run("3 arr a  7 0 a !  9 2 a !")
    assert forth.run("0 a @ 2 a @ + .") == "16 "
    forth.run(': greet ." hello, " s" world" type ;')
    assert forth.run("greet") == "hello, world"


def test_loops_and_leave(forth):
    forth.run(": t 5 0 do i 3 = if leave then i . loop ;")
    assert forth.run("t") == "0 1 2 "
    forth.run(": u 10 0 ?do i . 3 +loop ;")
    assert forth.run("u") == "0 3 6 9 "
    forth.run(": d -10 0 ?do i . -4 +loop ;")                # crosses -10: 0 -4 -8
    assert forth.run("d") == "0 -4 -8 "
    forth.run(": e 0 0 ?do i . loop ;")
    assert forth.run("e") == ""
    forth.run(": n 2 0 do 2 0 do j 10 * i + . loop loop ;")
    assert forth.run("n") == "0 1 10 11 "


def test_errors_carry_the_marker_and_the_prompt_recovers(forth):
    r = forth.send("1 2 frobnicate 3")
    assert r.error and r.error.code == -13 and r.error.word == "frobnicate"
    assert r.raw.endswith(b"\x15\r\n")                       # the NAK marker
    assert forth.run("depth .") == "0 "                      # stacks were reset
    r = forth.send("1 0 /")
    assert r.error.code == -10 and r.error.word == "/"
    r = forth.send(": broken 1 2 nosuchword ;")
    assert r.error.code == -13
    assert forth.send("broken").error.code == -13           # never defined
    assert forth.run("5 .") == "5 "


def test_stack_underflow_is_reported(forth):
    r = forth.send("drop")
    assert r.error.code == -4 and "underflow" in r.error.message
    r = forth.send("1 2 + + .")
    assert r.error.code == -4
    assert forth.run("depth .") == "0 "


def test_control_structure_mismatch(forth):
    assert forth.send(": bad if ;").error.code == -22
    assert forth.send("then").error.code == -14              # compile only
    assert forth.run("1 .") == "1 "


def test_words_survive_a_reset(board, forth, target):
    forth.run(": keep 42 ;  variable w")
    board.reset()
    link = ForthLink(board.url, baud=target.baud, timeout=20)
    link.sync()
    assert link.run("keep .") == "42 "
    assert link.run("3 w ! w @ .") == "3 "
    link.close()


def test_words_survive_a_power_cycle(board, forth, target):
    forth.run(": persisted 1234 ;")
    url = board.power_cycle()
    link = ForthLink(url, baud=target.baud, timeout=20)
    link.sync()
    assert link.run("persisted .") == "1234 "
    link.close()


def test_write_into_kernel_flash_is_refused(forth):
    # ' dup is the xt of a kernel word: a unified flash address inside the kernel
    r = forth.send("0 ' dup !")
    assert r.error and r.error.code == -9
    r = forth.send("0 ' dup c!")
    assert r.error.code == -9
    assert forth.run("3 dup + .") == "6 "                     # dup still works
    # the dictionary's own words can be patched
    forth.run(": k 5 ;")
    assert forth.run("k .") == "5 "


def test_dictionary_full_then_empty_gives_the_space_back(forth, target):
    start = int(forth.run("fhere u."))
    forth.run(": big 0 " + "1+ " * 20 + ";")                  # ~45 bytes of code
    # fill flash with definitions until the kernel says the dictionary is full
    code = None
    for i in range(2000):
        r = forth.send(f": f{i} " + "dup drop " * 7 + ";")
        if r.error:
            code = r.error.code
            break
    assert code == -8, "expected 'dictionary full'"
    assert forth.run("big .") == "20 "                        # earlier words intact
    forth.run("empty")
    assert forth.send("big").error.code == -13
    forth.run(": again 7 ;")
    assert forth.run("again .") == "7 "
    # header: link 2, length 1, "again" 5, pad 1, flags 1; code: AVR literal 8,
    # ret 2; MSP430 (direct threaded) code field 2, (lit) 7 4, (exit) 2
    code = {"avr": 10, "msp430": 8}[target.arch]
    assert int(forth.run("fhere u.")) == start + 10 + code


def test_marker_rolls_back(forth):
    forth.run(": a1 1 ;")
    forth.run("marker -work")
    forth.run(": a2 2 ;  variable scratch")
    assert forth.run("a2 .") == "2 "
    forth.run("-work")
    assert forth.send("a2").error.code == -13
    assert forth.run("a1 .") == "1 "


def test_catch_and_throw(forth):
    forth.run(": risky 1 0 / ;")
    assert forth.run("' risky catch .") == "-10 "
    forth.run(": fine 7 ;")
    assert forth.run("' fine catch . .") == "0 7 "
    assert forth.run(": t2 99 throw ; ' t2 catch .") == "99 "


def test_deep_recursion_uses_free_ram(forth, target):
    # the return stack grows into RAM the program leaves free: 600 levels of 2
    # bytes on the Uno (2 KB of RAM); the MSP430G2553 has 512 bytes in all
    n = 600 if target.ram["size"] >= 2048 else 80
    forth.run(": down ( n -- n ) dup if 1- recurse 1+ then ;")
    assert forth.run(f"{n} down .") == f"{n} "


def test_recursion_overflow_is_caught(forth):
    forth.run(": deep recurse 1 ;")                           # not a tail call
    r = forth.send("deep")
    assert r.error and r.error.code == -5
    assert forth.run("1 2 + .") == "3 "


def test_ctrl_c_breaks_a_running_word(forth):
    import time
    forth.run(": spin begin again ;")
    forth.port.write(b"spin\r")
    time.sleep(0.3)
    forth.interrupt()
    raw = forth._read_answer(10)
    assert b"?? spin -28" in raw and raw.endswith(b"\x15\r\n")
    assert forth.run("2 3 * .") == "6 "


def test_literal_folding_keeps_meaning(forth):
    # a literal before + - and or @ c@ ! c! is compiled as one instruction pair
    forth.run(": t1 5 + ;  : t2 300 - ;  : t3 $f0 and ;  : t4 $0f or ;")
    assert forth.run("10 t1 . 10 t2 . $ff t3 . $f0 t4 .") == "15 -290 240 255 "
    forth.run("variable v  : t5 v @ ;  : t6 v ! ;  : t7 $25 c@ ;  : t8 $25 c! ;")
    assert forth.run("1234 t6 t5 . $20 t8 t7 .") == "1234 32 "
    # a branch landing between the literal and the word stops the folding
    forth.run(": t9 0 3 begin >r 1+ r> 5 + dup 20 > until ;")
    assert forth.run("t9 . .") == "23 4 "
    forth.run(": ta if 1 else 2 then 10 + ;")
    assert forth.run("0 ta . -1 ta .") == "12 11 "
