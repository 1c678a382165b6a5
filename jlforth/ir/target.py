"""The minimal target description the front and middle end need.

The real target objects come from :mod:`jlforth.targets`; anything with the
attributes ``name``, ``cell_bits`` and ``registers`` (name → (address,
width_bits)) works. :class:`SimpleTarget` is such an object for tests and for
compiling without a board.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Tuple


@dataclass
class SimpleTarget:
    name: str = "generic16"
    cell_bits: int = 16
    registers: Dict[str, Tuple[int, int]] = field(default_factory=dict)


#: A few ATmega328P registers (data-space addresses) so examples compile without a
#: target package; the real map is generated from avr-libc's headers elsewhere.
ATMEGA328P_SAMPLE_REGISTERS = {
    "PINB": (0x23, 8), "DDRB": (0x24, 8), "PORTB": (0x25, 8),
    "PINC": (0x26, 8), "DDRC": (0x27, 8), "PORTC": (0x28, 8),
    "PIND": (0x29, 8), "DDRD": (0x2A, 8), "PORTD": (0x2B, 8),
    "TCCR0A": (0x44, 8), "TCCR0B": (0x45, 8), "TCNT0": (0x46, 8),
    "OCR0A": (0x47, 8), "OCR0B": (0x48, 8),
    "TCCR1A": (0x80, 8), "TCCR1B": (0x81, 8), "TCNT1": (0x84, 16),
    "OCR1A": (0x88, 16), "OCR1B": (0x8A, 16), "ICR1": (0x86, 16),
    "ADCSRA": (0x7A, 8), "ADMUX": (0x7C, 8), "ADC": (0x78, 16),
    "UDR0": (0xC6, 8), "UCSR0A": (0xC0, 8), "UCSR0B": (0xC1, 8),
}


def default_target() -> SimpleTarget:
    return SimpleTarget("atmega328p-sample", 16, dict(ATMEGA328P_SAMPLE_REGISTERS))
