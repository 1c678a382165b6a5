"""MSP430 machine code laid into direct-threaded colon definitions.

The MSP430G2553 kernel is direct threaded (forth_kernel/msp430/prims.S): a
colon definition is `call r9` and a list of cells, each an xt; NEXT is
`mov @IP+, pc`.  A cell may therefore hold the address of machine code that
sits right after it in the thread: NEXT jumps there with IP pointing at the
code itself.  The backend lays such blocks with `[ fhere 2 + f, $xxxx f, ... ]`
(`f,` compiles a cell, identically on the chip and in the host image builder):

    [cell: address of the code] code ... add #len, IP ; mov @IP+, pc

A block runs a stretch of the word's Forth (frame accesses, arithmetic,
comparisons, memory, the prologue and epilogue) with the operands kept in
scratch registers instead of on the data stack (`Block`, a small
stack-caching compiler), and ends by stepping IP over itself.  It may branch
out in the middle: `if`/`while`/`until` become a `cmp` and a conditional
jump over a stub `mov off(IP), IP ; mov @IP+, pc` whose cell (`off`) is an
ordinary branch cell of the thread: laid erased with the kernel's IF tag
(`fhere -1 f, 20306`) so that THEN / REPEAT resolve it, or filled with the
destination BEGIN left (`drop f,`) for REPEAT / UNTIL.

Registers (forth_kernel/msp430/macros.inc): IP r4, PSP r5, TOS r6, DOCOL r9
and CTRAMP r10 are the kernel's; r11-r15 are scratch (primitives and C
clobber them), free inside a block.  r7/r8 (LY/LL) hold the innermost DO
loop, which the backend never uses: every kernel word that opens a DO loop
saves and restores them, CATCH saves them in its frame and THROW restores
them, C keeps them (callee-saved in the EABI) and the interrupt handlers do
not touch them.  So a Julia word may keep its two most used cells there
(`local_regs` in the target's [codegen] table), pushing them on entry and
popping them at every exit, as the AVR code does with its register pairs.

Inside one block control flow is native where the block holds both ends: an
IF whose ELSE/THEN are in the block is conditional jumps (no cell for the
kernel; `Native.block` builds the block again with the IF as a stub when it
cannot reach the THEN), a loop whose BEGIN starts the block jumps back to it
(`[ 2drop ]` drops BEGIN's destination), an ELSE whose THEN is followed by
the word's end copies that end and leaves the word.  The run-time checks
before a recursive call (`jl.?ds`, ?RP), the divide-by-zero check and MOD
are inline, each failure path handing over to the threaded word (same error,
same line); constants the code needs from the kernel are read by the Forth
text that lays it (`s0 31 -`, `' ?rp 2 + @`, `' u/mod 12 + @`), so upload and
the host image builder lay the same bytes.  A frame cell stored in a block
stays in its scratch register for later reads (`Block.copies`).
"""
from __future__ import annotations

import re
from typing import List

from .tokens import cell_value

T_ORIG = 0x4F52          # the kernels' control-flow tag of an IF (forth_kernel/common/interp.c)
IP, PSP, TOS, SP, PC, SR, CG = 4, 5, 6, 1, 0, 2, 3
SCRATCH = [15, 14, 13, 12, 11]

# ------------------------------------------------------------------ encoder
# operands: ('r', n) register, ('x', n, off) indexed, ('@', n), ('@+', n),
# ('#', k) immediate, ('&', a) absolute

MOV, ADD, ADDC, SUBC, SUB, CMP, DADD, BIT, BIC, BIS, XOR, AND = range(4, 16)
JNE, JEQ, JLO, JHS, JN, JGE, JL, JMP = range(8)
CC = {"eq": JEQ, "ne": JNE, "lo": JLO, "hs": JHS, "l": JL, "ge": JGE}
NEG = {"eq": "ne", "ne": "eq", "lo": "hs", "hs": "lo", "l": "ge", "ge": "l"}
NEXT = [0x4430]                                   # mov @IP+, pc


def _src(o):
    k = o[0]
    if k == "r":
        return o[1], 0, []
    if k == "x":
        return o[1], 1, [o[2] & 0xFFFF]
    if k == "@":
        return o[1], 2, []
    if k == "@+":
        return o[1], 3, []
    if k == "&":
        return SR, 1, [o[1] & 0xFFFF]
    if k == "#L":                                       # always the extension word
        return PC, 3, [o[1] & 0xFFFF]
    if k == "#":
        v = o[1] & 0xFFFF
        cg = {0: (CG, 0), 1: (CG, 1), 2: (CG, 2), 0xFFFF: (CG, 3), 4: (SR, 2), 8: (SR, 3)}
        if v in cg:
            return cg[v] + ([],)
        return PC, 3, [v]
    raise ValueError(o)


def _dst(o):
    k = o[0]
    if k == "r":
        return o[1], 0, []
    if k == "x":
        return o[1], 1, [o[2] & 0xFFFF]
    if k == "&":
        return SR, 1, [o[1] & 0xFFFF]
    raise ValueError(o)


def op1(opc: int, src, dst, byte: bool = False) -> List[int]:
    """A double-operand instruction `opc src, dst`."""
    sr, as_, sx = _src(src)
    dr, ad, dx = _dst(dst)
    return [(opc << 12) | (sr << 8) | (ad << 7) | (int(byte) << 6) | (as_ << 4) | dr] + sx + dx


def op2(opc: int, o, byte: bool = False) -> List[int]:
    """A single-operand instruction: rrc 0, swpb 1, rra 2, sxt 3, push 4."""
    r, as_, x = _src(o)
    return [0x1000 | (opc << 7) | (int(byte) << 6) | (as_ << 4) | r] + x


def jump(cond: int, words: int) -> int:
    """`j<cond>` over `words` words after it."""
    return 0x2000 | (cond << 10) | (words & 0x3FF)


def R(n):
    return ("r", n)


PUSHT = [0x8325, 0x4685, 0x0000]         # decd PSP ; mov TOS, 0(PSP)
POPT = op1(MOV, ("@+", PSP), R(TOS))    # mov @PSP+, TOS
assert PUSHT[:2] == op1(SUB, ("#", 2), R(PSP)) + op1(MOV, R(TOS), ("x", PSP, 0))[:1]


# ------------------------------------------------------------------ operands
class Opd:
    """A value of the virtual stack: imm k, loc (frame cell at off(sp)), reg
    (a register local), tmp (a scratch register), ind (the cell the scratch
    register r points to), abs (the cell at address k), cond (a comparison
    not yet made: left, right, condition)."""
    __slots__ = ("kind", "v", "a", "b", "cc")

    def __init__(self, kind, v=None, a=None, b=None, cc=None):
        self.kind, self.v, self.a, self.b, self.cc = kind, v, a, b, cc

    def src(self):
        k = self.kind
        if k == "imm":
            return ("#", self.v)
        if k == "loc":
            return ("x", SP, self.v)
        if k in ("reg", "tmp"):
            return ("r", self.v)
        if k == "ind":
            return ("@", self.v)
        if k == "abs":
            return ("&", self.v)
        raise ValueError(k)

    def dst(self):
        k = self.kind
        if k == "loc":
            return ("x", SP, self.v)
        if k in ("reg", "tmp"):
            return ("r", self.v)
        if k == "ind":
            return ("x", self.v, 0)
        if k == "abs":
            return ("&", self.v)
        raise ValueError(k)

    def tmps(self):
        if self.kind in ("tmp", "ind"):
            return [self.v]
        if self.kind == "cond":
            return self.a.tmps() + self.b.tmps()
        return []


class _Cannot(Exception):
    pass


BINOPS = {"+": ADD, "-": SUB, "and": AND, "or": BIS, "xor": XOR}
COMMUTATIVE = {"+", "and", "or", "xor"}
CMPS = {"=": (False, "eq"), "<>": (False, "ne"), "<": (False, "l"), ">": (True, "l"),
        "u<": (False, "lo"), "u>": (True, "lo")}
RE_REG = re.compile(r"^<(push|pop|clr) r(\d+)>$")
RE_RACC = re.compile(r"^r(\d+)([@!])$")


def reg_token(kind: str, r: int) -> str:
    """The token the backend writes for a register local (always compiled here)."""
    return {"@": f"r{r}@", "!": f"r{r}!"}.get(kind) or f"<{kind} r{r}>"


def is_reg_token(tok: str) -> bool:
    return bool(RE_REG.match(tok) or RE_RACC.match(tok))


class Block:
    """One block of machine code: a stack-caching compiler over Forth tokens."""

    def __init__(self):
        self.code: list = []      # ints (code words) and ('forth', text) cells laid by Forth text
        self.vs: List[Opd] = []   # the virtual stack above the real one (TOS, PSP)
        self.free = list(SCRATCH)
        self.tokens = 0
        self.must = False         # holds a register-local access: never given back as Forth
        self.branches = 0
        self.prev = None          # the last token compiled
        self.copies: dict = {}    # frame cell offset -> the scratch register holding its value
        self.ds_limit = 17        # jl.?ds's depth limit (the backend's ds_limit; set by Native)
        self.orphans: set = set() # stale copies a pending read still holds

    # ............................................................ state
    def save(self):
        def cp(o):
            return Opd(o.kind, o.v, cp(o.a) if o.a else None, cp(o.b) if o.b else None, o.cc)
        return (list(self.code), [cp(o) for o in self.vs], list(self.free), self.tokens, self.must,
                self.branches, self.prev, dict(self.copies), set(self.orphans))

    def restore(self, st):
        (self.code, self.vs, self.free, self.tokens, self.must, self.branches, self.prev,
         self.copies, self.orphans) = ((list(st[0]), list(st[1]), list(st[2])) + tuple(st[3:7])
                                       + (dict(st[7]), set(st[8])))

    # ............................................................ frame cells in registers
    # After `x l! n` the scratch register that held x keeps holding it: a later
    # `l@ n` reads the register (an operand of kind reg, which no rule writes).
    # Frame cells are only reached through l@ / l! (Julia has no pointer to
    # them), so the copy is good until n is written again, the frame moves
    # (a push, a pop, ldrop), a label joins another path, or the register is
    # wanted back.
    def _refs(self, r):
        def uses(o):
            if o.kind == "cond":
                return uses(o.a) or uses(o.b)
            return o.kind == "reg" and o.v == r
        return any(uses(o) for o in self.vs)

    def _swap_ref(self, r, off):
        def fix(o):
            if o.kind == "cond":
                return Opd("cond", a=fix(o.a), b=fix(o.b), cc=o.cc)
            if o.kind == "reg" and o.v == r:
                return Opd("loc", off)
            return o
        self.vs = [fix(o) for o in self.vs]

    def drop_copies(self):
        """Forget every copy (still good: pending reads go back to the cell)."""
        for off, r in list(self.copies.items()):
            self._swap_ref(r, off)
            del self.copies[off]
            self.free.append(r)

    def written(self, off: int):
        """Frame cell off is about to change: its copy is stale; a pending read
        of the copy keeps the register (out of the free list for this block)."""
        r = self.copies.pop(off, None)
        if r is not None:
            if self._refs(r):
                self.orphans.add(r)
            else:
                self.free.append(r)

    # ............................................................ emission
    def emit(self, *words):
        for w in words:
            if isinstance(w, list):
                self.code.extend(w)
            else:
                self.code.append(w)

    def words(self) -> int:
        return len(self.code)

    def alloc(self) -> int:
        if not self.free:
            raise _Cannot("no scratch register")
        return self.free.pop()

    def release(self, o: Opd):
        for r in o.tmps():
            if r not in self.free:
                self.free.append(r)

    # ............................................................ operands
    def to_tmp(self, o: Opd) -> Opd:
        """o as a value in a scratch register (that this operand owns)."""
        if o.kind == "tmp":
            return o
        if o.kind == "ind":
            self.emit(op1(MOV, ("@", o.v), R(o.v)))
            return Opd("tmp", o.v)
        if o.kind == "cond":
            t = self.alloc()
            self.cmp(o)
            self.release(o)
            if t in self.free:
                self.free.remove(t)
            self.emit(op1(MOV, ("#", -1), R(t)), jump(CC[o.cc], 1), op1(MOV, ("#", 0), R(t)))
            return Opd("tmp", t)
        t = self.alloc()
        self.emit(op1(MOV, o.src(), R(t)))
        return Opd("tmp", t)

    def materialize(self, o: Opd):
        """Push o onto the real stack."""
        if o.kind == "cond":
            # the push first: its `decd PSP` sets the flags the jump must not see
            self.emit(PUSHT)
            self.cmp(o)
            self.release(o)
            self.emit(op1(MOV, ("#", -1), R(TOS)), jump(CC[o.cc], 1), op1(MOV, ("#", 0), R(TOS)))
            return
        self.emit(PUSHT, op1(MOV, o.src(), R(TOS)))
        self.release(o)

    def flush(self):
        for o in self.vs:
            self.materialize(o)
        self.vs = []
        self.free.extend(self.orphans)
        self.orphans = set()

    def pop(self) -> Opd:
        if self.vs:
            return self.vs.pop()
        t = self.alloc()
        self.emit(op1(MOV, R(TOS), R(t)), POPT)
        return Opd("tmp", t)

    def need(self, n: int):
        """Room for n new scratch registers: spill the virtual stack if short."""
        if len(self.free) < n:
            self.drop_copies()
        if len(self.free) < n:
            self.flush()
        if len(self.free) < n:
            raise _Cannot("no scratch register")

    def hazard(self, pred):
        """Read now the pending values a store is about to change."""
        def fix(o):
            if o.kind == "cond":
                o.a, o.b = fix(o.a), fix(o.b)
                return o
            return self.to_tmp(o) if pred(o) else o
        self.vs = [fix(o) for o in self.vs]

    def shift_locs(self, d: int):
        self.drop_copies()
        def fix(o):
            if o.kind == "loc":
                o.v += d
            elif o.kind == "cond":
                fix(o.a)
                fix(o.b)
        for o in self.vs:
            fix(o)

    def cmp(self, o: Opd):
        """Set the flags for o (a cond): `cmp right, left`."""
        a, b = o.a, o.b
        if a.kind == "imm":
            if o.cc in ("eq", "ne") and b.kind != "imm":
                a, b = b, a
            else:
                a = self.to_tmp(a)
        if a.kind == "ind":
            a = self.to_tmp(a)
        o.a, o.b = a, b
        self.emit(op1(CMP, b.src(), a.dst()))

    # ............................................................ tokens
    def token(self, tok: str, nxt: List[str]) -> int:
        """Compile tok (nxt: the tokens after it); returns how many tokens were
        used, or raises _Cannot (nothing emitted then)."""
        t = tok.lower()
        v = cell_value(t)
        vs = self.vs
        prev, self.prev = self.prev, t
        self.need(2)
        if v is not None:
            vs.append(Opd("imm", v))
            return 1
        m = re.fullmatch(r"l([@!]) (\d+)", t)
        if m or RE_RACC.match(t):
            if m:
                store, place = m.group(1) == "!", Opd("loc", 2 * int(m.group(2)))
            else:
                mm = RE_RACC.match(t)
                store, place = mm.group(2) == "!", Opd("reg", int(mm.group(1)))
                self.must = True
            if not store:
                n = self.update_in_place(place, nxt)
                if n:
                    return n
                if place.kind == "loc" and place.v in self.copies:
                    place = Opd("reg", self.copies[place.v])
                vs.append(place)
                return 1
            if place.kind == "loc":
                self.written(place.v)
            if not vs:
                # `r7! r8!` (a word's arguments): the second from the stack straight
                # into its register (`mov @PSP+, r8`), the top reloaded once
                if place.kind == "reg" and nxt and RE_RACC.match(nxt[0].lower()) \
                        and nxt[0].endswith("!") and int(RE_RACC.match(nxt[0].lower()).group(1)) != place.v:
                    r2 = int(RE_RACC.match(nxt[0].lower()).group(1))
                    self.emit(op1(MOV, R(TOS), place.dst()), op1(MOV, ("@+", PSP), R(r2)), POPT)
                    return 2
                self.emit(op1(MOV, R(TOS), place.dst()), POPT)
                return 1
            x = self.pop()
            if x.kind == "cond" or (x.kind == "ind" and place.kind == "loc"):
                x = self.to_tmp(x)
            self.hazard(lambda o: o.kind == place.kind and o.v == place.v)
            self.emit(op1(MOV, x.src(), place.dst()))
            if place.kind == "loc" and x.kind == "tmp":
                self.copies[place.v] = x.v
            else:
                self.release(x)
            return 1
        m = RE_REG.match(t)
        if m:
            self.must = True
            kind, r = m.group(1), int(m.group(2))
            self.drop_copies()
            self.hazard(lambda o: o.kind == "loc" or (o.kind == "reg" and o.v == r))
            if kind == "push":
                self.emit(op2(4, R(r)))
                self.shift_locs(2)
            elif kind == "pop":
                self.emit(op1(MOV, ("@+", SP), R(r)))
                self.shift_locs(-2)
            else:
                self.emit(op1(MOV, ("#", 0), R(r)))
            return 1
        if t in BINOPS:
            b = self.pop()
            a = self.pop() if vs else None
            if a is None:                                # a is the real TOS
                if b.kind == "cond":
                    b = self.to_tmp(b)
                self.emit(op1(BINOPS[t], b.src(), R(TOS)))
                self.release(b)
                return 1
            if a.kind in ("loc", "reg") and nxt and nxt[0].lower() == self.store_token(a):
                # `P x op P!`: one instruction on P (`sub x, 2(sp)`)
                if b.kind == "cond":
                    b = self.to_tmp(b)
                self.hazard(lambda o: o.kind == a.kind and o.v == a.v)
                if a.kind == "loc":
                    self.written(a.v)
                self.emit(op1(BINOPS[t], b.src(), a.dst()))
                self.release(b)
                self.tokens += 1
                return 2
            if a.kind == "imm" and b.kind == "imm":
                f = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "and": lambda x, y: x & y,
                     "or": lambda x, y: x | y, "xor": lambda x, y: x ^ y}[t]
                vs.append(Opd("imm", f(a.v, b.v) & 0xFFFF))
                return 1
            if b.kind == "cond":
                b = self.to_tmp(b)
            if t in COMMUTATIVE and b.kind == "tmp" and a.kind != "tmp":
                a, b = b, a
            a = self.to_tmp(a)
            self.emit(op1(BINOPS[t], b.src(), R(a.v)))
            self.release(b)
            vs.append(a)
            return 1
        if t in ("1+", "1-") and nxt and {t, nxt[0].lower()} == {"1+", "1-"}:
            self.tokens += 1                             # `1+ 1-`: nothing
            return 2
        if t in ("1+", "1-", "2*", "2/", "u2/", "negate", "invert", "cells", "cell+", "char+"):
            ops = {"1+": [(ADD, 1)], "1-": [(SUB, 1)], "cell+": [(ADD, 2)], "char+": [(ADD, 1)]}
            if vs and vs[-1].kind == "imm":
                k = vs[-1].v
                k = {"1+": k + 1, "1-": k - 1, "2*": k * 2, "cells": k * 2, "cell+": k + 2, "char+": k + 1,
                     "negate": -k, "invert": ~k, "2/": (k - 0x10000 if k & 0x8000 else k) >> 1,
                     "u2/": k >> 1}[t]
                vs[-1] = Opd("imm", k & 0xFFFF)
                return 1
            if vs:
                o = self.to_tmp(vs.pop())
                vs.append(o)
                d = R(o.v)
            else:
                d = R(TOS)
            if t in ops:
                for opc, k in ops[t]:
                    self.emit(op1(opc, ("#", k), d))
            elif t in ("2*", "cells"):
                self.emit(op1(ADD, d, d))
            elif t == "2/":
                self.emit(op2(2, d))
            elif t == "u2/":
                self.emit(0xC312, op2(0, d))                    # clrc ; rrc
            elif t == "negate":
                self.emit(op1(XOR, ("#", -1), d), op1(ADD, ("#", 1), d))
            else:
                self.emit(op1(XOR, ("#", -1), d))
            return 1
        if t in ("lshift", "rshift") and vs and vs[-1].kind == "imm" and vs[-1].v in (1, 2, 3, 4, 8):
            k = vs.pop().v
            if vs:
                o = self.to_tmp(vs.pop())
                vs.append(o)
                d = R(o.v)
            else:
                d = R(TOS)
            if k == 8:
                self.emit(op2(1, d))                             # swpb
                self.emit(op1(AND, ("#", 0xFF00), d) if t == "lshift" else op1(MOV, d, d, byte=True))
            else:
                for _ in range(k):
                    self.emit(op1(ADD, d, d) if t == "lshift" else [0xC312] + op2(0, d))
            return 1
        if t in ("@", "c@"):
            if not vs:
                self.emit(op1(MOV, ("@", TOS), R(TOS), byte=(t == "c@")))
                return 1
            a = vs.pop()
            if a.kind == "imm":
                o = Opd("abs", a.v)
            else:
                a = self.to_tmp(a)
                o = Opd("ind", a.v)
            if t == "c@":
                r = o.v if o.kind == "ind" else self.alloc()
                self.emit(op1(MOV, o.src(), R(r), byte=True))
                o = Opd("tmp", r)
            vs.append(o)
            return 1
        if t in ("!", "c!"):
            a = self.pop()
            x = self.pop()
            if a.kind == "imm":
                d = Opd("abs", a.v)
            else:
                a = self.to_tmp(a)
                d = Opd("ind", a.v)
            if x.kind == "cond":
                x = self.to_tmp(x)
            self.hazard(lambda o: o.kind in ("ind", "abs"))
            self.emit(op1(MOV, x.src(), d.dst(), byte=(t == "c!")))
            self.release(x)
            self.release(d)
            return 1
        if t in CMPS or t in ("0=", "0<>", "0<", "d0="):
            if t == "d0=":
                if not (vs and vs[-1].kind == "imm" and vs[-1].v == 0):
                    raise _Cannot(t)
                vs.pop()
                t = "0="
            if t in ("0=", "0<>") and vs and vs[-1].kind == "cond":
                if t == "0=":
                    vs[-1].cc = NEG[vs[-1].cc]
                return 1
            if t in ("0=", "0<>", "0<"):
                a = self.pop()
                b = Opd("imm", 0)
                cc = {"0=": "eq", "0<>": "ne", "0<": "l"}[t]
            else:
                b = self.pop()
                a = self.pop()
                swap, cc = CMPS[t]
                if swap:
                    a, b = b, a
            for o in (a, b):
                if o.kind == "cond":
                    raise _Cannot("flag compared")
            vs.append(Opd("cond", a=a, b=b, cc=cc))
            return 1
        if t in ("dup", "drop", "swap", "over", "nip", "-rot", "rot"):
            n = {"dup": 1, "drop": 1, "swap": 2, "over": 2, "nip": 2, "-rot": 3, "rot": 3}[t]
            if t == "drop" and not vs:
                self.emit(POPT)
                return 1
            if t == "dup" and not vs:
                self.emit(PUSHT)
                return 1
            if len(vs) < n:
                raise _Cannot(t)
            if t == "dup":
                o = vs[-1]
                if o.kind in ("tmp", "ind", "cond"):
                    o = self.to_tmp(vs.pop())
                    vs.append(o)
                    t2 = self.alloc()
                    self.emit(op1(MOV, R(o.v), R(t2)))
                    vs.append(Opd("tmp", t2))
                else:
                    vs.append(Opd(o.kind, o.v))
            elif t == "drop":
                self.release(vs.pop())
            elif t == "swap":
                vs[-1], vs[-2] = vs[-2], vs[-1]
            elif t == "nip":
                self.release(vs.pop(-2))
            elif t == "over":
                o = vs[-2]
                if o.kind in ("tmp", "ind", "cond"):
                    o = self.to_tmp(o)
                    vs[-2] = o
                    t2 = self.alloc()
                    self.emit(op1(MOV, R(o.v), R(t2)))
                    vs.append(Opd("tmp", t2))
                else:
                    vs.append(Opd(o.kind, o.v))
            elif t == "-rot":
                vs[-3:] = [vs[-1], vs[-3], vs[-2]]
            else:
                vs[-3:] = [vs[-2], vs[-1], vs[-3]]
            return 1
        if t == ">r":
            if not vs:
                self.emit(op2(4, R(TOS)), POPT)
                self.shift_locs(2)
                return 1
            x = self.pop()
            if x.kind in ("loc", "cond", "ind"):
                x = self.to_tmp(x)
            self.emit(op2(4, x.src()))
            self.release(x)
            self.shift_locs(2)
            return 1
        if t == "*" and ((vs and vs[-1].kind == "imm") or (len(vs) >= 2 and vs[-2].kind == "imm")):
            b = vs.pop()
            a = self.pop()
            if a.kind == "imm" and b.kind == "imm":
                vs.append(Opd("imm", a.v * b.v & 0xFFFF))
                return 1
            x, k = (a, b.v) if b.kind == "imm" else (b, a.v)
            vs.append(self.mul_const(x, k))
            return 1
        if t == "jl.?ds" and vs and vs[-1].kind == "imm":
            self.ds_check(vs.pop().v)
            return 1
        if t == "mod" and (prev == "jl.dz" or (vs and vs[-1].kind == "imm" and vs[-1].v)):
            self.rem()
            return 1
        if t == "jl.dz" and vs and vs[-1].kind == "imm":
            self.dz_check(vs.pop().v)
            return 1
        m = re.fullmatch(r"ldrop (\d+)", t)
        if m:
            k = 2 * int(m.group(1))
            self.drop_copies()
            self.hazard(lambda o: o.kind == "loc")
            self.emit(op1(ADD, ("#", k), R(SP)))
            self.shift_locs(-k)
            return 1
        raise _Cannot(t)

    MUL_MAX = 12        # instructions of a multiply by a constant (the kernel's `*`: ~160 cycles)

    def mul_const(self, x: Opd, k: int) -> Opd:
        """x * k (the low 16 bits, the same signed or not) by shifts and adds:
        Horner's rule over k's bits from the top (`add r, r` a shift, `add x, r`
        a set bit), or over -k and negated when that is shorter."""
        k &= 0xFFFF
        plans = []
        for kk, neg in ((k, False), (-k & 0xFFFF, True)):
            if kk:
                plans.append(((kk.bit_length() - 1) + (bin(kk).count("1") - 1) + 2 * neg, kk, neg))
        if not plans:
            self.release(x)
            return Opd("imm", 0)
        cost, kk, neg = min(plans)
        if cost > self.MUL_MAX:
            raise _Cannot("*")
        if bin(kk).count("1") == 1:
            r = self.to_tmp(x)
            src = None
        else:
            if x.kind not in ("tmp", "reg"):
                x = self.to_tmp(x)
            src = R(x.v)
            r = Opd("tmp", self.alloc())
            self.emit(op1(MOV, src, R(r.v)))
        d = R(r.v)
        for bit in bin(kk)[3:]:
            self.emit(op1(ADD, d, d))
            if bit == "1":
                self.emit(op1(ADD, src, d))
        if src is not None:
            self.release(x)
        if neg:
            self.emit(op1(XOR, ("#", -1), d), op1(ADD, ("#", 1), d))
        return r

    def rem(self):
        """MOD ( n1 n2 -- n3 ), the symmetric remainder (n1's sign: Julia's rem),
        inline around the kernel's unsigned 32/16 division div3216 ((r13:r12) /
        r14 -> quotient r12, remainder r13; it uses r12-r15 only), whose
        address is read from U/MOD's `call #div3216` (`' u/mod 12 + @`).  The
        divisor is not zero (jl.dz before it, or a literal): |n1| < 2^16 > |n2|
        so the division cannot overflow, as in the kernel's SM/REM."""
        self.flush()
        self.drop_copies()
        absr = lambda r: (op1(CMP, ("#", 0), R(r)) + [jump(JGE, 2)]         # noqa: E731
                          + op1(XOR, ("#", -1), R(r)) + op1(ADD, ("#", 1), R(r)))
        self.emit(op1(MOV, ("@+", PSP), R(12)), op1(MOV, R(TOS), R(14)), op1(MOV, R(12), R(11)),
                  absr(12), absr(14), op1(MOV, ("#", 0), R(13)), 0x12B0)
        self.code.append(("forth", "' u/mod 12 + @ f,"))
        self.emit(op1(MOV, R(13), R(TOS)), op1(CMP, ("#", 0), R(11)), jump(JGE, 2),
                  op1(XOR, ("#", -1), R(TOS)), op1(ADD, ("#", 1), R(TOS)))

    def ds_check(self, line: int):
        """`LINE jl.?ds` (`: jl.?ds ( line -- ) depth L > if -3 (jlerr) then drop ;`,
        L = ds_limit: 9 for the G2553's 16 cells; 17 in the numbers below) inline.  The empty stack's PSP is S0 + 2 (TOS cached in r6) and DEPTH
        pushes TOS before it reads PSP: DEPTH = (S0 + 2 - PSP) / 2 (`rra`) with
        PSP as it is before the call.  With the line pushed PSP is 2 lower, so
        the check fails when (S0 + 4 - PSP) / 2 > 17, i.e. S0 + 4 - PSP >= 36:
        PSP < S0 - 31.  So `cmp #S0-31, PSP ; jhs ok`; on failure the line is
        pushed and IP is pointed at a cell holding jl.?ds itself, which (the
        depth being the same) throws the same error at the same line."""
        self.flush()
        self.emit(op1(CMP, ("#L", 0), R(PSP))[0])
        self.code.append(("forth", f"s0 {2 * self.ds_limit - 3} - f,"))
        self.check_fail(JHS, line, "jl.?ds")

    def check_fail(self, ok: int, line: int, helper: str):
        """After a compare: `j<ok>` over the failure, which pushes the line and
        points IP at a cell holding the threaded check (`' helper f,`), which
        finds the same failure and throws its error at that line."""
        fail = PUSHT + op1(MOV, ("#", line), R(TOS))
        cell = self.words() + 1 + len(fail) + 3        # j<ok>, fail, add #off IP (2), NEXT
        fail += op1(ADD, ("#L", 2 * cell), R(IP)) + NEXT
        self.emit(jump(ok, len(fail) + 1), fail)
        self.code.append(("forth", f"' {helper} f,"))
        assert self.words() == cell + 1

    def dz_check(self, line: int):
        """`LINE jl.dz` (`: jl.dz ( y line -- y ) over if drop exit then -10
        (jlerr) ;`): the divisor y on top is tested in place (`tst TOS`) once
        the stack is real; a zero divisor runs jl.dz itself (DivideError)."""
        self.flush()
        self.emit(op1(CMP, ("#", 0), R(TOS)))
        self.check_fail(JNE, line, "jl.dz")

    def update_in_place(self, place: Opd, nxt: List[str]) -> int:
        """`P 1+ P!`, `P k + P!`, `P Q op P!`, `x P op P!`: one instruction on P."""
        n = self._update_in_place(place, nxt)
        if n and place.kind == "loc":
            self.written(place.v)
        return n

    def _update_in_place(self, place: Opd, nxt: List[str]) -> int:
        store = ("l! %d" % (place.v // 2)) if place.kind == "loc" else f"r{place.v}!"
        n = [x.lower() for x in nxt[:3]]
        if len(n) >= 2 and n[0] in ("1+", "1-") and n[1] == store:
            self.emit(op1(ADD if n[0] == "1+" else SUB, ("#", 1), place.dst()))
            self.tokens += 2
            return 3
        d = place.dst()
        shift = {"2*": [op1(ADD, d, d)], "u2/": [[0xC312] + op2(0, d)], "2/": [op2(2, d)]}
        if len(n) >= 2 and n[0] in shift and n[1] == store:
            self.emit(*shift[n[0]])
            self.tokens += 2
            return 3
        if (len(n) >= 3 and cell_value(n[0]) in (1, 2, 3, 4) and n[1] in ("lshift", "rshift")
                and n[2] == store):
            self.emit(*(shift["2*" if n[1] == "lshift" else "u2/"] * cell_value(n[0])))
            self.tokens += 3
            return 4
        if len(n) >= 3 and n[1] in BINOPS and n[2] == store:
            k = cell_value(n[0])
            src = None
            if k is not None:
                src = ("#", k)
            else:
                m = re.fullmatch(r"l@ (\d+)", n[0])
                mm = RE_RACC.match(n[0])
                if m:
                    src = self.cell_src(2 * int(m.group(1)))
                elif mm and mm.group(2) == "@":
                    src = ("r", int(mm.group(1)))
            if src is not None:
                if self.vs_reads(place):
                    return 0
                self.emit(op1(BINOPS[n[1]], src, place.dst()))
                self.tokens += 3
                return 4
        if len(n) >= 2 and n[0] in COMMUTATIVE and n[1] == store:
            if self.vs_reads(place):
                return 0
            x = self.pop()
            if x.kind == "cond":
                x = self.to_tmp(x)
            self.emit(op1(BINOPS[n[0]], x.src(), place.dst()))
            self.release(x)
            self.tokens += 2
            return 3
        return self.chain_in_place(place, nxt)

    def chain_in_place(self, place: Opd, nxt: List[str]) -> int:
        """`P op1 op2 ... P!` (ops: 1+ 1- 2* 2/ u2/ invert negate, or `x op` with
        x a literal, a frame cell or a register local other than P): each op on
        P itself (`r8@ u2/ r7@ + r8!` is `clrc ; rrc r8 ; add r7, r8`).  For a
        frame cell (4 cycles an op) at most two ops."""
        store = self.store_token(place)
        d = place.dst()
        code: list = []
        k = 0
        while k < len(nxt):
            x = nxt[k].lower()
            if x == store:
                break
            un = {"1+": [op1(ADD, ("#", 1), d)], "1-": [op1(SUB, ("#", 1), d)], "2*": [op1(ADD, d, d)],
                  "2/": [op2(2, d)], "u2/": [[0xC312] + op2(0, d)], "invert": [op1(XOR, ("#", -1), d)],
                  "negate": [op1(XOR, ("#", -1), d), op1(ADD, ("#", 1), d)]}.get(x)
            if un is not None:
                code.append(un)
                k += 1
                continue
            if k + 1 < len(nxt) and nxt[k + 1].lower() in BINOPS:
                kv = cell_value(x)
                m = re.fullmatch(r"l@ (\d+)", x)
                mm = RE_RACC.match(x)
                if kv is not None:
                    src = ("#", kv)
                elif m and not (place.kind == "loc" and 2 * int(m.group(1)) == place.v):
                    src = self.cell_src(2 * int(m.group(1)))
                elif mm and mm.group(2) == "@" and not (place.kind == "reg" and int(mm.group(1)) == place.v):
                    src = ("r", int(mm.group(1)))
                else:
                    return 0
                code.append([op1(BINOPS[nxt[k + 1].lower()], src, d)])
                k += 2
                continue
            return 0
        else:
            return 0
        if len(code) < 2 or (place.kind == "loc" and len(code) > 2) or self.vs_reads(place):
            return 0
        for c in code:
            self.emit(*c)
        self.tokens += k + 1
        return k + 2

    def cell_src(self, off: int):
        """Frame cell off as a source operand: its register copy if it has one."""
        return ("r", self.copies[off]) if off in self.copies else ("x", SP, off)

    @staticmethod
    def store_token(place: Opd) -> str:
        return ("l! %d" % (place.v // 2)) if place.kind == "loc" else f"r{place.v}!"

    def vs_reads(self, place: Opd) -> bool:
        def reads(o):
            if o.kind == "cond":
                return reads(o.a) or reads(o.b)
            return o.kind == place.kind and o.v == place.v
        return any(reads(o) for o in self.vs)

    # ............................................................ branches
    def branch(self, word: str):
        """if / while / until on the flag on top: continue in the block when
        it is true; else to the cell after the stub."""
        c = self.pop()
        if c.kind != "cond":
            c = Opd("cond", a=c, b=Opd("imm", 0), cc="ne")
        self.flush()
        self.cmp(c)
        self.release(c)
        self.emit(jump(CC[c.cc], 4))
        self.stub("drop f," if word == "until" else f"fhere -1 f, {T_ORIG}" + (" 2swap" if word == "while" else ""))
        self.branches += 1

    def cond_jump(self) -> int:
        """if / until natively: the flag on top, a conditional jump taken when
        it is false (its offset patched later); returns the jump's condition."""
        c = self.pop()
        if c.kind != "cond":
            c = Opd("cond", a=c, b=Opd("imm", 0), cc="ne")
        self.flush()
        self.cmp(c)
        self.release(c)
        cond = CC[NEG[c.cc]]
        self.emit(jump(cond, 0))
        return cond

    def patch(self, at: int, cond: int, target: int = None):
        """Point the jump at code[at] to the word `target` (default: here)."""
        off = (self.words() if target is None else target) - (at + 1)
        if not -512 <= off < 512:
            raise _Cannot("jump too far")
        self.code[at] = jump(cond, off)

    def stub(self, cell: str):
        """mov off(IP), IP ; mov @IP+, pc ; the cell (laid by `cell`)."""
        off = 2 * (self.words() + 3)
        self.emit(op1(MOV, ("x", IP, off), R(IP)), NEXT)
        self.code.append(("forth", cell))

    def close(self) -> None:
        """Step IP over the block and dispatch."""
        self.flush()
        n = self.words()
        if 2 * (n + 2) in (2, 4, 8):
            self.emit(op1(ADD, ("#", 2 * (n + 2)), R(IP)))
        else:
            self.emit(op1(ADD, ("#L", 2 * (n + 3)), R(IP)))
        self.emit(NEXT)

    def close_call(self) -> None:
        """End the block with the recursive call that follows it in the thread.
        `recurse` lays two cells, `?rp` and the word's xt (a colon word: `call
        r9` and its thread); the block does both itself.  ?RP (prims.S) is
        `mov &g_here, W ; add #RS_SLACK, W ; cmp W, sp ; jlo throw`: the same
        test here, its two constants read from ?rp's code (`' ?rp 2 + @`,
        `' ?rp 6 + @`); when it fails IP goes to the ?rp cell, which throws the
        same error.  Otherwise the work of docol: IP to the cell after the xt
        (where the callee's EXIT returns), pushed, then IP = xt + 2.  The
        caller makes sure the xt cell stays a call (not `;`'s tail call)."""
        self.flush()
        self.drop_copies()
        self.emit(op1(MOV, ("&", 0), R(15))[0])
        self.code.append(("forth", "' ?rp 2 + @ f,"))
        self.emit(op1(ADD, ("#L", 0), R(15))[0])
        self.code.append(("forth", "' ?rp 6 + @ f,"))
        self.emit(op1(CMP, R(15), R(SP)))
        total = self.words() + 1 + 3 + 7             # jhs, the failure (3), the call (7)
        self.emit(jump(JHS, 3), op1(ADD, ("#L", 2 * total), R(IP)), NEXT)
        self.emit(op1(ADD, ("#L", 2 * (total + 2)), R(IP)), op2(4, R(IP)),
                  op1(MOV, ("x", IP, -2), R(IP)), op1(ADD, ("#", 2), R(IP)), NEXT)
        assert self.words() == total

    def items(self, first: bool = False, per_item: int = 7) -> List[str]:
        """The Forth text that lays the block: `[ fhere 2 + f, $xxxx f, ... ]`.
        first: the block opens the definition, whose code field (CALL r9) the
        kernel lays only before the first compiled reference: `begin` lays it
        (and pushes a destination, dropped again)."""
        out, cur, n = [], ["fhere 2 + f,"], 1
        if first:
            out, cur = ["begin"], ["2drop fhere 2 + f,"]
        for w in self.code:
            s = f"${w:04x} f," if isinstance(w, int) else w[1]
            size = 1 if isinstance(w, int) else 3
            if n + size > per_item:
                out.append("[ " + " ".join(cur) + " ]")
                cur, n = [], 0
            cur.append(s)
            n += size
        out.append("[ " + " ".join(cur) + " ]")
        return out


#: words that end a block and stay Forth: they run at compile time or are calls
ENDERS = {"then", "begin"}


class Native:
    """Rewrites one word's items: stretches of Forth it can compile become blocks."""

    def __init__(self, min_tokens: int = 2, ds_limit: int = 17):
        self.min_tokens = min_tokens
        self.ds_limit = ds_limit

    EPILOGUE_MAX = 6    # tokens of a word's end copied into an ELSE

    def else_exits(self, blk, items, j, tok_idx, tok_pos, swap: bool = True) -> bool:
        """ELSE (items[j]) whose THEN is followed by the word's end: straight
        Forth the block can compile, then `;` (`ldrop 1 ;`, `<pop r7> ;`).
        The block runs that end itself and leaves the word (`mov @sp+, IP ;
        NEXT`) instead of branching to the THEN; ELSE's branch cell is still
        laid (never read) for the kernel's THEN to resolve.  swap: the IF's
        cell is the kernel's (a stub), under ELSE's; otherwise the IF is a
        native jump and the ELSE part follows in the block."""
        q = tok_pos[j] + 1
        depth = 0
        while q < len(tok_idx):
            t = items[tok_idx[q]][1].lower()
            if t.startswith("[") or t in ("begin", "until", "again", "exit", ";", "recurse"):
                if t in ("begin", "until", "again", "recurse"):
                    q += 1
                    continue
                return False
            if t in ("if", "while"):
                depth += 1
            elif t in ("then", "repeat"):
                if depth == 0:
                    break
                depth -= 1
            q += 1
        else:
            return False
        epi = []
        for k in tok_idx[q + 1:]:
            t = items[k][1]
            if t.lower() == ";":
                break
            if t.lower() in ("if", "else", "then", "begin", "while", "repeat", "until", "again", "exit") \
                    or t.startswith("["):
                return False
            epi.append(t)
        # (Native.run is given a whole word without its `;`: the end of the items is the word's end)
        if len(epi) > self.EPILOGUE_MAX:
            return False
        saved = blk.save()
        try:
            blk.flush()
            k = 0
            while k < len(epi):
                k += blk.token(epi[k], epi[k + 1:k + 5])
            blk.flush()
        except _Cannot:
            blk.restore(saved)
            return False
        blk.emit(op1(MOV, ("@+", SP), R(IP)), NEXT)
        blk.code.append(("forth", f"fhere -1 f, {T_ORIG}" + (" 2swap" if swap else "")))
        return True

    @staticmethod
    def call_stays(items: list, j: int) -> bool:
        """Does the reference `recurse` (items[j]) lays stay an ordinary call?
        `;` right after it (THENs between lay nothing) may make it a tail call
        or add an EXIT after it: the block then leaves it to the thread."""
        for kind, val in items[j + 1:]:
            if kind != "t":
                continue
            if val.lower() == "then":
                continue
            return val.lower() not in (";", "exit")
        return False

    def block(self, items, i, tok_idx, tok_pos, stub_ifs, at_begin):
        """Compile the block that starts at items[i]: (block, consumed item
        indices, Forth tokens after it, whether it ended itself), or the item
        index of a native IF it could not close (to be laid as a stub)."""
        n = len(items)
        blk = Block()
        blk.ds_limit = self.ds_limit
        j = i
        consumed: List[int] = []       # item indices used by the block
        end_tokens: List[str] = []
        ended = False
        ctl: list = []                 # open native IF / ELSE: (kind, jump index, item index)

        def give_up():
            return ctl[-1][2] if ctl else None

        def take(branch: bool = False) -> int:
            """items[j] is compiled into the block: count it; the next index."""
            blk.tokens += 1
            blk.branches += branch
            consumed.append(j)
            return j + 1

        while j < n:
            kind, val = items[j]
            if kind != "t":
                consumed.append(j)
                j += 1
                continue
            t = val.lower()
            following = [items[k][1] for k in tok_idx[tok_pos[j] + 1:tok_pos[j] + 9]]
            if t == "if" and j not in stub_ifs and (blk.vs or blk.tokens):
                try:
                    saved = blk.save()
                    cc = blk.cond_jump()
                except _Cannot:
                    blk.restore(saved)
                    if ctl:
                        return give_up()
                    break
                ctl.append(("if", blk.words() - 1, j, cc))
                j = take(branch=True)
                continue
            if t == "else" and len(ctl) == 1 and ctl[-1][0] == "if" \
                    and self.else_exits(blk, items, j, tok_idx, tok_pos, swap=False):
                # the THEN part leaves the word: the ELSE part follows in this block
                _, at, _, cc = ctl.pop()
                blk.patch(at, cc)
                blk.drop_copies()
                j = take()
                continue
            if t == "else" and ctl and ctl[-1][0] == "if":
                blk.flush()
                _, at, jx, cc = ctl.pop()
                blk.emit(jump(JMP, 0))
                blk.patch(at, cc)
                blk.drop_copies()                # the ELSE part: reached by the IF's jump
                ctl.append(("else", blk.words() - 1, jx, JMP))
                j = take()
                continue
            if t == "then" and ctl:
                blk.flush()
                _, at, _, cc = ctl.pop()
                blk.patch(at, cc)
                blk.drop_copies()                # a join: the copies of one path only
                j = take()
                continue
            if t == "exit" and ctl:
                blk.flush()
                blk.emit(op1(MOV, ("@+", SP), R(IP)), NEXT)
                j = take()
                continue
            if t in ("repeat", "until") and at_begin and not ctl and blk.tokens:
                # BEGIN is this block's first cell: jump back to its code
                try:
                    saved = blk.save()
                    if t == "repeat":
                        blk.flush()
                        blk.emit(jump(JMP, -(blk.words() + 1)))
                    else:
                        cc = blk.cond_jump()
                        blk.patch(blk.words() - 1, cc, 0)
                except _Cannot:
                    blk.restore(saved)
                    break
                end_tokens = ["[ 2drop ]", "then"] if t == "repeat" else ["[ 2drop ]"]
                j = take(branch=True)
                ended = True
                break
            if ctl and t in ("if", "while", "until", "repeat", "else", "begin", "recurse", ";"):
                return give_up()
            if t in ("if", "while", "until"):
                if not blk.vs and blk.tokens == 0:
                    break
                try:
                    saved = blk.save()
                    blk.branch(t)
                except _Cannot:
                    blk.restore(saved)
                    break
                j = take()
                continue
            if t == "else" and blk.tokens and self.else_exits(blk, items, j, tok_idx, tok_pos):
                end_tokens = ["then"]
                j = take(branch=True)
                ended = True
                break
            if t in ("repeat", "else", "exit") and blk.tokens:
                blk.flush()
                if t == "exit":
                    blk.emit(op1(MOV, ("@+", SP), R(IP)), NEXT)
                else:
                    blk.stub("drop f," if t == "repeat" else f"fhere -1 f, {T_ORIG} 2swap")
                    end_tokens = ["then"]
                j = take(branch=True)
                ended = True
                break
            if t == "recurse" and blk.tokens and self.call_stays(items, j):
                blk.close_call()
                blk.branches += 1
                ended = True
                break
            if t in ENDERS:
                break
            snap = blk.save()
            try:
                used = blk.token(val, following)
            except _Cannot:
                blk.restore(snap)
                if is_reg_token(t):
                    raise AssertionError(f"register token {t} not compiled")
                if ctl:
                    return give_up()
                break
            # the tokens (and the items between them) it used
            k = 1
            j = take()
            while k < used:
                if items[j][0] == "t":
                    k += 1
                consumed.append(j)
                j += 1
        if ctl:
            return give_up()
        return blk, consumed, end_tokens, ended

    def run(self, items: list, marks: list):
        new: list = []
        where = {}
        i = 0
        n = len(items)
        tok_idx = [k for k, it in enumerate(items) if it[0] == "t"]
        tok_pos = {k: q for q, k in enumerate(tok_idx)}
        while i < n:
            kind, val = items[i]
            if kind != "t":
                where[i] = len(new)
                new.append(items[i])
                i += 1
                continue
            # a block from here: as many tokens as it can take.  An IF whose
            # THEN (and ELSE) fall in the same block is native jumps; when the
            # block cannot reach them, it is built again with that IF a stub.
            stub_ifs: set = set()
            while True:
                last_tok = next((v for k, v in reversed(new) if k == "t"), None)
                r = self.block(items, i, tok_idx, tok_pos, stub_ifs,
                               at_begin=last_tok is not None and last_tok.lower() == "begin")
                if isinstance(r, int):
                    stub_ifs.add(r)
                    continue
                break
            blk, consumed, end_tokens, ended = r
            start = len(new)
            # trailing non-token items are not part of the block
            while consumed and items[consumed[-1]][0] != "t":
                consumed.pop()
            if not consumed or (blk.tokens < self.min_tokens and not blk.must and not blk.branches):
                where[i] = len(new)
                new.append(items[i])
                i += 1
                continue
            last = consumed[-1]
            if not ended and last == tok_idx[-1]:
                # the word's last block: leave the word here (the EXIT `;` lays
                # after it is not reached)
                blk.flush()
                blk.emit(op1(MOV, ("@+", SP), R(IP)), NEXT)
            elif not ended:
                blk.close()
            new.extend(("t", x) for x in blk.items(first=(i == tok_idx[0])))
            new.extend(("t", x) for x in end_tokens)
            for q in range(i, last + 1):
                where[q] = start
            new.extend(items[q] for q in range(i, last + 1) if items[q][0] == "nl")
            i = last + 1
        where[n] = len(new)
        marks = [(where[ix], ln, st) for ix, ln, st in marks]
        return new, marks


#: data-stack cells the compiling words take or leave (a control-flow entry is
#: two cells: an address and a tag)
_CONTROL = {"if": 2, "else": 0, "then": -2, "begin": 2, "while": 2, "repeat": -4,
            "until": -2, "again": -2}
#: and the words the blocks run inside [ ]
_INTERPRETED = {"fhere": 1, "s0": 1, "f,": -1, "fc,": -1, "+": -1, "-": -1, "@": 0,
                "drop": -1, "2drop": -2, "dup": 1, "2dup": 2, "swap": 0, "2swap": 0,
                "over": 1, "pick": 0, "jl.dig": -1}


def compile_time_depth(items: list) -> int:
    """The most data-stack cells the chip holds while it compiles these items
    (the Forth of one colon definition): control-flow entries, and what runs
    inside `[ ]`, where a word not listed above counts as pushing one cell
    (so the answer errs high)."""
    depth = most = 0
    inside = tick = False
    for kind, val in items:
        if kind != "t":
            continue
        for w in val.split():
            lw = w.lower()
            if lw == "[":
                inside = True
            elif lw == "]":
                inside = False
            elif not inside:
                depth += _CONTROL.get(lw, 0)
            elif tick:
                tick = False                         # the name after '
            elif lw == "'":
                depth, tick = depth + 1, True
            elif cell_value(w) is not None:
                depth += 1
            else:
                depth += _INTERPRETED.get(lw, 1)
            most = max(most, depth)
    return most
