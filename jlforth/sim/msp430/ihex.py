"""Minimal Intel HEX reader/writer (record types 00, 01, 02, 03, 04, 05)."""
from __future__ import annotations


class HexError(ValueError):
    pass


def parse_hex(text):
    """Returns {address: byte}."""
    image = {}
    base = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if not line.startswith(':'):
            raise HexError(f"line {lineno}: missing ':'")
        try:
            raw = bytes.fromhex(line[1:])
        except ValueError:
            raise HexError(f"line {lineno}: bad hex digits") from None
        if len(raw) < 5 or len(raw) != raw[0] + 5:
            raise HexError(f"line {lineno}: bad length")
        if sum(raw) & 0xFF:
            raise HexError(f"line {lineno}: bad checksum")
        addr, rtype, data = raw[1] << 8 | raw[2], raw[3], raw[4:-1]
        if rtype == 0:
            for i, b in enumerate(data):
                image[base + addr + i] = b
        elif rtype == 1:
            break
        elif rtype == 2:
            base = (data[0] << 8 | data[1]) << 4
        elif rtype == 4:
            base = (data[0] << 8 | data[1]) << 16
        elif rtype in (3, 5):
            pass
        else:
            raise HexError(f"line {lineno}: unknown record type {rtype}")
    return image


def read_hex(path):
    with open(path) as fh:
        return parse_hex(fh.read())


def format_hex(image, width=16):
    """{address: byte} -> Intel HEX text (16-bit addresses)."""
    lines = []
    addrs = sorted(image)
    i = 0
    while i < len(addrs):
        start = addrs[i]
        chunk = [image[start]]
        i += 1
        while (i < len(addrs) and addrs[i] == start + len(chunk)
               and len(chunk) < width and (addrs[i] & 0xFFFF) != 0):
            chunk.append(image[addrs[i]])
            i += 1
        rec = bytes([len(chunk), (start >> 8) & 0xFF, start & 0xFF, 0]) + bytes(chunk)
        rec += bytes([(-sum(rec)) & 0xFF])
        lines.append(':' + rec.hex().upper())
    lines.append(':00000001FF')
    return '\n'.join(lines) + '\n'
