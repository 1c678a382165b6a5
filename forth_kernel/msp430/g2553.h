/* MSP430G2553 registers and bits the jlforth kernel uses, written for this
 * kernel from TI's SLAS735 (data sheet) and SLAU144 (family guide).  Plain
 * numbers, so the one header serves C and assembly; C reaches a register
 * through REG8()/REG16().                                                   */
#ifndef JLF_G2553_H
#define JLF_G2553_H

/* special function registers */
#define IE1             0x0000
#define IFG1            0x0002
#define IE2             0x0001
#define IFG2            0x0003
#define UCA0RXIE        0x01
#define UCA0TXIE        0x02
#define UCA0RXIFG       0x01
#define UCA0TXIFG       0x02

/* ports: P1.1 = UCA0RXD, P1.2 = UCA0TXD */
#define P1SEL           0x0026
#define P1SEL2          0x0041
#define UART_PINS       0x06

/* basic clock module+ */
#define DCOCTL          0x0056
#define BCSCTL1         0x0057
#define BCSCTL2         0x0058
#define CALDCO_16MHZ    0x10F8
#define CALBC1_16MHZ    0x10F9

/* USCI_A0 in UART mode */
#define UCA0CTL0        0x0060
#define UCA0CTL1        0x0061
#define UCA0BR0         0x0062
#define UCA0BR1         0x0063
#define UCA0MCTL        0x0064
#define UCA0STAT        0x0065
#define UCA0RXBUF       0x0066
#define UCA0TXBUF       0x0067
#define UCSWRST         0x01
#define UCSSEL_SMCLK    0x80
#define UCOS16          0x01

/* watchdog */
#define WDTCTL          0x0120
#define WDTPW           0x5A00
#define WDTHOLD         0x0080

/* flash controller */
#define FCTL1           0x0128
#define FCTL2           0x012A
#define FCTL3           0x012C
#define FWKEY           0xA500
#define FERASE          0x0002
#define FWRT            0x0040
#define FLOCK           0x0010
#define FSSEL_MCLK      0x0040

/* Timer0_A3 */
#define TA0CTL          0x0160
#define TA0CCTL0        0x0162
#define TA0CCR0         0x0172
#define TASSEL_SMCLK    0x0200
#define MC_UP           0x0010
#define TACLR           0x0004
#define CCIE            0x0010

/* status register */
#define GIE             0x0008
#define CPUOFF          0x0010

/* interrupt vectors: table at 0xFFE0, 16 words */
#define VEC_USCIAB0TX   0xFFEC
#define VEC_USCIAB0RX   0xFFEE
#define VEC_TIMER0_A0   0xFFF2
#define VEC_RESET       0xFFFE

#ifndef __ASSEMBLER__
#include <stdint.h>
#define REG8(a)   (*(volatile uint8_t *)(a))
#define REG16(a)  (*(volatile uint16_t *)(a))
#endif
#endif
