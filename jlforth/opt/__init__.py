"""The optimiser over the IR (placeholder: filled in by passes.py)."""
from __future__ import annotations


def optimize(program):
    from .passes import optimize_program
    return optimize_program(program)
