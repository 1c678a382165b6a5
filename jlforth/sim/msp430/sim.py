"""The simulated MSP430G2553: CPU core, memory map, interrupts, run loop."""
from __future__ import annotations

import os

from . import regs as r
from .cpu import Decoder, dadd, disassemble, INTERRUPT_CYCLES
from .periph import INF, Clocks, FlashCtl, Ports, TimerA, Uart, Watchdog
from .ihex import read_hex

__all__ = ['Msp430Sim', 'SimError']


class SimError(Exception):
    pass


# Plausible calibration data for info segment A (values of the kind found on
# real parts; every chip has its own).  (CALBC1, CALDCO) per frequency.
DEFAULT_CALIBRATION = {
    16_000_000: (0x8F, 0x95),
    12_000_000: (0x8E, 0x7A),
    8_000_000: (0x8D, 0x84),
    1_000_000: (0x86, 0xBA),
}
_CAL_ADDR = {16_000_000: (r.CALBC1_16MHZ, r.CALDCO_16MHZ),
             12_000_000: (r.CALBC1_12MHZ, r.CALDCO_12MHZ),
             8_000_000: (r.CALBC1_8MHZ, r.CALDCO_8MHZ),
             1_000_000: (r.CALBC1_1MHZ, r.CALDCO_1MHZ)}


class Msp430Sim:
    """An MSP430G2553 with its UART, flash controller, watchdog and timers.

    ``clock_hz``: MCLK frequency used to convert cycles to time (and for
    ACLK-clocked peripherals).  ``None`` (default) derives it from the DCO
    registers: the calibrated settings (CALBC1_xMHZ/CALDCO_xMHZ) give exactly
    1, 8, 12 or 16 MHz, the reset DCO setting about 1.1 MHz.
    """

    def __init__(self, clock_hz=None, calibration=True):
        self.mem = bytearray(0x10000)
        self.R = [0] * 16
        self.markers = []
        self.on_marker = None      # callable(value, cycle)
        self.on_tx = None          # callable(byte)
        self.on_reset = None       # callable(kind, reason)
        self._out = bytearray()
        self._out_read = 0
        self.reset_log = []        # (cycle, kind, reason)
        self.error = None
        self._init_memory(calibration)
        self._build()
        self.clocks = Clocks(self, clock_hz)
        self._load_calibration_table()
        self.uart = Uart(self)
        self.flash = FlashCtl(self)
        self.wdt = Watchdog(self)
        self.timer0 = TimerA(self, r.TA0CTL, r.TA0IV, r.VEC_TIMER0_A0, r.VEC_TIMER0_A1)
        self.timer1 = TimerA(self, r.TA1CTL, r.TA1IV, r.VEC_TIMER1_A0, r.VEC_TIMER1_A1)
        self.ports = Ports(self)
        self._periphs = [self.uart, self.flash, self.wdt, self.timer0, self.timer1]
        self._install_io()
        self._install_interrupts()
        self._do_reset('por', 'power on')

    # ------------------------------------------------------------------
    # memory
    def _init_memory(self, calibration):
        mem = self.mem
        # vacant addresses read 0x3FFF ("jmp $")
        mem[:] = b'\xff\x3f' * 0x8000
        mem[0:0x200] = bytes(0x200)
        mem[r.RAM_START:r.RAM_END] = bytes(r.RAM_END - r.RAM_START)
        mem[r.INFO_START:r.INFO_END] = b'\xff' * (r.INFO_END - r.INFO_START)
        mem[r.FLASH_START:r.FLASH_END] = b'\xff' * (r.FLASH_END - r.FLASH_START)
        if calibration:
            self.write_calibration(DEFAULT_CALIBRATION)

    def write_calibration(self, cal):
        """Program info segment A with DCO calibration constants (TLV format:
        TAG_DCO_30 at 0x10F6 with length 8, checksum at 0x10C0)."""
        mem = self.mem
        mem[0x10F6] = 0x01      # TAG_DCO_30
        mem[0x10F7] = 0x08
        for hz, (bc1, dco) in cal.items():
            abc, adco = _CAL_ADDR[hz]
            mem[abc] = bc1
            mem[adco] = dco
        x = 0
        for a in range(0x10C2, 0x1100, 2):
            x ^= mem[a] | mem[a + 1] << 8
        chk = (-x) & 0xFFFF     # two's complement of the XOR of 0x10C2..0x10FF
        mem[0x10C0] = chk & 0xFF
        mem[0x10C1] = chk >> 8

    def _load_calibration_table(self):
        cal = {}
        for hz, (abc, adco) in _CAL_ADDR.items():
            bc1, dco = self.mem[abc], self.mem[adco]
            if bc1 != 0xFF or dco != 0xFF:
                cal[(bc1 & 0x0F, dco)] = hz
        self.clocks.calibrated = cal

    # ------------------------------------------------------------------
    # the closure-based core
    def _build(self):
        sim = self
        mem = self.mem
        R = self.R
        code = [None] * 0x10000
        self._code = code
        cyc = 0
        nev = 0
        stall = 0
        ramcode = False
        ei_delay = False
        pending_reset = None
        io_read = None
        io_write = None

        def now():
            return cyc

        def schedule(t):
            nonlocal nev
            if t < nev:
                nev = t

        def kick():
            nonlocal nev
            nev = 0

        def add_stall(n):
            nonlocal stall, nev
            stall += n
            nev = 0

        def request_reset(kind, reason, wdt=False):
            nonlocal pending_reset, nev
            if pending_reset is None:
                pending_reset = (kind, reason, wdt)
            nev = 0

        def rd8(a):
            if a >= 512:
                return mem[a]
            return io_read(a, 1)

        def rd16(a):
            a &= 0xFFFE
            if a >= 512:
                return mem[a] | mem[a + 1] << 8
            return io_read(a, 2)

        def wr8(a, v):
            if 512 <= a < 1024:
                mem[a] = v
                if ramcode:
                    x = a & 0xFFFE
                    code[x - 4] = code[x - 2] = code[x] = miss
            elif a < 512:
                io_write(a, v, 1)
            elif a >= 0xC000 or 0x1000 <= a < 0x1100:
                sim.flash.cpu_write(a, v, 1)

        def wr16(a, v):
            a &= 0xFFFE
            if 512 <= a < 1024:
                mem[a] = v & 255
                mem[a + 1] = v >> 8
                if ramcode:
                    code[a - 4] = code[a - 2] = code[a] = miss
            elif a < 512:
                io_write(a, v, 2)
            elif a >= 0xC000 or 0x1000 <= a < 0x1100:
                sim.flash.cpu_write(a, v, 2)

        def srw(v, delay=True):
            nonlocal ei_delay, nev
            old = R[2]
            R[2] = v & 0x1FF
            if delay and v & r.GIE and not old & r.GIE:
                ei_delay = True
            nev = 0

        def idle(pc):
            def f():
                n = nev - cyc
                if n > 2:
                    if n > 1 << 24:
                        n = 1 << 24
                    return n + (n & 1)
                return 2
            f.idle = True
            return f

        def illegal(pc, w):
            def f():
                nonlocal nev
                sim.error = f"illegal instruction {w:#06x} at {pc:#06x}"
                nev = 0
                return 1
            return f

        env = {'R': R, 'mem': mem, 'rd8': rd8, 'rd16': rd16, 'wr8': wr8,
               'wr16': wr16, 'srw': srw, 'dadd': dadd, 'idle': idle,
               'illegal': illegal}
        decoder = Decoder(env)
        self.decoder = decoder

        def miss():
            nonlocal ramcode
            pc = R[0]
            f = decoder.decode(pc)[0]
            code[pc] = f
            if 512 <= pc < 1024:
                ramcode = True
            return f()

        code[:] = [miss] * 0x10000

        def invalidate(lo, hi):
            for x in range((lo - 4) & ~1, hi, 2):
                code[x & 0xFFFF] = miss

        def invalidate_all():
            code[:] = [miss] * 0x10000

        def push(v):
            sp = (R[1] - 2) & 0xFFFF
            R[1] = sp
            wr16(sp, v)

        def service(limit):
            """Handle events due at ``cyc``; returns a stop reason or None."""
            nonlocal cyc, nev, stall, ei_delay, pending_reset
            periphs = sim._periphs
            while True:
                if stall:
                    cyc += stall
                    stall = 0
                if pending_reset is not None:
                    kind, reason, wdt = pending_reset
                    pending_reset = None
                    sim._do_reset(kind, reason, wdt)
                if sim.error:
                    nev = 0
                    return 'error'
                for p in periphs:
                    if p.next_t <= cyc:
                        p.event(cyc)
                if pending_reset is not None:
                    continue
                sr = R[2]
                if ei_delay:
                    ei_delay = False
                    if not sr & r.CPUOFF:
                        nev = cyc + 1 if cyc + 1 < limit else limit
                        return None
                for vec, check, ack, maskable in sim._irqs:
                    if (sr & r.GIE or not maskable) and check():
                        ack()
                        push(R[0])
                        push(sr)
                        R[2] = 0
                        R[0] = rd16(vec) & 0xFFFE
                        cyc += INTERRUPT_CYCLES
                        sr = 0
                        break
                t = INF
                for p in periphs:
                    if p.next_t < t:
                        t = p.next_t
                if sr & r.CPUOFF:
                    if not sr & r.GIE:
                        nev = 0
                        return 'done'
                    if t >= limit:
                        if t == INF:
                            nev = 0
                            return 'idle'
                        if cyc < limit:
                            cyc = limit
                        nev = 0
                        return 'limit'
                    if t > cyc:
                        cyc = t
                    continue
                nev = t if t < limit else limit
                return None

        def run_until(limit):
            nonlocal cyc
            while True:
                why = service(limit)
                if why is not None:
                    return why
                if cyc >= limit:
                    return 'limit'
                while cyc < nev:
                    cyc += code[R[0]]()

        def set_cycles(v):
            nonlocal cyc
            cyc = v

        def get_stall_state():
            return ei_delay

        def bind_io(rd, wr):
            nonlocal io_read, io_write
            io_read, io_write = rd, wr

        def reset_core_flags():
            nonlocal ei_delay, stall
            ei_delay = False
            stall = 0

        self.now = now
        self.schedule = schedule
        self.kick = kick
        self.add_stall = add_stall
        self.request_reset = request_reset
        self.rd8, self.rd16, self.wr8, self.wr16 = rd8, rd16, wr8, wr16
        self._invalidate = invalidate
        self._invalidate_all = invalidate_all
        self._run_until = run_until
        self._set_cycles = set_cycles
        self._bind_io = bind_io
        self._reset_core_flags = reset_core_flags

    @property
    def cycles(self):
        """MCLK cycles since power-on (monotonic across resets)."""
        return self.now()

    # ------------------------------------------------------------------
    # I/O space
    def _install_io(self):
        mem = self.mem
        rh = {}
        wh = {}
        u, f, w, c, p = self.uart, self.flash, self.wdt, self.clocks, self.ports
        for a in (r.UCA0CTL0, r.UCA0CTL1, r.UCA0BR0, r.UCA0BR1, r.UCA0MCTL,
                  r.UCA0STAT, r.UCA0RXBUF, r.UCA0TXBUF, r.UCA0ABCTL,
                  r.UCA0IRTCTL, r.UCA0IRRCTL):
            rh[a] = u.read
            wh[a] = u.write
        wh[r.UCA0RXBUF] = lambda a, v, s: None
        for a in (r.FCTL1, r.FCTL2, r.FCTL3):
            rh[a] = f.read
            wh[a] = f.write
        rh[r.WDTCTL] = w.read
        wh[r.WDTCTL] = w.write
        for a in (r.DCOCTL, r.BCSCTL1, r.BCSCTL2, r.BCSCTL3):
            rh[a] = c.read
            wh[a] = c.write
        for t in (self.timer0, self.timer1):
            for a in t.addresses():
                rh[a] = t.read
                wh[a] = t.write
        for a in (r.P1IN, r.P2IN, r.P3IN):
            rh[a] = p.read_in
            wh[a] = lambda a, v, s: None
        for a in (r.P1OUT, r.P2OUT, r.P3OUT):
            wh[a] = p.write_out
        wh[r.MARKER_ADDR] = self._marker_write
        self._rh, self._wh = rh, wh
        kick = self.kick

        def io_read(a, size):
            if a < 0x100:
                if size == 2:
                    return io_read(a, 1) | io_read(a + 1, 1) << 8
                h = rh.get(a)
                return mem[a] if h is None else h(a, 1) & 0xFF
            base = a & 0x1FE
            h = rh.get(base)
            if h is None:
                return mem[a] | mem[a + 1] << 8 if size == 2 else mem[a]
            v = h(base, size)
            if size == 1:
                return (v >> 8) & 0xFF if a & 1 else v & 0xFF
            return v & 0xFFFF

        def io_write(a, v, size):
            kick()
            if a < 0x100:
                v &= 0xFF           # word writes to byte modules: low byte only
                h = wh.get(a)
                if h is None:
                    mem[a] = v
                else:
                    h(a, v, 1)
                return
            base = a & 0x1FE
            h = wh.get(base)
            if h is None:
                if size == 2:
                    mem[a] = v & 0xFF
                    mem[a + 1] = v >> 8
                else:
                    mem[a] = v
                return
            if size == 1 and a & 1:
                return              # odd byte of a word module: ignored
            h(base, v, size)

        self._io_read, self._io_write = io_read, io_write
        self._bind_io(io_read, io_write)

    def _marker_write(self, a, v, size):
        self.mem[a] = v & 0xFF
        self.mem[a + 1] = (v >> 8) & 0xFF if size == 2 else 0
        cyc = self.now()
        self.markers.append((v, cyc))
        if self.on_marker:
            self.on_marker(v, cyc)

    def _install_interrupts(self):
        mem = self.mem
        t0, t1, fl = self.timer0, self.timer1, self.flash

        def nmi_check():
            return mem[r.IE1] & r.ACCVIE and fl.fctl3 & r.ACCVIFG

        def nmi_ack():
            mem[r.IE1] &= ~(r.NMIIE | r.OFIE | r.ACCVIE) & 0xFF

        def wdt_check():
            return mem[r.IE1] & r.WDTIE and mem[r.IFG1] & r.WDTIFG

        def wdt_ack():
            mem[r.IFG1] &= ~r.WDTIFG & 0xFF

        def none():
            pass

        def t1_1_check():
            t1.advance(self.now())
            return t1.pending1()

        def t0_1_check():
            t0.advance(self.now())
            return t0.pending1()

        self._irqs = [
            (r.VEC_NMI, nmi_check, nmi_ack, False),
            (r.VEC_TIMER1_A0, t1.pending0, t1.ack0, True),
            (r.VEC_TIMER1_A1, t1_1_check, none, True),
            (r.VEC_WDT, wdt_check, wdt_ack, True),
            (r.VEC_TIMER0_A0, t0.pending0, t0.ack0, True),
            (r.VEC_TIMER0_A1, t0_1_check, none, True),
            (r.VEC_USCIAB0RX, lambda: mem[r.IE2] & mem[r.IFG2] & 0x05, none, True),
            (r.VEC_USCIAB0TX, lambda: mem[r.IE2] & mem[r.IFG2] & 0x0A, none, True),
            (r.VEC_PORT2, lambda: mem[r.P2IE] & mem[r.P2IFG], none, True),
            (r.VEC_PORT1, lambda: mem[r.P1IE] & mem[r.P1IFG], none, True),
        ]

    def _clock_changed(self):
        for t in (self.timer0, self.timer1):
            t.clock_changed()

    # ------------------------------------------------------------------
    # reset
    def _do_reset(self, kind, reason, wdt=False):
        """``kind``: 'por' (power-on or RST pin) or 'puc'."""
        mem = self.mem
        self.reset_log.append((self.now(), kind, reason))
        self._reset_core_flags()
        self.error = None
        self.clocks.reset()
        self.uart.reset()
        self.flash.puc(por=(kind == 'por'))
        self.wdt.puc()
        self.timer0.puc()
        self.timer1.puc()
        self.ports.puc()
        mem[r.IE1] = 0
        mem[r.IE2] = 0
        if kind == 'por':
            mem[r.IFG1] = r.PORIFG | r.RSTIFG
        if wdt:
            mem[r.IFG1] |= r.WDTIFG
        mem[r.IFG2] = r.UCA0TXIFG | r.UCB0TXIFG
        mem[r.MARKER_ADDR] = mem[r.MARKER_ADDR + 1] = 0
        self.R[:] = [0] * 16
        self.R[0] = (mem[0xFFFE] | mem[0xFFFF] << 8) & 0xFFFE
        self.kick()
        if self.on_reset:
            self.on_reset(kind, reason)

    def reset(self):
        """Press the reset button: POR, flash and RAM are kept."""
        self._do_reset('por', 'reset pin')

    # ------------------------------------------------------------------
    # loading
    def _program(self, image):
        """image: dict addr -> byte.  Erases main flash, then programs."""
        mem = self.mem
        mem[r.FLASH_START:r.FLASH_END] = b'\xff' * (r.FLASH_END - r.FLASH_START)
        for a, b in image.items():
            if r.FLASH_START <= a < r.FLASH_END or r.INFO_START <= a < r.INFO_END:
                mem[a] = b
            elif r.RAM_START <= a < r.RAM_END:
                mem[a] = b
            else:
                raise SimError(f"image byte at {a:#06x} is outside flash/RAM")
        self._invalidate_all()
        self._load_calibration_table()

    def load_hex(self, path, reset=True):
        """Program an Intel HEX file (main flash is erased first)."""
        self._program(read_hex(path))
        if reset:
            self.reset()

    def load_elf(self, path, reset=True):
        from elftools.elf.elffile import ELFFile
        image = {}
        with open(path, 'rb') as fh:
            elf = ELFFile(fh)
            for seg in elf.iter_segments():
                if seg['p_type'] != 'PT_LOAD' or not seg['p_filesz']:
                    continue
                data = seg.data()
                for i, b in enumerate(data):
                    image[seg['p_paddr'] + i] = b
        self._program(image)
        if reset:
            self.reset()

    def load(self, path, reset=True):
        with open(path, 'rb') as fh:
            magic = fh.read(4)
        if magic == b'\x7fELF':
            self.load_elf(path, reset)
        else:
            self.load_hex(path, reset)

    def load_bytes(self, addr, data, reset=False):
        """Place raw bytes (e.g. a test program) directly into memory."""
        self.mem[addr:addr + len(data)] = bytes(data)
        self._invalidate_all()
        if reset:
            self.reset()

    # flash images (power-cycling a board) --------------------------------
    def flash_image(self):
        return bytes(self.mem[r.FLASH_START:r.FLASH_END])

    def info_image(self):
        return bytes(self.mem[r.INFO_START:r.INFO_END])

    def set_flash_image(self, data):
        if len(data) != r.FLASH_END - r.FLASH_START:
            raise SimError("flash image must be 16384 bytes")
        self.mem[r.FLASH_START:r.FLASH_END] = data
        self._invalidate_all()

    def set_info_image(self, data):
        if len(data) != r.INFO_END - r.INFO_START:
            raise SimError("info image must be 256 bytes")
        self.mem[r.INFO_START:r.INFO_END] = data
        self._invalidate_all()
        self._load_calibration_table()

    def save_flash(self, path):
        _atomic_write(path, self.flash_image())

    def save_info(self, path):
        _atomic_write(path, self.info_image())

    def load_flash(self, path):
        with open(path, 'rb') as fh:
            self.set_flash_image(fh.read())

    def load_info(self, path):
        with open(path, 'rb') as fh:
            self.set_info_image(fh.read())

    # ------------------------------------------------------------------
    # UART host side
    def feed(self, data):
        """Queue bytes for the UART receiver (delivered at the baud rate)."""
        if isinstance(data, str):
            data = data.encode()
        self.uart.feed(data)

    def _emit(self, b):
        self._out.append(b)
        if self.on_tx:
            self.on_tx(b)

    def output(self):
        """All bytes the firmware has transmitted so far."""
        return bytes(self._out)

    def read_output(self):
        """Bytes transmitted since the last call."""
        data = bytes(self._out[self._out_read:])
        self._out_read = len(self._out)
        return data

    def clear_output(self):
        self._out.clear()
        self._out_read = 0

    # ------------------------------------------------------------------
    # running
    @property
    def state(self):
        """'running', 'sleeping' (LPM, GIE set), 'done' (LPM with GIE clear)
        or 'error'."""
        if self.error:
            return 'error'
        sr = self.R[2]
        if sr & r.CPUOFF:
            return 'sleeping' if sr & r.GIE else 'done'
        return 'running'

    def is_idle(self):
        """True when the CPU sleeps or spins on ``jmp $``."""
        if self.R[2] & r.CPUOFF:
            return True
        return getattr(self._code[self.R[0]], 'idle', False)

    def run(self, max_cycles=None, until=None, check_every=2000):
        """Run until the firmware is done, sleeps with nothing to wait for,
        ``until()`` becomes true (checked every ``check_every`` cycles and
        at every wake-up), or ``max_cycles`` more cycles have elapsed.

        Returns the reason: 'done', 'sleeping', 'until', 'max_cycles', 'error'.
        """
        end = INF if max_cycles is None else self.now() + max_cycles
        while True:
            if until is not None:
                if until():
                    return 'until'
                limit = min(end, self.now() + check_every)
            else:
                limit = end
            why = self._run_until(limit)
            if why == 'limit':
                if self.now() >= end:
                    if until is not None and until():
                        return 'until'
                    return 'max_cycles'
                continue
            if why == 'idle':
                if until is not None and until():
                    return 'until'
                return 'sleeping'
            if why == 'done' and until is not None and until():
                return 'until'
            return why

    def run_for_seconds(self, seconds, **kw):
        return self.run(max_cycles=int(seconds * self.clocks.mclk_hz()), **kw)

    def step(self):
        """Execute one instruction (or take a pending interrupt)."""
        return self._run_until(self.now() + 1)

    # ------------------------------------------------------------------
    # debugging helpers
    def regs(self):
        return list(self.R)

    def read_word(self, a):
        return self.mem[a & 0xFFFE] | self.mem[(a & 0xFFFE) + 1] << 8

    def disassemble(self, pc=None, count=1):
        pc = self.R[0] if pc is None else pc
        out = []
        for _ in range(count):
            text, n = disassemble(self.mem, pc)
            out.append((pc, text))
            pc = (pc + n) & 0xFFFF
        return out

    def seconds(self, cycles=None):
        return (self.now() if cycles is None else cycles) / self.clocks.mclk_hz()


def _atomic_write(path, data):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, 'wb') as fh:
        fh.write(data)
    os.replace(tmp, path)
