"""The same Julia tests, compiled with --size: every word as bytecode for the
kernel's ~vm (jlforth/backend/bytecode.py, forth_kernel/avr/vm.S).

The feature tests, the random-expression property test and the examples are
imported from their modules and collected here a second time; this module's
``jl`` fixture gives them a board whose programs are compiled in the size
form, so each expected value (worked out from Julia's semantics in those
modules) now checks the bytecode path: encoder, upload, interpreter."""
from __future__ import annotations

import pytest

from test_backend_harness import open_julia_board
from test_examples import *  # noqa: F401,F403  (the tests, run again)
from test_julia_features import *  # noqa: F401,F403
from test_property_expressions import *  # noqa: F401,F403


@pytest.fixture(scope="module")
def jl(tmp_path_factory):
    board, link, jb = open_julia_board(tmp_path_factory, code="size")
    assert jb.target.code == "size"
    yield jb
    link.close()
    board.close()


def test_the_programs_here_are_bytecode(jl):
    fp = jl.compile("function f(x::Int16)\n    return x + Int16(1)\nend\nprintln(f(Int16(2)))\n")
    assert "~vm" in fp.text()
    assert jl.output("function f(x::Int16)\n    return x + Int16(1)\nend\nprintln(f(Int16(2)))\n") == "3\n"
