"""Simulated boards (instruction-set simulators with peripherals)."""
