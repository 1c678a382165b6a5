"""Simulated MSP430G2553 board (see README.md in this directory)."""
from .regs import MARKER_ADDR
from .sim import Msp430Sim, SimError

__all__ = ['Msp430Sim', 'SimError', 'MARKER_ADDR']
