"""MSP430G2553 peripherals: clocks, USCI_A0 UART, flash controller,
watchdog, Timer_A (x2), ports.

Every peripheral keeps its own notion of time lazily: it knows the cycle of
its next event (``next_t``) and the simulator calls ``event(now)`` when that
cycle has been reached.  Register handlers bring the peripheral up to date
with ``sim.now()`` before answering.  Time is counted in MCLK cycles.
"""
from __future__ import annotations

from collections import deque

from . import regs as r

INF = 1 << 62


def _ceil_div(a, b):
    return -(-a // b)


# ---------------------------------------------------------------------------
class Clocks:
    """Basic Clock Module+: DCO frequency, MCLK/SMCLK dividers, ACLK."""

    # (BCSCTL1 & 0x0F, DCOCTL) of the calibration constants -> Hz.  Filled in
    # by the simulator from info segment A at power-on.
    def __init__(self, sim, fixed_hz=None):
        self.sim = sim
        self.fixed_hz = fixed_hz
        self.calibrated = {}
        self.reset()

    def reset(self):
        self.dcoctl = 0x60
        self.bcsctl1 = 0x87
        self.bcsctl2 = 0x00
        self.bcsctl3 = 0x05

    def dco_hz(self):
        key = (self.bcsctl1 & 0x0F, self.dcoctl)
        hz = self.calibrated.get(key)
        if hz is not None:
            return hz
        # Rough model of the DCO curve (SLAS735: ~1.1 MHz at RSEL=7, DCO=3;
        # ~x1.35 per RSEL step, ~x1.08 per DCO step, MOD interpolates).
        rsel = self.bcsctl1 & 0x0F
        dco = self.dcoctl >> 5
        mod = self.dcoctl & 0x1F
        return int(1_100_000 * 1.35 ** (rsel - 7) * 1.08 ** (dco - 3 + mod / 32))

    @property
    def divm(self):
        return 1 << ((self.bcsctl2 >> 4) & 3)

    @property
    def divs(self):
        return 1 << ((self.bcsctl2 >> 1) & 3)

    def mclk_hz(self):
        if self.fixed_hz:
            return int(self.fixed_hz)
        return max(1, self.dco_hz() // self.divm)

    def aclk_hz(self):
        # LFXT1S=10 selects the VLO (~12 kHz), otherwise a 32768 Hz crystal.
        if (self.bcsctl3 >> 4) & 3 == 2:
            return 12000
        return 32768 >> ((self.bcsctl1 >> 4) & 3)

    def ratio(self, source):
        """MCLK cycles per tick of ``source`` as an exact (num, den) pair."""
        if source == 'MCLK':
            return 1, 1
        if source == 'SMCLK':
            if self.bcsctl2 & 0x08:       # SELS: SMCLK from LFXT1/VLO
                return self.ratio('ACLK')
            return self.divs, self.divm
        if source == 'ACLK':
            return self.mclk_hz(), self.aclk_hz()
        raise ValueError(source)

    def read(self, a, size):
        return {r.DCOCTL: self.dcoctl, r.BCSCTL1: self.bcsctl1,
                r.BCSCTL2: self.bcsctl2, r.BCSCTL3: self.bcsctl3}[a]

    def write(self, a, v, size):
        v &= 0xFF
        if a == r.DCOCTL:
            self.dcoctl = v
        elif a == r.BCSCTL1:
            self.bcsctl1 = v
        elif a == r.BCSCTL2:
            self.bcsctl2 = v
        elif a == r.BCSCTL3:
            self.bcsctl3 = v
        self.sim._clock_changed()


# ---------------------------------------------------------------------------
class Uart:
    """USCI_A0 in UART mode.  Host bytes are delivered one per frame time."""

    def __init__(self, sim):
        self.sim = sim
        self.mem = sim.mem
        self.rxq = deque()          # (byte, cycle it was fed)
        self.reset()

    def reset(self):
        self.ctl0 = 0
        self.ctl1 = r.UCSWRST
        self.br0 = self.br1 = 0
        self.mctl = 0
        self.stat = 0
        self.rxbuf = 0
        self.txbuf = 0
        self.txbuf_full = False
        self.tx_shift = None
        self.tx_end = INF
        self.rx_next = INF
        self.rx_last = -INF
        self.abctl = self.irtctl = self.irrctl = 0
        self.enabled_at = 0
        # queued host bytes survive a reset: they are delivered once the
        # firmware enables the receiver again
        self.next_t = INF

    # timing ---------------------------------------------------------------
    def bits_per_frame(self):
        c = self.ctl0
        return (1 + (7 if c & r.UC7BIT else 8) + (1 if c & r.UCPEN else 0)
                + (2 if c & r.UCSPB else 1))

    def frame_cycles(self):
        """MCLK cycles for one character frame at the configured baud."""
        br = self.br0 | self.br1 << 8 or 1
        if self.mctl & r.UCOS16:
            per_bit_8 = 8 * (16 * br + ((self.mctl >> 4) & 15))
        else:
            per_bit_8 = 8 * br + ((self.mctl >> 1) & 7)       # in 1/8 BRCLK
        ssel = self.ctl1 >> 6
        num, den = self.sim.clocks.ratio('ACLK' if ssel == 1 else 'SMCLK')
        return max(1, _ceil_div(self.bits_per_frame() * per_bit_8 * num, 8 * den))

    def baud(self):
        hz = self.sim.clocks.mclk_hz()
        return hz * self.bits_per_frame() / self.frame_cycles()

    def _update_next(self):
        self.next_t = min(self.rx_next, self.tx_end)
        self.sim.schedule(self.next_t)

    # host side ------------------------------------------------------------
    def feed(self, data):
        now = self.sim.now()
        for b in data:
            self.rxq.append((b, now))
        self._schedule_rx()

    def pending_input(self):
        return len(self.rxq)

    def in_flight(self):
        """A host byte is queued or a frame is being sent."""
        return bool(self.rxq) or self.tx_shift is not None

    def _schedule_rx(self):
        if self.rx_next != INF or not self.rxq or self.ctl1 & r.UCSWRST:
            return
        fed = self.rxq[0][1]
        start = max(fed, self.rx_last, self.enabled_at)
        self.rx_next = start + self.frame_cycles()
        self._update_next()

    def event(self, now):
        mem = self.mem
        if self.rx_next <= now:
            t = self.rx_next
            b, _ = self.rxq.popleft()
            if mem[r.IFG2] & r.UCA0RXIFG:
                self.stat |= r.UCOE            # previous byte was never read
            self.rxbuf = b
            mem[r.IFG2] |= r.UCA0RXIFG
            self.rx_last = t
            self.rx_next = INF
            self._schedule_rx()
        while self.tx_end <= now:
            self.sim._emit(self.tx_shift)
            if self.txbuf_full:
                self.tx_shift = self.txbuf
                self.txbuf_full = False
                self.tx_end += self.frame_cycles()
                mem[r.IFG2] |= r.UCA0TXIFG
            else:
                self.tx_shift = None
                self.tx_end = INF
        self._update_next()

    # registers ------------------------------------------------------------
    def read(self, a, size):
        if a == r.UCA0RXBUF:
            self.mem[r.IFG2] &= ~r.UCA0RXIFG & 0xFF
            self.stat &= ~(r.UCOE | r.UCFE | r.UCPE | r.UCRXERR | r.UCBRK) & 0xFF
            return self.rxbuf
        if a == r.UCA0STAT:
            now = self.sim.now()
            busy = (self.tx_shift is not None or
                    (self.rx_next != INF and self.rx_next - self.frame_cycles() <= now))
            return self.stat | (r.UCBUSY if busy else 0)
        return {r.UCA0CTL0: self.ctl0, r.UCA0CTL1: self.ctl1, r.UCA0BR0: self.br0,
                r.UCA0BR1: self.br1, r.UCA0MCTL: self.mctl, r.UCA0TXBUF: self.txbuf,
                r.UCA0ABCTL: self.abctl, r.UCA0IRTCTL: self.irtctl,
                r.UCA0IRRCTL: self.irrctl}[a]

    def write(self, a, v, size):
        v &= 0xFF
        mem = self.mem
        if a == r.UCA0TXBUF:
            if self.ctl1 & r.UCSWRST:
                return
            now = self.sim.now()
            self.txbuf = v
            if self.tx_shift is None:
                self.tx_shift = v
                self.tx_end = now + self.frame_cycles()
                mem[r.IFG2] |= r.UCA0TXIFG     # buffer moved to shift register
            else:
                self.txbuf_full = True
                mem[r.IFG2] &= ~r.UCA0TXIFG & 0xFF
            self._update_next()
        elif a == r.UCA0CTL1:
            old = self.ctl1
            self.ctl1 = v
            if v & r.UCSWRST and not old & r.UCSWRST:
                self._enter_reset()
            elif old & r.UCSWRST and not v & r.UCSWRST:
                self.enabled_at = self.sim.now()
                self._schedule_rx()
        elif a == r.UCA0CTL0:
            self.ctl0 = v
        elif a == r.UCA0BR0:
            self.br0 = v
        elif a == r.UCA0BR1:
            self.br1 = v
        elif a == r.UCA0MCTL:
            self.mctl = v
        elif a == r.UCA0STAT:
            self.stat = (self.stat & ~0x80 & 0xFF) | (v & 0x80)   # only UCLISTEN
        elif a == r.UCA0ABCTL:
            self.abctl = v
        elif a == r.UCA0IRTCTL:
            self.irtctl = v
        elif a == r.UCA0IRRCTL:
            self.irrctl = v
        # RXBUF is read-only

    def _enter_reset(self):
        mem = self.mem
        # SLAU144: setting UCSWRST resets UCA0RXIE, UCA0TXIE, UCA0RXIFG and the
        # error flags, and sets UCA0TXIFG.
        mem[r.IE2] &= ~(r.UCA0RXIE | r.UCA0TXIE) & 0xFF
        mem[r.IFG2] = (mem[r.IFG2] & ~r.UCA0RXIFG & 0xFF) | r.UCA0TXIFG
        self.stat &= 0x80
        self.tx_shift = None
        self.txbuf_full = False
        self.tx_end = INF
        self.rx_next = INF
        self._update_next()


# ---------------------------------------------------------------------------
class FlashCtl:
    """Flash controller: FCTL1-3, segment/mass erase, byte/word write."""

    # flash timing generator cycles (SLAS735 flash characteristics)
    T_WORD = 30
    T_BLOCK = 18
    T_SEG_ERASE = 4819
    T_MASS_ERASE = 10593

    def __init__(self, sim):
        self.sim = sim
        self.mem = sim.mem
        self.fctl3 = r.LOCKA | r.LOCK | r.WAIT
        self.puc()

    def puc(self, por=False):
        self.fctl1 = 0
        self.fctl2 = 0x42
        keyv = 0 if por else self.fctl3 & r.KEYV
        self.fctl3 = r.LOCKA | r.LOCK | r.WAIT | keyv
        self.busy_until = 0
        self.next_t = INF

    def event(self, now):
        self.next_t = INF

    def read(self, a, size):
        if a == r.FCTL1:
            v = self.fctl1
        elif a == r.FCTL2:
            v = self.fctl2
        else:
            v = self.fctl3
            if self.sim.now() < self.busy_until:
                v |= r.BUSY
        return r.FRKEY | v

    def write(self, a, v, size):
        if size != 2 or (v >> 8) != 0xA5:
            self.fctl3 |= r.KEYV
            self.sim.request_reset('puc', f"flash key violation (wrote {v:#06x} to {a:#06x})")
            return
        v &= 0xFF
        if a == r.FCTL1:
            self.fctl1 = v & (r.BLKWRT | r.WRT | 0x10 | 0x08 | r.MERAS | r.ERASE)
        elif a == r.FCTL2:
            self.fctl2 = v
        else:
            f = self.fctl3
            if v & r.LOCKA:
                f ^= r.LOCKA                 # writing 1 toggles LOCKA
            keep = f & (r.LOCKA | r.WAIT | r.BUSY)
            self.fctl3 = keep | (v & (r.FAIL | r.EMEX | r.LOCK | r.ACCVIFG | r.KEYV))

    # timing -----------------------------------------------------------
    def _ftg_to_cycles(self, n):
        fssel = self.fctl2 >> 6
        src = ('ACLK', 'MCLK', 'SMCLK', 'SMCLK')[fssel]
        num, den = self.sim.clocks.ratio(src)
        div = (self.fctl2 & 0x3F) + 1
        return _ceil_div(n * div * num, den)

    def _busy(self, ftg_cycles):
        cycles = self._ftg_to_cycles(ftg_cycles)
        pc = self.sim.R[0]
        if pc >= r.FLASH_START or r.INFO_START <= pc < r.INFO_END:
            # executing from flash: the CPU is held until the operation ends
            self.sim.add_stall(cycles)
        else:
            self.busy_until = self.sim.now() + cycles

    # CPU writes into flash address space ---------------------------------
    def cpu_write(self, a, v, size):
        """A CPU write to flash memory (main or info)."""
        mem = self.mem
        f1 = self.fctl1
        if self.fctl3 & r.LOCK or not f1 & (r.WRT | r.ERASE | r.MERAS):
            self.fctl3 |= r.ACCVIFG
            return
        in_info = r.INFO_START <= a < r.INFO_END
        locka = self.fctl3 & r.LOCKA
        if f1 & (r.ERASE | r.MERAS):
            if f1 & r.MERAS:
                lo_hi = [(r.FLASH_START, r.FLASH_END)]
                if f1 & r.ERASE:
                    lo_hi.append((r.INFO_START, r.INFO_A_START if locka else r.INFO_END))
                t = self.T_MASS_ERASE
            else:
                seg = r.INFO_SEGMENT if in_info else r.MAIN_SEGMENT
                lo = a & ~(seg - 1)
                if in_info and lo == r.INFO_A_START and locka:
                    lo_hi = []
                else:
                    lo_hi = [(lo, lo + seg)]
                t = self.T_SEG_ERASE
            for lo, hi in lo_hi:
                mem[lo:hi] = b'\xff' * (hi - lo)
                self.sim._invalidate(lo, hi)
            self.fctl1 &= ~(r.ERASE | r.MERAS)
            self._busy(t)
            return
        # write: flash bits can only be cleared
        if in_info and a >= r.INFO_A_START and locka:
            return
        if size == 2:
            a &= 0xFFFE
            mem[a] &= v & 0xFF
            mem[a + 1] &= (v >> 8) & 0xFF
        else:
            mem[a] &= v & 0xFF
        self.sim._invalidate(a, a + size)
        self._busy(self.T_BLOCK if f1 & r.BLKWRT else self.T_WORD)


# ---------------------------------------------------------------------------
class Watchdog:
    """WDT+: watchdog (PUC on expiry) or interval timer, password checked."""

    INTERVALS = (32768, 8192, 512, 64)

    def __init__(self, sim):
        self.sim = sim
        self.ctl = 0
        self.start = 0
        self.next_t = INF

    def puc(self):
        self.ctl = 0
        self.restart()

    def interval_cycles(self):
        src = 'ACLK' if self.ctl & r.WDTSSEL else 'SMCLK'
        num, den = self.sim.clocks.ratio(src)
        return _ceil_div(self.INTERVALS[self.ctl & 3] * num, den)

    def restart(self):
        self.start = self.sim.now()
        self._sched()

    def _sched(self):
        if self.ctl & r.WDTHOLD:
            self.next_t = INF
        else:
            self.next_t = self.start + self.interval_cycles()
            self.sim.schedule(self.next_t)

    def event(self, now):
        if self.ctl & r.WDTTMSEL:
            self.sim.mem[r.IFG1] |= r.WDTIFG
            n = self.interval_cycles()
            while self.next_t <= now:
                self.start = self.next_t
                self.next_t += n
            self.sim.schedule(self.next_t)
        else:
            self.next_t = INF
            self.sim.request_reset('puc', 'watchdog expired', wdt=True)

    def read(self, a, size):
        return 0x6900 | (self.ctl & ~r.WDTCNTCL & 0xFF)

    def write(self, a, v, size):
        if size != 2 or (v >> 8) != 0x5A:
            self.sim.request_reset('puc', f"watchdog password violation (wrote {v:#06x})", wdt=True)
            return
        lo = v & 0xFF
        old = self.ctl
        self.ctl = lo & ~r.WDTCNTCL & 0xFF
        if lo & r.WDTCNTCL or (old ^ self.ctl) & (r.WDTSSEL | 3 | r.WDTTMSEL):
            self.restart()
        elif (old ^ self.ctl) & r.WDTHOLD:
            if self.ctl & r.WDTHOLD:
                # counter stops: remember the elapsed part
                self.held_elapsed = self.sim.now() - self.start
                self.next_t = INF
            else:
                self.start = self.sim.now() - getattr(self, 'held_elapsed', 0)
                self._sched()


# ---------------------------------------------------------------------------
class TimerA:
    """Timer_A3: stop/up/continuous/up-down modes, compare flags and
    interrupts, TAIV.  Capture mode and output units are not modelled."""

    def __init__(self, sim, ctl_addr, iv_addr, vec0, vec1):
        self.sim = sim
        self.base = ctl_addr
        self.iv_addr = iv_addr
        self.vec0, self.vec1 = vec0, vec1
        self.addr_ctl = ctl_addr
        self.addr_cctl = [ctl_addr + 2, ctl_addr + 4, ctl_addr + 6]
        self.addr_tar = ctl_addr + 0x10
        self.addr_ccr = [ctl_addr + 0x12, ctl_addr + 0x14, ctl_addr + 0x16]
        self.puc()

    def addresses(self):
        return [self.addr_ctl, self.addr_tar, self.iv_addr] + self.addr_cctl + self.addr_ccr

    def puc(self):
        self.ctl = 0
        self.cctl = [0, 0, 0]
        self.ccr = [0, 0, 0]
        self.t0 = self.sim.now()
        self.ph0 = 0
        self.k_done = 0
        self.next_t = INF

    # counter model ---------------------------------------------------
    def _mode(self):
        return (self.ctl >> 4) & 3

    def _ratio(self):
        ssel = (self.ctl >> 8) & 3
        if ssel not in (1, 2) or self._mode() == 0:
            return None
        num, den = self.sim.clocks.ratio('ACLK' if ssel == 1 else 'SMCLK')
        return num << ((self.ctl >> 6) & 3), den

    def _period(self):
        m = self._mode()
        if m == 1:
            return self.ccr[0] + 1
        if m == 2:
            return 0x10000
        if m == 3:
            return max(2, 2 * self.ccr[0])
        return 0

    def _value(self, ph):
        m = self._mode()
        if m == 3:
            c = self.ccr[0]
            return ph if ph <= c else 2 * c - ph
        return ph

    def _event_phases(self):
        """[(phase, what)] where what is 0..2 (CCRn CCIFG) or 'ta' (TAIFG)."""
        m = self._mode()
        c0 = self.ccr[0]
        ev = [(0, 'ta'), (c0 if m != 2 else c0, 0)]
        for n in (1, 2):
            c = self.ccr[n]
            if m == 1 and c > c0:
                continue
            ev.append((c, n))
            if m == 3 and 0 < c < c0:
                ev.append((2 * c0 - c, n))
        return ev

    def _ticks(self, t):
        rt = self._ratio()
        if rt is None:
            return self.k_done
        num, den = rt
        return (t - self.t0) * den // num

    def _phase(self, k):
        L = self._period()
        return (self.ph0 + k) % L if L else self.ph0

    def advance(self, now):
        k = self._ticks(now)
        steps = k - self.k_done
        if steps <= 0:
            return
        L = self._period()
        cur = self._phase(self.k_done)
        for ph, what in self._event_phases():
            dist = (ph - cur) % L or L
            if dist <= steps:
                if what == 'ta':
                    self.ctl |= r.TAIFG
                else:
                    self.cctl[what] |= r.CCIFG
        self.k_done = k

    def rebase(self):
        """Restart the tick arithmetic at the current time (after config changes)."""
        now = self.sim.now()
        self.advance(now)
        ph = self._phase(self.k_done)
        tar = self._value(ph) if self._period() else self.ph0
        self.t0 = now
        self.k_done = 0
        self.tar_to_phase(tar, going_down=(self._mode() == 3 and ph > self.ccr[0]))

    def tar_to_phase(self, tar, going_down=False):
        m = self._mode()
        L = self._period()
        if m == 3 and going_down and 0 < tar < self.ccr[0]:
            self.ph0 = 2 * self.ccr[0] - tar
        elif L:
            self.ph0 = tar % L
        else:
            self.ph0 = tar

    def _sched(self):
        rt = self._ratio()
        self.next_t = INF
        if rt is None:
            return
        num, den = rt
        L = self._period()
        cur = self._phase(self.k_done)
        best = None
        for ph, what in self._event_phases():
            enabled = (self.ctl & r.TAIE) if what == 'ta' else (self.cctl[what] & r.CCIE)
            if not enabled:
                continue
            dist = (ph - cur) % L or L
            if best is None or dist < best:
                best = dist
        if best is not None:
            k = self.k_done + best
            self.next_t = self.t0 + _ceil_div(k * num, den)
            self.sim.schedule(self.next_t)

    def event(self, now):
        self.advance(now)
        self._sched()

    # interrupts ------------------------------------------------------
    def pending0(self):
        return self.cctl[0] & r.CCIE and self.cctl[0] & r.CCIFG

    def ack0(self):
        self.cctl[0] &= ~r.CCIFG

    def _iv(self):
        if self.cctl[1] & r.CCIE and self.cctl[1] & r.CCIFG:
            return 2
        if self.cctl[2] & r.CCIE and self.cctl[2] & r.CCIFG:
            return 4
        if self.ctl & r.TAIE and self.ctl & r.TAIFG:
            return 10
        return 0

    def pending1(self):
        return self._iv() != 0

    # registers -------------------------------------------------------
    def read(self, a, size):
        self.advance(self.sim.now())
        if a == self.addr_ctl:
            return self.ctl
        if a == self.addr_tar:
            L = self._period()
            return self._value(self._phase(self.k_done)) if L else self.ph0
        if a == self.iv_addr:
            iv = self._iv()
            if iv == 2:
                self.cctl[1] &= ~r.CCIFG
            elif iv == 4:
                self.cctl[2] &= ~r.CCIFG
            elif iv == 10:
                self.ctl &= ~r.TAIFG
            self._sched()
            return iv
        if a in self.addr_cctl:
            return self.cctl[self.addr_cctl.index(a)]
        return self.ccr[self.addr_ccr.index(a)]

    def write(self, a, v, size):
        v &= 0xFFFF
        now = self.sim.now()
        self.advance(now)
        if a == self.addr_ctl:
            tar = self.read(self.addr_tar, 2)
            down = self._mode() == 3 and self._phase(self.k_done) > self.ccr[0]
            clr = v & r.TACLR
            self.ctl = v & ~r.TACLR
            if clr:
                tar, down = 0, False
            self.t0, self.k_done = now, 0
            self.tar_to_phase(tar, down)
        elif a == self.addr_tar:
            self.t0, self.k_done = now, 0
            self.tar_to_phase(v)
        elif a in self.addr_cctl:
            self.cctl[self.addr_cctl.index(a)] = v
        elif a in self.addr_ccr:
            tar = self.read(self.addr_tar, 2)
            down = self._mode() == 3 and self._phase(self.k_done) > self.ccr[0]
            self.ccr[self.addr_ccr.index(a)] = v
            self.t0, self.k_done = now, 0
            self.tar_to_phase(tar, down)
        self._sched()

    def clock_changed(self):
        self.rebase()
        self._sched()


# ---------------------------------------------------------------------------
class Ports:
    """P1/P2 (and P3 registers) as memory; PxIN reflects PxOUT on outputs and
    ``pins`` elsewhere; PxOUT writes are reported to hooks."""

    def __init__(self, sim):
        self.sim = sim
        self.mem = sim.mem
        self.pins = {1: 0xFF, 2: 0xFF, 3: 0xFF}   # external levels (pulled up)
        self.hooks = []

    def puc(self):
        m = self.mem
        for a in (r.P1OUT, r.P1DIR, r.P1IFG, r.P1IE, r.P1SEL, r.P1REN, r.P1SEL2,
                  r.P2DIR, r.P2IFG, r.P2IE, r.P2REN, r.P2SEL2, r.P3DIR, r.P3SEL,
                  r.P3REN, r.P3SEL2):
            m[a] = 0
        m[r.P2SEL] = 0xC0

    _IN = {r.P1IN: (1, r.P1OUT, r.P1DIR), r.P2IN: (2, r.P2OUT, r.P2DIR),
           r.P3IN: (3, r.P3OUT, r.P3DIR)}
    _OUT = {r.P1OUT: 1, r.P2OUT: 2, r.P3OUT: 3}

    def read_in(self, a, size):
        port, out, dr = self._IN[a]
        m = self.mem
        return (m[out] & m[dr]) | (self.pins[port] & ~m[dr] & 0xFF)

    def write_out(self, a, v, size):
        v &= 0xFF
        self.mem[a] = v
        port = self._OUT[a]
        now = self.sim.now()
        for h in self.hooks:
            h(port, v, now)

    def set_pin(self, port, bit, level):
        """Drive an input pin; sets PxIFG on the edge selected by PxIES."""
        old = self.pins[port]
        new = (old | (1 << bit)) if level else (old & ~(1 << bit))
        self.pins[port] = new
        if port in (1, 2) and old != new:
            ies, ifg = (r.P1IES, r.P1IFG) if port == 1 else (r.P2IES, r.P2IFG)
            falling = bool(self.mem[ies] & (1 << bit))
            if falling != bool(level):
                self.mem[ifg] |= 1 << bit
                self.sim.kick()
