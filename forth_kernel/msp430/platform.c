/* jlforth MSP430G2553 platform: the flash controller, rolling the
 * dictionary back, the log of the dictionary pointers in info flash, the
 * EEPROM words (info flash segment B), and the turnkey escape.
 *
 * Flash rules (SLAU144 ch. 7): erasing sets a whole 512-byte segment (64 in
 * info flash) to 0xFF, writing can only clear bits.  The compiler writes
 * every cell once after an erase (codegen.c).  Anything else -- a segment
 * that must lose its tail (EMPTY, a MARKER, an error in a definition), a
 * store that would set bits -- rebuilds the segment: the bytes to keep are
 * copied to a blank segment further up, the segment is erased and the bytes
 * are copied back.  With 512 bytes of RAM there is no room for a
 * segment-sized buffer.                                                     */
#include "forth.h"
#include "config.h"
#include "g2553.h"

ucell g_dirty;                  /* end of the bytes written to the dictionary:
                                   above g_fhere when a rollback is pending  */
void dict_pending(void);        /* codegen.c: write a held-back cell          */
void dict_forget_pending(void);

/* ---- the flash controller ------------------------------------------------
 * flash_op (boot.S): n = 0 erases the segment at a, n = 1 writes a byte,
 * n = 2 a cell, with interrupts off.  It touches only the dictionary and
 * info segments B-D: the kernel cannot be written, not even by a bug here
 * (-9).  A write that would need a 0 bit to become 1 fails its read-back:
 * error -256.                                                              */
void flash_op(ucell a, ucell x, uint8_t n);

static void erase(ucell seg) { flash_op(seg, 0, 0); }

static uint8_t blank(ucell a, ucell end)
{
    for (; a < end; a++)
        if (REG8(a) != 0xFF)
            return 0;
    return 1;
}

/* Keep the first `keep` bytes of the segment at seg (the rest erased), with
 * the cell at pa replaced by x.  The bytes wait in a blank dictionary
 * segment above seg (erased again afterwards), or, for an info segment (64
 * bytes), in the transient RAM above HERE.  With no blank segment left (the
 * dictionary nearly full) it gives up: 0.                                  */
static uint8_t rebuild(ucell seg, ucell keep, ucell pa, ucell x)
{
    ucell sc = (g_here + 1) & ~1, i;
    if (seg >= DICT_START) {
        for (sc = DICT_END - SEG; sc > seg && !blank(sc, sc + SEG); sc -= SEG)
            ;
        if (sc <= seg)
            return 0;
    }
    for (i = 0; i < keep; i += 2) {
        ucell w = seg + i == pa ? x : REG16(seg + i);
        if (i + 1 == keep)
            w |= 0xFF00;
        if (sc < DICT_START)
            REG16(sc + i) = w;
        else
            flash_op(sc + i, w, 2);
    }
    erase(seg);
    for (i = 0; i < keep; i += 2)
        flash_op(seg + i, REG16(sc + i), 2);
    if (sc >= DICT_START)
        erase(sc);
    return 1;
}

/* A store into flash that may need bits set: directly if it only clears
 * bits, else by rebuilding the segment.  n = 1: a byte, made a cell.      */
static void patch(ucell a, ucell x, uint8_t n, ucell seg, ucell keep)
{
    ucell old = REG16(a & ~1);
    if (n == 1)
        x = a & 1 ? (old & 0xFF) | (x << 8) : (old & 0xFF00) | (x & 0xFF);
    a &= ~1;
    if ((old & x) == x)
        flash_op(a, x, 2);
    else if (!rebuild(seg, keep, a, x))
        forth_throw(E_DICT_FULL);
}

static void dict_patch(ucell a, ucell x, uint8_t n)
{
    ucell seg = a & ~(SEG - 1), keep = g_fhere - seg;
    dict_pending();
    if ((ucell)(a + n) > g_fhere)
        keep = a + n - seg;
    if (keep > SEG)
        keep = SEG;
    patch(a, x, n, seg, keep);
}

/* ---- the dictionary's flash, for the compiler ------------------------------ */
uint8_t dict_cfetch(ucell a) { return REG8(a); }
ucell dict_fetch(ucell a) { return REG16(a); }

void flash_put(ucell a, ucell x, uint8_t n)     /* into erased flash */
{
    if (a < DICT_START || a >= DICT_END)
        forth_throw(E_DICT_FULL);
    flash_op(a, x, n);
}

void cache_put(ucell a, uint8_t b)              /* e.g. IMMEDIATE's flag */
{
    if (a < DICT_START || a >= DICT_END)
        forth_throw(E_BAD_ADDR);
    dict_patch(a, b, 1);
}

/* ! and C! into flash: only into words already compiled. */
void dict_store(ucell a, ucell x)
{
    a &= ~1;
    if (a < DICT_START || a + 2 > g_fhere)
        forth_throw(E_BAD_ADDR);
    dict_patch(a, x, 2);
}

void dict_cstore(ucell a, uint8_t b)
{
    if (a < DICT_START || a >= g_fhere)
        forth_throw(E_BAD_ADDR);
    dict_patch(a, b, 1);
}

/* Bytes at and after g_fhere must read as erased before anything is
 * compiled there: rebuild the segment g_fhere is in, erase those above.
 * Rollbacks only move g_fhere down; this runs at the end of the line, when
 * a dictionary word is about to run, or before the next byte is compiled,
 * so a MARKER never erases the code it is running.                        */
void dict_settle(void)
{
    ucell f = g_fhere, seg = f & ~(SEG - 1);
    if (g_dirty <= f) {
        g_dirty = f;
        return;
    }
    if (f != seg) {
        ucell end = seg + SEG < g_dirty ? seg + SEG : g_dirty;
        if (!blank(f, end)) {
            for (ucell s = seg + SEG; s < g_dirty; s += SEG)
                erase(s);              /* first: room for the scratch    */
            if (!rebuild(seg, f - seg, 1, 0)) {
                g_dirty = end;         /* stays dirty: compiling there   */
                return;                /* says "dictionary full"         */
            }
        }
        seg += SEG;
    }
    for (; seg < g_dirty; seg += SEG)
        if (!blank(seg, seg + SEG))
            erase(seg);
    g_dirty = f;
}

void dict_flush(void)
{
    dict_pending();
    dict_settle();
}

void dict_rollback(ucell fhere)
{
    (void)fhere;                 /* g_fhere is already set: settle later */
    dict_forget_pending();
}

/* At power-up: how far has the dictionary's flash been written?  (A reset
 * in the middle of a definition leaves bytes above the saved g_fhere.)   */
void dict_boot(void)
{
    ucell a = DICT_END;
    while (a > DICT_START && REG16(a - 2) == 0xFFFF)
        a -= 2;
    g_dirty = a;
}

/* ---- the log of the dictionary pointers ------------------------------------
 * Info segments D and C hold five 12-byte records each: a sequence number,
 * fhere, latest, here, turnkey, a check word.  The valid record with the
 * highest sequence number wins.  A new record goes into the next slot; a
 * segment is erased only when the log moves into it, and the other segment
 * still holds the previous record, so a reset at any moment leaves a valid
 * record behind.                                                            */
#define REC 12
static ucell cur;                       /* the newest record, 0: none        */

static ucell check(const ucell *r)
{
    ucell x = 0x4A46;
    for (uint8_t i = 0; i < 5; i++)
        x ^= r[i];
    return x;
}

static uint8_t valid(const ucell *r)      /* (erased flash is not) */
{
    return r[5] == check(r);
}

static ucell next_rec(ucell a)          /* the slot after a, maybe in the
                                           other segment                     */
{
    ucell seg = a & ~(INFO_SEG - 1);
    a += REC;
    return a + REC > seg + INFO_SEG ? seg ^ (LOG_SEG0 ^ LOG_SEG1) : a;
}

void dict_persist(void)
{
    const ucell *r = (const ucell *)cur;
    ucell n[6] = { 0, g_fhere, g_latest, g_here, g_turnkey, 0 }, a = LOG_SEG0;
    if (cur) {
        uint8_t i = 1;
        while (i < 5 && r[i] == n[i])
            i++;
        if (i == 5)
            return;
        n[0] = r[0] + 1;
        a = next_rec(cur);
    }
    n[5] = check(n);
    if ((a & (INFO_SEG - 1)) && !blank(a, a + REC))
        a = (a & ~(INFO_SEG - 1)) ^ (LOG_SEG0 ^ LOG_SEG1);   /* a torn slot */
    if (!(a & (INFO_SEG - 1)))
        erase(a);
    for (uint8_t i = 0; i < 6; i++)
        flash_op(a + 2 * i, n[i], 2);
    cur = a;
}

uint8_t dict_restore(void)
{
    const ucell *r;
    ucell a = LOG_SEG0;
    cur = 0;
    for (uint8_t i = 0; i < 10; i++, a = next_rec(a)) {
        r = (const ucell *)a;
        if (valid(r) && (!cur || (cell)(r[0] - *(const ucell *)cur) > 0))
            cur = a;
    }
    r = (const ucell *)cur;
    if (!cur || r[1] < DICT_START || r[1] > DICT_END || r[3] < RAM_START
        || r[3] > DATA_LIMIT)
        return 0;
    g_fhere = r[1];
    g_latest = r[2];
    g_here = r[3];
    g_turnkey = r[4];
    return 1;
}

/* ---- EEPROM: 64 bytes in info segment B ---------------------------------- */
static ucell ee_addr(ucell a, uint8_t n)
{
    if (a > EE_SIZE - n)
        forth_throw(E_BAD_ADDR);
    return EE_BASE + a;
}

WORD(p_estore) { patch(ee_addr(sp[0] & ~1, 2), sp[1], 2, EE_BASE, EE_SIZE); return sp + 2; }
WORD(p_ecstore) { patch(ee_addr(sp[0], 1), sp[1] & 0xFF, 1, EE_BASE, EE_SIZE); return sp + 2; }

/* ---- turnkey --------------------------------------------------------------
 * At reset a turnkey word runs unless ESC arrives within 0.2 s: a board is
 * never bricked by its own program.                                        */
extern volatile ucell g_millis;

uint8_t arch_escape(void)
{
    ucell t0 = g_millis;
    while ((ucell)(g_millis - t0) < 200)
        if (uart_ready())
            return uart_getc() == 27;
    return 0;
}
