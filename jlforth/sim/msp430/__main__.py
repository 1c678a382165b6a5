"""Command line: a simulated MSP430G2553 LaunchPad bridged to a pty.

    python -m jlforth.sim.msp430 FIRMWARE.hex [--pty|--tcp PORT|--stdio] ...
    python -m jlforth.sim.msp430 --bench

Same protocol as tools/simboard (the AVR harness): status lines
``PTY <path>`` / ``TCP 127.0.0.1:<port>``, ``READY``, ``RESET cycles=N``,
``DUMPED``, ``EXIT <reason> cycles=N``; ``MARK <value> <cycle>`` lines on the
marker stream.  SIGUSR1 = reset button, SIGUSR2 = write dumps/state,
SIGTERM/SIGINT/SIGHUP = save and exit.
"""
from __future__ import annotations

import argparse
import errno
import fcntl
import os
import select
import signal
import socket
import sys
import termios
import time
import tty

from .sim import Msp430Sim, SimError

EXIT_STATUS = {'done': 0, 'crashed': 2, 'timeout': 3, 'max-cycles': 4,
               'hangup': 0, 'term': 0}
SLICE = 20_000          # cycles between host polls while the CPU is busy
OUT_HIGH_WATER = 64 * 1024


def parse_args(argv):
    ap = argparse.ArgumentParser(prog='python -m jlforth.sim.msp430',
                                 description='Simulated MSP430G2553 (LaunchPad) with its UART on a pty.')
    ap.add_argument('firmware', nargs='?', help='Intel HEX (or ELF) image')
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument('--pty', action='store_true', help='bridge the UART to a new pty (default)')
    mode.add_argument('--tcp', type=int, metavar='PORT', help='listen on 127.0.0.1:PORT (0 = any)')
    mode.add_argument('--stdio', action='store_true', help='stdin -> UART -> stdout; status on stderr')
    ap.add_argument('-f', '--freq', type=float, default=None,
                    help='MCLK in Hz for time conversions (default: from the DCO settings; '
                         'the 16 MHz calibration constants give 16 MHz)')
    ap.add_argument('--state', metavar='DIR',
                    help='DIR/flash.bin and DIR/info.bin replace the image at start (if present) '
                         'and are written at exit')
    ap.add_argument('--dump-flash', metavar='FILE', help='main flash image, written at exit and on SIGUSR2')
    ap.add_argument('--dump-info', metavar='FILE', help='info flash image, written at exit and on SIGUSR2')
    ap.add_argument('--markers', metavar='FILE', help='where MARK lines go (default stderr)')
    ap.add_argument('--timeout', type=float, default=None, metavar='S', help='wall-clock limit (exit 3)')
    ap.add_argument('--max-cycles', type=int, default=None, metavar='N', help='cycle limit (exit 4)')
    wf = ap.add_mutually_exclusive_group()
    wf.add_argument('--wait-first-byte', dest='wait_first_byte', action='store_true', default=True,
                    help='hold the CPU until the host sends its first byte (default)')
    wf.add_argument('--no-wait-first-byte', dest='wait_first_byte', action='store_false',
                    help='start the CPU at once')
    ap.add_argument('--realtime', action='store_true',
                    help='never run faster than the real chip (default: only idle time is paced)')
    ap.add_argument('--fast-idle', action='store_true',
                    help='do not pace idle time while a UART frame is in flight (a host line '
                         'and its answer take simulated time only)')
    ap.add_argument('--die-with-parent', action='store_true',
                    help='treat the death of the parent process like SIGTERM')
    ap.add_argument('--bench', action='store_true', help='measure simulated instructions per second')
    ap.add_argument('--bench-seconds', type=float, default=3.0)
    args = ap.parse_args(argv)
    if not args.bench and not args.firmware:
        ap.error('FIRMWARE is required')
    return args


class Harness:
    def __init__(self, args):
        self.args = args
        self.status = sys.stderr if args.stdio else sys.stdout
        self.sim = Msp430Sim(clock_hz=args.freq)
        self.outbuf = bytearray()
        self.flags = set()
        self.in_fd = None           # where host bytes come from
        self.out_fd = None          # where UART output goes
        self.listen = None
        self.slave_fd = None
        self.stdin_eof = False
        self.eof_cycle = None
        self.started = not args.wait_first_byte
        if args.markers:
            self.mark_stream = open(args.markers, 'w', buffering=1)
        else:
            self.mark_stream = sys.stderr
        self.sim.on_marker = self._marker
        self.sim.on_tx = self.outbuf.append

    # ------------------------------------------------------------------
    def say(self, line):
        self.status.write(line + '\n')
        self.status.flush()

    def _marker(self, value, cycle):
        self.mark_stream.write(f"MARK {value} {cycle}\n")
        self.mark_stream.flush()

    def load(self):
        a = self.args
        self.sim.load(a.firmware, reset=False)
        if a.state:
            os.makedirs(a.state, exist_ok=True)
            fp = os.path.join(a.state, 'flash.bin')
            ip = os.path.join(a.state, 'info.bin')
            if os.path.exists(fp):
                self.sim.load_flash(fp)
            if os.path.exists(ip):
                self.sim.load_info(ip)
        self.sim.reset()

    def save(self):
        a = self.args
        if a.dump_flash:
            self.sim.save_flash(a.dump_flash)
        if a.dump_info:
            self.sim.save_info(a.dump_info)
        if a.state:
            os.makedirs(a.state, exist_ok=True)
            self.sim.save_flash(os.path.join(a.state, 'flash.bin'))
            self.sim.save_info(os.path.join(a.state, 'info.bin'))

    # ------------------------------------------------------------------
    def open_bridge(self):
        a = self.args
        if a.stdio:
            self.in_fd, self.out_fd = sys.stdin.fileno(), sys.stdout.fileno()
        elif a.tcp is not None:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('127.0.0.1', a.tcp))
            s.listen(1)
            self.listen = s
            self.say(f"TCP 127.0.0.1:{s.getsockname()[1]}")
        else:
            master, slave = os.openpty()
            tty.setraw(slave)
            attrs = termios.tcgetattr(slave)
            attrs[3] &= ~termios.ECHO
            termios.tcsetattr(slave, termios.TCSANOW, attrs)
            self.slave_fd = slave          # kept open: clients may reopen the port
            self.in_fd = self.out_fd = master
            self.say(f"PTY {os.ttyname(slave)}")
        for fd in (self.in_fd, self.out_fd):
            if fd is not None:
                os.set_blocking(fd, False)

    def install_signals(self):
        rfd, wfd = os.pipe()
        os.set_blocking(rfd, False)
        os.set_blocking(wfd, False)
        self.wake_fd = rfd
        signal.set_wakeup_fd(wfd)
        names = {signal.SIGUSR1: 'reset', signal.SIGUSR2: 'dump', signal.SIGTERM: 'term',
                 signal.SIGINT: 'term', signal.SIGHUP: 'term'}
        for sig, name in names.items():
            signal.signal(sig, lambda s, f, n=name: self.flags.add(n))
        if self.args.die_with_parent:
            try:
                import ctypes
                libc = ctypes.CDLL(None, use_errno=True)
                libc.prctl(1, signal.SIGTERM)      # PR_SET_PDEATHSIG
            except Exception:
                pass

    # ------------------------------------------------------------------
    def handle_flags(self):
        if not self.flags:
            return None
        flags, self.flags = self.flags, set()
        if 'term' in flags:
            return 'term'
        if 'reset' in flags:
            self.sim.reset()
            self.started = True
            self.say(f"RESET cycles={self.sim.cycles}")
        if 'dump' in flags:
            self.save()
            self.say("DUMPED")
        return None

    def read_host(self, timeout):
        """Wait up to ``timeout`` s (0: poll) for host input or a signal."""
        fds = [self.wake_fd]
        if self.listen is not None and self.in_fd is None:
            fds.append(self.listen)
        elif self.in_fd is not None and not self.stdin_eof:
            fds.append(self.in_fd)
        wfds = [self.out_fd] if self.outbuf and self.out_fd is not None else []
        try:
            rl, wl, _ = select.select(fds, wfds, [], timeout)
        except InterruptedError:
            return None
        if self.wake_fd in rl:
            try:
                os.read(self.wake_fd, 512)
            except BlockingIOError:
                pass
        if self.listen is not None and self.listen in rl:
            conn, _ = self.listen.accept()
            conn.setblocking(False)
            self.conn = conn
            self.in_fd = self.out_fd = conn.fileno()
        if self.in_fd is not None and self.in_fd in rl:
            try:
                data = os.read(self.in_fd, 4096)
            except (BlockingIOError, InterruptedError):
                data = None
            except OSError as e:
                if e.errno != errno.EIO:
                    raise
                data = None
            if data == b'':
                if self.args.stdio:
                    self.stdin_eof = True
                    self.eof_cycle = self.sim.cycles
                    self.started = True          # no first byte will ever come
                elif self.listen is not None:
                    return 'hangup'
            elif data:
                self.sim.feed(data)
                self.started = True
        self.flush_out()
        return None

    def flush_out(self):
        if not self.outbuf or self.out_fd is None:
            return
        try:
            n = os.write(self.out_fd, self.outbuf)
            del self.outbuf[:n]
        except (BlockingIOError, InterruptedError):
            pass
        except OSError as e:
            if e.errno in (errno.EPIPE, errno.ECONNRESET) and self.listen is not None:
                self.outbuf.clear()
            elif e.errno != errno.EIO:
                raise

    def drain_at_exit(self):
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            self.flush_out()
            pending = len(self.outbuf)
            if self.slave_fd is not None:
                try:
                    import array
                    buf = array.array('i', [0])
                    fcntl.ioctl(self.slave_fd, termios.FIONREAD, buf)
                    pending += buf[0]
                except OSError:
                    pass
            if not pending:
                break
            time.sleep(0.01)

    # ------------------------------------------------------------------
    def run(self):
        a = self.args
        sim = self.sim
        t_start = time.monotonic()
        deadline = t_start + a.timeout if a.timeout else None
        wall_ref, cyc_ref = t_start, sim.cycles
        while True:
            why = self.handle_flags()
            if why:
                return why, None
            now = time.monotonic()
            if deadline and now >= deadline:
                return 'timeout', None
            left = (deadline - now) if deadline else None
            if not self.started:
                why = self.read_host(min(left, 0.5) if left else 0.5)
                if why:
                    return why, None
                wall_ref, cyc_ref = time.monotonic(), sim.cycles
                continue
            hold = len(self.outbuf) > OUT_HIGH_WATER
            why = self.read_host(0.05 if hold else 0)
            if why:
                return why, None
            if hold:
                continue
            n = SLICE
            if a.max_cycles is not None:
                n = min(n, a.max_cycles - sim.cycles)
                if n <= 0:
                    return 'max-cycles', None
            res = sim.run(max_cycles=n)
            self.flush_out()
            if res == 'done':
                return 'done', None
            if res == 'error':
                return 'crashed', sim.R[0]
            if a.stdio and self.stdin_eof and not sim.uart.pending_input():
                hz = sim.clocks.mclk_hz()
                if res == 'sleeping' or (sim.is_idle() and sim.cycles - self.eof_cycle > hz // 10):
                    return 'hangup', None
            if res == 'sleeping':
                # nothing will happen until the host sends something
                why = self.read_host(min(left, 0.5) if left else 0.5)
                if why:
                    return why, None
                wall_ref, cyc_ref = time.monotonic(), sim.cycles
                continue
            # pace idle time (and all time with --realtime) to the wall clock;
            # with --fast-idle, not while serial bytes are on their way
            if a.fast_idle and not a.realtime and sim.uart.in_flight():
                wall_ref, cyc_ref = time.monotonic(), sim.cycles
            elif a.realtime or sim.is_idle():
                hz = sim.clocks.mclk_hz()
                target = wall_ref + (sim.cycles - cyc_ref) / hz
                now = time.monotonic()
                if target > now + 0.001:
                    why = self.read_host(min(target - now, 0.1))
                    if why:
                        return why, None
                elif now - target > 0.05:
                    wall_ref, cyc_ref = now, sim.cycles
            else:
                now = time.monotonic()
                if now - (wall_ref + (sim.cycles - cyc_ref) / sim.clocks.mclk_hz()) > 0.05:
                    wall_ref, cyc_ref = now, sim.cycles


def bench(seconds=3.0):
    """Instructions per second on a Forth-like instruction mix."""
    from .asm import assemble
    # an indirect-threaded inner interpreter running a few primitives
    src = '''
    reset:  mov #0x5A80, &0x0120
            mov #0x0400, sp
            mov #0x0380, r4         ; data stack pointer
            mov #thread, r5         ; IP
            mov #0, r6              ; TOS
    next:   mov @r5+, r7            ; W = [IP++]
            mov @r7+, pc            ; jump to code field
    lit:    decd r4
            mov r6, 0(r4)
            mov @r5+, r6
            mov @r5+, r7
            mov @r7+, pc
    plus:   add @r4+, r6
            mov @r5+, r7
            mov @r7+, pc
    dup:    decd r4
            mov r6, 0(r4)
            mov @r5+, r7
            mov @r7+, pc
    drop:   mov @r4+, r6
            mov @r5+, r7
            mov @r7+, pc
    store:  mov @r4+, 0(r6)
            mov @r4+, r6
            mov @r5+, r7
            mov @r7+, pc
    fetch:  mov @r6, r6
            mov @r5+, r7
            mov @r7+, pc
    branch: mov @r5, r5
            mov @r5+, r7
            mov @r7+, pc
    c_lit:  .word lit
    c_plus: .word plus
    c_dup:  .word dup
    c_drop: .word drop
    c_store: .word store
    c_fetch: .word fetch
    c_branch: .word branch
    thread: .word c_lit, 5, c_lit, 7, c_plus, c_dup, c_plus, c_lit, 0x300, c_store
            .word c_lit, 0x300, c_fetch, c_drop, c_branch, thread
    '''
    code, labels = assemble(src, 0xC000)
    sim = Msp430Sim()
    sim.load_bytes(0xC000, code)
    sim.load_bytes(0xFFFE, bytes([0x00, 0xC0]), reset=True)
    # instructions and cycles of one trip through `thread` (counted once in
    # a tracing run below, so the benchmark loop itself is not slowed)
    per_trip_insns, per_trip_cycles = _count_trip(sim, labels)
    sim.reset()
    sim.run(max_cycles=100)
    t0 = time.perf_counter()
    c0 = sim.cycles
    chunk = 200_000
    while time.perf_counter() - t0 < seconds:
        sim.run(max_cycles=chunk)
    dt = time.perf_counter() - t0
    cycles = sim.cycles - c0
    insns = cycles * per_trip_insns / per_trip_cycles
    return insns / dt, cycles / dt


def _count_trip(sim, labels):
    """Single-step from one entry of `branch` to the next: (instructions, cycles)."""
    sim.reset()
    target = labels['branch']
    while sim.R[0] != target:
        sim.step()
    insns = 0
    c0 = sim.cycles
    while True:
        sim.step()
        insns += 1
        if sim.R[0] == target:
            return insns, sim.cycles - c0


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.bench:
        ips, cps = bench(args.bench_seconds)
        print(f"{ips / 1e6:.3f} M instructions/s ({cps / 1e6:.3f} M cycles/s, "
              f"Python {sys.version.split()[0]})")
        return 0
    h = Harness(args)
    try:
        h.load()
    except (OSError, ValueError, SimError) as e:
        sys.stderr.write(f"error: {e}\n")
        return 1
    h.install_signals()
    h.open_bridge()
    h.say("READY")
    try:
        reason, pc = h.run()
    finally:
        try:
            h.save()
        except OSError as e:
            sys.stderr.write(f"error saving state: {e}\n")
    if reason in ('done', 'crashed', 'max-cycles'):
        h.drain_at_exit()
    if reason == 'crashed':
        sys.stderr.write(f"{h.sim.error}\n")
        h.say(f"EXIT crashed pc={pc:#06x} cycles={h.sim.cycles}")
    else:
        h.say(f"EXIT {reason} cycles={h.sim.cycles}")
    return EXIT_STATUS[reason]


if __name__ == '__main__':
    sys.exit(main())
