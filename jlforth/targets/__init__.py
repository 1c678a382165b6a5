"""Target descriptions: one TOML file per chip, read into a :class:`Target`.

Code asks the target for sizes, addresses and kernel facts; it never
hard-codes a chip.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
REPO = _HERE.parents[1]
DATA = _HERE.parent / "data"


class UnknownTarget(ValueError):
    pass


@dataclass(frozen=True)
class Target:
    name: str
    arch: str
    description: str
    cell_bits: int
    clock_hz: int
    baud: int
    flash: dict = field(default_factory=dict)
    ram: dict = field(default_factory=dict)
    eeprom: dict = field(default_factory=dict)
    kernel: dict = field(default_factory=dict)
    board: dict = field(default_factory=dict)
    flashing: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def tib(self) -> int:
        return self.kernel["tib"]

    def kernel_build_dir(self) -> Path:
        return REPO / self.kernel["source"] / "build"

    def kernel_file(self, suffix: str) -> Path:
        """The kernel image (``.hex``) or ``.elf``: the source tree's build
        when there is one (a checkout), else the copy packaged by tools/setup."""
        for p in (self.kernel_build_dir() / f"kernel{suffix}",
                  DATA / self.name / f"kernel{suffix}"):
            if p.is_file():
                return p
        raise FileNotFoundError(
            f"no kernel{suffix} for {self.name}: run tools/setup (or make -C {self.kernel['source']})")


def names() -> list[str]:
    return sorted(p.stem for p in _HERE.glob("*.toml"))


def get(name: str = "atmega328p") -> Target:
    path = _HERE / f"{name}.toml"
    if not path.is_file():
        raise UnknownTarget(f"unknown target {name!r}; known: {', '.join(names())}")
    with open(path, "rb") as f:
        d: dict[str, Any] = tomllib.load(f)
    keys = {k: d.get(k, {}) for k in ("flash", "ram", "eeprom", "kernel", "board", "flashing")}
    return Target(name=d["name"], arch=d["arch"], description=d.get("description", ""),
                  cell_bits=d["cell_bits"], clock_hz=d["clock_hz"], baud=d["baud"], raw=d, **keys)
