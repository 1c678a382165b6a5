"""MSP430G2553 register addresses and bits (from SLAS735 / SLAU144).

Written for this simulator; names follow TI's header conventions.
"""

# --- memory map --------------------------------------------------------
PERIPH8_END = 0x0100      # 0x000-0x0FF: 8-bit peripherals
PERIPH16_END = 0x0200     # 0x100-0x1FF: 16-bit peripherals
RAM_START, RAM_END = 0x0200, 0x0400          # 512 B
INFO_START, INFO_END = 0x1000, 0x1100        # 4 x 64 B (D, C, B, A)
INFO_A_START = 0x10C0
FLASH_START, FLASH_END = 0xC000, 0x10000     # 16 KB main flash
VECTORS_START = 0xFFE0
MAIN_SEGMENT = 512
INFO_SEGMENT = 64

#: Writes to this address are recorded as markers ``(value, cycle)``.
#: 0x01FE lies in the 16-bit peripheral space (0x0100-0x01FF) and is not
#: assigned to any module on the MSP430G2553 (SLAS735 peripheral file map).
MARKER_ADDR = 0x01FE

# --- special function registers ---------------------------------------
IE1, IE2, IFG1, IFG2 = 0x0000, 0x0001, 0x0002, 0x0003
WDTIE, OFIE, NMIIE, ACCVIE = 0x01, 0x02, 0x10, 0x20
WDTIFG, OFIFG, PORIFG, RSTIFG, NMIIFG = 0x01, 0x02, 0x04, 0x08, 0x10
UCA0RXIE, UCA0TXIE, UCB0RXIE, UCB0TXIE = 0x01, 0x02, 0x04, 0x08
UCA0RXIFG, UCA0TXIFG, UCB0RXIFG, UCB0TXIFG = 0x01, 0x02, 0x04, 0x08

# --- ports --------------------------------------------------------------
P1IN, P1OUT, P1DIR, P1IFG, P1IES, P1IE, P1SEL, P1REN = range(0x20, 0x28)
P2IN, P2OUT, P2DIR, P2IFG, P2IES, P2IE, P2SEL, P2REN = range(0x28, 0x30)
P1SEL2, P2SEL2, P3SEL2 = 0x41, 0x42, 0x43
P3REN, P3IN, P3OUT, P3DIR, P3SEL = 0x10, 0x18, 0x19, 0x1A, 0x1B

# --- basic clock module+ -----------------------------------------------
BCSCTL3, DCOCTL, BCSCTL1, BCSCTL2 = 0x53, 0x56, 0x57, 0x58

# --- USCI_A0 (UART mode) ------------------------------------------------
UCA0ABCTL, UCA0IRTCTL, UCA0IRRCTL = 0x5D, 0x5E, 0x5F
UCA0CTL0, UCA0CTL1, UCA0BR0, UCA0BR1 = 0x60, 0x61, 0x62, 0x63
UCA0MCTL, UCA0STAT, UCA0RXBUF, UCA0TXBUF = 0x64, 0x65, 0x66, 0x67
# CTL0
UCPEN, UCPAR, UCMSB, UC7BIT, UCSPB, UCSYNC = 0x80, 0x40, 0x20, 0x10, 0x08, 0x01
# CTL1
UCSSEL_MASK, UCSWRST = 0xC0, 0x01
# MCTL
UCOS16 = 0x01
# STAT
UCLISTEN, UCFE, UCOE, UCPE, UCBRK, UCRXERR, UCADDR, UCBUSY = (
    0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01)

# --- watchdog -----------------------------------------------------------
WDTCTL = 0x0120
WDTPW, WDTHOLD, WDTTMSEL, WDTCNTCL, WDTSSEL = 0x5A00, 0x80, 0x10, 0x08, 0x04

# --- flash controller ---------------------------------------------------
FCTL1, FCTL2, FCTL3 = 0x0128, 0x012A, 0x012C
FWKEY, FRKEY = 0xA500, 0x9600
BLKWRT, WRT, MERAS, ERASE = 0x80, 0x40, 0x04, 0x02
FAIL, LOCKA, EMEX, LOCK, WAIT, ACCVIFG, KEYV, BUSY = (
    0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01)

# --- Timer_A ------------------------------------------------------------
TA0IV, TA0CTL, TA0CCTL0, TA0CCTL1, TA0CCTL2 = 0x012E, 0x0160, 0x0162, 0x0164, 0x0166
TA0R, TA0CCR0, TA0CCR1, TA0CCR2 = 0x0170, 0x0172, 0x0174, 0x0176
TA1IV, TA1CTL, TA1CCTL0, TA1CCTL1, TA1CCTL2 = 0x011E, 0x0180, 0x0182, 0x0184, 0x0186
TA1R, TA1CCR0, TA1CCR1, TA1CCR2 = 0x0190, 0x0192, 0x0194, 0x0196
TACLR, TAIE, TAIFG = 0x0004, 0x0002, 0x0001
CCIE, CCIFG, CAP = 0x0010, 0x0001, 0x0100

# --- calibration data in info segment A ---------------------------------
CALDCO_16MHZ, CALBC1_16MHZ = 0x10F8, 0x10F9
CALDCO_12MHZ, CALBC1_12MHZ = 0x10FA, 0x10FB
CALDCO_8MHZ, CALBC1_8MHZ = 0x10FC, 0x10FD
CALDCO_1MHZ, CALBC1_1MHZ = 0x10FE, 0x10FF

# --- status register ----------------------------------------------------
C, Z, N, GIE, CPUOFF, OSCOFF, SCG0, SCG1, V = (
    0x001, 0x002, 0x004, 0x008, 0x010, 0x020, 0x040, 0x080, 0x100)

# --- interrupt vectors (SLAS735 table "Interrupt Sources, Flags, and Vectors")
VEC_PORT1 = 0xFFE4
VEC_PORT2 = 0xFFE6
VEC_ADC10 = 0xFFEA
VEC_USCIAB0TX = 0xFFEC
VEC_USCIAB0RX = 0xFFEE
VEC_TIMER0_A1 = 0xFFF0
VEC_TIMER0_A0 = 0xFFF2
VEC_WDT = 0xFFF4
VEC_COMPARATORA = 0xFFF6
VEC_TIMER1_A1 = 0xFFF8
VEC_TIMER1_A0 = 0xFFFA
VEC_NMI = 0xFFFC
VEC_RESET = 0xFFFE
