#!/usr/bin/env python3
"""Build the simulator's test firmware: tools/msp430/*.S -> OUTDIR/*.hex.

Needs clang (msp430 target), ld.lld and llvm-objcopy.
Usage: build.py [OUTDIR] [NAME...]
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def have_toolchain():
    return all(shutil.which(t) for t in ('clang', 'ld.lld', 'llvm-objcopy'))


def build(name, outdir):
    src = os.path.join(HERE, name + '.S')
    obj = os.path.join(outdir, name + '.o')
    elf = os.path.join(outdir, name + '.elf')
    hexf = os.path.join(outdir, name + '.hex')
    subprocess.run(['clang', '--target=msp430', '-mmcu=msp430g2553', '-ffreestanding',
                    '-nostdlib', '-I', HERE, '-c', src, '-o', obj], check=True)
    subprocess.run(['ld.lld', '-n', '-T', os.path.join(HERE, 'link.ld'), obj, '-o', elf],
                   check=True)
    subprocess.run(['llvm-objcopy', '-O', 'ihex', elf, hexf], check=True)
    return hexf


def all_names():
    return sorted(f[:-2] for f in os.listdir(HERE) if f.endswith('.S'))


def main(argv):
    outdir = argv[1] if len(argv) > 1 else os.path.join(HERE, 'build')
    os.makedirs(outdir, exist_ok=True)
    for name in (argv[2:] or all_names()):
        print(build(name, outdir))


if __name__ == '__main__':
    main(sys.argv)
