"""Forth source → units, line packing, manifest parsing (no board needed)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from jlforth.loader import manifest as mf
from jlforth.loader.sample import program
from jlforth.loader.units import SourceError, dependencies, split_units, tokenize
from jlforth.loader.upload import pack


def texts(src):
    return [u.text for u in split_units(src)]


def test_comments_and_indentation_are_stripped_strings_kept():
    src = """\\ header comment
    : greet ( -- )   ." hello,  world"  cr ;   \\ trailing
    : t  s"  two  blanks " type  [char] ( emit  char \\ drop ;
    """
    assert texts(src) == [': greet ." hello,  world" cr ;',
                          ': t s"  two  blanks " type [char] ( emit char \\ drop ;']


def test_interpret_level_words_belong_to_the_definition_before_them():
    src = """decimal
    variable v  5 v !
    create tbl 1 , 2 , 3 ,
    : main v @ . ; main
    10 constant ten
    hex ff constant mask decimal
    : late ten mask + ; immediate
    """
    us = split_units(src, "p.fs")
    assert [u.names for u in us] == [["v"], ["tbl"], ["main"], ["ten"], ["mask"], ["late"]]
    assert us[0].text == "decimal variable v 5 v !"
    assert us[2].text == ": main v @ . ; main"
    assert us[3].text == "10 constant ten"
    assert us[4].text == "hex ff constant mask decimal"
    assert us[5].text == ": late ten mask + ; immediate"
    assert [u.line for u in us] == [2, 3, 4, 5, 6, 7]
    assert us[4].base == 10 and us[4].end_base == 10
    deps = dependencies(us)
    assert deps[2] == {0} and deps[5] == {3, 4}


def test_hash_depends_on_text_and_base_not_layout():
    a = split_units(": f  1   2 + ;")[0]
    b = split_units(":  f 1 2 +\n ;  ( same )")[0]
    c = split_units("hex : f 1 2 + ;")[0]
    assert a.hash == b.hash
    assert split_units("hex : g ; : f 1 2 + ;")[1].base == 16
    assert split_units("hex : g ; : f 1 2 + ;")[1].hash != a.hash
    assert c.text != a.text


def test_redefinition_binds_to_the_newest_earlier_unit():
    us = split_units(": a 1 ; : b a ; : a 2 ; : c a b ;")
    assert dependencies(us) == [set(), {0}, set(), {1, 2}]


def test_source_errors_have_lines():
    with pytest.raises(SourceError) as e:
        split_units(": ok ;\n: broken 1 2 +\n", "x.fs")
    assert e.value.line == 2 and "no ;" in str(e.value)
    with pytest.raises(SourceError) as e:
        split_units('\n\n: s ." unterminated ;\n', "x.fs")
    assert e.value.line == 3


def test_packed_lines_fit_the_tib_and_keep_names_with_their_words():
    us = split_units(program(40))
    lines = pack(us, range(len(us)))
    assert all(len(l.text) <= 80 for l in lines)
    joined = " ".join(l.text for l in lines)
    assert joined.count("~jl ") == len(us)
    for l in lines:                      # a name-taking word never ends a line
        assert not l.text.endswith((" :", " ~jl", " variable", " constant"))
    # lines are full: on average within a few characters of 80
    assert sum(len(l.text) for l in lines[:-1]) / (len(lines) - 1) > 74


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["dup", "drop", "1", "+", "swap", "over", "42", "*",
                                 '." hi there"', "s\"  x \" type"]), min_size=0, max_size=30),
       st.integers(1, 30))
def test_packing_keeps_every_word_in_order(body, nwords):
    src = "\n".join(f": w{i} {' '.join(body)} ;" for i in range(nwords))
    us = split_units(src)
    lines = pack(us, range(len(us)))
    assert all(len(l.text) <= 80 for l in lines)
    sent = " ".join(l.text for l in lines)
    assert sent.startswith("decimal ")             # a batch starts in a known base
    assert sent[len("decimal "):] == " ".join(u.text + f" ~jl {u.hash}" for u in us)


def test_support_words_fit_the_input_line():
    from jlforth.loader.support import BY_ARCH
    for s in BY_ARCH.values():
        assert all(len(line) <= 80 for line in s.lines), s.arch
        assert s.lines[-1] == f"~jl {mf.BASE_HASH}"


def test_manifest_parse():
    # support words end at BC4C (base trailer ----); foo, then bar and v in one unit
    out = ("3 BC98 BC80 201\r\n"
           "BC80 v\r\n"
           "BC76 bar\r\n"
           "BC4C foo\r\n"
           "b BB62\r\n"
           "t BC44 BB62 1FF ----\r\n"
           "t BC58 8000 0 ABCD\r\n"              # a candidate that is code: rejected
           "t BC6E BC4C 1FF abcd\r\n"
           "t BC90 BC80 201 WXYZ")
    m = mf.parse(out)
    assert m.installed and m.base.hash == "----" and m.base.end == 0xBC4C
    assert [(u.names, u.hash) for u in m.units] == [(["foo"], "abcd"), (["bar", "v"], "WXYZ")]
    assert m.units[1].start == m.units[0].end == 0xBC76
    assert m.tail == [] and m.tail_bytes == 0
    assert mf.rollback_line(m.units[0].trailer) == "$bc76 $bc4c $1ff ~rb"


def test_manifest_units_may_start_with_data():
    # "fhere 1 f, 2 f, constant tbl": four data bytes, then the header
    out = ("3 BC60 BC50 1FF\r\n"
           "BC50 tbl\r\n"
           "b BB62\r\n"
           "t BC44 BB62 1FF ----\r\n"
           "t BC58 BC50 1FF 0123")
    m = mf.parse(out)
    assert [(u.names, u.hash, u.start) for u in m.units] == [(["tbl"], "0123", 0xBC4C)]


def test_manifest_parse_with_a_tail():
    # "x" typed by hand after the last unit
    out = ("3 BCA0 BC98 201\r\n"
           "BC98 x\r\n"
           "BC80 v\r\n"
           "BC76 bar\r\n"
           "BC4C foo\r\n"
           "b BB62\r\n"
           "t BC44 BB62 1FF ----\r\n"
           "t BC6E BC4C 1FF abcd")
    m = mf.parse(out)
    assert len(m.units) == 1 and m.units[0].names == ["foo"]
    assert m.tail == ["bar", "v", "x"] and m.tail_bytes == 0xBCA0 - 0xBC76


def test_a_header_is_not_taken_for_a_trailer():
    # the header of "isset(u16)" at BF9A: link BF7A (the header before it), then
    # length 10 and "i", then "sset": it looks like a trailer but for HERE
    out = ("3 C040 BF9A 301\r\n"
           "BF9A isset(u16)\r\n"
           "BF7A data\r\n"
           "b BD56\r\n"
           "t BEEE BD56 203 ----\r\n"
           "t BF7A BD56 6405 ata.\r\n"
           "t BF92 BF7A 301 oHmj\r\n"
           "t BF9A BF7A 690A sset\r\n"
           "t C038 BF9A 301 RmEe")
    m = mf.parse(out)
    assert [(u.names, u.hash) for u in m.units] == [(["data"], "oHmj"), (["isset(u16)"], "RmEe")]
    assert m.tail == [] and m.tail_bytes == 0
