"""Forth source → upload units.

A *unit* is one definition as the loader tracks it on the target: its Forth
text with comments and indentation stripped (tokens joined by single blanks,
string bodies kept as written), the names it defines, the names of the
program's other units it uses, and where it came from (a ``.fs`` line, or the
Julia ``file:line`` of the function it was compiled from).

Splitting rules (``split_units``):

* a unit starts at an interpret-level defining word (``:`` ``create``
  ``variable`` ``2variable`` ``constant`` ``2constant`` ``marker`` …);
* interpret-level words after a definition belong to it (``create t 1 , 2 ,``,
  ``variable v  5 v !``, ``: main … ; main``), except the words that stand
  before ``constant``/``2constant`` on its own source line: they compute its
  value (``10 constant ten``);
* words before the first definition (``decimal``, ``hex`` …) belong to the
  first unit.

The hash of a unit covers its text and the number base it is read in, so
the same text under ``hex`` is a different unit.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Optional

#: words that lay down a new header for the next name in the input
DEFINERS = {":", "create", "variable", "2variable", "constant", "2constant",
            "marker", "value", "2value", "defer", "buffer:", "fvariable", "fconstant"}
#: defining words that take their value from the stack
STACK_DEFINERS = {"constant", "2constant", "value", "2value", "buffer:"}
#: words followed by a name that must not be taken for a comment or string
NAME_TAKERS = DEFINERS | {"'", "[']", "char", "[char]", "postpone", "to", "is",
                          "action-of", "[compile]", "l@", "l!", "ldrop"}
#: words followed by text up to a quote
STRINGERS = {'s"', '."', 'abort"', 'c"', 's\\"'}

_HASH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
HASH_LEN = 4


class SourceError(Exception):
    """A Forth source the loader cannot split (an unclosed string or definition)."""

    def __init__(self, message: str, file: str = "<input>", line: int = 0):
        self.message, self.file, self.line = message, file, line
        super().__init__(f"{file}:{line}: error: {message}")


@dataclass
class Token:
    text: str            # as sent: a word, or a string word with its body
    line: int            # source line the token starts on
    word: str = ""       # lower-cased word (for a string token: the opening word)


@dataclass
class Unit:
    """One definition, as uploaded and tracked on the target."""

    tokens: list[str]
    names: list[str]                       # defined names, lower case, in order
    file: str = "<input>"
    line: int = 0                          # where the definition starts
    base: int = 10                         # number base the text is read in
    uses: set[str] = field(default_factory=set)   # every plain word it mentions, lower case
    label: str = ""                        # for messages: "function fib" / "word fib"
    end_base: int = 10                     # base after the unit ran
    info: dict = field(default_factory=dict)      # free for the producer (signature, ...)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def name(self) -> str:
        return self.names[0] if self.names else ""

    @property
    def hash(self) -> str:
        try:
            return self._hash
        except AttributeError:
            h = hashlib.sha1(f"{self.base}\n{self.text}".encode("utf-8")).digest()
            n = int.from_bytes(h[:8], "little")
            out = []
            for _ in range(HASH_LEN):
                n, r = divmod(n, len(_HASH_ALPHABET))
                out.append(_HASH_ALPHABET[r])
            self._hash = "".join(out)
            return self._hash

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def describe(self) -> str:
        return self.label or (f"word {self.name}" if self.name else "top-level code")


def is_hash(s: str) -> bool:
    return len(s) == HASH_LEN and all(c in _HASH_ALPHABET for c in s)


# ---------------------------------------------------------------------------
def tokenize(text: str, file: str = "<input>") -> list[Token]:
    """Forth text → tokens, comments dropped, string bodies kept whole."""
    out: list[Token] = []
    i, n, line = 0, len(text), 1
    take_name = False
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            continue
        if c.isspace():
            i += 1
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        word = text[i:j]
        low = word.lower()
        start_line = line
        if take_name:                       # a name: taken as it is
            out.append(Token(word, start_line, low))
            take_name = False
            i = j
            continue
        if low == "\\":
            k = text.find("\n", j)
            i = n if k < 0 else k
            continue
        if low == "(":
            k = text.find(")", j)
            if k < 0:
                raise SourceError("comment ( has no closing )", file, start_line)
            line += text.count("\n", i, k)
            i = k + 1
            continue
        if low in STRINGERS or low == ".(":
            close = ")" if low == ".(" else '"'
            body_start = j + 1 if j < n and text[j] in " \t" else j
            k = text.find(close, body_start)
            nl = text.find("\n", j)
            if k < 0 or (0 <= nl < k):
                raise SourceError(f"{word} has no closing {close} on its line", file, start_line)
            out.append(Token(f"{word} {text[body_start:k]}{close}", start_line, low))
            i = k + 1
            continue
        out.append(Token(word, start_line, low))
        take_name = low in NAME_TAKERS
        i = j
    if take_name:
        raise SourceError(f"{out[-1].text} needs a name after it", file, out[-1].line)
    return out


def _is_number(word: str) -> bool:
    return bool(re.fullmatch(r"[-+]?([$#%]-?[0-9a-f]+|'.'|[0-9][0-9a-f]*)\.?", word))


def split_units(text: str, file: str = "<input>") -> list[Unit]:
    """Forth source text → units, in order (see the module doc for the rules)."""
    toks = tokenize(text, file)
    units: list[Unit] = []
    pending: list[Token] = []          # interpret-level words not yet given to a unit
    cur: Optional[Unit] = None
    compiling = False
    i = 0
    while i < len(toks):
        t = toks[i]
        w = t.word
        if compiling:
            cur.tokens.append(t.text)
            if w == ";":
                compiling = False
            i += 1
            continue
        if w in DEFINERS:
            lead: list[Token] = []
            if w in STACK_DEFINERS:     # words on its own line before it: its value
                while pending and pending[-1].line == t.line:
                    lead.insert(0, pending.pop())
            new = Unit([], [], file, lead[0].line if lead else t.line)
            # words since the last definition: to it, or (prologue) to this one
            (cur or new).tokens.extend(p.text for p in pending)
            pending = []
            new.tokens.extend(p.text for p in lead)
            name = toks[i + 1]
            new.tokens += [t.text, name.text]
            new.names.append(name.word)
            units.append(new)
            cur = new
            compiling = w == ":"
            i += 2
            continue
        pending.append(t)
        i += 1
    if compiling:
        raise SourceError(f"definition of {cur.name} has no ;", file, cur.line)
    if cur is not None:
        cur.tokens.extend(p.text for p in pending)
    elif pending:                          # no definitions at all: one nameless unit
        units.append(Unit([p.text for p in pending], [], file, pending[0].line))
    _fix_bases(units)
    _find_uses(units)
    return units


def _fix_bases(units: list[Unit]) -> None:
    """Each unit's starting base and ending base, by running the base words."""
    b = 10
    for u in units:
        u.base = b
        for tok in u.tokens:
            lw = tok.lower()
            if lw == "hex":
                b = 16
            elif lw == "decimal":
                b = 10
        u.end_base = b


def _find_uses(units: list[Unit]) -> None:
    for u in units:
        toks = [t.lower() for t in u.tokens]
        # a word mentioned, except the name a defining word gives (": a 2 ;" uses no a)
        u.uses = {t for k, t in enumerate(toks)
                  if " " not in t and not (k and toks[k - 1] in DEFINERS)}


def dependencies(units: list[Unit]) -> list[set[int]]:
    """For each unit, the indices of earlier units whose words it uses
    (the newest earlier definition of each name, as Forth would bind it)."""
    latest: dict[str, int] = {}
    deps: list[set[int]] = []
    for k, u in enumerate(units):
        d = set()
        for w in u.uses:
            j = latest.get(w)
            if j is not None and j != k:
                d.add(j)
        deps.append(d)
        for nm in u.names:
            latest[nm] = k
    return deps
