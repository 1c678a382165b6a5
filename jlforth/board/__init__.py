"""How the host reaches a chip.

A board is anything that yields a pyserial URL (a real port, a pty, ``socket://``)
and, when simulated, exact cycle counts. The loader cannot tell them apart.
"""
from __future__ import annotations


class BoardError(Exception):
    """A board could not be started or was lost."""


class Board:
    """A connected target. ``url`` is what ``serial.serial_for_url`` opens."""

    url: str
    target_name: str
    simulated: bool = False

    def reset(self) -> None:
        """Reset the chip, keeping flash and EEPROM (a press of the reset button)."""
        raise NotImplementedError

    def markers(self) -> list[tuple[int, int]]:
        """(value, cycle) pairs for each write to the marker register, so far."""
        return []

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
