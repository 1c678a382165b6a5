"""The size-first form of a word: jlforth bytecode (`--size`).

The portable Forth of a word (what `--portable` prints) is re-encoded as
bytes for the kernel's bytecode interpreter, one byte per operation
(forth_kernel/common/bytecode.tbl, read here and by the kernels' table
generator, defines every code).  The word stays a colon definition the
kernel compiles itself, so upload and image building are unchanged:

    : fib(i16) [ fhere ] ~vm [ $2041 f, $0385 f, ... dup f, ... drop ] ;

`[ fhere ]` leaves the word's own xt on the data stack while its bytes are
laid, for the operand of a recursive call (`dup f,`); names are laid by the
chip itself (`' foo f,` for a call, `g.x f,` for a variable's address), so
nothing here depends on where the dictionary is.

A word whose Forth uses something the bytecode has no form for stays Forth
(``Unsupported``): the program still runs, that word is only bigger.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Optional, Set

from .tokens import cell_value

TABLE = Path(__file__).resolve().parents[2] / "forth_kernel" / "common" / "bytecode.tbl"


class Unsupported(Exception):
    """This word's Forth has a token the bytecode cannot express."""


def _load_table(path: Path = TABLE):
    ops: Dict[str, int] = {}
    words: Dict[str, int] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "vm":
            ops[parts[2]] = int(parts[1], 16)
        elif parts[0] == "word":
            words[parts[1]] = 0x80 + len(words)
    return ops, words


OPS, WORDS = _load_table()
LONG = {"branch": "branch16", "0branch": "0branch16", "tbranch": "tbranch16", "next": "next16"}
#: sequences of operations that one code does (bytecode.tbl)
FUSED = [(("1-", "2*", "+", "@"), "[]@"), (("1-", "+", "c@"), "[]c@"),
         (("-rot", "1-", "2*", "+", "!"), "[]!"), (("-rot", "1-", "+", "c!"), "[]c!")]


class Label:
    __slots__ = ("pos",)

    def __init__(self):
        self.pos: Optional[int] = None


class Op:
    """One operation: its code, operand bytes, a branch target or a cell the
    chip computes (Forth text that leaves the cell's value, laid by f,)."""
    __slots__ = ("name", "args", "target", "cell", "long")

    def __init__(self, name: str, args: bytes = b"", target: Label = None, cell: str = None):
        self.name, self.args, self.target, self.cell, self.long = name, args, target, cell, False

    def size(self) -> int:
        return 1 + len(self.args) + (2 if self.cell is not None else 0) + \
            ((2 if self.long else 1) if self.target is not None else 0)


def _s8(v: int) -> bool:
    return -128 <= v <= 127


class Encoder:
    """One word's Forth tokens -> bytecode ops -> the Forth text that lays them.

    data: names that push an address or value when executed (variables,
    arrays, constants): they become literals laid by the chip.
    exit_in_semicolon: the kernel's `;` lays a code whose first byte is the
    EXIT opcode (the AVR's RET, $9508), so a word that falls off its end
    needs no EXIT of its own."""

    def __init__(self, data: Set[str], exit_in_semicolon: bool = False):
        self.data = {d.lower() for d in data}
        self.exit_in_semicolon = exit_in_semicolon

    # ............................................................ tokens -> ops
    def ops(self, tokens: List[str]) -> list:
        out: list = []
        cs: list = []                     # the control-flow stack: ("orig"|"dest", Label)
        for tok in tokens:
            t = tok.lower()
            v = cell_value(tok)
            if v is not None:
                out.extend(self.literal(v))
            elif re.fullmatch(r"-?\d+\.", t) and -2 ** 31 <= int(t[:-1]) < 2 ** 32:
                d = int(t[:-1]) & 0xFFFFFFFF
                out.extend(self.literal(d & 0xFFFF) + self.literal(d >> 16))
            elif t in ("if", "while", "until", "else", "then", "begin", "repeat", "again") or t.startswith("[ "):
                self.control(t, out, cs)
            elif t.split()[0] in ("l@", "l!", "ldrop") and len(t.split()) == 2:
                word, k = t.split()
                if not k.isdigit() or int(k) > 255:
                    raise Unsupported(tok)
                k = int(k)
                if word == "l@":
                    out.append(Op(f"l@#{k}") if k < 16 else Op("l@", bytes([k])))
                elif word == "l!":
                    out.append(Op(f"l!#{k}") if k < 16 else Op("l!", bytes([k])))
                elif k:
                    out.append(Op("ldrop", bytes([k])))
            elif t.startswith('." ') and t.endswith('"'):
                try:
                    text = tok[3:-1].encode("latin-1")
                except UnicodeEncodeError:
                    raise Unsupported(tok) from None
                if len(text) > 255:
                    raise Unsupported(tok)
                out.append(Op('."', bytes([len(text)]) + text))
            elif t.startswith("[char] ") and len(tok) == 8:
                out.extend(self.literal(ord(tok[7])))
            elif t == "recurse":
                out.append(Op("rcall", cell="dup"))
            elif t in ("exit", ">r", "r>", "r@", "rdrop"):
                out.append(Op(t))
            elif t in WORDS:
                out.append(Op(t))
            elif t in self.data:
                out.append(Op("lit16", cell=tok))
            elif " " not in t and not re.fullmatch(r"[-+]?[$#%]?[0-9a-f]+\.?", t) \
                    and not t.startswith(("[", "'", '"', "(", "\\")) \
                    and t not in ("do", "?do", "loop", "+loop", "i", "j", "leave", "unloop", "2>r", "2r>",
                                  "2r@", "does>", "literal", "postpone", "[']", "s\"", "abort\"", ";", ":"):
                out.append(Op("call", cell=f"' {tok}"))
            else:
                raise Unsupported(tok)
        if cs:
            raise Unsupported("unbalanced control flow")
        return self.peephole(out)

    @staticmethod
    def literal(v: int) -> list:
        v &= 0xFFFF
        if v < 16:
            return [Op(f"lit#{v}")]
        s = v - 0x10000 if v & 0x8000 else v
        if _s8(s):
            return [Op("lit8", bytes([s & 0xFF]))]
        return [Op("lit16", bytes([v & 0xFF, v >> 8]))]

    def control(self, t: str, out: list, cs: list):
        def pop(kind):
            if not cs or cs[-1][0] != kind:
                raise Unsupported(t)
            return cs.pop()[1]

        def place():
            lab = Label()
            out.append(lab)
            return lab

        if t == "if":
            lab = Label()
            out.append(Op("0branch", target=lab))
            cs.append(("orig", lab))
        elif t == "else":
            lab = Label()
            out.append(Op("branch", target=lab))
            old = pop("orig")
            out.append(old)
            cs.append(("orig", lab))
        elif t == "then":
            out.append(pop("orig"))
        elif t == "begin":
            cs.append(("dest", place()))
        elif t == "while":
            dest = pop("dest")
            lab = Label()
            out.append(Op("0branch", target=lab))
            cs.append(("orig", lab))
            cs.append(("dest", dest))
        elif t == "repeat":
            out.append(Op("branch", target=pop("dest")))
            out.append(pop("orig"))
        elif t == "until":
            out.append(Op("0branch", target=pop("dest")))
        elif t == "again":
            out.append(Op("branch", target=pop("dest")))
        else:                                           # compile-time stack moves
            parts = t[2:-2].split() if t.endswith(" ]") else None
            if parts == ["2swap"] and len(cs) >= 2:
                cs[-1], cs[-2] = cs[-2], cs[-1]
            elif parts == ["2dup"] and cs:
                cs.append(cs[-1])
            elif parts and len(parts) == 2 and parts[1] == "jl.dig" and parts[0].isdigit() \
                    and int(parts[0]) < len(cs):
                cs.append(cs.pop(-1 - int(parts[0])))
            elif parts and len(parts) == 4 and parts[1] == parts[3] == "pick" and parts[0] == parts[2] \
                    and parts[0].isdigit() and int(parts[0]) % 2 == 1 and (int(parts[0]) - 1) // 2 < len(cs):
                cs.append(cs[-1 - (int(parts[0]) - 1) // 2])
            else:
                raise Unsupported(t)

    @staticmethod
    def peephole(ops: list) -> list:
        ops = Encoder.pairs(ops)
        out: list = []
        i = 0
        while i < len(ops):
            names = [o.name if isinstance(o, Op) else None for o in ops[i:i + 9]]
            # a counted loop's end: l@ a l@ b <> while l@ a 1+ l! a repeat
            if len(names) >= 9 and names[2] == "<>" and names[3] == "0branch" and names[5] == "1+" \
                    and names[7] == "branch" and ops[i + 3].target is ops[i + 8] \
                    and all(n and n.startswith(p) for n, p in zip(names, ("l@#", "l@#", "", "", "l@#", "", "l!#"))) \
                    and names[0][3:] == names[4][3:] == names[6][3:]:
                a, b = int(names[0][3:]), int(names[1][3:])
                out.append(Op("next", bytes([a << 4 | b]), target=ops[i + 7].target))
                i += 8
                continue
            if len(names) >= 3 and names[1] == "1+" and names[0] and names[0].startswith("l@#") \
                    and names[2] == "l!#" + names[0][3:]:
                out.append(Op("l1+#" + names[0][3:]))
                i += 3
                continue
            for seq, code in FUSED:
                if tuple(names[:len(seq)]) == seq:
                    out.append(Op(code))
                    i += len(seq)
                    break
            else:
                out.append(ops[i])
                i += 1
        # a word's prologue: >r a times, 0>r z times
        k = 0
        while k < len(out):
            j = k
            while j < len(out) and isinstance(out[j], Op) and out[j].name == ">r":
                j += 1
            a = j - k
            while j < len(out) and isinstance(out[j], Op) and out[j].name == "0>r":
                j += 1
            z = j - k - a
            if a + z >= 2 and a < 16 and z < 16:
                out[k:j] = [Op("frame", bytes([a << 4 | z]))]
            k += 1
        return out

    @staticmethod
    def pairs(ops: list) -> list:
        """Rewrites of two adjacent operations (applied as they are laid, so a
        result can pair with the next one)."""
        out: list = []
        for op in ops:
            while True:
                prev = out[-1] if out and isinstance(out[-1], Op) else None
                new = Encoder.pair(prev, op) if prev is not None and isinstance(op, Op) else None
                if new is None:
                    break
                out.pop()
                if new == "drop both":
                    op = None
                    break
                op = new
            if op is not None:
                out.append(op)
        return out

    @staticmethod
    def pair(prev: Op, op: Op):
        """One op for `prev op`, "drop both", or None."""
        a, b = prev.name, op.name
        if a == "lit#0" and b == ">r":                  # a frame cell that starts at 0
            return Op("0>r")
        if a == "lit#0" and b == "0branch":             # AHEAD
            return Op("branch", target=op.target)
        if a == "lit#0" and b == "d0=":                 # ( x 0 ) d0= is x 0=
            return Op("0=")
        if a == "0=" and b == "0=":
            return Op("0<>")
        if a == "0<>" and b in ("0branch", "tbranch"):  # any non-zero flag is true
            return op
        if a == "0=" and b == "0branch":
            return Op("tbranch", target=op.target)
        if a == "0=" and b == "tbranch":
            return Op("0branch", target=op.target)
        if a == "ldrop" and b == "exit":
            return Op("lexit", prev.args)
        return None

    # ............................................................ layout
    def layout(self, ops: list) -> bytes:
        """Branch sizes (short where the offset fits a byte), then the bytes;
        a computed cell is left as two zero bytes and noted in cell_at."""
        while True:
            pos = 0
            for op in ops:
                if isinstance(op, Label):
                    op.pos = pos
                else:
                    pos += op.size()
            grew = False
            pos = 0
            for op in ops:
                if isinstance(op, Op):
                    pos += op.size()
                    if op.target is not None and not op.long and not _s8(op.target.pos - pos):
                        op.long = grew = True
            if not grew:
                break
        code = bytearray()
        self.cell_at: List[tuple] = []
        for op in ops:
            if isinstance(op, Label):
                continue
            name = LONG[op.name] if op.long else op.name
            code.append(OPS[name] if name in OPS else _coded(name))
            code += op.args
            if op.target is not None:
                off = op.target.pos - (len(code) + (2 if op.long else 1))
                code += off.to_bytes(2 if op.long else 1, "little", signed=True)
            if op.cell is not None:
                self.cell_at.append((len(code), op.cell))
                code += b"\0\0"
        return bytes(code)

    def encode(self, tokens: List[str]) -> tuple:
        """(bytes, [(offset, Forth text of a computed cell)]) for a word's body."""
        ops = self.ops(tokens)
        # a word ends with EXIT (or LEXIT); when it falls off its end the
        # kernel's `;` may supply the EXIT byte
        ends_in_label = bool(ops) and isinstance(ops[-1], Label)
        if ops and not ends_in_label and ops[-1].name == "ldrop":
            ops[-1] = Op("lexit", ops[-1].args)
        last = next((op for op in reversed(ops) if isinstance(op, Op)), None)
        if last is None or last.name not in ("exit", "lexit") or ends_in_label:
            ops.append(Op("exit"))
        code = self.layout(ops)
        if len(code) % 2:
            if self.exit_in_semicolon and code[-1] == OPS["exit"]:
                code = code[:-1]                       # `;` lays the EXIT byte
            else:
                code += bytes([OPS["exit"]])           # keep `;`'s code aligned
        return code, self.cell_at


def _coded(name: str) -> int:
    """Codes with the operand in the opcode (l@#n, l!#n, lit#n, l1+#n: n = 0..15) and words."""
    base, sep, k = name.partition("#")
    if sep:
        return OPS[base + "0"] + int(k)
    if name in WORDS:
        return WORDS[name]
    raise KeyError(name)


def lay_text(code: bytes, cells: List[tuple], width: int = 72) -> List[str]:
    """The tokens that lay `code` inside a colon definition after `[ fhere ] ~vm`:
    `[ $hhll f, ... ]` groups, a computed cell as its Forth then `f,`, the
    last group ending with `drop` (the xt `[ fhere ]` left)."""
    pieces: List[str] = []
    computed = dict(cells)
    i = 0
    while i < len(code):
        if i in computed:
            pieces.append(f"{computed[i]} f,")
            i += 2
        elif i + 1 < len(code) and (i + 1) not in computed:
            pieces.append(f"${code[i] | code[i + 1] << 8:04x} f,")
            i += 2
        else:
            pieces.append(f"${code[i]:02x} fc,")
            i += 1
    pieces.append("drop")
    out: List[str] = []
    cur: List[str] = []
    for p in pieces:
        if cur and len(" ".join(cur + [p])) + 4 > width:
            out.append("[ " + " ".join(cur) + " ]")
            cur = []
        cur.append(p)
    out.append("[ " + " ".join(cur) + " ]")
    return out
