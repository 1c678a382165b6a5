/* MSP430G2553 register addresses for the simulator's test firmware
   (written for this project from SLAS735/SLAU144; assembler use only). */
#define IE1       0x0000
#define IE2       0x0001
#define IFG1      0x0002
#define IFG2      0x0003
#define UCA0RXIE  0x01
#define UCA0TXIE  0x02
#define UCA0RXIFG 0x01
#define UCA0TXIFG 0x02
#define WDTIE     0x01
#define WDTIFG    0x01
#define ACCVIE    0x20

#define P1OUT     0x0021
#define P1DIR     0x0022
#define P1SEL     0x0026
#define P1SEL2    0x0041

#define DCOCTL    0x0056
#define BCSCTL1   0x0057
#define BCSCTL2   0x0058

#define UCA0CTL0  0x0060
#define UCA0CTL1  0x0061
#define UCA0BR0   0x0062
#define UCA0BR1   0x0063
#define UCA0MCTL  0x0064
#define UCA0STAT  0x0065
#define UCA0RXBUF 0x0066
#define UCA0TXBUF 0x0067
#define UCSWRST   0x01
#define UCSSEL_2  0x80
#define UCBUSY    0x01
#define UCOE      0x20

#define WDTCTL    0x0120
#define WDTPW     0x5A00
#define WDTHOLD   0x0080
#define WDTTMSEL  0x0010
#define WDTCNTCL  0x0008

#define FCTL1     0x0128
#define FCTL2     0x012A
#define FCTL3     0x012C
#define FWKEY     0xA500
#define ERASE     0x0002
#define MERAS     0x0004
#define WRT       0x0040
#define LOCK      0x0010
#define LOCKA     0x0040
#define ACCVIFG   0x0004
#define FSSEL_1   0x0040

#define TA0CTL    0x0160
#define TA0CCTL0  0x0162
#define TA0R      0x0170
#define TA0CCR0   0x0172
#define TASSEL_2  0x0200
#define MC_1      0x0010
#define TACLR     0x0004
#define CCIE      0x0010

#define CALDCO_16MHZ 0x10F8
#define CALBC1_16MHZ 0x10F9
#define CALDCO_1MHZ  0x10FE
#define CALBC1_1MHZ  0x10FF

#define GIE       0x0008
#define CPUOFF    0x0010
#define LPM4_BITS 0x00F0

/* simulator marker register (jlforth.sim.msp430.regs.MARKER_ADDR) */
#define MARKER    0x01FE

/* vector table: 16 words at 0xFFE0; entry i is at 0xFFE0 + 2*i */
#define VEC_USCIAB0TX 6
#define VEC_USCIAB0RX 7
#define VEC_TIMER0_A0 9
#define VEC_WDT       10
#define VEC_NMI       14
