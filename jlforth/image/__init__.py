"""Batch build: kernel + program in one Intel HEX image (``jlforth build``).

The host meta-compiles the program into the kernel's own dictionary format,
byte for byte what the chip's compiler would lay down, and merges it with the
kernel's HEX; the EEPROM record that makes the kernel adopt the dictionary
(and run ``main`` at reset) goes beside it.  See docs/build.md.
"""
from .build import (Image, ImageTooLarge, WordInfo, build_file, build_forth, build_lines,
                    eep_path, forth_lines)
from .kernel import Kernel, KernelError
from .meta import BuildError

__all__ = ["Image", "ImageTooLarge", "WordInfo", "build_file", "build_forth", "build_lines",
           "eep_path", "forth_lines", "Kernel", "KernelError", "BuildError"]
