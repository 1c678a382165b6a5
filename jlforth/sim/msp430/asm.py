"""A tiny MSP430 (non-X) instruction encoder for tests and benchmarks.

    assemble('''
        mov #0x400, sp
    loop:
        add.b @r4+, 2(r5)
        jnz loop
    ''', org=0xC000)  -> bytes

Operands: ``rN``/``pc``/``sp``/``sr``/``cg``, ``#imm``, ``&addr``, ``@rN``,
``@rN+``, ``x(rN)``, and a bare label/number for symbolic (PC-relative)
mode.  Immediates use the constant generators where possible unless written
``##imm`` (forces an extension word).  Emulated instructions: nop, ret, pop,
br, clr, inc, incd, dec, decd, tst, inv, rla, rlc, adc, sbc, dadc, setc,
clrc, setz, clrz, setn, clrn, eint, dint.  Directives: ``.word``, ``.org``.
"""
from __future__ import annotations

import re

FMT1 = {'mov': 4, 'add': 5, 'addc': 6, 'subc': 7, 'sub': 8, 'cmp': 9,
        'dadd': 10, 'bit': 11, 'bic': 12, 'bis': 13, 'xor': 14, 'and': 15}
FMT2 = {'rrc': 0, 'swpb': 1, 'rra': 2, 'sxt': 3, 'push': 4, 'call': 5, 'reti': 6}
JUMPS = {'jne': 0, 'jnz': 0, 'jeq': 1, 'jz': 1, 'jnc': 2, 'jlo': 2, 'jc': 3,
         'jhs': 3, 'jn': 4, 'jge': 5, 'jl': 6, 'jmp': 7}
REGNAMES = {'pc': 0, 'sp': 1, 'sr': 2, 'cg': 3}

EMULATED = {
    'nop': ('mov', '#0', 'r3'), 'ret': ('mov', '@sp+', 'pc'),
    'pop': ('mov', '@sp+', None), 'br': ('mov', None, 'pc'),
    'clr': ('mov', '#0', None), 'inc': ('add', '#1', None),
    'incd': ('add', '#2', None), 'dec': ('sub', '#1', None),
    'decd': ('sub', '#2', None), 'tst': ('cmp', '#0', None),
    'inv': ('xor', '#-1', None), 'adc': ('addc', '#0', None),
    'sbc': ('subc', '#0', None), 'dadc': ('dadd', '#0', None),
    'setc': ('bis', '#1', 'sr'), 'clrc': ('bic', '#1', 'sr'),
    'setz': ('bis', '#2', 'sr'), 'clrz': ('bic', '#2', 'sr'),
    'setn': ('bis', '#4', 'sr'), 'clrn': ('bic', '#4', 'sr'),
    'eint': ('bis', '#8', 'sr'), 'dint': ('bic', '#8', 'sr'),
}


class AsmError(ValueError):
    pass


def reg(name):
    name = name.lower()
    if name in REGNAMES:
        return REGNAMES[name]
    m = re.fullmatch(r'r(\d+)', name)
    if not m or int(m.group(1)) > 15:
        raise AsmError(f"bad register {name!r}")
    return int(m.group(1))


def src_mode(spec, bw, pc_ext, use_cg=True):
    """Encode a source operand.  ``spec`` is a tuple:
    ('r', n) | ('idx', n, x) | ('sym', addr) | ('abs', addr) | ('ind', n) |
    ('inc', n) | ('imm', v).  ``pc_ext``: address its extension word would
    have.  Returns (As, reg, [ext words])."""
    kind = spec[0]
    if kind == 'r':
        return 0, spec[1], []
    if kind == 'idx':
        return 1, spec[1], [spec[2] & 0xFFFF]
    if kind == 'sym':
        return 1, 0, [(spec[1] - pc_ext) & 0xFFFF]
    if kind == 'abs':
        return 1, 2, [spec[1] & 0xFFFF]
    if kind == 'ind':
        return 2, spec[1], []
    if kind == 'inc':
        return 3, spec[1], []
    if kind in ('imm', 'imm!'):
        v = spec[1] & 0xFFFF
        if kind == 'imm' and use_cg:
            full = 0xFF if bw else 0xFFFF
            cg = {0: (0, 3), 1: (1, 3), 2: (2, 3), 4: (2, 2), 8: (3, 2)}
            if v in cg:
                As, r = cg[v]
                return As, r, []
            if v & full == full and (v == 0xFFFF or bw):
                return 3, 3, []
        return 3, 0, [v]
    raise AsmError(f"bad source operand {spec!r}")


def dst_mode(spec, pc_ext):
    kind = spec[0]
    if kind == 'r':
        return 0, spec[1], []
    if kind == 'idx':
        return 1, spec[1], [spec[2] & 0xFFFF]
    if kind == 'sym':
        return 1, 0, [(spec[1] - pc_ext) & 0xFFFF]
    if kind == 'abs':
        return 1, 2, [spec[1] & 0xFFFF]
    raise AsmError(f"bad destination operand {spec!r}")


def enc1(op, src, dst, bw=False, pc=0, use_cg=True):
    """Format I instruction -> list of words."""
    As, sr, sext = src_mode(src, bw, pc + 2, use_cg)
    Ad, dr, dext = dst_mode(dst, pc + 2 + 2 * len(sext))
    w = op << 12 | sr << 8 | Ad << 7 | int(bool(bw)) << 6 | As << 4 | dr
    return [w] + sext + dext


def enc2(op, operand=None, bw=False, pc=0, use_cg=True):
    """Format II instruction -> list of words."""
    if op == 6:
        return [0x1300]
    As, r, ext = src_mode(operand, bw, pc + 2, use_cg)
    return [0x1000 | op << 7 | int(bool(bw)) << 6 | As << 4 | r] + ext


def encj(cond, target, pc):
    off = target - (pc + 2)
    if off & 1 or not -1024 <= off // 2 <= 511:
        raise AsmError(f"jump target {target:#x} out of range from {pc:#x}")
    return [0x2000 | cond << 10 | ((off // 2) & 0x3FF)]


# ---------------------------------------------------------------------------
# text assembler

def _term(text, labels):
    text = text.strip()
    m = re.fullmatch(r"'(.)'", text)
    if m:
        return ord(m.group(1))
    try:
        return int(text, 0)
    except ValueError:
        pass
    if re.fullmatch(r'[A-Za-z_.$][\w.$]*', text) and labels is not None:
        if text not in labels:
            raise KeyError(text)
        return labels[text]
    raise AsmError(f"bad number {text!r}")


def _num(text, labels):
    """A number, character, label, or a sum/difference of those."""
    text = text.strip()
    if text.startswith("'"):
        return _term(text, labels)
    parts = re.split(r'(?<=[\w.$\s])\s*([+-])\s*', text)
    if text.startswith('-'):
        parts = re.split(r'(?<=[\w.$\s])\s*([+-])\s*', text[1:])
        parts[0] = '-' + parts[0]
    v = _term(parts[0], labels) if not parts[0].startswith('-') else -_term(parts[0][1:], labels)
    for op, t in zip(parts[1::2], parts[2::2]):
        v = v + _term(t, labels) if op == '+' else v - _term(t, labels)
    return v


def parse_operand(text, labels):
    t = text.strip()
    tl = t.lower()
    if tl.startswith('##'):
        return ('imm!', _num(t[2:], labels))
    if tl.startswith('#'):
        return ('imm', _num(t[1:], labels))
    if tl.startswith('&'):
        return ('abs', _num(t[1:], labels))
    if tl.startswith('@'):
        if tl.endswith('+'):
            return ('inc', reg(tl[1:-1]))
        return ('ind', reg(tl[1:]))
    m = re.fullmatch(r'(.*)\((\w+)\)', t)
    if m:
        return ('idx', reg(m.group(2)), _num(m.group(1) or '0', labels))
    try:
        return ('r', reg(tl))
    except AsmError:
        return ('sym', _num(t, labels))


def _split_operands(s):
    return [x.strip() for x in s.split(',')] if s.strip() else []


def _encode_line(mn, ops, pc, labels):
    bw = False
    if mn.endswith('.b'):
        bw, mn = True, mn[:-2]
    elif mn.endswith('.w'):
        mn = mn[:-2]
    if mn in EMULATED:
        base, s, d = EMULATED[mn]
        if s is None:
            s, d = ops[0], d
        elif d is None:
            d = ops[0]
        mn, ops = base, [s, d]
    if mn in FMT1:
        return enc1(FMT1[mn], parse_operand(ops[0], labels),
                    parse_operand(ops[1], labels), bw, pc)
    if mn in FMT2:
        if mn == 'reti':
            return [0x1300]
        return enc2(FMT2[mn], parse_operand(ops[0], labels), bw, pc)
    if mn in JUMPS:
        return encj(JUMPS[mn], _num(ops[0], labels), pc)
    if mn == '.word':
        return [_num(o, labels) & 0xFFFF for o in ops]
    raise AsmError(f"unknown mnemonic {mn!r}")


def assemble(text, org=0xC000):
    """Two-pass assembly; returns bytes starting at ``org`` (``.org`` may
    only move forward; gaps are filled with 0xFF)."""
    lines = []
    local = {}                      # numeric local labels: N: / Nb / Nf
    for raw in text.splitlines():
        line = raw.split(';')[0].strip()
        while True:
            m = re.match(r'([A-Za-z_.$][\w.$]*|\d+):\s*', line)
            if not m:
                break
            name = m.group(1)
            if name.isdigit():
                local[name] = local.get(name, 0) + 1
                name = f".L{name}_{local[name]}"
            lines.append(('label', name))
            line = line[m.end():]
        line = re.sub(r'\b(\d+)([bf])\b',
                      lambda m: f".L{m.group(1)}_{local.get(m.group(1), 0) + (m.group(2) == 'f')}",
                      line)
        if line:
            parts = line.split(None, 1)
            lines.append(('insn', parts[0].lower(), _split_operands(parts[1] if len(parts) > 1 else '')))
    labels = {}
    for final in (False, True):
        # first pass: unknown labels stand for a value that needs an
        # extension word, so instruction lengths do not change
        known = labels if final else _Pass1(labels)
        pc = org
        out = {}
        for item in lines:
            if item[0] == 'label':
                labels[item[1]] = pc
                continue
            _, mn, ops = item
            if mn == '.org':
                pc = _num(ops[0], known)
                continue
            try:
                words = _encode_line(mn, ops, pc, known)
            except KeyError as e:
                raise AsmError(f"undefined label {e}") from None
            except AsmError:
                if final:
                    raise
                words = [0] * (1 if mn in JUMPS else 3)
            for w in words:
                out[pc] = w & 0xFF
                out[pc + 1] = w >> 8
                pc += 2
    if not out:
        return b'', labels
    end = max(out) + 1
    return bytes(out.get(a, 0xFF) for a in range(org, end)), labels


class _Pass1(dict):
    def __init__(self, real):
        super().__init__()
        self.real = real

    def __contains__(self, k):
        return True

    def __getitem__(self, k):
        return self.real.get(k, 0x1234)


def assemble_bytes(text, org=0xC000):
    return assemble(text, org)[0]
