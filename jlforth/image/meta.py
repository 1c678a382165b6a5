"""The host meta-compiler: Forth source in, the chip's dictionary bytes out.

It is the kernel's outer interpreter and code generator run on the host
(forth_kernel/common/interp.c and forth_kernel/avr/codegen.c, rule for rule),
over a model of the flash that starts as the kernel's own HEX.  Uploading the
same source line by line to a fresh board gives the same flash bytes from the
dictionary start up, and the same EEPROM record.

Words that run while the image is built (defining words such as
``create ... does>``, immediate words, ``constant`` arithmetic) run on a
*shadow* of their code: every piece of code laid down also appends an
operation (call, literal, branch, loop ...) to the shadow of the word being
compiled, and the shadow interpreter runs those with the kernel words'
meanings written in Python.  Data space is RAM: the image keeps only HERE;
whatever is stored into RAM while building is not part of the image (a
warning says so), because it has to be done at run time, by ``main``.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable, Optional

from .kernel import (EE_BASE, EE_MAGIC, EE_USER, F_COMPONLY, F_IMMEDIATE, F_INLINE, HOLD_SIZE,
                     OP_RET, UNIFIED, Kernel)

# ---- opcodes (codegen.c) ------------------------------------------------
OP_CALL, OP_JMP, OP_RCALL, OP_RJMP = 0x940E, 0x940C, 0xD000, 0xC000
OP_STY_R25, OP_STY_R24, OP_LDI_R24, OP_LDI_R25 = 0x939A, 0x938A, 0xE080, 0xE090
OP_OR_24_25, OP_LDY_R24, OP_LDY_R25 = 0x2B89, 0x9189, 0x9199
OP_BRNE_1, OP_BRVS_1 = 0xF409, 0xF00B
OP_SUBI_16, OP_SBCI_17, OP_ADD_16, OP_ADC_17 = 0x5F0F, 0x4F1F, 0x0F08, 0x1F19
OP_POP_R17, OP_POP_R16, OP_POP_R15, OP_POP_R14 = 0x911F, 0x910F, 0x90FF, 0x90EF
OP_IN_R30_SPL, OP_IN_R31_SPH, OP_IN_R0_SREG = 0xB7ED, 0xB7FE, 0xB60F
OP_OUT_SREG_R0, OP_OUT_SPH_R31, OP_OUT_SPL_R30, OP_CLI = 0xBE0F, 0xBFFE, 0xBFED, 0x94F8
UNSET = 0xFFFF
OP_SUBI, OP_SBCI, OP_ANDI, OP_ORI = 0x5000, 0x4000, 0x7000, 0x6000
OP_LDS_R24, OP_LDS_R25, OP_STS_R24, OP_STS_R25, OP_CLR_R25 = 0x9180, 0x9190, 0x9380, 0x9390, 0x2799

T_ORIG, T_DEST, T_DO = 0x4F52, 0x4445, 0x444F    # control-flow tags (interp.c)
NAME_MAX = 31
DS_CELLS = 24

# throw codes and the kernel's messages (interp.c)
MESSAGES = {
    -1: "aborted", -3: "data stack overflow", -4: "data stack underflow",
    -5: "return stack overflow", -8: "dictionary full", -9: "invalid address",
    -10: "division by zero", -11: "result out of range", -13: "undefined word",
    -14: "compile only", -16: "missing name", -20: "read-only",
    -22: "control structure mismatch", -24: "bad number", -28: "break",
    -256: "flash verify failed", -257: "InexactError", -258: "BoundsError",
}
E_ABORT, E_ABORTQ, E_DS_OVER, E_DS_UNDER, E_DICT_FULL = -1, -2, -3, -4, -8
E_BAD_ADDR, E_DIV0, E_RANGE, E_UNDEFINED, E_COMPONLY = -9, -10, -11, -13, -14
E_NONAME, E_CONTROL, E_BAD_NUM = -16, -22, -24
E_BUILDTIME = -1000          # ours: the word cannot run on the host

GHOST = 0x100000             # where --strip compiles words left out of the image


def s16(x: int) -> int:
    x &= 0xFFFF
    return x - 0x10000 if x & 0x8000 else x


def s32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - 0x100000000 if x & 0x80000000 else x


def lower(b: bytes) -> bytes:
    return bytes(c + 32 if 65 <= c <= 90 else c for c in b)


class ForthThrow(Exception):
    """A THROW while building: the chip would give this error answer."""

    def __init__(self, code: int, message: str = ""):
        super().__init__(code, message)
        self.code = code
        self.message = message or MESSAGES.get(code, "error")


class BuildError(Exception):
    """An error in the program, with where it happened."""

    def __init__(self, message: str, path: str = "", line: int = 0, word: str = "",
                 code: int = 0, text: str = ""):
        self.path, self.line, self.word, self.code, self.text = path, line, word, code, text
        self.msg = message
        super().__init__(self.format())

    def format(self) -> str:
        where = f"{self.path}:{self.line}: " if self.line else (f"{self.path}: " if self.path else "")
        what = f"{self.word}: " if self.word else ""
        code = f" ({self.code})" if self.code and self.code > -1000 else ""
        s = f"{where}error: {what}{self.msg}{code}"
        if self.text:
            s += f"\n    {self.text}"
        return s


@dataclass
class Def:
    """One user word (a header() on the chip)."""
    ordinal: int                 # n-th header of the build (stable across passes)
    name: str
    key: bytes                   # the stored name: lower case, at most 31 bytes
    hdr: Optional[int]           # unified address of the header; None: headerless
    xt: int
    kind: str                    # colon create variable 2variable constant 2constant marker
    flags: int = 0xFF
    line: int = 0
    ghost: bool = False          # compiled outside the image (--strip)
    ops: list = field(default_factory=list)
    addrs: list = field(default_factory=list)
    ram: int = 0                 # data space allotted while this was the newest word
    data_refs: list = field(default_factory=list)   # cells laid down by f, (for --strip)
    revealed: bool = False

    @property
    def start(self) -> int:
        return self.hdr if self.hdr is not None else self.xt

    @property
    def immediate(self) -> bool:
        return not self.flags & F_IMMEDIATE

    @property
    def compile_only(self) -> bool:
        return not self.flags & F_COMPONLY


class _Ret:                      # a return address on the shadow return stack
    def __repr__(self):
        return "<ret>"


RET_MARK = _Ret()


class MetaCompiler:
    """Compile Forth text for one kernel, as the chip would.

    plan: for --strip, ordinal -> "full" | "bare" (code without a header,
    not in the LATEST chain) | "ghost" (compiled outside the image).
    """

    def __init__(self, kernel: Kernel, plan: Optional[dict[int, str]] = None):
        self.k = kernel
        self.plan = plan
        self.mem = bytearray(b"\xff" * 0x40000)      # indexed by unified address (and beyond, to count)
        self.mem[UNIFIED:UNIFIED + len(kernel.flash)] = kernel.flash
        self.ghost = bytearray()
        self.area = "real"
        self.fh = {"real": kernel.dict_start, "ghost": GHOST}
        self.latest = kernel.kernel_latest
        self.here = kernel.ram_start
        self.turnkey = 0
        self.state = 0
        self.base = 10
        self.stack: list[int] = []
        self.rstack: list = []
        self.lp = (0, 0)                              # DO loop registers (L, x)
        self.ram = bytearray(0x900)
        self.eeprom: dict[int, int] = {}
        # codegen.c statics
        self.last_call = 0
        self.last_lit = 0
        self.lit_val = 0
        self.last_target = 0
        # interp.c statics
        self.colon: Optional[Def] = None
        self.colon_depth = 0
        self.leaves = 0
        self.leave_next: dict[int, int] = {}
        self.origs: dict[int, list] = {}
        # host bookkeeping
        self.defs: list[Def] = []                    # revealed, oldest first
        self.all_defs: list[Def] = []                # every header, by ordinal
        self.current: Optional[Def] = None           # the word code goes to
        self.ordinal = 0
        self.src = b""
        self.toin = 0
        self.tok = b""
        self.path = ""
        self.lineno = 0
        self.overflow = False                         # the dictionary is full
        self.overflow_ram = False                     # data space is full
        self.output: list[str] = []                  # what build-time words printed
        self.warnings: list[str] = []
        self._warned: set[str] = set()
        self.kw = _kernel_words()
        self.by_xt_def: dict[int, Def] = {}

    # ================================================================ memory
    @property
    def fhere(self) -> int:
        return self.fh[self.area]

    @fhere.setter
    def fhere(self, v: int) -> None:
        self.fh[self.area] = v

    def cfetch(self, a: int) -> int:
        if a >= GHOST:
            i = a - GHOST
            return self.ghost[i] if i < len(self.ghost) else 0xFF
        if a >= 0x10000:
            return self.mem[a] if a < len(self.mem) else 0xFF
        return self.mem[UNIFIED | (a & 0x7FFF)]

    def fetch(self, a: int) -> int:
        return self.cfetch(a) | self.cfetch(a + 1) << 8

    def _put(self, a: int, b: int) -> None:
        if a >= GHOST:
            i = a - GHOST
            if i >= len(self.ghost):
                self.ghost.extend(b"\xff" * (i + 1 - len(self.ghost)))
            self.ghost[i] = b & 0xFF
        elif a >= 0x10000:
            if a >= len(self.mem):
                raise ForthThrow(E_DICT_FULL)
            self.mem[a] = b & 0xFF
        else:
            self.mem[UNIFIED | (a & 0x7FFF)] = b & 0xFF

    def cache_put(self, a: int, b: int) -> None:
        if a < GHOST:
            if a < self.k.dict_start or (a >= self.k.dict_end and not self.overflow):
                raise ForthThrow(E_BAD_ADDR)
        self._put(a, b)

    def comma_byte(self, b: int) -> None:
        a = self.fhere
        if a < GHOST and a >= self.k.dict_end:
            self.overflow = True       # the chip throws -8; we go on to count
        self.fhere = a + 1
        self.cache_put(a, b)

    def comma_word(self, w: int) -> None:
        self.comma_byte(w & 0xFF)
        self.comma_byte(w >> 8 & 0xFF)

    def patch_word(self, a: int, w: int) -> None:
        self.cache_put(a, w & 0xFF)
        self.cache_put(a + 1, w >> 8 & 0xFF)

    # ================================================================ codegen.c
    @staticmethod
    def waddr(a: int) -> int:
        return (a & 0x7FFF) >> 1

    def rel(self, frm: int, to: int) -> int:
        return s16(self.waddr(to) - self.waddr(frm) - 1)

    def in_reach(self, k: int) -> bool:
        return -2048 <= k <= 2047 or self.overflow

    def op(self, addr: int, kind: str, *args) -> list:
        o = [addr, kind, *args]
        d = self.current
        if d is not None:
            d.ops.append(o)
            d.addrs.append(addr)
        return o

    def cg_call(self, xt: int, shadow: bool = True) -> None:
        a = self.fhere
        k = self.rel(a, xt)
        self.last_call = 0 if xt == self.k.xts["pdoes"] else a
        if -2048 <= k <= 2047:
            self.comma_word(OP_RCALL | (k & 0x0FFF))
        else:
            self.comma_word(OP_CALL)
            self.comma_word(self.waddr(xt))
        if shadow:
            self.op(a, "call", xt, self.fhere - a)

    def flags_of(self, xt: int) -> int:
        d = self.by_xt_def.get(xt)
        if d is not None:
            return d.flags
        w = self.k.by_xt.get(xt)
        return w.flags if w is not None else self.cfetch(xt - 1)

    @staticmethod
    def imm(op: int, reg: int, k: int) -> int:
        return op | ((k & 0xF0) << 4) | ((reg - 16) << 4) | (k & 0x0F)

    def ee_addr(self, a: int, n: int, store: bool = False) -> int:
        """The EEPROM byte address E! EC! (store) or E@ EC@ use, as platform.c:
        stores below EE_USER (the saved pointers) or past the end are refused,
        fetches wrap at 1 KB."""
        if not store:
            return a & 0x3FF
        a = s16(a)
        if a < EE_USER or a + n > self.k.target.eeprom["size"]:
            raise ForthThrow(E_BAD_ADDR)
        return a

    def fold_literal(self, xt: int) -> bool:
        """A literal, then + - and or (any value) or @ c@ ! c! (a RAM address):
        the literal is taken back and one instruction pair does both."""
        if (not self.k.folds or self.last_lit + 8 != self.fhere
                or self.last_target == self.fhere):
            return False
        n = self.lit_val & 0xFFFF
        lo, hi, op = n & 0xFF, n >> 8, 0
        ram = n < UNIFIED
        x = self.k.xts
        if xt == x["plus"]:
            op, lo, hi = OP_SUBI, -n & 0xFF, (-n >> 8) & 0xFF
        elif xt == x["minus"]:
            op = OP_SUBI
        elif xt == x["and"]:
            op = OP_ANDI
        elif xt == x["or"]:
            op = OP_ORI
        elif not ram or xt not in (x["fetch"], x["cfetch"], x["store"], x["cstore"]):
            return False
        a = self.last_lit
        old = self.fhere
        self.fhere = a                       # take the literal back
        self.rollback(a, old)
        self.last_lit = 0
        d = self.current
        if d is not None and d.ops and d.ops[-1][0] == a and d.ops[-1][1] == "lit":
            d.ops.pop()
            d.addrs.pop()
        self.op(a, "litx", n, xt)
        if op:
            self.comma_word(self.imm(op, 24, lo))
            self.comma_word(self.imm(OP_SBCI if op == OP_SUBI else op, 25, hi))
        elif xt in (x["fetch"], x["cfetch"]):
            self.comma_word(OP_STY_R25)
            self.comma_word(OP_STY_R24)
            self.comma_word(OP_LDS_R24)
            self.comma_word(n)
            if xt == x["fetch"]:
                self.comma_word(OP_LDS_R25)
                self.comma_word(n + 1)
            else:
                self.comma_word(OP_CLR_R25)
        else:
            self.comma_word(OP_STS_R24)
            self.comma_word(n)
            if xt == x["store"]:
                self.comma_word(OP_STS_R25)
                self.comma_word(n + 1)
            self.comma_word(OP_LDY_R24)
            self.comma_word(OP_LDY_R25)
        return True

    def rollback(self, start: int, end: int) -> None:
        for a in range(start, end):
            self._put(a, 0xFF)

    def cg_compile_xt(self, xt: int) -> None:
        if self.fold_literal(xt):
            return
        if self.flags_of(xt) & F_INLINE:
            self.cg_call(xt)
            return
        # codegen 2: a CONSTANT or VARIABLE (literal + RET) compiles as that
        # literal, so that it folds like a number (codegen.c cg_compile_xt)
        if (self.k.codegen >= 2 and self.fetch(xt) == OP_STY_R25 and self.fetch(xt + 8) == OP_RET
                and (self.fetch(xt + 4) & 0xF0F0) == OP_LDI_R24):
            self.cg_literal(self.cg_body(xt))
            return
        a = self.fhere
        p = xt
        while (w := self.fetch(p)) != OP_RET:
            self.comma_word(w)
            p += 2
        self.op(a, "inline", xt)

    def cg_literal(self, x: int, shadow: bool = True) -> None:
        a = self.fhere
        x &= 0xFFFF
        self.last_lit = a
        self.lit_val = x
        self.comma_word(OP_STY_R25)
        self.comma_word(OP_STY_R24)
        self.comma_word(OP_LDI_R24 | ((x & 0xF0) << 4) | (x & 0x0F))
        self.comma_word(OP_LDI_R25 | ((x & 0xF000) >> 4) | ((x >> 8) & 0x0F))
        if shadow:
            self.op(a, "lit", x)

    def cg_ret(self) -> None:
        self.op(self.fhere, "ret")
        self.comma_word(OP_RET)

    def cg_constant(self, x: int) -> None:
        self.cg_literal(x)
        self.cg_ret()
        self.set_flags(self.current, self.current.flags & ~F_INLINE & 0xFF)

    def cg_semicolon(self) -> None:
        lc, fh = self.last_call, self.fhere
        if lc and self.last_target != fh:
            w = self.fetch(lc)
            if (w & 0xF000) == OP_RCALL and lc + 2 == fh:
                self.patch_word(lc, OP_RJMP | (w & 0x0FFF))
                self.op(fh, "ret")
                return
            if w == OP_CALL and lc + 4 == fh:
                self.patch_word(lc, OP_JMP)
                self.op(fh, "ret")
                return
        self.cg_ret()

    def branch_to(self, dest: int) -> None:
        k = self.rel(self.fhere, dest)
        if not self.in_reach(k):
            raise ForthThrow(E_CONTROL)
        self.comma_word(OP_RJMP | (k & 0x0FFF))

    def zbranch_head(self) -> None:
        for w in (OP_OR_24_25, OP_LDY_R24, OP_LDY_R25, OP_BRNE_1):
            self.comma_word(w)

    def cg_if(self) -> int:
        o = self.op(self.fhere, "br0", None)
        self.zbranch_head()
        orig = self.fhere
        self.comma_word(UNSET)
        self.origs[orig] = o
        return orig

    def cg_ahead(self) -> int:
        orig = self.fhere
        self.origs[orig] = self.op(orig, "br", None)
        self.comma_word(UNSET)
        return orig

    def cg_resolve(self, orig: int) -> None:
        k = self.rel(orig, self.fhere)
        if not self.in_reach(k):
            raise ForthThrow(E_CONTROL)
        self.patch_word(orig, OP_RJMP | (k & 0x0FFF))
        self.last_target = self.fhere
        o = self.origs.pop(orig, None)
        if o is not None:
            o[2] = self.fhere

    def cg_until(self, dest: int) -> None:
        self.op(self.fhere, "br0", dest)
        self.zbranch_head()
        self.branch_to(dest)

    def cg_again(self, dest: int) -> None:
        self.op(self.fhere, "br", dest)
        self.branch_to(dest)

    def cg_do(self) -> None:
        self.cg_call(self.k.xts["pdo"])

    def cg_qdo(self) -> int:
        o = self.op(self.fhere, "qdo", None)
        self.cg_call(self.k.xts["pqdo"], shadow=False)
        self.comma_word(OP_BRNE_1)
        orig = self.fhere
        self.comma_word(UNSET)
        self.origs[orig] = o
        return orig

    def cg_loop(self, dest: int, plus: bool) -> None:
        self.op(self.fhere, "+loop" if plus else "loop", dest)
        if plus:
            for w in (OP_ADD_16, OP_ADC_17, OP_LDY_R24, OP_LDY_R25):
                self.comma_word(w)
        else:
            self.comma_word(OP_SUBI_16)
            self.comma_word(OP_SBCI_17)
        self.comma_word(OP_BRVS_1)
        self.branch_to(dest)

    def cg_leave(self, chain: int) -> int:
        orig = self.fhere
        self.origs[orig] = self.op(orig, "br", None)
        self.leave_next[orig] = chain
        self.comma_word(chain if chain else UNSET)
        return orig

    def cg_resolve_leaves(self, chain: int) -> None:
        while chain:
            nxt = self.leave_next.pop(chain, 0)
            self.cg_resolve(chain)
            chain = nxt

    def cg_unloop(self) -> None:
        self.op(self.fhere, "unloop")
        for w in (OP_POP_R17, OP_POP_R16, OP_POP_R15, OP_POP_R14):
            self.comma_word(w)

    def cg_string(self, label: str, text: bytes) -> None:
        a = self.fhere
        self.cg_call(self.k.xts[label], shadow=False)
        self.last_call = 0
        data = self.fhere
        n = len(text) & 0xFF
        self.comma_byte(n)
        for c in text[:n]:
            self.comma_byte(c)
        if self.fhere & 1:
            self.comma_byte(0)
        self.op(a, "str", label, data, n)

    def cg_create_body(self, ram: int) -> None:
        self.cg_literal(ram)
        self.cg_ret()
        self.comma_word(UNSET)

    def cg_does(self, d: Def, code: int) -> None:
        xt = d.xt
        self.patch_word(xt + 8, OP_JMP)
        self.patch_word(xt + 10, self.waddr(code))
        # the shadow: literal, then on at the DOES> code
        for o in d.ops:
            if o[1] in ("ret", "jump") and o[0] == xt + 8:
                o[1:] = ["jump", code]

    def cg_body(self, xt: int) -> int:
        def ldi(w):
            return ((w >> 4) & 0xF0) | (w & 0x0F)
        return ldi(self.fetch(xt + 4)) | ldi(self.fetch(xt + 6)) << 8

    def cg_rcheck(self) -> None:
        self.cg_compile_xt(self.k.xts["qrp"])

    @staticmethod
    def ldd_z(store: int, reg: int, q: int) -> int:
        return (0x8000 | (store << 9) | ((q & 0x20) << 8) | ((q & 0x18) << 7)
                | (reg << 4) | (q & 7))

    def cg_local(self, op: int, n: int) -> None:
        if n > 30:
            raise ForthThrow(E_RANGE)
        self.op(self.fhere, "local", op, n)
        if op == 0:
            self.comma_word(OP_STY_R25)
            self.comma_word(OP_STY_R24)
        self.comma_word(OP_IN_R30_SPL)
        self.comma_word(OP_IN_R31_SPH)
        if op == 2:
            self.comma_word(0x9630 | ((2 * n & 0x30) << 2) | (2 * n & 0x0F))
            for w in (OP_IN_R0_SREG, OP_CLI, OP_OUT_SPH_R31, OP_OUT_SREG_R0, OP_OUT_SPL_R30):
                self.comma_word(w)
            return
        self.comma_word(self.ldd_z(op, 24, 2 + 2 * n))
        self.comma_word(self.ldd_z(op, 25, 1 + 2 * n))
        if op == 1:
            self.comma_word(OP_LDY_R24)
            self.comma_word(OP_LDY_R25)

    # ================================================================ stack
    def push(self, x: int) -> None:
        self.stack.append(x)

    def pop(self) -> int:
        if not self.stack:
            raise ForthThrow(E_DS_UNDER)
        return self.stack.pop()

    def need(self, n: int) -> None:
        if len(self.stack) < n:
            raise ForthThrow(E_DS_UNDER)

    def pushd(self, v: int) -> None:
        self.push(v & 0xFFFF)
        self.push(v >> 16 & 0xFFFF)

    def popd(self) -> int:
        hi = self.pop()
        lo = self.pop()
        return (hi & 0xFFFF) << 16 | (lo & 0xFFFF)

    # ================================================================ parsing
    def parse(self, delim: int, skip: bool) -> bytes:
        src, i, n = self.src, self.toin, len(self.src)

        def is_delim(c):
            return c <= 32 if delim == 32 else c == delim
        while skip and i < n and is_delim(src[i]):
            i += 1
        start = i
        while i < n and not is_delim(src[i]):
            i += 1
        self.toin = i + 1 if i < n else i
        return src[start:i]

    def parse_name(self) -> bytes:
        return self.parse(32, True)

    def need_name(self) -> bytes:
        self.tok = self.parse_name()
        if not self.tok:
            raise ForthThrow(E_NONAME)
        return self.tok

    def to_number(self, ud: int, digits: bytes, base: int) -> tuple[int, int]:
        i = 0
        for i, ch in enumerate(digits):
            c = ch + 32 if 65 <= ch <= 90 else ch
            d = (c - 97 + 10) if c >= 97 else (c - 48)
            if c < 48 or (57 < c < 97) or (d & 0xFF) >= (base & 0xFFFF):
                return ud, len(digits) - i
            ud = (ud * (base & 0xFFFF) + d) & 0xFFFFFFFF
        return ud, 0

    def number(self, t: bytes) -> tuple[int, int]:
        """(0, _) not a number, (1, v) single, (2, v) double (interp.c number())."""
        base = self.base
        n = len(t)
        if n == 3 and t[0] == 39 and t[2] == 39:
            return 1, t[1]
        i = 0
        if t[0] in b"$#%":
            base = {36: 16, 35: 10, 37: 2}[t[0]]
            i, n = 1, n - 1
        neg = False
        if n and t[i] == 45:
            neg, i, n = True, i + 1, n - 1
        dbl = 1 if n and t[i + n - 1] == 46 else 0
        n -= dbl
        if n:
            v, left = self.to_number(0, t[i:i + n], base)
            if not left:
                if neg:
                    v = -v & 0xFFFFFFFF
                return 1 + dbl, v
        return 0, 0

    # ================================================================ dictionary
    def lookup(self, t: bytes):
        """The word a token names, as the kernel's interpreter finds it: in
        decimal, a token of digits (optionally signed) is a number without a
        search (interp.c interpret()), so an all-digit name is shadowed."""
        i = 1 if t[0] == 45 and len(t) > 1 else 0
        if self.base == 10 and all(48 <= c <= 57 for c in t[i:]):
            return None
        return self.find(t)

    def find(self, name: bytes):
        """The newest word of that name: a Def, a KernelWord, or None."""
        key = lower(name)
        for d in reversed(self.defs):
            if d.key == key:
                return d
        return self.k.by_name.get(key.decode("latin-1")) if len(key) <= NAME_MAX else None

    def tick(self) -> int:
        w = self.find(self.need_name())
        if w is None:
            raise ForthThrow(E_UNDEFINED)
        return w.xt

    def set_flags(self, d: Def, flags: int) -> None:
        d.flags = flags & 0xFF
        if d.hdr is not None:
            self.cache_put(d.xt - 1, d.flags)

    def new_def(self, kind: str) -> tuple[Def, bytes, str]:
        """The next name in the input as a definition, and how --strip's plan
        lays it: "full", "bare" (code, no header) or "ghost" (not at all)."""
        name = self.need_name()
        key = lower(name[:NAME_MAX])
        self.ordinal += 1
        mode = "full"
        if self.plan is not None:
            mode = self.plan.get(self.ordinal, "ghost")
        if mode == "ghost":
            self.area = "ghost"
        d = Def(self.ordinal, key.decode("latin-1"), key, None, 0, kind, line=self.lineno,
                ghost=mode == "ghost")
        return d, key, mode

    def header(self, kind: str) -> Def:
        d, key, mode = self.new_def(kind)
        if self.k.codegen >= 3 and self.fhere & 1:   # codegen 3: headers start even
            self.comma_byte(0xFF)
        if mode != "bare":
            d.hdr = h = self.fhere
            self.comma_byte(self.latest & 0xFF)
            self.comma_byte(self.latest >> 8 & 0xFF)
            self.comma_byte(len(key))
            for c in key:
                self.comma_byte(c)
            if len(key) & 1:
                self.comma_byte(0)
            self.comma_byte(0xFF)
            assert self.fhere == h + 4 + len(key) + (len(key) & 1)
        d.xt = self.fhere
        self.all_defs.append(d)
        self.by_xt_def[d.xt] = d
        self.current = d
        return d

    def reveal(self, d: Def) -> None:
        if d.hdr is not None and not d.ghost:
            self.latest = d.hdr
        d.revealed = True
        self.defs.append(d)
        self.area = "real"

    def need_compiling(self) -> None:
        if not self.state:
            raise ForthThrow(E_COMPONLY)

    def pop_tag(self, tag: int) -> int:
        self.need_compiling()
        self.need(2)
        if self.stack[-1] != tag:
            raise ForthThrow(E_CONTROL)
        self.stack.pop()
        return self.stack.pop()

    def allot(self, n: int) -> None:
        n = s16(n)
        if n > 0 and self.here + n > self.k.here_limit:
            self.overflow_ram = True
        self.here = (self.here + n) & 0xFFFF
        if self.defs:
            self.defs[-1].ram += n

    def forget_to(self, f: int, latest: int, here: int) -> None:
        self.fh["real"] = f
        self.latest = latest
        self.here = here
        for a in range(f, min(self.k.dict_end, len(self.mem))):
            self.mem[a] = 0xFF
        if self.turnkey >= f:
            self.turnkey = 0
        cut = [d.ordinal for d in self.defs if not d.ghost and d.start >= f]
        if f <= self.k.dict_start:
            cut.append(0)
        if cut:
            first = min(cut)
            self.defs = [d for d in self.defs if d.ordinal < first]

    # ================================================================ running
    def warn(self, key: str, text: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self.warnings.append(f"{self.path}:{self.lineno}: warning: {text}")

    def def_at(self, addr: int) -> Optional[Def]:
        best = None
        for d in self.all_defs:
            if d.xt <= addr and (best is None or d.xt > best.xt):
                if d.ghost == (addr >= GHOST):
                    best = d
        return best

    def execute(self, xt: int) -> None:
        w = self.k.by_xt.get(xt)
        if w is not None:
            fn = self.kw.get(w.name)
            if fn is None:
                lit = self._litword(w)
                if lit is None:
                    raise ForthThrow(E_BUILDTIME, f"`{w.name}` cannot run while the image is built"
                                     " (call it from main)")
                self.push(lit)
                return
            fn(self)
            return
        d = self.by_xt_def.get(xt) or self.def_at(xt)
        if d is None:
            raise ForthThrow(E_BAD_ADDR, f"no code at {xt:#06x}")
        self.run(d, xt)

    def _litword(self, w) -> Optional[int]:
        code = self.k.inline_code(w.xt) if w.inline else []
        if (len(code) == 4 and code[:2] == [OP_STY_R25, OP_STY_R24]
                and code[2] & 0xF000 == 0xE000 and code[3] & 0xF000 == 0xE000):
            return self.k.literal_of(w.name)
        return None

    def run(self, d: Def, addr: int) -> None:
        """Run the shadow of d's code from addr until it returns."""
        self.rstack.append(RET_MARK)
        depth = len(self.rstack)
        i = bisect.bisect_left(d.addrs, addr)
        steps = 0
        while i < len(d.ops):
            steps += 1
            if steps > 2_000_000:
                raise ForthThrow(E_BUILDTIME, "runs too long while the image is built")
            o = d.ops[i]
            kind = o[1]
            i += 1
            if kind in ("call", "inline"):
                xt = o[2]
                if xt == self.k.xts["pdoes"]:
                    self.does_runtime(o[0] + o[3])
                    break
                self.execute(xt)
            elif kind == "lit":
                self.push(o[2])
            elif kind == "litx":
                self.push(o[2])
                self.execute(o[3])
            elif kind == "ret":
                break
            elif kind == "br":
                i = bisect.bisect_left(d.addrs, o[2])
            elif kind == "br0":
                if not self.pop() & 0xFFFF:
                    i = bisect.bisect_left(d.addrs, o[2])
            elif kind == "qdo":
                self.need(2)
                if (self.stack[-1] ^ self.stack[-2]) & 0xFFFF == 0:
                    del self.stack[-2:]
                    i = bisect.bisect_left(d.addrs, o[2])
                else:
                    self._do()
            elif kind in ("loop", "+loop"):
                step = s16(self.pop()) if kind == "+loop" else 1
                L, x = self.lp
                r = s16(x) + step
                self.lp = (L, r & 0xFFFF)
                if -32768 <= r <= 32767:
                    i = bisect.bisect_left(d.addrs, o[2])
            elif kind == "unloop":
                self._unloop()
            elif kind == "str":
                _, _, label, data, n = o
                if label == "psquote":
                    self.push((data + 1) & 0xFFFF)
                    self.push(n)
                elif label == "pdotquote":
                    self.output.append(bytes(self.cfetch(data + 1 + j) for j in range(n)).decode("latin-1"))
                else:
                    if self.pop() & 0xFFFF:
                        text = bytes(self.cfetch(data + 1 + j) for j in range(n)).decode("latin-1")
                        raise ForthThrow(E_ABORTQ, text)
            elif kind == "jump":
                dd = self.def_at(o[2])
                self.rstack.pop()
                self.run(dd, o[2])
                return
            elif kind == "local":
                _, _, op, n = o
                if op == 0:
                    self.push(self._rcell(n))
                elif op == 1:
                    self.rstack[-1 - n] = self.pop()
                else:
                    if n:
                        del self.rstack[-n:]
            else:  # pragma: no cover
                raise AssertionError(kind)
        if len(self.rstack) != depth or self.rstack[-1] is not RET_MARK:
            raise ForthThrow(E_BUILDTIME, f"`{d.name}` leaves the return stack unbalanced")
        self.rstack.pop()

    def _rcell(self, n: int) -> int:
        v = self.rstack[-1 - n]
        if v is RET_MARK:
            raise ForthThrow(E_BUILDTIME, "a return address is not a value at build time")
        return v

    def _do(self) -> None:
        self.need(2)
        index = self.pop() & 0xFFFF
        limit = self.pop() & 0xFFFF
        self.rstack.append(self.lp[0])
        self.rstack.append(self.lp[1])
        L = limit ^ 0x8000
        self.lp = (L, (index - L) & 0xFFFF)

    def _unloop(self) -> None:
        x = self.rstack.pop()
        L = self.rstack.pop()
        self.lp = (L, x)

    def does_runtime(self, code: int) -> None:
        if not self.defs:
            raise ForthThrow(E_BAD_ADDR)
        self.cg_does(self.defs[-1], code)

    # ================================================================ interpreter
    def interpret_line(self, text: bytes) -> None:
        self.src, self.toin = text, 0
        while True:
            t = self.parse_name()
            if not t:
                break
            self.tok = t
            w = self.lookup(t)
            if w is not None:
                fl = w.flags
                if self.state and fl & F_IMMEDIATE:
                    self.cg_compile_xt(w.xt)
                elif not self.state and not fl & F_COMPONLY:
                    raise ForthThrow(E_COMPONLY)
                else:
                    self.run_word(w)
            else:
                kind, v = self.number(t)
                if not kind:
                    raise ForthThrow(E_UNDEFINED)
                if kind == 2:
                    if self.state:
                        self.cg_literal(v)
                        self.cg_literal(v >> 16)
                    else:
                        self.pushd(v)
                elif self.state:
                    self.cg_literal(v)
                else:
                    self.push(v & 0xFFFF)
            if len(self.stack) > self.ds_cells():
                raise ForthThrow(E_DS_OVER)
        self.line_done()

    # hooks where a kernel's interpreter does more (meta_msp430)
    def run_word(self, w) -> None:
        """Run a word from the interpreter (interp.c run())."""
        self.execute(w.xt)

    def line_done(self) -> None:
        """The end of a line (interp.c: dict_flush, dict_persist)."""

    def ds_cells(self) -> int:
        return DS_CELLS

    def compile_lines(self, lines, path: str = "<source>") -> None:
        """lines: (line number, text) pairs, as the loader would send them."""
        self.path = path
        for n, text in lines:
            self.lineno = n
            data = accept(text)
            try:
                self.interpret_line(data)
            except ForthThrow as e:
                word = self.tok.decode("latin-1") if self.tok else "-"
                raise BuildError(e.message, path, n, word, e.code, text) from None
            except RecursionError:
                raise BuildError("nested too deeply while the image is built", path, n,
                                 self.tok.decode("latin-1"), 0, text) from None
        if self.state:
            name = self.colon.name if self.colon else "?"
            raise BuildError(f"definition of `{name}` is not finished (missing `;`)", path,
                             self.colon.line if self.colon else 0)

    # ================================================================ results
    def eeprom_record(self) -> bytes:
        vals = [EE_MAGIC, self.fh["real"] & 0xFFFF, self.latest & 0xFFFF, self.here & 0xFFFF,
                self.turnkey & 0xFFFF]
        chk = 0x5A5A
        for v in vals:
            chk ^= v
        vals.append(chk)
        return b"".join(v.to_bytes(2, "little") for v in vals)

    def eeprom_image(self) -> dict[int, int]:
        img = dict(self.eeprom)
        for i, b in enumerate(self.eeprom_record()):
            img[EE_BASE + i] = b
        return img

    def dictionary_bytes(self) -> bytes:
        return bytes(self.mem[self.k.dict_start:self.fh["real"]])


def accept(text: str) -> bytes:
    """The line as the kernel's ACCEPT stores it: control characters become
    blanks, backspace and DEL rub out (a line is sent as Latin-1)."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError as e:
        raise BuildError(f"character {text[e.start]!r} cannot be sent to the target (Latin-1 only)")
    buf = bytearray()
    for c in raw:
        if c in (8, 127):
            if buf:
                buf.pop()
        elif c not in (10, 13):
            buf.append(c if c >= 32 else 32)
    return bytes(buf)


# ======================================================================
# The kernel words' meanings on the host, by name.
# ======================================================================
_WORDS: dict[str, Callable[[MetaCompiler], None]] = {}


def word(*names):
    def deco(fn):
        for n in names:
            _WORDS[n] = fn
        return fn
    return deco


def _kernel_words():
    return _WORDS


def _binop(name, f):
    def fn(m: MetaCompiler):
        b = m.pop()
        a = m.pop()
        m.push(f(a & 0xFFFF, b & 0xFFFF) & 0xFFFF)
    _WORDS[name] = fn


def _unop(name, f):
    def fn(m: MetaCompiler):
        m.push(f(m.pop() & 0xFFFF) & 0xFFFF)
    _WORDS[name] = fn


def _flag(b: bool) -> int:
    return 0xFFFF if b else 0


for _n, _f in {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "and": lambda a, b: a & b,
    "or": lambda a, b: a | b, "xor": lambda a, b: a ^ b, "*": lambda a, b: a * b,
    "min": lambda a, b: a if s16(a) < s16(b) else b, "max": lambda a, b: a if s16(a) > s16(b) else b,
    "umin": min, "umax": max,
    "=": lambda a, b: _flag(a == b), "<>": lambda a, b: _flag(a != b),
    "<": lambda a, b: _flag(s16(a) < s16(b)), ">": lambda a, b: _flag(s16(a) > s16(b)),
    "u<": lambda a, b: _flag(a < b), "u>": lambda a, b: _flag(a > b),
    "lshift": lambda a, b: a << b if b < 16 else 0,
    "rshift": lambda a, b: a >> b if b < 16 else 0,
    "arshift": lambda a, b: s16(a) >> min(b, 15),
}.items():
    _binop(_n, _f)

for _n, _f in {
    "invert": lambda a: ~a, "negate": lambda a: -a, "abs": lambda a: abs(s16(a)),
    "1+": lambda a: a + 1, "1-": lambda a: a - 1, "2*": lambda a: a << 1,
    "2/": lambda a: s16(a) >> 1, "u2/": lambda a: a >> 1, "cell+": lambda a: a + 2,
    "cells": lambda a: a << 1, "char+": lambda a: a + 1, "chars": lambda a: a,
    "aligned": lambda a: (a + 1) & ~1, "0=": lambda a: _flag(a == 0),
    "0<>": lambda a: _flag(a != 0), "0<": lambda a: _flag(s16(a) < 0),
    "0>": lambda a: _flag(s16(a) > 0), "d>s": lambda a: a,
}.items():
    _unop(_n, _f)


def _stackop(name, n_in, f):
    def fn(m: MetaCompiler):
        m.need(n_in)
        args = m.stack[-n_in:] if n_in else []
        if n_in:
            del m.stack[-n_in:]
        m.stack.extend(f(*args))
    _WORDS[name] = fn


for _n, _k, _f in [
    ("dup", 1, lambda a: (a, a)), ("drop", 1, lambda a: ()), ("swap", 2, lambda a, b: (b, a)),
    ("over", 2, lambda a, b: (a, b, a)), ("rot", 3, lambda a, b, c: (b, c, a)),
    ("-rot", 3, lambda a, b, c: (c, a, b)), ("nip", 2, lambda a, b: (b,)),
    ("tuck", 2, lambda a, b: (b, a, b)), ("2dup", 2, lambda a, b: (a, b, a, b)),
    ("2drop", 2, lambda a, b: ()), ("2swap", 4, lambda a, b, c, d: (c, d, a, b)),
    ("2over", 4, lambda a, b, c, d: (a, b, c, d, a, b)),
    ("?dup", 1, lambda a: (a, a) if a & 0xFFFF else (a,)),
    ("s>d", 1, lambda a: (a, 0xFFFF if s16(a) < 0 else 0)),
]:
    _stackop(_n, _k, _f)


@word("pick")
def _pick(m):
    u = m.pop() & 0xFFFF
    m.need(u + 1)
    m.push(m.stack[-1 - u])


@word("depth")
def _depth(m):
    m.push(len(m.stack))


@word("within")
def _within(m):
    hi, lo, x = m.pop(), m.pop(), m.pop()
    m.push(_flag(((x - lo) & 0xFFFF) < ((hi - lo) & 0xFFFF)))


def _sdiv(a: int, b: int) -> tuple[int, int]:
    if b == 0:
        raise ForthThrow(E_DIV0)
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return a - q * b, q


@word("/")
def _slash(m):
    b, a = s16(m.pop()), s16(m.pop())
    m.push(_sdiv(a, b)[1] & 0xFFFF)


@word("mod")
def _mod(m):
    b, a = s16(m.pop()), s16(m.pop())
    m.push(_sdiv(a, b)[0] & 0xFFFF)


@word("/mod")
def _slashmod(m):
    b, a = s16(m.pop()), s16(m.pop())
    r, q = _sdiv(a, b)
    m.push(r & 0xFFFF)
    m.push(q & 0xFFFF)


@word("u/mod")
def _uslashmod(m):
    b, a = m.pop() & 0xFFFF, m.pop() & 0xFFFF
    if not b:
        raise ForthThrow(E_DIV0)
    m.push(a % b)
    m.push(a // b)


@word("um*")
def _umstar(m):
    b, a = m.pop() & 0xFFFF, m.pop() & 0xFFFF
    m.pushd(a * b)


@word("m*")
def _mstar(m):
    b, a = s16(m.pop()), s16(m.pop())
    m.pushd(a * b)


@word("*/mod", "*/")
def _starslash(m):
    c, b, a = s16(m.pop()), s16(m.pop()), s16(m.pop())
    r, q = _sdiv(a * b, c)
    if not -32768 <= q <= 32767:
        raise ForthThrow(E_RANGE)
    if m._cur_word == "*/mod":
        m.push(r & 0xFFFF)
    m.push(q & 0xFFFF)


def _d2(name, f):
    def fn(m):
        b = s32(m.popd())
        a = s32(m.popd())
        r = f(a, b)
        if isinstance(r, bool):
            m.push(_flag(r))
        else:
            m.pushd(r & 0xFFFFFFFF)
    _WORDS[name] = fn


for _n, _f in {"d+": lambda a, b: a + b, "d-": lambda a, b: a - b, "d=": lambda a, b: a == b,
               "d<": lambda a, b: a < b,
               "du<": lambda a, b: (a & 0xFFFFFFFF) < (b & 0xFFFFFFFF),
               "d*": lambda a, b: a * b}.items():
    _d2(_n, _f)


def _d1(name, f):
    def fn(m):
        a = s32(m.popd())
        r = f(a)
        if isinstance(r, bool):
            m.push(_flag(r))
        else:
            m.pushd(r & 0xFFFFFFFF)
    _WORDS[name] = fn


for _n, _f in {"dnegate": lambda a: -a, "dabs": lambda a: abs(a), "d0=": lambda a: a == 0,
               "d0<": lambda a: a < 0, "d2*": lambda a: a << 1, "d2/": lambda a: a >> 1}.items():
    _d1(_n, _f)


@word("m+")
def _mplus(m):
    n = s16(m.pop())
    m.pushd((s32(m.popd()) + n) & 0xFFFFFFFF)


@word("um/mod")
def _ummod(m):
    u = m.pop() & 0xFFFF
    ud = m.popd()
    if not u:
        raise ForthThrow(E_DIV0)
    q = ud // u
    if q > 0xFFFF:
        raise ForthThrow(E_RANGE)
    m.push(ud % u)
    m.push(q)


@word("sm/rem", "fm/mod")
def _smrem(m):
    n = s16(m.pop())
    d = s32(m.popd())
    r, q = _sdiv(d, n)
    if m._cur_word == "fm/mod" and r and (r < 0) != (n < 0):
        q -= 1
        r += n
    if not -32768 <= q <= 32767:
        raise ForthThrow(E_RANGE)
    m.push(r & 0xFFFF)
    m.push(q & 0xFFFF)


@word("bl")
def _bl(m):
    m.push(32)


# ---- memory ----------------------------------------------------------------
def _ram_check(m, a: int, n: int) -> None:
    if a + n > len(m.ram):
        raise ForthThrow(E_BAD_ADDR)


def _c_fetch(m, a: int) -> int:
    a &= 0xFFFF
    if a & UNIFIED:
        return m.cfetch(a)
    _ram_check(m, a, 1)
    if a in (m.k.base_addr, m.k.base_addr + 1):
        return (m.base >> 8 * (a - m.k.base_addr)) & 0xFF
    if a in (m.k.state_addr, m.k.state_addr + 1):
        return (m.state >> 8 * (a - m.k.state_addr)) & 0xFF
    return m.ram[a]


def _c_store(m, a: int, b: int) -> None:
    a &= 0xFFFF
    if a & UNIFIED:
        if a < m.k.dict_start or a >= m.fh["real"]:
            raise ForthThrow(E_BAD_ADDR)
        m.cache_put(a, b)
        return
    _ram_check(m, a, 1)
    if a in (m.k.base_addr, m.k.base_addr + 1):
        sh = 8 * (a - m.k.base_addr)
        m.base = (m.base & ~(0xFF << sh) | (b & 0xFF) << sh) & 0xFFFF
        return
    if a in (m.k.state_addr, m.k.state_addr + 1):
        sh = 8 * (a - m.k.state_addr)
        m.state = s16(m.state & ~(0xFF << sh) | (b & 0xFF) << sh)
        return
    if a >= m.k.ram_start:
        m.warn("ram", "data stored into RAM while building is not part of the image"
                      " (RAM is set at run time: initialise it in main)")
    m.ram[a] = b & 0xFF


def fetch_cell(m, a: int) -> int:
    return _c_fetch(m, a) | _c_fetch(m, a + 1) << 8


def store_cell(m, a: int, x: int) -> None:
    _c_store(m, a, x)
    _c_store(m, a + 1, x >> 8)


@word("@")
def _fetch(m):
    m.push(fetch_cell(m, m.pop()))


@word("c@")
def _cfetch(m):
    m.push(_c_fetch(m, m.pop()))


@word("!")
def _store(m):
    a = m.pop()
    store_cell(m, a, m.pop())


@word("c!")
def _cstore(m):
    a = m.pop()
    _c_store(m, a, m.pop())


@word("+!")
def _plusstore(m):
    a = m.pop()
    n = m.pop()
    store_cell(m, a, fetch_cell(m, a) + n)


@word("2@")
def _twofetch(m):
    a = m.pop()
    m.push(fetch_cell(m, a + 2))
    m.push(fetch_cell(m, a))


@word("2!")
def _twostore(m):
    a = m.pop()
    x2 = m.pop()
    x1 = m.pop()
    store_cell(m, a, x2)
    store_cell(m, a + 2, x1)


@word("count")
def _count(m):
    a = m.pop()
    m.push((a + 1) & 0xFFFF)
    m.push(_c_fetch(m, a))


@word("fill")
def _fill(m):
    c, n, a = m.pop(), m.pop(), m.pop()
    for i in range(n & 0xFFFF):
        _c_store(m, a + i, c)


@word("cmove", "move", "cmove>")
def _move(m):
    n, d, s = m.pop() & 0xFFFF, m.pop(), m.pop()
    data = [_c_fetch(m, s + i) for i in range(n)]
    for i, b in enumerate(data):
        _c_store(m, d + i, b)


@word("here")
def _here(m):
    m.push(m.here)


@word("fhere")
def _fhere(m):
    m.push(m.fhere & 0xFFFF)


@word("latest")
def _latest(m):
    m.push(m.latest)


@word("allot")
def _allot(m):
    m.allot(m.pop())


@word(",")
def _comma(m):
    x = m.pop()
    a = m.here
    m.allot(2)
    if a + 2 <= len(m.ram):
        store_cell(m, a, x)


@word("c,")
def _ccomma(m):
    x = m.pop()
    a = m.here
    m.allot(1)
    if a < len(m.ram):
        _c_store(m, a, x)


@word("align")
def _align(m):
    m.allot(m.here & 1)


@word("unused")
def _unused(m):
    m.push((m.k.here_limit - m.here) & 0xFFFF)


@word("f,")
def _fcomma(m):
    x = m.pop()
    if m.current is not None:
        m.current.data_refs.append(x)
    m.comma_byte(x & 0xFF)
    m.comma_byte(x >> 8 & 0xFF)


@word("fc,")
def _fccomma(m):
    m.comma_byte(m.pop() & 0xFF)


@word("e!")
def _estore(m):
    a = m.ee_addr(m.pop(), 2, store=True)
    x = m.pop()
    m.eeprom[a] = x & 0xFF
    m.eeprom[a + 1] = x >> 8 & 0xFF


@word("ec!")
def _ecstore(m):
    a = m.ee_addr(m.pop(), 1, store=True)
    m.eeprom[a] = m.pop() & 0xFF


@word("e@")
def _efetch(m):
    a = m.ee_addr(m.pop(), 2)
    m.push(m.eeprom.get(a, 0xFF) | m.eeprom.get(a + 1, 0xFF) << 8)


@word("ec@")
def _ecfetch(m):
    m.push(m.eeprom.get(m.ee_addr(m.pop(), 1), 0xFF))


# ---- output (kept as build-time output) ----------------------------------
def _out(m, s: str) -> None:
    m.output.append(s)


def _fmt(m, v: int, signed_: bool) -> str:
    base = m.base if 2 <= m.base <= 36 else 10
    neg = signed_ and v < 0
    u = -v if neg else v
    digits = ""
    while True:
        d = u % base
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[d] + digits
        u //= base
        if not u:
            break
    return ("-" if neg else "") + digits


@word(".")
def _dot(m):
    _out(m, _fmt(m, s16(m.pop()), True) + " ")


@word("u.")
def _udot(m):
    _out(m, _fmt(m, m.pop() & 0xFFFF, False) + " ")


@word("d.")
def _ddot(m):
    _out(m, _fmt(m, s32(m.popd()), True) + " ")


@word("ud.")
def _uddot(m):
    _out(m, _fmt(m, m.popd(), False) + " ")


@word(".r", "u.r")
def _dotr(m):
    w = s16(m.pop())
    v = m.pop()
    s = _fmt(m, s16(v), True) if m._cur_word == ".r" else _fmt(m, v & 0xFFFF, False)
    _out(m, s.rjust(w))


@word("emit")
def _emit(m):
    _out(m, chr(m.pop() & 0xFF))


@word("cr")
def _cr(m):
    _out(m, "\r\n")


@word("space")
def _space(m):
    _out(m, " ")


@word("spaces")
def _spaces(m):
    _out(m, " " * max(0, s16(m.pop())))


@word("type")
def _type(m):
    n, a = m.pop() & 0xFFFF, m.pop()
    _out(m, bytes(_c_fetch(m, a + i) for i in range(n)).decode("latin-1"))


@word(".s")
def _dots(m):
    _out(m, f"<{len(m.stack)}> " + "".join(_fmt(m, s16(x), True) + " " for x in m.stack))


@word("hex")
def _hex(m):
    m.base = 16


@word("decimal")
def _decimal(m):
    m.base = 10


# ---- parsing ---------------------------------------------------------------
@word("char")
def _char(m):
    m.push(m.need_name()[0])


@word("[char]")
def _bchar(m):
    m.cg_literal(m.need_name()[0])


@word("(")
def _paren(m):
    m.parse(ord(")"), False)


@word("\\")
def _backslash(m):
    m.toin = len(m.src)


@word(".(")
def _dotparen(m):
    _out(m, m.parse(ord(")"), False).decode("latin-1"))


@word("'")
def _tick(m):
    m.push(m.tick())


@word("[']")
def _btick(m):
    m.cg_literal(m.tick())


@word("execute")
def _execute(m):
    m.execute(m.pop())


# ---- the compiler ----------------------------------------------------------
@word(":")
def _colon(m):
    d = m.header("colon")
    m.colon = d
    m.colon_depth = len(m.stack)
    m.state = -1


@word(";")
def _semicolon(m):
    m.need_compiling()
    if len(m.stack) != m.colon_depth:
        raise ForthThrow(E_CONTROL)
    m.cg_semicolon()
    m.reveal(m.colon)
    m.state = 0


@word("immediate")
def _immediate(m):
    if not m.defs:
        raise ForthThrow(E_BAD_ADDR)
    d = m.defs[-1]
    m.set_flags(d, d.flags & ~F_IMMEDIATE)


@word("[")
def _lbracket(m):
    m.state = 0


@word("]")
def _rbracket(m):
    m.state = -1


@word("literal")
def _literal(m):
    m.cg_literal(m.pop())


@word("compile,")
def _compilecomma(m):
    m.cg_compile_xt(m.pop())


@word("exit")
def _exit(m):
    m.need_compiling()
    m.cg_ret()


def _local(op):
    def fn(m):
        t = m.need_name()
        m.need_compiling()
        kind, v = m.number(t)
        if kind != 1:
            raise ForthThrow(E_BAD_NUM)
        m.cg_local(op, v & 0xFF)          # the kernel passes it as a byte
    return fn


_WORDS["l@"], _WORDS["l!"], _WORDS["ldrop"] = _local(0), _local(1), _local(2)


@word("recurse")
def _recurse(m):
    if m.colon is None:
        raise ForthThrow(E_COMPONLY)
    m.cg_rcheck()
    m.cg_call(m.colon.xt)


@word("postpone")
def _postpone(m):
    xt = m.tick()
    if m.flags_of(xt) & F_IMMEDIATE:
        m.cg_literal(xt)
        m.cg_call(m.k.xts["compilecomma"])
    else:
        m.cg_call(xt)


@word("if")
def _if(m):
    m.need_compiling()
    m.push(m.cg_if())
    m.push(T_ORIG)


@word("then")
def _then(m):
    m.cg_resolve(m.pop_tag(T_ORIG))


@word("else")
def _else(m):
    o = m.pop_tag(T_ORIG)
    m.push(m.cg_ahead())
    m.push(T_ORIG)
    m.cg_resolve(o)


@word("begin")
def _begin(m):
    m.need_compiling()
    if m.k.begin_is_target:
        m.last_target = m.fhere            # cg_begin: a backward branch lands here
    m.push(m.fhere)
    m.push(T_DEST)


@word("until")
def _until(m):
    m.cg_until(m.pop_tag(T_DEST))


@word("again")
def _again(m):
    m.cg_again(m.pop_tag(T_DEST))


@word("while")
def _while(m):
    d = m.pop_tag(T_DEST)
    m.push(m.cg_if())
    m.push(T_ORIG)
    m.push(d)
    m.push(T_DEST)


@word("repeat")
def _repeat(m):
    _again(m)
    _then(m)


def _do_common(m, skip: int) -> None:
    m.push(m.leaves)
    m.leaves = 0
    m.push(skip)
    m.push(m.fhere)
    m.push(T_DO)


@word("do")
def _do(m):
    m.need_compiling()
    m.cg_do()
    _do_common(m, 0)


@word("?do")
def _qdo(m):
    m.need_compiling()
    _do_common(m, m.cg_qdo())


@word("leave")
def _leave(m):
    m.need_compiling()
    m.leaves = m.cg_leave(m.leaves)


def _loop_end(m, plus: bool) -> None:
    dest = m.pop_tag(T_DO)
    m.need(2)
    m.cg_loop(dest, plus)
    m.cg_resolve_leaves(m.leaves)
    m.cg_unloop()
    skip = m.stack[-1]
    if skip:
        m.cg_resolve(skip)
    m.leaves = m.stack[-2]
    del m.stack[-2:]


@word("loop")
def _loop(m):
    _loop_end(m, False)


@word("+loop")
def _plusloop(m):
    _loop_end(m, True)


@word('s"')
def _squote(m):
    if m.state:
        m.cg_string("psquote", m.parse(ord('"'), False))
        return
    text = m.parse(ord('"'), False)
    d = m.here + HOLD_SIZE
    for i, c in enumerate(text):
        if d + i < len(m.ram):
            m.ram[d + i] = c
    m.push(d)
    m.push(len(text))


@word('."')
def _dotquote(m):
    m.cg_string("pdotquote", m.parse(ord('"'), False))


@word('abort"')
def _abortquote(m):
    m.cg_string("pabortq", m.parse(ord('"'), False))


@word("create")
def _create(m):
    d = m.header("create")
    m.cg_create_body(m.here)
    m.reveal(d)


def _constant(m, x: int, kind: str) -> Def:
    d = m.header(kind)
    m.cg_constant(x)
    m.reveal(d)
    return d


@word("variable")
def _variable(m):
    _constant(m, m.here, "variable")
    m.allot(2)


@word("2variable")
def _twovariable(m):
    _constant(m, m.here, "2variable")
    m.allot(4)


@word("constant")
def _constant_w(m):
    m.need(1)
    _constant(m, m.stack[-1], "constant")
    m.pop()


@word("2constant")
def _twoconstant(m):
    m.need(2)
    d = m.header("2constant")
    m.cg_literal(m.stack[-2])
    m.cg_literal(m.stack[-1])
    m.cg_ret()
    m.reveal(d)
    del m.stack[-2:]


@word("does>")
def _does(m):
    m.need_compiling()
    m.cg_call(m.k.xts["pdoes"])


@word(">body")
def _tobody(m):
    m.push(m.cg_body(m.pop()))


@word("marker")
def _marker(m):
    f, latest, h = m.fhere, m.latest, m.here
    d = m.header("marker")
    m.cg_literal(f)
    m.cg_literal(latest)
    m.cg_literal(h)
    m.cg_call(m.k.xts["pmarker"])
    m.cg_ret()
    m.reveal(d)


@word("(marker)")
def _pmarker(m):
    h, latest, f = m.pop(), m.pop(), m.pop()
    m.forget_to(f & 0xFFFF, latest & 0xFFFF, h & 0xFFFF)


@word("empty")
def _empty(m):
    m.forget_to(m.k.dict_start, m.k.kernel_latest, m.k.ram_start)


@word("turnkey")
def _turnkey(m):
    m.turnkey = m.pop() & 0xFFFF


# ---- run-time words the compiled code calls -------------------------------
@word("(do)")
def _pdo(m):
    m._do()


@word("i")
def _i(m):
    L, x = m.lp
    m.push((x + L) & 0xFFFF)


@word("j")
def _j(m):
    x, L = m.rstack[-1], m.rstack[-2]
    m.push((x + L) & 0xFFFF)


@word("unloop")
def _unloop(m):
    m._unloop()


@word("?rp")
def _qrp(m):
    pass


@word(">r")
def _tor(m):
    m.rstack.append(m.pop())


@word("r>")
def _rfrom(m):
    m.push(m._rcell(0))
    m.rstack.pop()


@word("r@")
def _rfetch(m):
    m.push(m._rcell(0))


@word("rdrop")
def _rdrop(m):
    m._rcell(0)
    m.rstack.pop()


@word("2>r")
def _twotor(m):
    b, a = m.pop(), m.pop()
    m.rstack += [a, b]


@word("2r>")
def _tworfrom(m):
    b, a = m._rcell(0), m._rcell(1)
    del m.rstack[-2:]
    m.push(a)
    m.push(b)


@word("2r@")
def _tworfetch(m):
    m.push(m._rcell(1))
    m.push(m._rcell(0))


@word("throw")
def _throw(m):
    code = s16(m.pop())
    if code:
        raise ForthThrow(code)


@word("abort")
def _abort(m):
    raise ForthThrow(E_ABORT)


@word("(jlerr)")
def _jlerr(m):
    code = s16(m.pop())
    line = m.pop()
    raise ForthThrow(code, MESSAGES.get(code, "error") + f" at line {line}")


@word("catch")
def _catch(m):
    xt = m.pop()
    depth, rdepth, lp = len(m.stack), len(m.rstack), m.lp
    try:
        m.execute(xt)
    except ForthThrow as e:
        if e.code == E_BUILDTIME:
            raise
        del m.stack[depth:]
        while len(m.stack) < depth:
            m.stack.append(0)
        del m.rstack[rdepth:]
        m.lp = lp
        m.push(e.code & 0xFFFF)
        return
    m.push(0)


# Words whose behaviour depends on the name they were found under.
def _named(fn, name):
    def g(m):
        m._cur_word = name
        fn(m)
    return g


for _n in ("*/", "*/mod", "sm/rem", "fm/mod", ".r", "u.r"):
    _WORDS[_n] = _named(_WORDS[_n], _n)
MetaCompiler._cur_word = ""
