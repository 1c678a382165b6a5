"""The host meta-compiler for the MSP430G2553 kernel: direct-threaded code,
rule for rule what forth_kernel/msp430/codegen.S (with the shared outer
interpreter forth_kernel/common/interp.c) lays down, so that uploading a
program line by line and building its image give the same flash bytes.

The outer interpreter, the shadow interpreter that runs words while the
image is built, and the kernel words' meanings come from meta.py; this
module replaces the code generator and the memory model:

* one address space (flash 0xC000..0xFFFF, RAM 0x0200..0x03FF), no unified bit;
* a colon word is ``call r9`` (0x1289) and a thread of cells; the code field
  is laid before the first cell of code after a header (codegen.S ``raw``);
* a reference to a colon word is held back (``pend``) until ``;`` knows
  whether it is a tail call: ``(branch) xt+2``;
* branches are ``(0branch)``/``(branch)`` and an address cell; DO's exit
  cell is resolved by LOOP to the address after its UNLOOP; LEAVE is one cell;
* CONSTANT and VARIABLE are ``call #docon``, value (inline: compiled as the
  literal); CREATE is ``call #docreate``, the (aligned) data address, a
  DOES> slot; VARIABLE and 2VARIABLE align HERE first, as ``,`` does.

The dictionary pointers go to the kernel's log in info flash (segment D,
0x1000): one record, sequence number 0; ``E!``/``EC!`` data to segment B.
"""
from __future__ import annotations

from typing import Optional

from .kernel import F_INLINE
from .kernel_msp430 import OP_CALL, OP_DOCOL, Kernel430
from .meta import (GHOST, T_DEST, Def, E_BAD_ADDR, E_CONTROL, E_RANGE, ForthThrow,
                   MetaCompiler, _kernel_words, store_cell)

LOG_MAGIC = 0x4A46           # flash.S rec_check: the check word's seed
UNSET = 0xFFFF
E_DICT_FULL = -8


class MetaCompiler430(MetaCompiler):
    """Compile Forth text for an MSP430 kernel, as the chip would."""

    def ee_addr(self, a: int, n: int, store: bool = False) -> int:
        """Info B's 64 bytes are all the program's: any address inside, cells
        even (the kernel's E@ E! EC@ EC!)."""
        a &= 0xFFFF
        if a >= self.k.ee_size - (n - 1):
            raise ForthThrow(E_BAD_ADDR)
        return a & ~1 if n == 2 else a

    def __init__(self, kernel: Kernel430, plan: Optional[dict[int, str]] = None):
        super().__init__(kernel, plan)
        fs = kernel.flash_start
        self.mem = bytearray(b"\xff" * 0x30000)   # by address; 0x2xxxx: beyond the dictionary
        self.mem[fs:fs + len(kernel.flash)] = kernel.flash
        self.ram = bytearray(0x400)
        self.kw = dict(_kernel_words())
        self.kw.update(_WORDS430)
        # codegen.S state
        self.pend = 0                # a held-back reference's cell, or 0
        self.pend_xt = 0
        self.raw = False             # a header was laid: the code field comes next
        self.loop_exit = 0           # (DO)'s exit cell, for LOOP
        self.qdo_ops: dict[int, list] = {}
        self.last_target = 0

    # ================================================================ memory
    def _index(self, a: int) -> int:
        if self.k.dict_end <= a < 0x10000 and self.overflow:
            return a + 0x20000       # counting on past the dictionary's end
        return a

    def cfetch(self, a: int) -> int:
        if a >= GHOST:
            i = a - GHOST
            return self.ghost[i] if i < len(self.ghost) else 0xFF
        a = self._index(a)
        return self.mem[a] if a < len(self.mem) else 0xFF

    def _put(self, a: int, b: int) -> None:
        if a >= GHOST:
            i = a - GHOST
            if i >= len(self.ghost):
                self.ghost.extend(b"\xff" * (i + 1 - len(self.ghost)))
            self.ghost[i] = b & 0xFF
            return
        a = self._index(a)
        if a >= len(self.mem):
            raise ForthThrow(E_DICT_FULL)
        self.mem[a] = b & 0xFF

    # ---- laying bytes and cells (codegen.S dcomma_b, dcomma, skip) ----------
    def comma_byte(self, b: int) -> None:          # dcomma_b: flushes a held reference
        self.pend = 0
        super().comma_byte(b)

    def comma_c(self, b: int) -> None:             # the C half's comma_byte (headers)
        self.raw = True
        self.comma_byte(b)

    def comma_word(self, w: int) -> None:          # dcomma (two bytes after an odd FC,)
        self.comma_byte(w & 0xFF)
        self.comma_byte(w >> 8 & 0xFF)

    def skip(self) -> int:
        """An erased cell, resolved later; its address."""
        a = self.fhere
        self.comma_word(UNSET)
        return a

    def thread(self) -> None:
        if self.raw:
            self.raw = False
            self.comma_word(OP_DOCOL)

    def op1(self, x: int) -> int:
        self.thread()
        a = self.fhere
        self.comma_word(x)
        return a

    def set_flags(self, d: Def, flags: int) -> None:   # cache_put: flushes a held reference
        self.pend = 0
        super().set_flags(d, flags)

    # ================================================================ codegen.S
    def cg_call(self, xt: int, shadow: bool = True) -> None:
        self.thread()
        a = self.fhere
        self.comma_word(xt)
        if self.fetch(xt) == OP_DOCOL:             # a colon word: held back
            self.pend, self.pend_xt = a, xt
        if shadow:
            self.op(a, "call", xt, 2)

    def cg_compile_xt(self, xt: int) -> None:
        if (not self.flags_of(xt) & F_INLINE and self.fetch(xt) == OP_CALL
                and self.fetch(xt + 2) == self.k.xts["docon"]):
            self.cg_literal(self.fetch(xt + 4))      # a constant: its literal
            return
        self.cg_call(xt)

    def cg_literal(self, x: int, shadow: bool = True) -> None:
        x &= 0xFFFF
        a = self.op1(self.k.xts["plit"])
        self.comma_word(x)
        if shadow:
            self.op(a, "lit", x)

    def cg_ret(self) -> None:
        a = self.op1(self.k.xts["pexit"])
        self.op(a, "ret")

    def cg_rcheck(self) -> None:
        a = self.op1(self.k.xts["qrp"])
        self.op(a, "call", self.k.xts["qrp"], 2)

    def cg_constant(self, x: int) -> None:
        d = self.current
        self.raw = False
        a = self.fhere
        self.comma_word(OP_CALL)
        self.comma_word(self.k.xts["docon"])
        self.comma_word(x)
        self.op(a, "lit", x & 0xFFFF)
        self.op(a + 4, "ret")
        self.set_flags(d, d.flags & ~F_INLINE & 0xFF)

    def cg_semicolon(self) -> None:
        self.thread()
        p = self.pend
        if p and self.last_target != self.fhere:   # a tail call: (branch) xt+2
            self.pend = 0
            self.patch_word(p, self.k.xts["pbranch"])
            self.op(self.fhere, "ret")
            self.comma_word(self.pend_xt + 2)
            return
        self.cg_ret()

    def cg_if(self) -> int:
        return self._forward(self.k.xts["pzbranch"], "br0")

    def cg_ahead(self) -> int:
        return self._forward(self.k.xts["pbranch"], "br")

    def _forward(self, rt: int, kind: str) -> int:
        a = self.op1(rt)
        o = self.op(a, kind, None)
        orig = self.skip()
        self.origs[orig] = o
        return orig

    def put_cell(self, a: int, v: int) -> None:
        if self.fetch(a) != UNSET:
            raise ForthThrow(E_CONTROL)
        self.patch_word(a, v)

    def cg_resolve(self, orig: int) -> None:
        self.put_cell(orig, self.fhere)
        self.last_target = self.fhere
        o = self.origs.pop(orig, None)
        if o is not None:
            o[2] = self.fhere

    def cg_begin(self) -> int:
        self.thread()
        self.last_target = self.fhere
        return self.fhere

    def _back(self, rt: int, kind: str, dest: int) -> None:
        a = self.op1(rt)
        self.op(a, kind, dest)
        self.comma_word(dest)

    def cg_until(self, dest: int) -> None:
        self._back(self.k.xts["pzbranch"], "br0", dest)

    def cg_again(self, dest: int) -> None:
        self._back(self.k.xts["pbranch"], "br", dest)

    def cg_do(self) -> None:
        a = self.op1(self.k.xts["pdo"])
        self.op(a, "call", self.k.xts["pdo"], 2)
        self.skip()

    def cg_qdo(self) -> int:
        a = self.op1(self.k.xts["pqdo"])
        o = self.op(a, "qdo", None)
        self.qdo_ops[self.skip()] = o
        return 0                                    # no skip branch of its own

    def cg_loop(self, dest: int, plus: bool) -> None:
        self.loop_exit = dest - 2
        self._back(self.k.xts["pplusloop" if plus else "ploop"], "+loop" if plus else "loop", dest)

    def cg_leave(self, chain: int) -> int:
        a = self.op1(self.k.xts["pleave"])
        self.origs[a] = self.op(a, "br", None)     # the shadow: on to the UNLOOP
        self.leave_next[a] = chain
        return a

    def cg_resolve_leaves(self, chain: int) -> None:
        while chain:
            nxt = self.leave_next.pop(chain, 0)
            o = self.origs.pop(chain, None)
            if o is not None:
                o[2] = self.fhere
            chain = nxt

    def cg_unloop(self) -> None:
        a = self.fhere
        self.comma_word(self.k.xts["unloop"])
        self.op(a, "unloop")
        e = self.loop_exit
        if e:
            self.loop_exit = 0
            self.put_cell(e, self.fhere)
            self.last_target = self.fhere
            o = self.qdo_ops.pop(e, None)
            if o is not None:
                o[2] = self.fhere

    def cg_string(self, label: str, text: bytes) -> None:
        self.thread()
        a = self.fhere
        self.cg_call(self.k.xts[label], shadow=False)
        data = self.fhere
        n = len(text) & 0xFF
        self.comma_byte(n)
        for c in text[:n]:
            self.comma_byte(c)
        if self.fhere & 1:
            self.comma_byte(0)
        self.op(a, "str", label, data, n)

    def cg_create_body(self, ram: int) -> None:
        if ram & 1:                                 # the data address is aligned
            ram += 1
            self.here = ram
        self.raw = False
        a = self.fhere
        self.comma_word(OP_CALL)
        self.comma_word(self.k.xts["docreate"])
        self.comma_word(ram)
        self.op(a, "lit", ram)
        self.op(a + 6, "ret")
        self.skip()

    def _created(self, xt: int) -> None:
        if self.fetch(xt) != OP_CALL or self.fetch(xt + 2) != self.k.xts["docreate"]:
            raise ForthThrow(E_BAD_ADDR)

    def cg_does(self, d: Def, code: int) -> None:
        xt = d.xt
        self._created(xt)
        p = xt + 6
        while self.fetch(p) == 0:
            p += 2
        if self.fetch(p) != UNSET:                  # a second DOES>: a new slot
            area = self.area
            self.area = "ghost" if d.ghost else "real"
            try:
                if p + 2 != self.fhere:
                    raise ForthThrow(E_BAD_ADDR)
                self.patch_word(p, 0)
                p = self.skip()
            finally:
                self.area = area
        self.patch_word(p, code)
        for o in reversed(d.ops):                   # the shadow: on at the DOES> code
            if o[1] in ("ret", "jump"):
                o[1:] = ["jump", code]
                break

    def cg_body(self, xt: int) -> int:
        self._created(xt)
        return self.fetch(xt + 4)

    def cg_local(self, op: int, n: int) -> None:
        op &= 0xFF
        n &= 0xFF
        if n >= 61:
            raise ForthThrow(E_RANGE)
        a = self.op1(self.k.xts[("plfetch", "plstore", "pldrop")[op]])
        self.op(a, "local", op, n)
        self.comma_word(2 * n)

    # ================================================================ interp.c
    def header(self, kind: str) -> Def:
        d, key, mode = self.new_def(kind)
        if self.fhere & 1:                          # after an odd FC, code stays even
            self.comma_c(0xFF)
        self.pend = 0
        self.raw = True
        if mode != "bare":
            d.hdr = self.fhere
            for b in (self.latest & 0xFF, self.latest >> 8 & 0xFF, len(key), *key):
                self.comma_c(b)
            if len(key) & 1:
                self.comma_c(0)
            self.comma_c(0xFF)
        d.xt = self.fhere
        self.all_defs.append(d)
        self.by_xt_def[d.xt] = d
        self.current = d
        return d

    def forget_to(self, f: int, latest: int, here: int) -> None:
        super().forget_to(f, latest, here)
        self.pend = 0                               # dict_rollback
        self.raw = False

    def _litword(self, w) -> Optional[int]:
        return self.k.docon_value(w.xt) if w.inline else None

    def _do(self) -> None:                          # a frame of 3 cells, as on the chip
        self.need(2)
        self.rstack.append(0)                       # (the exit address)
        super()._do()

    def _unloop(self) -> None:
        super()._unloop()
        self.rstack.pop()

    def run_word(self, w) -> None:
        if isinstance(w, Def):
            self.pend = 0                           # run(): dict_flush
        self.execute(w.xt)

    def line_done(self) -> None:
        if not self.state:
            self.pend = 0                           # the end of the line: dict_flush

    def ds_cells(self) -> int:
        return self.k.ds_cells

    # ================================================================ results
    def eeprom_record(self) -> bytes:
        """The pointer log's record (info D): sequence 0, fhere, latest, here,
        turnkey, and the check word."""
        vals = [0, self.fh["real"] & 0xFFFF, self.latest & 0xFFFF, self.here & 0xFFFF,
                self.turnkey & 0xFFFF]
        chk = LOG_MAGIC
        for v in vals:
            chk ^= v
        vals.append(chk)
        return b"".join(v.to_bytes(2, "little") for v in vals)

    def eeprom_image(self) -> dict[int, int]:
        return dict(self.eeprom)                    # info B: what E! EC! stored


# ======================================================================
# Kernel words whose meaning differs on the MSP430.
# ======================================================================
_WORDS430 = {}


def word(*names):
    def deco(fn):
        for n in names:
            _WORDS430[n] = fn
        return fn
    return deco


def _align(m):
    m.allot(m.here & 1)


@word(",")
def _comma(m):
    _align(m)
    x = m.pop()
    a = m.here
    m.allot(2)
    if a + 2 <= len(m.ram):
        store_cell(m, a, x)


def _var(m, kind: str, n: int) -> None:
    _align(m)
    d = m.header(kind)
    m.cg_constant(m.here)
    m.reveal(d)
    m.allot(n)


@word("variable")
def _variable(m):
    _var(m, "variable", 2)


@word("2variable")
def _twovariable(m):
    _var(m, "2variable", 4)


@word("begin")
def _begin(m):
    m.need_compiling()
    m.push(m.cg_begin())
    m.push(T_DEST)


@word("j")
def _j(m):
    x, L = m.rstack[-1], m.rstack[-2]
    if any(not isinstance(v, int) for v in (x, L)):
        raise ForthThrow(E_CONTROL)
    m.push((x + L) & 0xFFFF)


__all__ = ["MetaCompiler430"]
