/* jlforth kernel, shared C half: the outer interpreter, the compiler words,
 * number conversion, dictionary search and the error answer.  Chip details
 * (code generation, flash writing, UART) sit behind the arch_/cg_/dict_
 * calls declared in forth.h, so a new chip brings only those.
 *
 * A word written in C is   cell *w_name(cell *sp)   : it gets the data
 * stack pointer (top item at sp[0], the cached TOS already stored) and
 * returns the new one.  Keeping sp in a register keeps this code small.   */
#include "forth.h"
#include "config.h"

/* ---- state ---------------------------------------------------------------- */
cell   g_state;
cell   g_base = 10;
ucell  g_here, g_fhere, g_latest, g_errline, g_toin, g_handler, g_turnkey;
uint8_t tib[TIB_SIZE];                /* (global: a port may fill it)      */
static ucell  src;                    /* unified address of the source text   */
static uint8_t src_len;
#ifdef ARCH_STREAM
/* A streamed line (the loader's: it starts with STX) is interpreted while
 * it arrives.  The port's receive interrupt stores it in the TIB, echoes it
 * and clears rx_open at its CR; parsing waits for bytes, and whatever needs
 * the whole line (output, KEY, SOURCE, \ , an error answer) waits for the
 * CR first, so the answer is still: echo, output, ok.  Each token's work
 * hides behind the transmission of the next one.                        */
volatile uint8_t rx_len, rx_open;
static uint8_t pending;               /* a line's first byte, read early   */
static uint8_t src_streams;           /* the source is that line           */

void line_end(void)
{
    while (rx_open)
        ;
    if (src_streams)
        src_len = rx_len;
}

static uint8_t have(ucell i)        /* is there a source byte at i?      */
{
    if (src_streams) {
        while (rx_open && i >= rx_len)
            ;
        src_len = rx_len;
    }
    return i < src_len;
}
#else
#define line_end()
#define have(i) ((i) < src_len)
#endif
static ucell  tok;                    /* the token being interpreted          */
static uint8_t tok_len;
static ucell  colon_hdr;              /* definition under construction        */
static cell  *colon_sp;               /* stack at ':' (control-flow check)    */
static ucell  abort_text;             /* ABORT" text, for the error answer   */
static ucell  leaves;                 /* LEAVE chain of the innermost loop    */


/* ---- small helpers -------------------------------------------------------- */
#ifndef KERNEL_BYTE                    /* flash read directly (DIRECT_OK:     */
#define KERNEL_BYTE(a) (*(const uint8_t *)(a))   /* not in a write cache);  */
#define KERNEL_WORD(a) (*(const uint16_t *)(a))  /* one flat address space */
#define DIRECT_OK(a) 1
#endif
uint8_t mem_cfetch(ucell a)
{
    return (a & FLASH_BIT) ? dict_cfetch(a) : *(uint8_t *)a;
}

static uint8_t lower(uint8_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

void type_pgm(const char *s)
{
    uint8_t c;
    while ((c = pgm_read_byte(s++)))
        uart_putc(c);
}

static void type_mem(ucell a, ucell n)
{
    while (n--)
        uart_putc(mem_cfetch(a++));
}

static void need(cell *sp, uint8_t n)   /* stack items a C word needs      */
{
    if ((cell *)S0_ADDR - sp < n)
        forth_throw(E_DS_UNDER);
}
#define NEED(n) need(sp, n)

/* ---- the error answer ------------------------------------------------------
 * " ?? NAME CODE MESSAGE" NAK CR LF.  NAK (0x15) never appears in a normal
 * answer, so a host detects errors without guessing.  Messages are one
 * string: a key byte (-code, or 100 + our own -256-n codes) then the text. */
static const char messages[] PROGMEM =
    "\001aborted\0" "\003data stack overflow\0" "\004data stack underflow\0"
    "\005return stack overflow\0" "\010dictionary full\0"
    "\011invalid address\0" "\012division by zero\0"
    "\013result out of range\0" "\015undefined word\0" "\016compile only\0"
    "\020missing name\0" "\024read-only\0" "\026control structure mismatch\0"
    "\030bad number\0" "\034break\0" "\144flash verify failed\0"
    "\145InexactError\0" "\146BoundsError\0" "\147ArgumentError\0" "\377error";

static const char *message(cell code)
{
    uint8_t key = code <= -256 ? 100 - 256 - code : -code;
    const char *m = messages;
    for (;;) {
        uint8_t k = pgm_read_byte(m);
        if (k == key || k == 0xFF)
            return m + 1;
        while (pgm_read_byte(m++))
            ;
    }
}

static void print_num(cell n);

static void error_answer(cell code)
{
    type_pgm(PSTR("?? "));
    if (tok_len)
        type_mem(tok, tok_len);
    else
        uart_putc('-');
    uart_putc(' ');
    g_base = 10;
    print_num(code);
    uart_putc(' ');
    if (code == E_ABORTQ)
        type_mem(abort_text + 1, dict_cfetch(abort_text));
    else
        type_pgm(message(code));
    if (g_errline) {
        type_pgm(PSTR(" at line "));
        print_num(g_errline);
    }
    type_pgm(PSTR("\025\r\n"));
}

/* ---- dictionary search ---------------------------------------------------- */
static ucell hdr_xt(ucell h)
{
    uint8_t n = dict_cfetch(h + 2);
    return h + 4 + n + (n & 1);
}

/* Links in the kernel's own headers are plain byte addresses (so the linker
 * may relax the code around them); the flash bit is added here.          */
static ucell next_hdr(ucell h)
{
    h = DIRECT_OK(h) && DIRECT_OK(h + 1) ? KERNEL_WORD(h) : dict_fetch(h);
    return h ? h | FLASH_BIT : 0;
}

/* The interpreter's hot loop: a miss walks every header.  Headers are read
 * with plain flash reads unless they lie in a page held in the write cache
 * (never the kernel's own), and only one with the right length and first
 * letter is compared in full.                                             */
static ucell find_name(ucell a, uint8_t n)
{
    ucell user = DICT_START;
    uint8_t c0 = lower(mem_cfetch(a));
    for (ucell h = g_latest; h; h = next_hdr(h)) {
        while (h < user) {                              /* kernel headers */
            if (KERNEL_BYTE(h + 2) == n && KERNEL_BYTE(h + 3) == c0)
                goto compare;
            h = KERNEL_WORD(h);
            if (!h)
                return 0;
            h |= FLASH_BIT;
        }
        if (DIRECT_OK(h) && DIRECT_OK(h + 3)) {
            if (KERNEL_BYTE(h + 2) != n || KERNEL_BYTE(h + 3) != c0)
                continue;
        } else if (dict_cfetch(h + 2) != n)
            continue;
compare:;
        uint8_t i = 0;
        while (i < n && dict_cfetch(h + 3 + i) == lower(mem_cfetch(a + i)))
            i++;
        if (i == n)
            return h;
    }
    return 0;
}

/* ---- parsing -------------------------------------------------------------- */
static uint8_t is_delim(uint8_t c, uint8_t delim)
{
    return delim == ' ' ? c <= ' ' : c == delim;
}

/* Skip leading delimiters if asked, then take the text up to the next
 * delimiter.  Returns its unified address, the length in *len.           */
static ucell parse(uint8_t delim, uint8_t skip, uint8_t *len)
{
    ucell i = g_toin;
    while (skip && have(i) && is_delim(mem_cfetch(src + i), delim))
        i++;
    ucell start = i;
    while (have(i) && !is_delim(mem_cfetch(src + i), delim))
        i++;
    *len = i - start;
    g_toin = i < src_len ? i + 1 : i;
    return src + start;
}

static ucell parse_name(uint8_t *len) { return parse(' ', 1, len); }

static ucell need_name(uint8_t *len)
{
    tok = parse_name(len);
    tok_len = *len;
    if (!*len)
        forth_throw(E_NONAME);
    return tok;
}

/* ---- numbers -------------------------------------------------------------- */
static uint8_t to_number(uint32_t *ud, ucell *a, uint8_t n)
{
    for (; n; n--, (*a)++) {
        uint8_t c = lower(mem_cfetch(*a));
        uint8_t d = c >= 'a' ? c - 'a' + 10 : c - '0';
        if (c < '0' || (c > '9' && c < 'a') || d >= g_base)
            break;
        *ud = *ud * (ucell)g_base + d;
    }
    return n;
}

/* A number: optional prefix $ # % or 'c', optional '-', digits, and a
 * trailing '.' for a double.  Returns 0 not a number, 1 single, 2 double. */
static uint8_t number(ucell a, uint8_t n, uint32_t *val)
{
    cell saved = g_base;
    uint8_t neg = 0, r = 0, c = mem_cfetch(a);
    *val = 0;
    if (n == 3 && c == '\'' && mem_cfetch(a + 2) == '\'') {
        *val = mem_cfetch(a + 1);
        return 1;
    }
    if (c == '$' || c == '#' || c == '%') {
        g_base = c == '$' ? 16 : c == '#' ? 10 : 2;
        a++, n--;
    }
    if (n && mem_cfetch(a) == '-')
        neg = 1, a++, n--;
    uint8_t dbl = n && mem_cfetch(a + n - 1) == '.';
    n -= dbl;
    if (n && !to_number(val, &a, n)) {
        if (neg)
            *val = -*val;
        r = 1 + dbl;
    }
    g_base = saved;
    return r;
}

/* ---- output (the words themselves are primitives of each port) ---------- */
ucell g_hold;                          /* pictured output, growing down       */

static void print_num(cell n)         /* for the error answer and .S         */
{
    ucell u = n;
    if (n < 0 && g_base == 10) {
        uart_putc('-');
        u = -u;
    }
    if (u >= (ucell)g_base)
        print_num(u / g_base);
    u %= g_base;
    uart_putc(u < 10 ? '0' + u : 'A' - 10 + u);
}

WORD(w_dots)
{
    cell n = (cell *)S0_ADDR - sp;
    uart_putc('<');
    print_num(n);
    type_pgm(PSTR("> "));
    while (n > 0) {
        print_num(sp[--n]);
        uart_putc(' ');
    }
    return sp;
}

/* ---- memory --------------------------------------------------------------- */
WORD(w_fill)
{
    NEED(3);
    for (ucell n = sp[1], a = sp[2]; n; n--)
        *(uint8_t *)a++ = sp[0];
    return sp + 3;
}

/* ( src dst n -- ) byte copies; the source may be in flash.  up: copy
 * from the high end (CMOVE>); MOVE picks the direction that is safe.     */
static cell *copy(cell *sp, uint8_t up)
{
    NEED(3);
    ucell n = sp[0], d = sp[1], s = sp[2];
    if (up)
        while (n--)
            *(uint8_t *)(d + n) = mem_cfetch(s + n);
    else
        while (n--)
            *(uint8_t *)d++ = mem_cfetch(s++);
    return sp + 3;
}
WORD(w_cmove) { return copy(sp, 0); }
WORD(w_cmoveup) { return copy(sp, 1); }
WORD(w_move) { return copy(sp, (ucell)sp[1] > (ucell)sp[2]); }

static void allot(cell n)
{
    if (n > 0 && (ucell)(g_here + n) > DATA_LIMIT)
        forth_throw(E_DICT_FULL);
    g_here += n;
}

WORD(w_allot) { NEED(1); allot(POP()); return sp; }
WORD(w_comma) { NEED(1); ucell a = g_here; allot(2); *(cell *)a = POP(); return sp; }
WORD(w_ccomma) { NEED(1); ucell a = g_here; allot(1); *(uint8_t *)a = POP(); return sp; }
WORD(w_align) { allot(g_here & 1); return sp; }
WORD(w_unused) { PUSH(DATA_LIMIT - g_here); return sp; }
WORD(w_fccomma) { NEED(1); comma_byte(POP()); return sp; }
WORD(w_fcomma) { NEED(1); ucell x = POP(); comma_byte(x); comma_byte(x >> 8); return sp; }

/* ---- parsing words -------------------------------------------------------- */
WORD(w_source) { line_end(); PUSH(src); PUSH(src_len); return sp; }
WORD(w_parsename) { uint8_t n; PUSH(parse_name(&n)); PUSH(n); return sp; }
WORD(w_parse) { uint8_t n; NEED(1); sp[0] = parse(sp[0], 0, &n); PUSH(n); return sp; }

WORD(w_word)                       /* ( char -- c-addr ) counted, at HERE */
{
    uint8_t n;
    NEED(1);
    ucell a = parse(sp[0], 1, &n);
    uint8_t *d = (uint8_t *)g_here;
    *d = n;
    while (n--)
        *++d = mem_cfetch(a++);
    d[1] = ' ';
    sp[0] = g_here;
    return sp;
}

WORD(w_char) { uint8_t n; PUSH(mem_cfetch(need_name(&n))); return sp; }
WORD(w_bracketchar) { uint8_t n; cg_literal(mem_cfetch(need_name(&n))); return sp; }
WORD(w_paren) { uint8_t n; parse(')', 0, &n); return sp; }
WORD(w_backslash) { line_end(); g_toin = src_len; return sp; }
WORD(w_dotparen) { uint8_t n; ucell a = parse(')', 0, &n); type_mem(a, n); return sp; }

#ifdef ARCH_STREAM
static uint8_t next_key(void)
{
    uint8_t c = pending;
    pending = 0;
    return c ? c : uart_getc();
}
#else
#define next_key() uart_getc()
#endif

/* ( c-addr n -- n' ) a line with echo; CR ends it, LF is ignored, so CR LF
 * and CR both work; backspace and DEL rub out                             */
WORD(w_accept)
{
    NEED(2);
    cell max = sp[0], n = 0;
    uint8_t *buf = (uint8_t *)sp[1];
    for (uint8_t c; (c = next_key()) != '\r';) {
        if (c == 8 || c == 127) {
            if (n) {
                n--;
                type_pgm(PSTR("\b \b"));
            }
        } else if (c != '\n' && n < max) {
            buf[n++] = c < ' ' ? ' ' : c;
            uart_putc(c);
        }
    }
    uart_putc(' ');
    sp[1] = n;
    return sp + 1;
}

WORD(w_tonumber)                   /* ( ud a u -- ud' a' u' ) */
{
    uint32_t ud;
    NEED(4);
    ud = ((uint32_t)(ucell)sp[2] << 16) | (ucell)sp[3];
    ucell a = sp[1];
    sp[0] = to_number(&ud, &a, sp[0]);
    sp[1] = a;
    sp[2] = ud >> 16;
    sp[3] = ud;
    return sp;
}

WORD(w_find)                       /* ( c-addr -- c-addr 0 | xt 1 | xt -1 ) */
{
    NEED(1);
    ucell c = sp[0];
    ucell h = find_name(c + 1, mem_cfetch(c));
    if (!h) {
        PUSH(0);
        return sp;
    }
    ucell xt = hdr_xt(h);
    sp[0] = xt;
    PUSH(dict_cfetch(xt - 1) & F_IMMEDIATE ? -1 : 1);
    return sp;
}

static ucell tick(void)
{
    uint8_t n;
    ucell a = need_name(&n);
    ucell h = find_name(a, n);
    if (!h)
        forth_throw(E_UNDEFINED);
    return hdr_xt(h);
}

WORD(w_tick) { PUSH(tick()); return sp; }
WORD(w_brackettick) { cg_literal(tick()); return sp; }

/* ---- the compiler --------------------------------------------------------- */
static void need_compiling(void)
{
    if (!g_state)
        forth_throw(E_COMPONLY);
}

/* Lay down a header for the next name in the input; not yet revealed. */
static ucell header(void)
{
    uint8_t n;
    ucell a = need_name(&n);
    if (g_fhere & 1)                   /* after an odd FC, : code stays even */
        comma_byte(0xFF);
    ucell h = g_fhere;
    if (n > NAME_MAX)
        n = NAME_MAX;
    comma_byte(g_latest);
    comma_byte(g_latest >> 8);
    comma_byte(n);
    for (uint8_t i = 0; i < n; i++)
        comma_byte(lower(mem_cfetch(a + i)));
    if (n & 1)
        comma_byte(0);
    comma_byte(0xFF);                  /* flags: none (active low)        */
    return h;
}

WORD(w_lbracket) { g_state = 0; return sp; }
WORD(w_rbracket) { g_state = -1; return sp; }

WORD(w_colon)
{
    colon_hdr = header();
    colon_sp = sp;
    g_state = -1;
    return sp;
}

WORD(w_semicolon)
{
    need_compiling();
    if (sp != colon_sp)
        forth_throw(E_CONTROL);
    cg_semicolon();
    g_latest = colon_hdr;
    g_state = 0;
    return sp;
}

WORD(w_immediate)
{
    ucell f = hdr_xt(g_latest) - 1;
    cache_put(f, dict_cfetch(f) & ~F_IMMEDIATE);
    return sp;
}
WORD(w_literal) { NEED(1); cg_literal(POP()); return sp; }
WORD(w_compilecomma) { NEED(1); cg_compile_xt(POP()); return sp; }
WORD(w_exit) { need_compiling(); cg_ret(); return sp; }

/* L@ n, L! n, LDROP n: cell n of a frame on the return stack (the host
 * compiler keeps Julia's arguments and locals there); n is parsed now.  */
static cell *local(cell *sp, uint8_t op)
{
    uint8_t n;
    uint32_t v;
    ucell a = need_name(&n);
    need_compiling();
    if (number(a, n, &v) != 1)
        forth_throw(E_BAD_NUM);
    cg_local(op, v);
    return sp;
}
WORD(w_lfetch) { return local(sp, 0); }
WORD(w_lstore) { return local(sp, 1); }
WORD(w_ldrop) { return local(sp, 2); }
WORD(w_recurse) { cg_rcheck(); cg_call(hdr_xt(colon_hdr)); return sp; }

WORD(w_postpone)
{
    ucell xt = tick();
    if (dict_cfetch(xt - 1) & F_IMMEDIATE) {   /* not immediate          */
        cg_literal(xt);
        cg_call(XT(compilecomma));
    } else
        cg_call(xt);
    return sp;
}

/* Control flow: orig/dest on the data stack, tagged so mismatches show. */
#define T_ORIG 0x4F52
#define T_DEST 0x4445
#define T_DO   0x444F
#define PUSHTAG(a, tag) (PUSH(a), PUSH(tag))

static ucell pop_tag(cell **spp, ucell tag)
{
    cell *sp = *spp;
    need_compiling();
    NEED(2);
    if ((ucell)sp[0] != tag)
        forth_throw(E_CONTROL);
    *spp = sp + 2;
    return sp[1];
}
#define POPTAG(tag) pop_tag(&sp, tag)

WORD(w_if) { need_compiling(); PUSHTAG(cg_if(), T_ORIG); return sp; }
WORD(w_then) { cg_resolve(POPTAG(T_ORIG)); return sp; }
WORD(w_else)
{
    ucell o = POPTAG(T_ORIG);
    PUSHTAG(cg_ahead(), T_ORIG);
    cg_resolve(o);
    return sp;
}
WORD(w_begin) { need_compiling(); PUSHTAG(cg_begin(), T_DEST); return sp; }
WORD(w_until) { cg_until(POPTAG(T_DEST)); return sp; }
WORD(w_again) { cg_again(POPTAG(T_DEST)); return sp; }
WORD(w_while)
{
    ucell d = POPTAG(T_DEST);
    PUSHTAG(cg_if(), T_ORIG);
    PUSHTAG(d, T_DEST);
    return sp;
}
WORD(w_repeat) { return w_then(w_again(sp)); }

static cell *do_common(cell *sp, ucell skip)
{
    PUSH(leaves);
    leaves = 0;
    PUSH(skip);
    PUSHTAG(g_fhere, T_DO);
    return sp;
}
WORD(w_do) { need_compiling(); cg_do(); return do_common(sp, 0); }
WORD(w_qdo) { need_compiling(); return do_common(sp, cg_qdo()); }
WORD(w_leave) { need_compiling(); leaves = cg_leave(leaves); return sp; }

static cell *loop_end(cell *sp, uint8_t plus)
{
    ucell dest = POPTAG(T_DO);
    NEED(2);
    cg_loop(dest, plus);               /* branch back, then the exit      */
    cg_resolve_leaves(leaves);         /* LEAVE lands on the UNLOOP       */
    cg_unloop();
    if (sp[0])
        cg_resolve(sp[0]);             /* ?DO's skip lands after it       */
    leaves = sp[1];
    return sp + 2;
}
WORD(w_loop) { return loop_end(sp, 0); }
WORD(w_plusloop) { return loop_end(sp, 1); }

/* ---- defining words ------------------------------------------------------- */
WORD(w_create)
{
    ucell h = header();
    cg_create_body(g_here);
    g_latest = h;
    return sp;
}

static ucell constant(cell x)
{
    ucell h = header();
    cg_constant(x);
    return g_latest = h;
}

/* A chip whose cells must be aligned (the MSP430: a word access ignores
 * address bit 0) defines VAR_ALIGN in its arch.h: VARIABLE and 2VARIABLE
 * then align HERE first, as , and CREATE do.                              */
#ifdef VAR_ALIGN
#define VAR_HERE() (allot(g_here & 1), g_here)
#else
#define VAR_HERE() g_here
#endif
WORD(w_variable) { constant(VAR_HERE()); allot(2); return sp; }
WORD(w_twovariable) { constant(VAR_HERE()); allot(4); return sp; }
WORD(w_constant) { NEED(1); constant(sp[0]); return sp + 1; }

WORD(w_twoconstant)
{
    NEED(2);
    ucell h = header();
    cg_literal(sp[1]);
    cg_literal(sp[0]);
    cg_ret();
    g_latest = h;
    return sp + 2;
}

WORD(w_does) { need_compiling(); cg_call(XT(pdoes)); return sp; }
void does_runtime(ucell waddr)         /* from (DOES>): patch LATEST      */
{
    cg_does(hdr_xt(g_latest), (waddr << 1) | FLASH_BIT);
}
WORD(w_tobody) { NEED(1); sp[0] = cg_body(sp[0]); return sp; }

/* strings: compiled inline after a call to their run-time word */
static void string_word(ucell rt)
{
    uint8_t n;
    ucell a = parse('"', 0, &n);
    cg_string(rt, a, n);
}

WORD(w_squote)
{
    if (g_state) {
        string_word(XT(psquote));
        return sp;
    }
    uint8_t n;                         /* interpreting: a transient copy  */
    ucell a = parse('"', 0, &n);
    if (n > HOLD_SIZE)                 /* it has the 34 bytes above the     */
        n = HOLD_SIZE;                 /* pictured-output buffer            */
    ucell d = g_here + HOLD_SIZE;
    PUSH(d);
    PUSH(n);
    PUSH(a);
    PUSH(d);
    PUSH(n);
    return w_move(sp);
}
WORD(w_dotquote) { string_word(XT(pdotquote)); return sp; }
WORD(w_abortquote) { string_word(XT(pabortq)); return sp; }

ucell type_inline(ucell waddr)         /* (.") : type, return resume addr */
{
    ucell a = (waddr << 1) | FLASH_BIT;
    uint8_t n = dict_cfetch(a);
    type_mem(a + 1, n);
    return ((a & 0x7FFF) + n + 2) >> 1;
}

void abortq_inline(ucell waddr)
{
    abort_text = (waddr << 1) | FLASH_BIT;
    forth_throw(E_ABORTQ);
}

WORD(w_abort) { forth_throw(E_ABORT); }

/* ---- dictionary management ------------------------------------------------ */
static void forget_to(ucell f, ucell l, ucell h)
{
    g_fhere = f;
    g_latest = l;
    g_here = h;
    dict_rollback(f);
    if (g_turnkey >= f)
        g_turnkey = 0;
}

WORD(w_marker)
{
    ucell f = g_fhere, l = g_latest, h = g_here;
    ucell hdr = header();
    cg_literal(f);
    cg_literal(l);
    cg_literal(h);
    cg_call(XT(pmarker));
    cg_ret();
    g_latest = hdr;
    return sp;
}

WORD(w_pmarker) { NEED(3); forget_to(sp[2], sp[1], sp[0]); return sp + 3; }
WORD(w_empty) { forget_to(DICT_START, KERNEL_LATEST, RAM_START); return sp; }

WORD(w_words)
{
    for (ucell h = g_latest; h; h = next_hdr(h)) {
        type_mem(h + 3, dict_cfetch(h + 2));
        uart_putc(' ');
    }
    return sp;
}

WORD(w_turnkey) { NEED(1); g_turnkey = POP(); return sp; }
WORD(w_environmentq) { NEED(2); sp[1] = 0; return sp + 1; }   /* unknown */

cell *interpret(cell *sp);
WORD(w_evaluate)
{
    NEED(2);
    ucell saved_src = src, saved_toin = g_toin;
    uint8_t saved_len = src_len;
#ifdef ARCH_STREAM
    uint8_t saved_streams = src_streams;
    src_streams = 0;
#endif
    src_len = sp[0];
    src = sp[1];
    g_toin = 0;
    sp = interpret(sp + 2);
    src = saved_src;
    src_len = saved_len;
    g_toin = saved_toin;
#ifdef ARCH_STREAM
    src_streams = saved_streams;
#endif
    return sp;
}

WORD(w_quit) { forth_throw(E_QUIT); }

/* (jlerr) ( line code -- ) a Julia runtime error at a source line */
WORD(w_jlerr) { NEED(2); g_errline = sp[1]; forth_throw(sp[0]); }

/* ---- the outer interpreter ------------------------------------------------ */
static cell *run(cell *sp, ucell xt)
{
    if (xt >= DICT_START)
        dict_flush();                  /* its code may still be cached     */
    arch_run(1);
    sp = forth_execute(xt, sp);
    arch_run(0);
    return sp;
}

cell *interpret(cell *sp)
{
    for (;;) {
        uint8_t n;
        ucell a = parse_name(&n);
        if (!n)
            return sp;
        tok = a;
        tok_len = n;
        /* In decimal, a token of digits (with an optional sign) is taken as
         * a number without searching the dictionary: numbers are the most
         * common token a compiler sends, and a miss walks every header.
         * (So a word whose name is all digits is shadowed in decimal.)    */
        uint8_t i = mem_cfetch(a) == '-' && n > 1;
        while (i < n && (uint8_t)(mem_cfetch(a + i) - '0') < 10)
            i++;
        ucell h = (i == n && g_base == 10) ? 0 : find_name(a, n);
        if (h) {
            ucell xt = hdr_xt(h);
            uint8_t fl = dict_cfetch(xt - 1);
            if (g_state && (fl & F_IMMEDIATE))
                cg_compile_xt(xt);
            else if (!g_state && !(fl & F_COMPONLY))
                forth_throw(E_COMPONLY);
            else
                sp = run(sp, xt);
        } else {
            uint32_t v;
            uint8_t k = number(a, n, &v);
            if (!k)
                forth_throw(E_UNDEFINED);
            if (k == 2) {
                if (g_state)
                    cg_literal(v), cg_literal(v >> 16);
                else
                    sp -= 2, sp[1] = v, sp[0] = v >> 16;
            } else if (g_state)
                cg_literal(v);
            else
                PUSH(v);
        }
        if (sp > (cell *)S0_ADDR)
            forth_throw(E_DS_UNDER);
        if (sp < (cell *)DS_LIMIT)
            forth_throw(E_DS_OVER);
    }
}

/* Entered at power-up with code 0, and again with a fresh return stack
 * after every error that no CATCH took (code != 0).                      */
void forth_restart(cell code)
{
    cell *sp = (cell *)S0_ADDR;
    g_handler = 0;
    arch_run(0);
    if (!code) {
        if (!dict_restore())
            w_empty(sp);
        type_pgm(PSTR("jlforth " JLF_VERSION " " JLF_CHIP " ok\r\n"));
        if (g_turnkey && !arch_escape())
            sp = run(sp, g_turnkey);
    } else {
        if (g_state)                   /* forget the unfinished definition */
            forget_to(colon_hdr, g_latest, g_here);
        g_state = 0;
        sp = (cell *)S0_ADDR;
        dict_flush();                  /* before the answer: the host sends */
        dict_persist();                /* its next line as soon as it has it */
        if (code != E_QUIT)
            error_answer(code);
        else
            type_pgm(PSTR(" ok\r\n"));
        g_errline = 0;
        g_base = 10;
    }
    for (;;) {
        tok_len = 0;
        src = (ucell)tib;
        g_toin = 0;
#ifdef ARCH_STREAM
        src_len = 0;
        pending = uart_getc();
        if ((src_streams = pending == STX)) {
            pending = 0;
            rx_len = 0;
            rx_open = 1;
            arch_run(0);               /* the receive interrupt takes it  */
        } else
#endif
        {
            PUSH(tib);
            PUSH(TIB_SIZE);
            sp = w_accept(sp);
            src_len = POP();
        }
        sp = interpret(sp);
        if (!g_state) {
            dict_flush();
            dict_persist();
        }
        type_pgm(PSTR(" ok\r\n"));
    }
}
