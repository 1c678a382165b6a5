/* jlforth AVR code generator: what the on-chip compiler lays down.
 *
 * Subroutine-threaded code.  The host image builder (jlforth/image/)
 * follows exactly these rules, so an uploaded program and a built image
 * are byte-identical; forth_kernel/README.md ("Code generation") lists them.
 * Every emitted word goes through comma_word() into the flash page cache. */
#include "forth.h"
#include "config.h"
#include <avr/pgmspace.h>

/* opcodes */
#define OP_RET      0x9508
#define OP_CALL     0x940E      /* + 16-bit word address                    */
#define OP_JMP      0x940C
#define OP_RCALL    0xD000      /* | 12-bit word offset                     */
#define OP_RJMP     0xC000
#define OP_STY_R25  0x939A      /* st -Y, r25                               */
#define OP_STY_R24  0x938A      /* st -Y, r24                               */
#define OP_LDI_R24  0xE080
#define OP_LDI_R25  0xE090
#define OP_OR_24_25 0x2B89      /* or r24, r25  (sets Z for the branch)     */
#define OP_LDY_R24  0x9189      /* ld r24, Y+                               */
#define OP_LDY_R25  0x9199      /* ld r25, Y+                               */
#define OP_BRNE_1   0xF409      /* brne .+2 : skip one word                 */
#define OP_BRVS_1   0xF00B      /* brvs .+2                                 */
#define OP_SUBI_16  0x5F0F      /* subi r16, 0xFF   x += 1                  */
#define OP_SBCI_17  0x4F1F      /* sbci r17, 0xFF                           */
#define OP_ADD_16   0x0F08      /* add r16, r24     x += step               */
#define OP_ADC_17   0x1F19      /* adc r17, r25                             */
#define OP_POP_R17  0x911F
#define OP_POP_R16  0x910F
#define OP_POP_R15  0x90FF
#define OP_POP_R14  0x90EF
#define UNSET       0xFFFF      /* a forward branch not yet resolved        */


/* Fixed instruction sequences, 0-terminated (0 is NOP, never emitted) */
static const ucell T_DUP[] PROGMEM = { OP_STY_R25, OP_STY_R24, 0 };
static const ucell T_DROP[] PROGMEM = { OP_LDY_R24, OP_LDY_R25, 0 };
static const ucell T_IF[] PROGMEM = { OP_OR_24_25, OP_LDY_R24, OP_LDY_R25, OP_BRNE_1, 0 };
static const ucell T_LOOP[] PROGMEM = { OP_SUBI_16, OP_SBCI_17, OP_BRVS_1, 0 };
static const ucell T_PLOOP[] PROGMEM = { OP_ADD_16, OP_ADC_17, OP_LDY_R24, OP_LDY_R25, OP_BRVS_1, 0 };
static const ucell T_UNLOOP[] PROGMEM = { OP_POP_R17, OP_POP_R16, OP_POP_R15, OP_POP_R14, 0 };

static ucell last_call;         /* where the last call was compiled         */
static ucell last_lit;          /* where the last literal was compiled      */
static cell lit_val;            /* ... and its value                        */
static ucell last_target;       /* newest address a branch lands on         */

void comma_byte(uint8_t b)
{
    if (g_fhere >= DICT_END)
        forth_throw(E_DICT_FULL);
    cache_put(g_fhere++, b);
}

static void comma_word(ucell w)
{
    comma_byte(w);
    comma_byte(w >> 8);
}

static void emit(const ucell *t)
{
    for (ucell w; (w = pgm_read_word(t)); t++)
        comma_word(w);
}

static void patch_word(ucell a, ucell w)
{
    cache_put(a, w);
    cache_put(a + 1, w >> 8);
}

static ucell waddr(ucell a) { return (a & 0x7FFF) >> 1; }

static cell rel(ucell from, ucell to)   /* RJMP/RCALL offset, in words */
{
    return (cell)(waddr(to) - waddr(from) - 1);
}

static uint8_t in_reach(cell k) { return k >= -2048 && k <= 2047; }

void cg_call(ucell xt)
{
    cell k = rel(g_fhere, xt);
    /* (DOES>) must stay a call: it returns the address of the code after */
    last_call = xt == XT(pdoes) ? 0 : g_fhere;
    if (in_reach(k))
        comma_word(OP_RCALL | (k & 0x0FFF));
    else {
        comma_word(OP_CALL);
        comma_word(waddr(xt));
    }
}

/* A literal followed by one of these words becomes one instruction pair:
 *   n +  n -  n and  n or     subi/sbci, andi, ori on TOS      2 cycles
 *   a @  a c@                 dup, lds (a in RAM)              8 / 7
 *   a !  a c!                 sts, drop                        8 / 6
 * (n + and the others cost 12 and more as a literal and a word.)         */
#define IMM(op, reg, k) ((op) | (((k) & 0xF0) << 4) | (((reg) - 16) << 4) | ((k) & 0x0F))
#define OP_SUBI 0x5000
#define OP_SBCI 0x4000
#define OP_ANDI 0x7000
#define OP_ORI  0x6000
#define OP_LDS_R24 0x9180
#define OP_LDS_R25 0x9190
#define OP_STS_R24 0x9380
#define OP_STS_R25 0x9390
#define OP_CLR_R25 0x2799

/* The replacement code, as templates: 1 and 2 stand for the literal n and
 * n+1; in subi/sbci/andi/ori the constant is filled in, the low byte of n
 * for r24, the high byte for r25.                                         */
static const ucell F_ADD[] PROGMEM = { IMM(OP_SUBI, 24, 0), IMM(OP_SBCI, 25, 0), 0 };
static const ucell F_AND[] PROGMEM = { IMM(OP_ANDI, 24, 0), IMM(OP_ANDI, 25, 0), 0 };
static const ucell F_OR[] PROGMEM = { IMM(OP_ORI, 24, 0), IMM(OP_ORI, 25, 0), 0 };
static const ucell F_FETCH[] PROGMEM = { OP_STY_R25, OP_STY_R24, OP_LDS_R24, 1, OP_LDS_R25, 2, 0 };
static const ucell F_CFETCH[] PROGMEM = { OP_STY_R25, OP_STY_R24, OP_LDS_R24, 1, OP_CLR_R25, 0 };
static const ucell F_STORE[] PROGMEM = { OP_STS_R24, 1, OP_STS_R25, 2, OP_LDY_R24, OP_LDY_R25, 0 };
static const ucell F_CSTORE[] PROGMEM = { OP_STS_R24, 1, OP_LDY_R24, OP_LDY_R25, 0 };

/* word, its folded form; the words after the first four need a RAM address */
static const void *const FOLDS[][2] PROGMEM = {
    { plus, F_ADD }, { minus, F_ADD }, { and, F_AND }, { or, F_OR },
    { fetch, F_FETCH }, { cfetch, F_CFETCH }, { store, F_STORE }, { cstore, F_CSTORE },
};

static uint8_t fold_literal(ucell xt)
{
    if (last_lit + 8 != g_fhere || last_target == g_fhere)
        return 0;
    ucell n = lit_val;
    for (uint8_t i = 0; i < 8; i++) {
        if (XT(pgm_read_word(&FOLDS[i][0])) != xt || (i > 3 && n >= FLASH_BIT))
            continue;
        if (i == 0)
            n = -n;                             /* n +  is  subi -n       */
        g_fhere = last_lit;                     /* take the literal back  */
        dict_rollback(g_fhere);
        last_lit = 0;
        const ucell *t = pgm_read_ptr(&FOLDS[i][1]);
        for (ucell w; (w = pgm_read_word(t)); t++) {
            if (w <= 2)
                w = n + w - 1;
            else if (w >> 12 >= 4 && w >> 12 <= 7) {
                uint8_t k = w & 0x10 ? n >> 8 : n;
                w |= ((k & 0xF0) << 4) | (k & 0x0F);
            }
            comma_word(w);
        }
        return 1;
    }
    return 0;
}

/* Inline words are copied up to their RET; a kernel word is marked inline
 * only when its code is position independent and has no other RET.       */
void cg_compile_xt(ucell xt)
{
    if (fold_literal(xt))
        return;
    if (dict_cfetch(xt - 1) & F_INLINE) {
        cg_call(xt);
        return;
    }
    /* a CONSTANT or VARIABLE (a literal and RET) compiles as that literal,
     * so that it folds into a following @ ! + ... like a number does     */
    if (dict_fetch(xt) == OP_STY_R25 && dict_fetch(xt + 8) == OP_RET
        && (dict_fetch(xt + 4) & 0xF0F0) == OP_LDI_R24) {
        cg_literal(cg_body(xt));
        return;
    }
    for (ucell w; (w = dict_fetch(xt)) != OP_RET; xt += 2)
        comma_word(w);
}

void cg_literal(cell x)         /* dup, then TOS = x            6 cycles */
{
    last_lit = g_fhere;
    lit_val = x;
    emit(T_DUP);
    comma_word(OP_LDI_R24 | ((x & 0xF0) << 4) | (x & 0x0F));
    comma_word(OP_LDI_R25 | ((x & 0xF000) >> 4) | ((x >> 8) & 0x0F));
}

void cg_ret(void) { comma_word(OP_RET); }

void cg_constant(cell x)        /* CONSTANT, VARIABLE: inline literals */
{
    ucell xt = g_fhere;
    cg_literal(x);
    cg_ret();
    cache_put(xt - 1, dict_cfetch(xt - 1) & ~F_INLINE);
}

/* ; -- a final call becomes a jump (tail call) unless a branch lands after
 * it; otherwise a RET closes the word.                                    */
void cg_semicolon(void)
{
    if (last_call && last_target != g_fhere) {
        ucell w = dict_fetch(last_call);
        if ((w & 0xF000) == OP_RCALL && last_call + 2 == g_fhere) {
            patch_word(last_call, OP_RJMP | (w & 0x0FFF));
            return;
        }
        if (w == OP_CALL && last_call + 4 == g_fhere) {
            patch_word(last_call, OP_JMP);
            return;
        }
    }
    cg_ret();
}

static void branch_to(ucell dest)
{
    cell k = rel(g_fhere, dest);
    if (!in_reach(k))
        forth_throw(E_CONTROL);
    comma_word(OP_RJMP | (k & 0x0FFF));
}

ucell cg_if(void)               /* flag -> Z, pop, skip the RJMP if true */
{
    emit(T_IF);
    ucell o = g_fhere;
    comma_word(UNSET);
    return o;
}

ucell cg_ahead(void)
{
    ucell o = g_fhere;
    comma_word(UNSET);
    return o;
}

void cg_resolve(ucell orig)
{
    cell k = rel(orig, g_fhere);
    if (!in_reach(k))
        forth_throw(E_CONTROL);
    patch_word(orig, OP_RJMP | (k & 0x0FFF));
    last_target = g_fhere;
}

void cg_until(ucell dest) { emit(T_IF); branch_to(dest); }

ucell cg_begin(void)            /* a backward branch will land here */
{
    return last_target = g_fhere;
}
void cg_again(ucell dest) { branch_to(dest); }

void cg_do(void) { cg_call(XT(pdo)); }

ucell cg_qdo(void)
{
    cg_call(XT(pqdo));
    comma_word(OP_BRNE_1);
    return cg_ahead();
}

void cg_loop(ucell dest, uint8_t plus)
{
    emit(plus ? T_PLOOP : T_LOOP);
    branch_to(dest);
}

/* LEAVE: an unresolved RJMP whose cell, until resolved, holds the previous
 * LEAVE of the same loop (a chain through the page cache).                */
ucell cg_leave(ucell chain)
{
    ucell o = g_fhere;
    comma_word(chain ? chain : UNSET);
    return o;
}

void cg_resolve_leaves(ucell chain)
{
    while (chain) {
        ucell next = dict_fetch(chain);
        cg_resolve(chain);
        chain = next == UNSET ? 0 : next;
    }
}

void cg_unloop(void) { emit(T_UNLOOP); }

void cg_string(ucell rt, ucell s, uint8_t n)
{
    cg_call(rt);
    last_call = 0;              /* the string follows: no tail call here */
    comma_byte(n);
    while (n--)
        comma_byte(mem_cfetch(s++));
    if (g_fhere & 1)
        comma_byte(0);
}

/* CREATE: push the data-space address, return; DOES> turns the RET and
 * the spare word after it into a JMP to the DOES> code.                   */
void cg_create_body(ucell ram)
{
    cg_literal(ram);
    cg_ret();
    comma_word(UNSET);
}

void cg_does(ucell xt, ucell code)
{
    patch_word(xt + 8, OP_JMP);
    patch_word(xt + 10, waddr(code));
}

static uint8_t ldi_value(ucell w) { return ((w >> 4) & 0xF0) | (w & 0x0F); }

ucell cg_body(ucell xt)
{
    return ldi_value(dict_fetch(xt + 4)) | (ldi_value(dict_fetch(xt + 6)) << 8);
}

void cg_rcheck(void) { cg_compile_xt(XT(qrp)); }

/* Locals in a return-stack frame (for compiled Julia): cell n of the frame
 * is n cells below the top of the return stack at that point of the code;
 * the host compiler counts the cells it pushed.  op 0: L@  1: L!  2: LDROP */
#define OP_IN_R30_SPL  0xB7ED
#define OP_IN_R31_SPH  0xB7FE
#define OP_IN_R0_SREG  0xB60F
#define OP_OUT_SREG_R0 0xBE0F
#define OP_OUT_SPH_R31 0xBFFE
#define OP_OUT_SPL_R30 0xBFED
#define OP_CLI         0x94F8

static const ucell T_SP[] PROGMEM = { OP_IN_R30_SPL, OP_IN_R31_SPH, 0 };
/* SREG is restored between the two halves: SPL is written before any
 * interrupt can run (an AVR runs one more instruction after SEI/SREG).  */
static const ucell T_SETSP[] PROGMEM = { OP_IN_R0_SREG, OP_CLI, OP_OUT_SPH_R31,
                                         OP_OUT_SREG_R0, OP_OUT_SPL_R30, 0 };

static ucell ldd_z(uint8_t store, uint8_t reg, uint8_t q)   /* ldd/std r,Z+q */
{
    return 0x8000 | (store << 9) | ((q & 0x20) << 8) | ((q & 0x18) << 7)
        | (reg << 4) | (q & 7);
}

void cg_local(uint8_t op, uint8_t n)
{
    if (n > 30)
        forth_throw(E_RANGE);
    if (op == 0)                                    /* L@ n ( -- x ) 10 cycles */
        emit(T_DUP);
    emit(T_SP);
    if (op == 2) {                                  /* LDROP n ( R: n cells -- ) */
        n *= 2;
        comma_word(0x9630 | ((n & 0x30) << 2) | (n & 0x0F));   /* adiw r30,2n */
        emit(T_SETSP);
        return;
    }
    comma_word(ldd_z(op, 24, 2 + 2 * n));        /* the low byte is deeper      */
    comma_word(ldd_z(op, 25, 1 + 2 * n));
    if (op == 1)                                    /* L! n ( x -- )  12 cycles */
        emit(T_DROP);
}
