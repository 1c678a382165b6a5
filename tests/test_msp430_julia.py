"""The Julia feature tests and the random-expression property test again, on
the simulated MSP430G2553 in its default code form (the machine-code blocks of
jlforth/backend/msp430.py).  The expected values are those worked out in the
imported modules; the tests written for the ATmega328P's registers and for its
stacks (2 KB of RAM for the return stack) are left out."""
from __future__ import annotations

import pytest

import test_julia_features as _features
from test_backend_harness import open_julia_board
from test_julia_features import *  # noqa: F401,F403  (the tests, run again)
from test_property_expressions import *  # noqa: F401,F403

# written for the ATmega328P: its registers (DDRB, PORTB ...) and its stacks
for _name in ("test_registers", "test_register_write_is_checked", "test_recursion_and_mutual_recursion",
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
