/* The C twins' runtime on the ATmega328P: USART0 at 38400 8N1 and number
 * printing.  Not part of any measured region or of the compared code size. */
#include <avr/io.h>
#include <avr/interrupt.h>
#include <avr/sleep.h>
#include <stdint.h>

#define MARK(n) (GPIOR0 = (n))          /* the simulator reports the cycle */

static void rt_putc(char c)
{
    while (!(UCSR0A & _BV(UDRE0)))
        ;
    UDR0 = c;
}

#include "rt_print.h"

static void rt_init(void)
{
    UCSR0A = _BV(U2X0);                 /* first: simavr takes the rate */
    UBRR0 = 51;                         /* 38400 at 16 MHz with U2X     */
    UCSR0B = _BV(TXEN0);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
}

static void rt_done(void)               /* drain, then stop the simulation */
{
    rt_putc('\n');
    while (!(UCSR0A & _BV(TXC0)))
        ;
    cli();
    sleep_cpu();
    for (;;)
        ;
}
