/*
 * Test firmware for simboard (ATmega328P, 16 MHz, 38400 8N1, polled UART).
 *
 * Behaviour (one command per received byte):
 *   'q'       print "BYE\r\n", then cli; sleep  -> simulator exits "done"
 *   'w' X     store byte X at EEPROM[EE_ADDR], reply "OK\r\n"
 *   'r'       reply "E=hh\r\n" with the EEPROM byte in hex
 *   'm'       run the marker loop (GPIOR0 <- 1, fixed loop, GPIOR0 <- 2), reply "M\r\n"
 *   'p'       SPM test: erase+write one flash page from the boot section, reply "P\r\n"
 *   'f'       reply "F=hh\r\n" with the first byte of that flash page
 *   'x'       store beyond RAMEND: simavr treats that as a crash
 *   other     echo the byte upper-cased
 * At start it prints a banner and runs the marker loop once.
 */
#include <avr/io.h>
#include <avr/eeprom.h>
#include <avr/boot.h>
#include <avr/pgmspace.h>
#include <avr/interrupt.h>
#include <stdint.h>

#define EE_ADDR    ((uint8_t *)0x10)
#define SPM_PAGE   0x3000u            /* byte address of the flash page the 'p' test writes */
#define LOOP_COUNT 1000u              /* iterations of the marker loop; see tests/test_simboard.py */

static void uart_init(void)
{
    UCSR0A = _BV(U2X0);
    UBRR0 = 51;                       /* 16e6 / (8 * 52) = 38461.5 baud, +0.16 % */
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    UCSR0B = _BV(RXEN0) | _BV(TXEN0);
}

static void putc_(uint8_t c)
{
    while (!(UCSR0A & _BV(UDRE0)))
        ;
    UDR0 = c;
}

static void puts_P_(const char *s)
{
    uint8_t c;
    while ((c = pgm_read_byte(s++)))
        putc_(c);
}

static uint8_t getc_(void)
{
    while (!(UCSR0A & _BV(RXC0)))
        ;
    return UDR0;
}

static void puthex(uint8_t v)
{
    static const char hex[] PROGMEM = "0123456789ABCDEF";
    putc_(pgm_read_byte(&hex[v >> 4]));
    putc_(pgm_read_byte(&hex[v & 15]));
}

/* A loop whose cycle count is fixed by the instruction timings alone:
 *   out GPIOR0,1 ; ldi ; ldi ; { sbiw ; brne } * N ; out GPIOR0,2
 * The test re-derives the count from the disassembly. */
static void marker_loop(void)
{
    uint8_t one = 1, two = 2;
    asm volatile(
        "out %[g], %[a]\n\t"
        "ldi r24, lo8(%[n])\n\t"
        "ldi r25, hi8(%[n])\n"
        "1:\n\t"
        "sbiw r24, 1\n\t"
        "brne 1b\n\t"
        "out %[g], %[b]\n\t"
        :
        : [g] "I"(_SFR_IO_ADDR(GPIOR0)), [a] "r"(one), [b] "r"(two), [n] "i"(LOOP_COUNT)
        : "r24", "r25");
}

/* Lives in the boot section (see Makefile: -Wl,--section-start=.bootloader=0x7E00),
 * because SPM only works from there. */
__attribute__((section(".bootloader"), noinline))
static void spm_write_page(uint16_t page, uint8_t fill)
{
    uint8_t sreg = SREG;
    cli();
    boot_page_erase(page);
    boot_spm_busy_wait();
    for (uint16_t i = 0; i < SPM_PAGESIZE; i += 2) {
        uint16_t w = fill | ((uint16_t)(fill + 1) << 8);
        boot_page_fill(page + i, w);
    }
    boot_page_write(page);
    boot_spm_busy_wait();
    boot_rww_enable();
    SREG = sreg;
}

static const char banner[] PROGMEM = "simboard echo fw\r\n";
static const char ok[] PROGMEM = "OK\r\n";
static const char bye[] PROGMEM = "BYE\r\n";

int main(void)
{
    uart_init();
    puts_P_(banner);
    marker_loop();
    for (;;) {
        uint8_t c = getc_();
        switch (c) {
        case 'q':
            puts_P_(bye);
            while (!(UCSR0A & _BV(TXC0)))   /* let the last byte leave */
                ;
            SMCR = _BV(SE);
            asm volatile("cli\n\tsleep");
            break;
        case 'w':
            eeprom_write_byte(EE_ADDR, getc_());
            puts_P_(ok);
            break;
        case 'r':
            putc_('E'); putc_('=');
            puthex(eeprom_read_byte(EE_ADDR));
            putc_('\r'); putc_('\n');
            break;
        case 'm':
            marker_loop();
            putc_('M'); putc_('\r'); putc_('\n');
            break;
        case 'p':
            spm_write_page(SPM_PAGE, 0xA5);
            putc_('P'); putc_('\r'); putc_('\n');
            break;
        case 'f':
            putc_('F'); putc_('=');
            puthex(pgm_read_byte((const uint8_t *)SPM_PAGE));
            putc_('\r'); putc_('\n');
            break;
        case 'x':
            /* (an invalid opcode only logs a message in simavr 1.6) */
            asm volatile("sts 0x1000, r1");
            break;
        default:
            if (c >= 'a' && c <= 'z')
                c -= 'a' - 'A';
            putc_(c);
        }
    }
}
