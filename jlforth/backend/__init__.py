"""Backends: the typed IR lowered to code for the kernels (see forth.py)."""
from .forth import ForthProgram, compile_source, generate

__all__ = ["ForthProgram", "compile_source", "generate"]
