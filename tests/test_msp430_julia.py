"""The Julia feature tests and the random-expression property test again, on
the simulated MSP430G2553 in its default code form (the machine-code blocks of
jlforth/backend/msp430.py).  The expected values are those worked out in the
imported modules; the tests written for the ATmega328P's registers and for its
stacks (24 data-stack cells, 2 KB of RAM for the return stack) are left out,
and the G2553's own stack limit is worked out below."""
from __future__ import annotations

from textwrap import dedent

import pytest

import test_julia_features as _features
from test_backend_harness import open_julia_board
from test_julia_features import *  # noqa: F401,F403  (the tests, run again)
from test_property_expressions import *  # noqa: F401,F403

# written for the ATmega328P: its registers (DDRB, PORTB ...) and its stacks
for _name in ("test_registers", "test_register_write_is_checked", "test_recursion_and_mutual_recursion",
              "test_deep_recursion_stops_with_a_data_stack_error",
              "test_recursion_on_locals_keeps_the_data_stack_empty"):
    assert hasattr(_features, _name), _name
    del globals()[_name]


@pytest.fixture(scope="module")
def jl(tmp_path_factory):
    board, link, jb = open_julia_board(tmp_path_factory, code="speed", chip="msp430g2553")
    assert jb.target.name == "msp430g2553"
    yield jb
    link.close()
    board.close()


def test_deep_recursion_stops_within_the_g2553s_data_stack(jl):
    """deep needs 9 cells above its argument (the Int32 addition of g and the
    result: four cells and a helper's reserve of five), so jl.?ds's limit is
    16 + 1 - 9 = 8.  Level k of deep(n) keeps the Int32 g of the k - 1 levels
    above it (two cells each) and its own, and the argument: 2k + 1 cells,
    2k + 2 with the line; level 4 stops (10 > 8) while deep(3) checks levels
    1-3 only (8 at level 3)."""
    r = jl.run(dedent("""
        g = Int32(1)
        function deep(n::Int16)::Int32
            if n == Int16(0)
                return Int32(0)
            end
            g + deep(n - Int16(1))
        end
        println(deep(Int16(3)))
        println(deep(Int16(4)))
    """))
    assert r.output == "3\n"
    assert r.error.code == -3 and r.error.line == 7 and r.error.message.startswith("StackOverflowError")
    assert jl.link.run("1 2 + .") == "3 "          # the board is fine
