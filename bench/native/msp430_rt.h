/* The C twins' runtime on the MSP430G2553: MCLK = SMCLK = 16 MHz from the
 * calibrated DCO, USCI_A0 as a UART at the kernel's baud (BAUD, passed by
 * bench/native.py from the target description), number printing, and the
 * simulator's marker.  Not part of any measured region or of the compared
 * code size.  Started by msp430_crt0.S (stack, watchdog off, .data/.bss,
 * clock); linked by msp430.ld.                                            */
#include <stdint.h>

#ifndef BAUD
#define BAUD 9600L
#endif
#define F_CPU 16000000L

#define REG8(a)  (*(volatile uint8_t *)(a))
#define REG16(a) (*(volatile uint16_t *)(a))
#define IFG2      REG8(0x0003)
#define UCA0TXIFG 0x02
#define P1SEL     REG8(0x0026)
#define P1SEL2    REG8(0x0041)
#define UCA0CTL1  REG8(0x0061)
#define UCA0BR0   REG8(0x0062)
#define UCA0BR1   REG8(0x0063)
#define UCA0MCTL  REG8(0x0064)
#define UCA0STAT  REG8(0x0065)
#define UCA0TXBUF REG8(0x0067)

/* the simulator records (value, cycle) for each write here
 * (jlforth.sim.msp430 MARKER_ADDR, 16-bit peripheral space, no module)  */
#define MARK(n) (REG16(0x01FE) = (n))

/* USCI_A0 from SMCLK with oversampling, as the kernel sets it up */
#define UART_BR  (F_CPU / (16L * BAUD))
#define UART_BRF ((F_CPU + BAUD / 2) / BAUD - 16 * UART_BR)

static void rt_putc(char c)
{
    while (!(IFG2 & UCA0TXIFG))
        ;
    UCA0TXBUF = c;
}

#include "rt_print.h"

static void rt_init(void)
{
    UCA0CTL1 = 0x80 | 0x01;             /* UCSSEL = SMCLK, held in reset */
    UCA0BR0 = UART_BR & 0xFF;
    UCA0BR1 = UART_BR >> 8;
    UCA0MCTL = (UART_BRF << 4) | 0x01;  /* UCBRF, UCOS16                */
    P1SEL |= 0x06;                      /* P1.1 RXD, P1.2 TXD           */
    P1SEL2 |= 0x06;
    UCA0CTL1 &= ~0x01;                  /* release UCSWRST               */
}

static void __attribute__((noreturn)) rt_done(void)    /* drain, then stop */
{
    rt_putc('\n');
    while (UCA0STAT & 0x01)             /* UCBUSY */
        ;
    /* GIE clear + CPUOFF: the simulator's clean exit */
    __asm__ volatile("dint\n\tnop\n\tbis #0x10, r2");
    for (;;)
        ;
}
