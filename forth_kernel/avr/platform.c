/* jlforth AVR platform: USART0, Timer0 millisecond tick, the flash page
 * cache with its SPM writer in the boot section, and the EEPROM copy of
 * the dictionary pointers.                                                */
#include <avr/io.h>
#include <avr/interrupt.h>
#include <avr/eeprom.h>
#include "forth.h"
#include "config.h"

volatile uint32_t g_millis;             /* Timer0 tick, prims.S              */
/* boot.S: erase+write one page from a RAM buffer; 0 = done, 1 = refused */
extern uint8_t boot_write_page(ucell page, const uint8_t *buf);

/* ---- USART0 -------------------------------------------------------------
 * Bytes are polled, except while a word runs or a streamed line arrives:
 * then the receive interrupt (boot.S, so that it also runs while a flash
 * page is written) takes them: a streamed line goes straight into the TIB
 * (interp.c); a Ctrl-C breaks a running word, any other byte is held for
 * KEY.  The host sends a line only after the answer to the previous one.  */
volatile uint8_t held, have_held, g_running;

void uart_break(void)                    /* boot.S: Ctrl-C while a word runs */
{
    sei();
    arch_run(0);
    forth_throw(E_BREAK);                /* not catchable: to the prompt  */
}

void arch_run(uint8_t on)
{
    g_running = on;
    if (on || rx_open)
        UCSR0B |= _BV(RXCIE0);
    else
        UCSR0B &= ~_BV(RXCIE0);
}

void uart_putc(uint8_t c)
{
    line_end();                          /* output follows the line's echo */
    while (!(UCSR0A & _BV(UDRE0)))
        ;
    UDR0 = c;
}

uint8_t uart_ready(void) { return have_held || (UCSR0A & _BV(RXC0)); }

uint8_t uart_getc(void)
{
    line_end();
    uint8_t running = g_running;
    arch_run(0);                         /* poll while we wait           */
    while (!uart_ready())
        ;
    uint8_t c = have_held ? held : UDR0;
    have_held = 0;
    if (running) {
        if (c == 3)
            uart_break();
        arch_run(1);
    }
    return c;
}

/* At reset a turnkey word runs unless ESC arrives within 0.2 s: a board
 * is never bricked by its own program.                                    */
uint8_t arch_escape(void)
{
    uint32_t t0 = g_millis;
    while (g_millis - t0 < 200)
        if (uart_ready())
            return uart_getc() == 27;
    return 0;
}

/* ---- the flash page cache ------------------------------------------------- */
static uint8_t cache[FLASH_PAGE];
ucell cache_page = 0xFFFF;               /* byte address of the cached page */
uint8_t g_cache_dirty;

void dict_flush(void)
{
    if (!g_cache_dirty)
        return;
    g_cache_dirty = 0;
    uint8_t refused = boot_write_page(cache_page, cache);
    for (uint8_t i = 0; i < FLASH_PAGE; i++)     /* read back, verify    */
        if (refused || pgm_read_byte(cache_page + i) != cache[i]) {
            cache_page = 0xFFFF;
            forth_throw(E_FLASH_VERIFY);
        }
}

uint8_t dict_cfetch(ucell a)
{
    a &= 0x7FFF;
    if ((a & ~(FLASH_PAGE - 1)) == cache_page)
        return cache[a & (FLASH_PAGE - 1)];
    return pgm_read_byte(a);
}

ucell dict_fetch(ucell a)
{
    return dict_cfetch(a) | (dict_cfetch(a + 1) << 8);
}

/* The compiler's own writes: anywhere in the dictionary region.  Bytes at
 * and beyond the dictionary end load as erased flash, so a rolled-back
 * dictionary is rewritten exactly as a fresh one.                         */
void cache_put(ucell a, uint8_t b)
{
    if (a < DICT_START || a >= DICT_END)
        forth_throw(E_BAD_ADDR);
    a &= 0x7FFF;
    ucell page = a & ~(FLASH_PAGE - 1);
    if (page != cache_page) {
        dict_flush();
        cache_page = page;
        for (uint8_t i = 0; i < FLASH_PAGE; i++)
            cache[i] = (page | i | FLASH_BIT) < g_fhere ? pgm_read_byte(page | i) : 0xFF;
    }
    uint8_t *p = &cache[a & (FLASH_PAGE - 1)];
    if (*p != b) {
        *p = b;
        g_cache_dirty = 1;
    }
}

/* C! and ! into flash: only into words already compiled; the kernel and
 * the boot section are write-protected.                                   */
void dict_cstore(ucell a, uint8_t b)
{
    if (a < DICT_START || a >= g_fhere)
        forth_throw(E_BAD_ADDR);
    cache_put(a, b);
}

void dict_store(ucell a, ucell x)
{
    dict_cstore(a, x);
    dict_cstore(a + 1, x >> 8);
}

void dict_rollback(ucell fhere)
{
    for (uint8_t i = 0; i < FLASH_PAGE; i++)
        if (cache_page != 0xFFFF && (cache_page | i | FLASH_BIT) >= fhere && cache[i] != 0xFF) {
            cache[i] = 0xFF;
            g_cache_dirty = 1;
        }
}

/* ---- EEPROM: the pointers that make the dictionary survive a reset ------- */
struct saved {
    ucell magic, fhere, latest, here, turnkey, check;
};
#define EE_SAVED ((struct saved *)EE_BASE)

static ucell check(const struct saved *s)
{
    return s->magic ^ s->fhere ^ s->latest ^ s->here ^ s->turnkey ^ 0x5A5A;
}

void dict_persist(void)
{
    struct saved s = { EE_MAGIC, g_fhere, g_latest, g_here, g_turnkey, 0 };
    s.check = check(&s);
    eeprom_update_block(&s, EE_SAVED, sizeof s);
}

uint8_t dict_restore(void)
{
    struct saved s;
    eeprom_read_block(&s, EE_SAVED, sizeof s);
    if (s.magic != EE_MAGIC || s.check != check(&s) || s.fhere < DICT_START
        || s.fhere > DICT_END || s.here < RAM_START || s.here > DATA_LIMIT)
        return 0;
    g_fhere = s.fhere;
    g_latest = s.latest;
    g_here = s.here;
    g_turnkey = s.turnkey;
    return 1;
}

/* EEPROM words; the bytes below EE_USER hold the pointers above */
#define EE_USER 16
static uint16_t *ee_addr(cell a, uint8_t n)
{
    if (a < EE_USER || a + n > E2END + 1)
        forth_throw(E_BAD_ADDR);
    return (uint16_t *)a;
}
WORD(w_ecfetch) { sp[0] = eeprom_read_byte((uint8_t *)sp[0]); return sp; }
WORD(w_efetch) { sp[0] = eeprom_read_word((uint16_t *)sp[0]); return sp; }
WORD(w_ecstore) { eeprom_update_byte((uint8_t *)ee_addr(sp[0], 1), sp[1]); return sp + 2; }
WORD(w_estore) { eeprom_update_word(ee_addr(sp[0], 2), sp[1]); return sp + 2; }

WORD(w_ms)
{
    uint32_t t0 = g_millis;
    while (g_millis - t0 < (ucell)sp[0])
        ;
    return sp + 1;
}

WORD(w_cold)
{
    cli();
    __asm__ volatile ("jmp 0");
    return sp;
}

/* ---- start ---------------------------------------------------------------- */
int main(void)
{
    UCSR0A = _BV(U2X0);                  /* before UBRR0: simavr fixes the rate */
    UBRR0 = (F_CPU / (8 * BAUD)) - 1;    /* when UBRR0L is written            */
    UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    TCCR0A = _BV(WGM01);                 /* CTC: 16 MHz / 64 / 250 = 1 kHz */
    TCCR0B = _BV(CS01) | _BV(CS00);
    OCR0A = 249;
    TIMSK0 = _BV(OCIE0A);
    sei();
    forth_restart(0);
}
