"""MSP430 (non-X) instruction decoder.

Each instruction is decoded once into a specialised Python closure that
executes it and returns its cycle count.  The closures are generated from
small source templates (one compiled *factory* per instruction shape: opcode,
byte/word, source kind, destination kind), so the per-instruction work at run
time is only the operation itself.

Cycle counts follow the MSP430x2xx Family User's Guide (SLAU144), tables
"Format-II instruction cycles and lengths" and "Format-I instruction cycles
and lengths"; jumps take 2 cycles.  Constant-generator operands count as
register operands.
"""
from __future__ import annotations

# ---------------------------------------------------------------------------
# cycle tables (SLAU144).  Source classes: 'Rn' (register or constant
# generator), '@Rn', '@Rn+', '#N', 'x(Rn)' (indexed, symbolic or absolute).
# Destination classes: 'Rm', 'PC', 'mem' (indexed, symbolic or absolute).
FMT1_CYCLES = {
    ('Rn', 'Rm'): 1, ('Rn', 'PC'): 2, ('Rn', 'mem'): 4,
    ('@Rn', 'Rm'): 2, ('@Rn', 'PC'): 2, ('@Rn', 'mem'): 5,
    ('@Rn+', 'Rm'): 2, ('@Rn+', 'PC'): 3, ('@Rn+', 'mem'): 5,
    ('#N', 'Rm'): 2, ('#N', 'PC'): 3, ('#N', 'mem'): 5,
    ('x(Rn)', 'Rm'): 3, ('x(Rn)', 'PC'): 3, ('x(Rn)', 'mem'): 6,
}
# (RRA/RRC/SWPB/SXT, PUSH, CALL); '#N' is not defined for RRx/SWPB/SXT.
FMT2_CYCLES = {
    'Rn': (1, 3, 4), '@Rn': (3, 4, 4), '@Rn+': (3, 5, 5),
    '#N': (3, 4, 5), 'x(Rn)': (4, 5, 5),
}
JUMP_CYCLES = 2
INTERRUPT_CYCLES = 6
RETI_CYCLES = 5

FMT1_NAMES = {4: 'mov', 5: 'add', 6: 'addc', 7: 'subc', 8: 'sub', 9: 'cmp',
              10: 'dadd', 11: 'bit', 12: 'bic', 13: 'bis', 14: 'xor', 15: 'and'}
FMT2_NAMES = ('rrc', 'swpb', 'rra', 'sxt', 'push', 'call', 'reti')
JUMP_NAMES = ('jne', 'jeq', 'jnc', 'jc', 'jn', 'jge', 'jl', 'jmp')


class IllegalInstruction(Exception):
    pass


def dadd(s, d, c, digits):
    """Decimal add of ``digits`` BCD digits; returns (result, carry)."""
    res = 0
    for i in range(0, 4 * digits, 4):
        x = (s >> i & 15) + (d >> i & 15) + c
        if x > 9:
            x -= 10
            c = 1
        else:
            c = 0
        res |= (x & 15) << i
    return res, c


# ---------------------------------------------------------------------------
# source-text generation

def _read_generic(var, addr, bw):
    if bw:
        return f"{var} = mem[{addr}] if {addr} >= 512 else rd8({addr})"
    return (f"{var} = (mem[{addr} & 65534] | mem[{addr} | 1] << 8) "
            f"if {addr} >= 512 else rd16({addr})")


def _src_lines(kind, bw):
    """Lines that leave the source operand in ``s`` (params SA, SB)."""
    if kind == 'reg':
        return ["s = R[SA] & 255" if bw else "s = R[SA]"]
    if kind == 'const':
        return ["s = SA"]
    if kind == 'absm':
        return ["s = mem[SA]" if bw else "s = mem[SA] | mem[SB] << 8"]
    if kind == 'absio':
        return ["s = rd8(SA)" if bw else "s = rd16(SA)"]
    if kind == 'idx':
        return ["a = (R[SA] + SB) & 65535", _read_generic('s', 'a', bw)]
    if kind == 'ind':
        return ["a = R[SA]", _read_generic('s', 'a', bw)]
    if kind == 'inc':
        return ["a = R[SA]", "R[SA] = (a + SB) & 65535", _read_generic('s', 'a', bw)]
    raise ValueError(kind)


def _dst_read_lines(kind, bw):
    if kind == 'reg':
        return ["d = R[DA] & 255" if bw else "d = R[DA]"]
    if kind == 'pc':
        return ["d = NEXT & 255" if bw else "d = NEXT"]
    if kind == 'sr':
        return ["d = R[2] & 255" if bw else "d = R[2]"]
    if kind == 'cg':
        return ["d = 0"]
    if kind == 'absm':
        return ["d = mem[DA]" if bw else "d = mem[DA] | mem[DB] << 8"]
    if kind == 'absio':
        return ["d = rd8(DA)" if bw else "d = rd16(DA)"]
    if kind == 'idx':
        return [_read_generic('d', 'b', bw)]
    raise ValueError(kind)


def _dst_addr_lines(kind):
    return ["b = (R[DA] + DB) & 65535"] if kind == 'idx' else []


def _dst_write_lines(kind, bw):
    w = 'wr8' if bw else 'wr16'
    if kind == 'reg':
        return ["R[DA] = res"]
    if kind == 'pc':
        return ["R[0] = res & 65534"]
    if kind == 'sr':
        return ["srw(res)"]
    if kind == 'cg':
        return []
    if kind in ('absm', 'absio'):
        return [f"{w}(DA, res)"]
    if kind == 'idx':
        return [f"{w}(b, res)"]
    raise ValueError(kind)


def _flags_arith(bw):
    if bw:
        return ("R[2] = R[2] & 65272 | t >> 8 | (0 if res else 2) | res >> 5 & 4"
                " | ((s ^ res) & (d ^ res)) << 1 & 256")
    return ("R[2] = R[2] & 65272 | t >> 16 | (0 if res else 2) | res >> 13 & 4"
            " | ((s ^ res) & (d ^ res)) >> 7 & 256")


def _flags_logic(bw):
    return f"R[2] = R[2] & 65272 | (1 if res else 2) | res >> {5 if bw else 13} & 4"


def _fmt1_op_lines(op, bw):
    M = 255 if bw else 65535
    if op == 4:
        return ["res = s"]
    if op in (5, 6):
        carry = " + (R[2] & 1)" if op == 6 else ""
        return [f"t = s + d{carry}", f"res = t & {M}", _flags_arith(bw)]
    if op in (7, 8, 9):
        carry = " + (R[2] & 1)" if op == 7 else " + 1"
        return [f"s ^= {M}", f"t = s + d{carry}", f"res = t & {M}", _flags_arith(bw)]
    if op == 10:
        n = 2 if bw else 4
        sh = 5 if bw else 13
        return [f"res, c = dadd(s, d, R[2] & 1, {n})",
                f"R[2] = R[2] & 65272 | c | (0 if res else 2) | res >> {sh} & 4"]
    if op in (11, 15):
        return ["res = s & d", _flags_logic(bw)]
    if op == 12:
        return [f"res = d & (s ^ {M})"]
    if op == 13:
        return ["res = d | s"]
    if op == 14:
        v = "(s & d) << 1 & 256" if bw else "(s & d) >> 7 & 256"
        return ["res = s ^ d", _flags_logic(bw) + " | " + v]
    raise ValueError(op)


_ENV_NAMES = ('R', 'mem', 'rd8', 'rd16', 'wr8', 'wr16', 'srw', 'dadd')
_PARAMS = ('SA', 'SB', 'DA', 'DB', 'NEXT', 'CYC')


def _compile(key, body):
    args = ', '.join(_ENV_NAMES + _PARAMS)
    src = f"def factory({args}):\n    def f():\n"
    src += ''.join(f"        {line}\n" for line in body)
    src += "    return f\n"
    ns = {}
    exec(compile(src, f"<msp430:{key}>", 'exec'), ns)
    factory = ns['factory']
    factory.source = src
    return factory


def fmt1_body(op, bw, skind, dkind):
    body = list(_src_lines(skind, bw))
    body += _dst_addr_lines(dkind)
    if op != 4:
        body += _dst_read_lines(dkind, bw)
    body += _fmt1_op_lines(op, bw)
    if op not in (9, 11):
        body += _dst_write_lines(dkind, bw)
    if not (dkind == 'pc' and op not in (9, 11)):
        body.append("R[0] = NEXT")
    body.append("return CYC")
    return body


def fmt2_body(op, bw, kind):
    """Format II.  ``kind`` is the operand kind; for RRC/RRA/SWPB/SXT the
    operand is read and written back to the same place."""
    if op == 6:   # RETI
        return ["a = R[1]",
                "v = rd16(a)",
                "R[0] = rd16((a + 2) & 65535) & 65534",
                "R[1] = (a + 4) & 65535",
                "srw(v, False)",
                "return CYC"]
    body = list(_src_lines(kind, bw))
    if op == 4:   # PUSH
        body += ["sp = (R[1] - 2) & 65535", "R[1] = sp",
                 "wr8(sp, s)" if bw else "wr16(sp, s)",
                 "R[0] = NEXT", "return CYC"]
        return body
    if op == 5:   # CALL
        body += ["sp = (R[1] - 2) & 65535", "R[1] = sp", "wr16(sp, NEXT)",
                 "R[0] = s & 65534", "return CYC"]
        return body
    d = 'd'
    body.append("d = s")
    if op == 0:   # RRC
        top = 7 if bw else 15
        sh = 5 if bw else 13
        body += [f"res = d >> 1 | (R[2] & 1) << {top}",
                 f"R[2] = R[2] & 65272 | d & 1 | (0 if res else 2) | res >> {sh} & 4"]
    elif op == 2:  # RRA
        top = 128 if bw else 32768
        sh = 5 if bw else 13
        body += [f"res = d >> 1 | d & {top}",
                 f"R[2] = R[2] & 65272 | d & 1 | (0 if res else 2) | res >> {sh} & 4"]
    elif op == 1:  # SWPB
        body += ["res = d >> 8 | (d & 255) << 8"]
    elif op == 3:  # SXT
        body += ["res = (d | 65280) if d & 128 else d & 255",
                 _flags_logic(False)]
    del d
    # write back
    w = 'wr8' if bw and op != 1 else 'wr16'
    if kind == 'reg':
        body.append("WRITEBACK_REG")
    elif kind == 'const':
        pass
    elif kind in ('absm', 'absio'):
        body.append(f"{w}(SA, res)")
    elif kind in ('idx', 'ind', 'inc'):
        body.append(f"{w}(a, res)")
    body += ["R[0] = NEXT", "return CYC"]
    return body


# ---------------------------------------------------------------------------

class Decoder:
    """Decodes instructions from ``mem`` into closures bound to ``env``."""

    def __init__(self, env):
        self.env = env            # dict with the _ENV_NAMES entries + 'idle', 'illegal'
        self.envargs = tuple(env[n] for n in _ENV_NAMES)
        self.factories = {}
        self.mem = env['mem']

    def word(self, a):
        a &= 0xFFFF
        return self.mem[a] | self.mem[(a + 1) & 0xFFFF] << 8

    def _factory(self, key, body_fn, *args):
        f = self.factories.get(key)
        if f is None:
            body = body_fn(*args)
            f = self.factories[key] = _compile(key, body)
        return f

    # operand decoding ------------------------------------------------------
    def src(self, As, r, bw, p):
        """Returns (kind, SA, SB, class, p, text)."""
        mask = 0xFF if bw else 0xFFFF
        if r == 3:
            v = (0, 1, 2, 0xFFFF)[As] & mask
            return 'const', v, 0, 'Rn', p, f"#{v}"
        if r == 2 and As >= 2:
            v = 4 if As == 2 else 8
            return 'const', v, 0, 'Rn', p, f"#{v}"
        if As == 0:
            if r == 0:
                return 'const', (p & mask), 0, 'Rn', p, "pc"
            return 'reg', r, 0, 'Rn', p, f"r{r}"
        if As == 1:
            x = self.word(p)
            q = p
            p = (p + 2) & 0xFFFF
            if r == 0:
                addr = (q + x) & 0xFFFF
            elif r == 2:
                addr = x
            else:
                return 'idx', r, x, 'x(Rn)', p, f"{x:#x}(r{r})"
            if not bw:
                addr &= 0xFFFE
            kind = 'absm' if addr >= 0x200 else 'absio'
            return kind, addr, (addr + 1) & 0xFFFF, 'x(Rn)', p, f"&{addr:#x}"
        if As == 2:
            return 'ind', r, 0, '@Rn', p, f"@r{r}"
        if r == 0:
            v = self.word(p) & mask
            p = (p + 2) & 0xFFFF
            return 'const', v, 0, '#N', p, f"#{v:#x}"
        inc = 2 if (not bw or r == 1) else 1
        return 'inc', r, inc, '@Rn+', p, f"@r{r}+"

    def dst(self, Ad, r, bw, p):
        """Returns (kind, DA, DB, class, p, text)."""
        if Ad == 0:
            if r == 0:
                return 'pc', 0, 0, 'PC', p, "pc"
            if r == 2:
                return 'sr', 2, 0, 'Rm', p, "sr"
            if r == 3:
                return 'cg', 3, 0, 'Rm', p, "r3"
            return 'reg', r, 0, 'Rm', p, f"r{r}"
        y = self.word(p)
        q = p
        p = (p + 2) & 0xFFFF
        if r == 0:
            addr = (q + y) & 0xFFFF
        elif r in (2, 3):
            addr = y
        else:
            return 'idx', r, y, 'mem', p, f"{y:#x}(r{r})"
        if not bw:
            addr &= 0xFFFE
        kind = 'absm' if addr >= 0x200 else 'absio'
        return kind, addr, (addr + 1) & 0xFFFF, 'mem', p, f"&{addr:#x}"

    # ------------------------------------------------------------------------
    def decode(self, pc):
        """Returns (closure, length_in_bytes, cycles, text)."""
        w = self.word(pc)
        top = w >> 12
        p = (pc + 2) & 0xFFFF
        if top >= 4:
            op = top
            sr = (w >> 8) & 15
            Ad = (w >> 7) & 1
            bw = (w >> 6) & 1
            As = (w >> 4) & 3
            dr = w & 15
            sk, SA, SB, scls, p, stext = self.src(As, sr, bw, p)
            dk, DA, DB, dcls, p, dtext = self.dst(Ad, dr, bw, p)
            cyc = FMT1_CYCLES[(scls, dcls)]
            key = ('f1', op, bw, sk, dk)
            fac = self._factory(key, fmt1_body, op, bw, sk, dk)
            f = fac(*self.envargs, SA, SB, DA, DB, p, cyc)
            text = f"{FMT1_NAMES[op]}{'.b' if bw else ''} {stext}, {dtext}"
            return f, (p - pc) & 0xFFFF, cyc, text
        if top >= 2:
            cond = (w >> 10) & 7
            off = w & 0x3FF
            if off & 0x200:
                off -= 0x400
            target = (pc + 2 + 2 * off) & 0xFFFF
            text = f"{JUMP_NAMES[cond]} {target:#06x}"
            if cond == 7 and target == pc:
                return self.env['idle'](pc), 2, JUMP_CYCLES, text
            f = self._jump(cond, target, p)
            return f, 2, JUMP_CYCLES, text
        if top == 1 and (w >> 10) & 3 == 0:
            op = (w >> 7) & 7
            if op == 7:
                return self._illegal(pc, w)
            bw = (w >> 6) & 1
            As = (w >> 4) & 3
            r = w & 15
            if op == 6:
                fac = self._factory(('f2', 6), fmt2_body, 6, 0, None)
                f = fac(*self.envargs, 0, 0, 0, 0, p, RETI_CYCLES)
                return f, 2, RETI_CYCLES, "reti"
            if op in (1, 3, 5):
                bw = 0          # swpb, sxt, call are word-only
            kind, SA, SB, cls, p, text = self.src(As, r, bw, p)
            cyc = FMT2_CYCLES[cls][{0: 0, 1: 0, 2: 0, 3: 0, 4: 1, 5: 2}[op]]
            wb_kind = kind
            if op in (0, 1, 2, 3) and kind == 'reg' and r in (0, 2):
                wb_kind = 'reg' + str(r)
            key = ('f2', op, bw, wb_kind)
            fac = self._factory(key, self._fmt2_src, op, bw, kind, wb_kind)
            f = fac(*self.envargs, SA, SB, 0, 0, p, cyc)
            return f, (p - pc) & 0xFFFF, cyc, f"{FMT2_NAMES[op]}{'.b' if bw else ''} {text}"
        return self._illegal(pc, w)

    @staticmethod
    def _fmt2_src(op, bw, kind, wb_kind):
        body = fmt2_body(op, bw, kind)
        out = []
        for line in body:
            if line == "WRITEBACK_REG":
                if wb_kind == 'reg0':
                    out.append("R[0] = res & 65534")
                    out.append("return CYC")
                    return out
                elif wb_kind == 'reg2':
                    out.append("srw(res)")
                else:
                    out.append("R[SA] = res")
            else:
                out.append(line)
        return out

    def _jump(self, cond, T, N):
        R = self.env['R']
        if cond == 0:
            def f():
                R[0] = N if R[2] & 2 else T
                return 2
        elif cond == 1:
            def f():
                R[0] = T if R[2] & 2 else N
                return 2
        elif cond == 2:
            def f():
                R[0] = N if R[2] & 1 else T
                return 2
        elif cond == 3:
            def f():
                R[0] = T if R[2] & 1 else N
                return 2
        elif cond == 4:
            def f():
                R[0] = T if R[2] & 4 else N
                return 2
        elif cond == 5:
            def f():
                sr = R[2]
                R[0] = N if (sr >> 2 ^ sr >> 8) & 1 else T
                return 2
        elif cond == 6:
            def f():
                sr = R[2]
                R[0] = T if (sr >> 2 ^ sr >> 8) & 1 else N
                return 2
        else:
            def f():
                R[0] = T
                return 2
        return f

    def _illegal(self, pc, w):
        f = self.env['illegal'](pc, w)
        return f, 2, 1, f".word {w:#06x}"


def disassemble(mem, pc):
    """Text of the instruction at ``pc`` (for traces and error messages)."""
    env = {n: None for n in _ENV_NAMES}
    env['R'] = [0] * 16
    env['mem'] = mem
    env['idle'] = lambda pc: None
    env['illegal'] = lambda pc, w: None
    try:
        _, length, _, text = Decoder(env).decode(pc)
    except Exception as e:   # pragma: no cover
        return f"?? ({e})", 2
    return text, length
