"""Shared fixtures: a freshly booted simulated board per test, reached through
pyserial exactly as a real board is (jlforth.loader.ForthLink)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from jlforth import targets
from jlforth.board.open import open_board
from jlforth.loader import ForthLink

REPO = Path(__file__).resolve().parents[1]
TARGETS = ["atmega328p", "msp430g2553"]


@pytest.fixture(scope="session", autouse=True)
def built_kernels():
    """Kernels are built by tools/setup; make is a no-op when up to date."""
    for name in TARGETS:
        t = targets.get(name)
        r = subprocess.run(["make", "-s", "-C", str(REPO / t.kernel["source"])],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert r.returncode == 0, r.stdout


@pytest.fixture(params=TARGETS)
def target(request):
    return targets.get(request.param)


@pytest.fixture
def board(target, tmp_path):
    b = open_board(target, state_dir=tmp_path / "state", timeout=300)
    yield b
    b.close()


@pytest.fixture
def forth(board, target):
    link = ForthLink(board.url, baud=target.baud, timeout=20)
    link.sync()
    yield link
    link.close()
