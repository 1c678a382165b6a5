"""AVR machine code laid into a colon definition by the host compiler.

The kernel's compiler only knows Forth words; for the few sequences where the
backend knows better (Julia locals held in registers, compare-and-branch) it
lays the instructions itself with ``[ $xxxx f, ... ]``: ``f,`` compiles one cell
at the dictionary pointer, which inside a definition is the next instruction.
Every sequence here is position independent (branches only skip inside it)
and keeps the kernel's register contract (forth_kernel/README.md):

    TOS r25:r24   data stack pointer Y (the second item at [Y])   r1 = 0
    r2..r17       callee-saved: a word that uses one saves it (push/pop)
    r18..r23, r26, r27, r30, r31, r0   scratch

so the code runs identically whether the chip's compiler or the host image
builder (which treats ``f,`` the same way) lays it down.
"""
from __future__ import annotations

from typing import List, Sequence

from .tokens import cell_value

TOS = 24


def _rr(op: int, d: int, r: int) -> int:
    """Two-register instruction: op | r(4) | d(4..8) | r(0..3)."""
    return op | ((r & 0x10) << 5) | (d << 4) | (r & 0x0F)


def movw(d: int, r: int) -> int:
    return 0x0100 | ((d // 2) << 4) | (r // 2)


def push(r: int) -> int:
    return 0x920F | (r << 4)


def pop(r: int) -> int:
    return 0x900F | (r << 4)


def ld_y(r: int) -> int:          # ld r, Y+
    return 0x9009 | (r << 4)


def st_y(r: int) -> int:          # st -Y, r
    return 0x920A | (r << 4)


def eor(d: int, r: int) -> int:
    return _rr(0x2400, d, r)


def add(d: int, r: int) -> int:
    return _rr(0x0C00, d, r)


def adc(d: int, r: int) -> int:
    return _rr(0x1C00, d, r)


def sub(d: int, r: int) -> int:
    return _rr(0x1800, d, r)


def sbc(d: int, r: int) -> int:
    return _rr(0x0800, d, r)


def cp(d: int, r: int) -> int:
    return _rr(0x1400, d, r)


def cpc(d: int, r: int) -> int:
    return _rr(0x0400, d, r)


def mov(d: int, r: int) -> int:
    return _rr(0x2C00, d, r)


def _imm(op: int, d: int, k: int) -> int:
    assert 16 <= d <= 31
    k &= 0xFF
    return op | ((k & 0xF0) << 4) | ((d - 16) << 4) | (k & 0x0F)


def ldi(d: int, k: int) -> int:
    return _imm(0xE000, d, k)


def subi(d: int, k: int) -> int:
    return _imm(0x5000, d, k)


def sbci(d: int, k: int) -> int:
    return _imm(0x4000, d, k)


def cpi(d: int, k: int) -> int:
    return _imm(0x3000, d, k)


SEC = 0x9408


def dup() -> List[int]:
    return [st_y(TOS + 1), st_y(TOS)]


def drop() -> List[int]:
    return [ld_y(TOS), ld_y(TOS + 1)]


def fetch_reg(r: int) -> List[int]:
    """( -- x )  push the cell held in r+1:r."""
    return dup() + [movw(TOS, r)]


def store_reg(r: int) -> List[int]:
    """( x -- )  pop into r+1:r."""
    return [movw(r, TOS)] + drop()


def forth(words: Sequence[int], per_item: int = 6) -> List[str]:
    """The Forth text that lays `words` (one sequence, at most `per_item` cells:
    no input line gets longer than 80 characters) down inside a definition."""
    assert len(words) <= per_item
    return ["[ " + " ".join(f"${w:04x} f," for w in words) + " ]"] if words else []


def forth_groups(groups: Sequence[Sequence[int]], per_item: int = 6) -> List[str]:
    """Several sequences, packed into items without splitting one: between two
    items the data stack is whole and no flag is live (a trace probe may go there)."""
    out, cur = [], []
    for g in groups:
        if cur and len(cur) + len(g) > per_item:
            out += forth(cur, per_item)
            cur = []
        cur += g
    out += forth(cur, per_item)
    return out


# ------------------------------------------------------------------ peephole
#
# Rewrites of the backend's token stream of one word, where a sequence of
# Forth words and register accesses has a shorter machine-code equivalent.
# Each replacement is one item (one `[ ... ]`), so that nothing (a trace
# probe, a line break) comes between an instruction that sets the flags and
# the branch that reads them.

T_ORIG = 0x4F52          # the kernels' control-flow tag of an IF (forth_kernel/common/interp.c)
R18 = 18

BR = {"eq": 0xF009, "ne": 0xF409, "lo": 0xF008, "sh": 0xF408, "lt": 0xF00C, "ge": 0xF40C}   # .+2
NEG = {"eq": "ne", "ne": "eq", "lo": "sh", "sh": "lo", "lt": "ge", "ge": "lt"}
#: comparison word -> (operands swapped, condition on `cp left, right`)
CMP = {"=": (False, "eq"), "<>": (False, "ne"), "<": (False, "lt"), ">": (True, "lt"),
       "u<": (False, "lo"), "u>": (True, "lo")}


def branch_item(words: Sequence[int]) -> str:
    """`words` (ending in a conditional skip), then an unresolved RJMP that
    THEN / REPEAT resolve: what IF leaves on the compile-time stack."""
    return "[ " + "".join(f"${w:04x} f, " for w in words) + f"fhere -1 f, {T_ORIG} ]"


class Peephole:
    def __init__(self, sem: dict):
        self.sem = sem            # raw item text -> ("R@", reg) | ("R!", reg)
        self.late = False         # the rules that would hide a register access from the others

    def sym(self, tok: str):
        if tok in self.sem:
            return self.sem[tok]
        v = cell_value(tok)
        if v is not None:
            return ("n", v)
        return ("w", tok.lower())

    def raw(self, words, note):
        return [("t", x) for x in forth(words)] + [("c", f"( {note} )")]

    # ..................................................................... rules
    def early(self, s):
        """rewrite(s) by the rules of the first passes only."""
        late, self.late = self.late, False
        try:
            return self.rewrite(s)
        finally:
            self.late = late

    def rewrite(self, s):
        """s: the symbols from here on; returns (number used, new items) or None."""
        def at(k):
            return s[k] if k < len(s) else (None, None)

        a0, a1, a2, a3 = at(0), at(1), at(2), at(3)
        W = lambda k, *names: at(k)[0] == "w" and at(k)[1] in names   # noqa: E731
        # flags: `x 0 d0= 0=` is `x 0<>`, and IF tests non-zero anyway
        if a0 == ("n", 0) and W(1, "d0=") and W(2, "0="):
            return 3, [("t", "0<>")]
        if W(0, "0=") and W(1, "0="):
            return 2, [("t", "0<>")]
        if W(0, "0<>") and W(1, "if", "while", "until"):
            return 2, [("t", a1[1])]
        if a0 == ("n", 0) and W(1, "if"):                        # AHEAD
            return 2, [("t", f"[ fhere -1 f, {T_ORIG} ]"), ("c", "( ahead )")]
        # shifts by a constant
        if a0[0] == "n" and W(1, "rshift", "lshift"):
            k = a0[1]
            if 1 <= k <= 3:
                return 2, [("t", "u2/" if a1[1] == "rshift" else "2*")] * k
            if k == 8:
                if a1[1] == "rshift":
                    return 2, self.raw([mov(24, 25), eor(25, 25)], "8 rshift")
                return 2, self.raw([mov(25, 24), eor(24, 24)], "8 lshift")
        # register to register, and updates in place
        if a0[0] == "R@" and a1[0] == "R!":
            if a0[1] == a1[1]:
                return 2, []
            return 2, self.raw([movw(a1[1], a0[1])], f"r{a1[1]} = r{a0[1]}")
        if a0[0] == "R@":
            r = a0[1]
            if W(1, "1+", "1-") and a2 == ("R!", r):
                return 3, self.raw(self.add_const(r, 1 if a1[1] == "1+" else 0xFFFF), f"r{r} {a1[1]}")
            if a1[0] == "n" and W(2, "+", "-") and a3 == ("R!", r):
                k = a1[1] if a2[1] == "+" else (-a1[1]) & 0xFFFF
                return 4, self.raw(self.add_const(r, k), f"r{r} += {k}")
            if a1[0] == "R@" and W(2, "+", "-") and a3 == ("R!", r):
                b = a1[1]
                ops = [add(r, b), adc(r + 1, b + 1)] if a2[1] == "+" else [sub(r, b), sbc(r + 1, b + 1)]
                return 4, self.raw(ops, f"r{r} {a2[1]}= r{b}")
            # shifts by 1 in place: `r@ u2/ u2/ r!` is `lsr ror` twice on the pair
            k = 1
            while k < len(s) and W(k, "u2/", "2/", "2*"):
                k += 1
            if 1 < k <= 4 and at(k) == ("R!", r):
                ops: List[int] = []
                for q in range(1, k):
                    ops += {"u2/": [lsr(r + 1), ror(r)], "2/": [asr(r + 1), ror(r)],
                            "2*": [add(r, r), adc(r + 1, r + 1)]}[s[q][1]]
                return k + 1, self.raw(ops, f"r{r} " + " ".join(s[q][1] for q in range(1, k)))
        # a store and a fetch: the pop and the push between them cancel (the cell
        # under the top is left as it was), unless a rule above uses the fetch
        if self.late and a0[0] == "R!" and a1[0] == "R@" and self.early(s[1:]) is None:
            r, b = a0[1], a1[1]
            if r == b:
                return 2, self.raw([movw(r, TOS)], f"r{r}! r{r}@")
            return 2, self.raw([movw(r, TOS), movw(TOS, b)], f"r{r}! r{b}@")
        if a0[0] == "n" and a1[0] == "R!":
            r, k = a1[1], a0[1]
            if k == 0:
                return 2, self.raw([eor(r, r), eor(r + 1, r + 1)], f"r{r} = 0")
            if r >= 16:
                return 2, self.raw([ldi(r, k), ldi(r + 1, k >> 8)], f"r{r} = {k}")
            return 2, self.raw([ldi(R18, k), ldi(R18 + 1, k >> 8), movw(r, R18)], f"r{r} = {k}")
        # compare and branch
        got = self.compare_branch(s)
        if got is not None:
            return got
        # TOS op= register
        if a0[0] == "R@" and W(1, "+", "-", "and", "or", "xor"):
            b = a0[1]
            op = {"+": (add, adc), "-": (sub, sbc), "and": (_and, _and), "or": (_or, _or),
                  "xor": (eor, eor)}[a1[1]]
            return 2, self.raw([op[0](TOS, b), op[1](TOS + 1, b + 1)], f"r{b} {a1[1]}")
        # two fetches: one push of the top and the first register, then a `movw`
        if self.late and a0[0] == "R@" and a1[0] == "R@" and self.early(s[1:]) is None:
            r, b = a0[1], a1[1]
            return 2, self.raw(dup() + [st_y(r + 1), st_y(r), movw(TOS, b)], f"r{r}@ r{b}@")
        return None

    @staticmethod
    def add_const(r: int, k: int) -> List[int]:
        k &= 0xFFFF
        if r >= 16:
            return [subi(r, -k), sbci(r + 1, (-k) >> 8)]
        if k == 1:
            return [SEC, adc(r, 1), adc(r + 1, 1)]
        if k == 0xFFFF:
            return [SEC, sbc(r, 1), sbc(r + 1, 1)]
        return [ldi(R18, k), ldi(R18 + 1, k >> 8), add(r, R18), adc(r + 1, R18 + 1)]

    def compare_branch(self, s):
        """[left] [right] CMP [0=] IF|WHILE with the operands registers, a literal
        (right) or the top of the stack: `cp` and a conditional skip of the RJMP."""
        def at(k):
            return s[k] if k < len(s) else (None, None)

        # operands: both pushed here, one pushed (the other already on top), none
        n_ops = 0
        if at(0)[0] in ("R@", "n") and at(1)[0] in ("R@", "n") and at(0)[0] == "R@":
            n_ops = 2
        elif at(0)[0] in ("R@", "n"):
            n_ops = 1
        k = n_ops
        c = at(k)
        if c[0] != "w" or c[1] not in CMP:
            # x 0= IF / x IF with x a register
            if n_ops == 1 and at(0)[0] == "R@" and at(1)[0] == "w" and at(1)[1] in ("if", "while"):
                r = at(0)[1]
                return 2, self.branch([cp(r, 1), cpc(r + 1, 1)], "ne", at(1)[1], f"r{r} 0<>")
            if n_ops == 0 and at(0) == ("w", "0=") and at(1)[0] == "w" and at(1)[1] in ("if", "while"):
                return 2, self.branch([_or(TOS, TOS + 1)] + drop(), "eq", at(1)[1], "0=")
            return None
        if n_ops == 0:
            return None
        swap, cond = CMP[c[1]]
        k += 1
        if at(k) == ("w", "0="):
            cond = NEG[cond]
            k += 1
        b = at(k)
        if b[0] != "w" or b[1] not in ("if", "while"):
            return None
        signed = cond in ("lt", "ge")
        if n_ops == 2:
            left, right = at(0), at(1)
        else:
            left, right = ("TOS", TOS), at(0)
        if right[0] == "n" and swap:
            # L > k  is  !(L < k+1);  L <= k  is  L < k+1
            v = right[1]
            if (signed and v == 0x7FFF) or (not signed and v == 0xFFFF):
                return None
            right = ("n", (v + 1) & 0xFFFF)
            cond = NEG[cond]
            swap = False
        code: List[int] = []
        if right[0] == "n":
            v = right[1]
            lr = left[1]
            if v == 0:
                code += [cp(lr, 1), cpc(lr + 1, 1)]
            elif lr >= 16:
                code += [cpi(lr, v)] + ([cpc(lr + 1, 1)] if v >> 8 == 0 else [ldi(R18, v >> 8), cpc(lr + 1, R18)])
            else:
                code += [ldi(R18, v), ldi(R18 + 1, v >> 8), cp(lr, R18), cpc(lr + 1, R18 + 1)]
        else:
            x, y = left[1], right[1]
            if swap:
                x, y = y, x
            code += [cp(x, y), cpc(x + 1, y + 1)]
        if left[0] == "TOS":
            code += drop()
        if len(code) > 5:                 # one input line: 6 cells and the RJMP
            return None
        return k + 1, self.branch(code, cond, b[1], " ".join(
            str(t[1]) if t[0] != "R@" else f"r{t[1]}" for t in s[:k]))

    def branch(self, code, cond, word, note):
        out = [("t", branch_item(code + [BR[cond]])), ("c", f"( {note} {word} )")]
        if word == "while":
            out.append(("t", "[ 2swap ]"))
        return out

    # ..................................................................... driver
    def run(self, items: list, marks: list):
        """items -> new items; marks [(index, line, start)] follow their items."""
        self.late = False
        items, marks = self._run(items, marks)
        self.late = True
        return self._run(items, marks)

    def _run(self, items: list, marks: list):
        changed = True
        while changed:
            changed = False
            toks = [i for i, it in enumerate(items) if it[0] == "t"]
            syms = [self.sym(items[i][1]) for i in toks]
            new: list = []
            where = {}                 # old index -> new index
            j = 0                      # position in toks
            i = 0
            while i < len(items):
                kind = items[i][0]
                if kind != "t":
                    where[i] = len(new)
                    new.append(items[i])
                    i += 1
                    continue
                got = self.rewrite(syms[j:j + 8])
                if got is None:
                    where[i] = len(new)
                    new.append(items[i])
                    i += 1
                    j += 1
                    continue
                changed = True
                n, repl = got
                last = toks[j + n - 1]
                start = len(new)
                new.extend(repl)
                keep = []
                for q in range(i, last + 1):
                    where[q] = start
                    if items[q][0] == "nl":
                        keep.append(items[q])
                new.extend(keep)
                i = last + 1
                while i < len(items) and items[i][0] == "c":     # the replaced items' notes
                    where[i] = start
                    i += 1
                j += n
            where[len(items)] = len(new)
            marks = [(where[ix], ln, st) for ix, ln, st in marks]
            items = new
        return items, marks


def lsr(d: int) -> int:
    return 0x9406 | d << 4


def asr(d: int) -> int:
    return 0x9405 | d << 4


def ror(d: int) -> int:
    return 0x9407 | d << 4


def _and(d: int, r: int) -> int:
    return _rr(0x2000, d, r)


def _or(d: int, r: int) -> int:
    return _rr(0x2800, d, r)
