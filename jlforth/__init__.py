"""jlforth: a Julia subset compiled to Forth words for very small microcontrollers."""

__version__ = "0.1.0"
