/* jlforth MSP430G2553 code generator: what the on-chip compiler lays down.
 *
 * Direct-threaded code: a colon word is CALL #docol and a thread of cells,
 * each the xt of a word; literals, branches and loops are a run-time
 * routine's xt and an inline cell.  The host image builder follows exactly
 * these rules (forth_kernel/README.md, "Code generation (MSP430G2553)").
 *
 * Flash is written directly, never cached: bits can only be cleared, and a
 * cell is written once after an erase.  So a forward branch leaves its cell
 * erased (0xFFFF) until it is resolved, LEAVE needs no chain (the loop's
 * frame holds the exit address), DOES> fills a spare cell, and the last
 * cell of a definition is held back until ; knows whether it is a tail call.
 * Writing, erasing and rolling back are in platform.c.                     */
#include "forth.h"
#include "config.h"

#define OP_CALL 0x12B0          /* call #imm: CONSTANT's, CREATE's code field */
#define OP_DOCOL 0x1289         /* call r9 (r9 = docol): a colon word's       */
#define UNSET   0xFFFF          /* an erased cell: a branch not resolved yet */

/* run-time routines (prims.S) */
extern const uint8_t docon[], docreate[], pexit[], plit[], pbranch[],
    pzbranch[], ploop[], pplusloop[], unloop[], pleave[], plfetch[], plstore[],
    pldrop[];
#define RT(x) ((ucell)(x))

/* platform.c: the dictionary's flash */
void  flash_put(ucell a, ucell x, uint8_t n);   /* into erased flash          */
void  dict_settle(void);                        /* finish a pending rollback  */
extern ucell g_dirty;                           /* end of the written bytes   */

static uint8_t raw;             /* the C half laid a header: the next cell of
                                   code needs a code field first             */
static ucell pend, pend_xt;     /* a call held back (a tail-call candidate)  */
static ucell last_target;       /* newest address a branch lands on          */
static ucell loop_exit;         /* (DO)'s exit cell, for the loop now closing */

static void room(ucell n)
{
    dict_settle();
    if ((ucell)(g_fhere + n) > DICT_END || (ucell)(g_fhere + n) < g_fhere
        || g_dirty > g_fhere)
        forth_throw(E_DICT_FULL);
}

static void advance(ucell n)
{
    g_fhere += n;
    if (g_dirty < g_fhere)
        g_dirty = g_fhere;
}

static void flush_pend(void)
{
    if (pend) {
        flash_put(pend, pend_xt, 2);
        pend = 0;
    }
}

static void comma_b(uint8_t b)
{
    flush_pend();
    room(1);
    flash_put(g_fhere, b, 1);
    advance(1);
}

void comma_byte(uint8_t b)      /* the C half's bytes: headers */
{
    raw = 1;
    comma_b(b);
}

static void comma(ucell x)
{
    if (g_fhere & 1) {          /* after FC, : keep the bytes in order */
        comma_b(x);
        comma_b(x >> 8);
        return;
    }
    flush_pend();
    room(2);
    flash_put(g_fhere, x, 2);
    advance(2);
}

static ucell skip(void)         /* an erased cell, resolved later */
{
    ucell a;
    flush_pend();
    room(2);
    a = g_fhere;
    advance(2);
    return a;
}

static void put_cell(ucell a, ucell x)   /* resolve a cell left erased */
{
    if (dict_fetch(a) != UNSET)
        forth_throw(E_CONTROL);
    flash_put(a, x, 2);
}

void dict_pending(void) { flush_pend(); }
void dict_forget_pending(void) { pend = 0; raw = 0; }

/* A definition's code starts with its code field. */
static void code_field(const uint8_t *rt)
{
    raw = 0;
    comma(OP_CALL);
    comma(RT(rt));
}

static void thread(void)
{
    if (raw) {
        raw = 0;
        comma(OP_DOCOL);
    }
}

static uint8_t runs(ucell xt, const uint8_t *rt)   /* CALL #rt at xt? */
{
    return dict_fetch(xt) == OP_CALL && dict_fetch(xt + 2) == RT(rt);
}

static uint8_t colon(ucell xt) { return dict_fetch(xt) == OP_DOCOL; }

/* F,  FC,  ( x -- ) ( c -- ) */
WORD(p_fcomma) { flush_pend(); comma(sp[0]); return sp + 1; }
WORD(p_fccomma) { comma_b(sp[0]); return sp + 1; }

/* A reference to a colon word is held back: ; may turn it into a jump. */
void cg_call(ucell xt)
{
    thread();
    if (colon(xt)) {
        flush_pend();
        room(2);
        pend = g_fhere;
        pend_xt = xt;
        advance(2);
    } else
        comma(xt);
}

/* A constant (CALL #docon, flagged inline) compiles as its literal. */
void cg_compile_xt(ucell xt)
{
    if (!(dict_cfetch(xt - 1) & F_INLINE) && runs(xt, docon))
        cg_literal(dict_fetch(xt + 4));
    else
        cg_call(xt);
}

void cg_literal(cell x)         /* (lit) x                      10 cycles */
{
    thread();
    comma(RT(plit));
    comma(x);
}

void cg_constant(cell x)        /* CONSTANT, VARIABLE: CALL #docon, x     */
{
    ucell f = g_fhere - 1;
    code_field(docon);
    comma(x);
    cache_put(f, dict_cfetch(f) & ~F_INLINE);
}

void cg_ret(void)
{
    thread();
    comma(RT(pexit));
}

/* ; -- a final reference to a colon word becomes (branch) to its thread
 * (a tail call: no return-stack cell, no docol) unless a branch lands
 * after it; otherwise (exit).                                             */
void cg_semicolon(void)
{
    thread();
    if (pend && last_target != g_fhere) {
        ucell a = pend, xt = pend_xt;
        pend = 0;
        flash_put(a, RT(pbranch), 2);
        comma(xt + 2);
        return;
    }
    comma(RT(pexit));
}

ucell cg_if(void)
{
    thread();
    comma(RT(pzbranch));
    return skip();
}

ucell cg_ahead(void)
{
    thread();
    comma(RT(pbranch));
    return skip();
}

void cg_resolve(ucell orig)
{
    put_cell(orig, g_fhere);
    last_target = g_fhere;
}

ucell cg_begin(void)
{
    thread();
    return last_target = g_fhere;
}

void cg_until(ucell dest)
{
    thread();
    comma(RT(pzbranch));
    comma(dest);
}

void cg_again(ucell dest)
{
    thread();
    comma(RT(pbranch));
    comma(dest);
}

/* (DO) exit / (?DO) exit: the exit cell is resolved when the loop closes,
 * to the address after its UNLOOP.  ?DO's skip needs no branch of its own. */
void cg_do(void)
{
    thread();
    comma(RT(pdo));
    skip();
}

ucell cg_qdo(void)
{
    thread();
    comma(RT(pqdo));
    skip();
    return 0;
}

void cg_loop(ucell dest, uint8_t plus)
{
    comma(RT(plus ? pplusloop : ploop));
    comma(dest);
    loop_exit = dest - 2;
}

ucell cg_leave(ucell chain)
{
    thread();
    comma(RT(pleave));
    return chain + 1;
}

void cg_resolve_leaves(ucell chain) { (void)chain; }

void cg_unloop(void)
{
    comma(RT(unloop));
    if (loop_exit) {
        put_cell(loop_exit, g_fhere);
        loop_exit = 0;
        last_target = g_fhere;
    }
}

void cg_string(ucell rt, ucell s, uint8_t n)
{
    cg_call(rt);
    comma_b(n);
    while (n--)
        comma_b(mem_cfetch(s++));
    if (g_fhere & 1)
        comma_b(0);
}

/* CREATE: CALL #docreate, the data address (HERE, aligned), a DOES> slot. */
void cg_create_body(ucell ram)
{
    if (ram & 1)
        g_here = ++ram;
    code_field(docreate);
    comma(ram);
    skip();
}

/* DOES> fills the first erased slot.  A second DOES> on the same word
 * clears the used slot to 0 and appends a new one, which needs the word
 * to be the last thing compiled.                                           */
void cg_does(ucell xt, ucell code)
{
    ucell a = xt + 6;
    if (!runs(xt, docreate))
        forth_throw(E_BAD_ADDR);
    while (dict_fetch(a) == 0)
        a += 2;
    if (dict_fetch(a) != UNSET) {
        if (a + 2 != g_fhere)
            forth_throw(E_BAD_ADDR);
        flash_put(a, 0, 2);
        a = skip();
    }
    flash_put(a, code, 2);
}

ucell cg_body(ucell xt)
{
    if (!runs(xt, docreate))
        forth_throw(E_BAD_ADDR);
    return dict_fetch(xt + 4);
}

void cg_rcheck(void)
{
    thread();
    comma(XT(qrp));
}

/* L@ n, L! n, LDROP n: (l@) 2n, (l!) 2n, (ldrop) 2n                       */
void cg_local(uint8_t op, uint8_t n)
{
    static const uint8_t *const rt[] = { plfetch, plstore, pldrop };
    if (n > 60)
        forth_throw(E_RANGE);
    thread();
    comma(RT(rt[op]));
    comma(2 * n);
}
