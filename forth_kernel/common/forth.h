/* jlforth kernel: the interface between the shared C half (outer interpreter,
 * compiler words, number conversion) and each chip's own half (primitives,
 * code generator, flash writer, UART).  A port supplies everything declared
 * under "arch".                                                             */
#ifndef JLF_FORTH_H
#define JLF_FORTH_H

#include <stdint.h>
#include "arch.h"                /* PROGMEM, pgm_read_byte, PSTR, symbols */

typedef int16_t cell;
typedef uint16_t ucell;

/* ---- header layout (the same on every chip, and in the host image builder)
 *   +0  link    unified address of the previous header, 0 ends the list
 *   +2  len     name length, 1..31
 *   +3  name    len bytes, lower case
 *       pad     one 0 byte when len is odd
 *       flags   one byte, active LOW (erased flash 0xFF = no flags)
 *   xt  code    word aligned; xt is the unified address of the code         */
#define F_IMMEDIATE  0x80
#define F_INLINE     0x40   /* body may be copied instead of called          */
#define F_COMPONLY   0x20   /* compile-only                                   */
#define NAME_MAX     31

/* throw codes (Forth 2012 table, plus our own from -256 down)               */
enum {
    E_ABORT = -1, E_ABORTQ = -2, E_DS_OVER = -3, E_DS_UNDER = -4,
    E_RS_OVER = -5, E_DICT_FULL = -8, E_BAD_ADDR = -9, E_DIV0 = -10,
    E_RANGE = -11, E_UNDEFINED = -13, E_COMPONLY = -14, E_NONAME = -16,
    E_READONLY = -20, E_CONTROL = -22, E_BAD_NUM = -24, E_BREAK = -28,
    E_QUIT = -56,
    E_FLASH_VERIFY = -256, E_INEXACT = -257, E_BOUNDS = -258, E_ARGUMENT = -259,
};

/* ---- words written in C: they take and return the data stack pointer ---- */
#define WORD(name) cell *name(cell *sp)
#define PUSH(x)  (*--sp = (cell)(x))
#define POP()    (*sp++)

/* ---- shared state (the C half owns these) -------------------------------- */
extern cell  g_state;        /* STATE: 0 interpret, -1 compile                */
extern cell  g_base;         /* BASE                                          */
extern ucell g_here;         /* HERE: data space pointer (RAM)                */
extern ucell g_fhere;        /* next free byte of the dictionary (unified)    */
extern ucell g_latest;       /* newest revealed header (unified)              */
extern ucell g_errline;      /* set by compiled Julia code before a throw     */
extern ucell g_turnkey, g_handler;

void  forth_throw(cell code) __attribute__((noreturn));   /* to CATCH or QUIT */
void  forth_restart(cell code) __attribute__((noreturn));
void  type_pgm(const char *s);           /* NUL-terminated, in flash        */
uint8_t mem_cfetch(ucell a);             /* RAM or flash, unified address   */

/* ---- arch: supplied by each port ----------------------------------------- */
#ifdef ARCH_STREAM                        /* the port receives streamed lines */
#define STX 2                             /* (interp.c): a line that starts   */
extern uint8_t tib[];                     /* with STX is interpreted as it    */
extern volatile uint8_t rx_len, rx_open;  /* arrives                      */
void line_end(void);                      /* wait for its CR                */
#endif
void     arch_run(uint8_t on);            /* a word runs: Ctrl-C may break */
uint8_t  arch_escape(void);               /* 1: skip the turnkey word      */
void     uart_putc(uint8_t c);
uint8_t  uart_getc(void);
uint8_t  uart_ready(void);
cell    *forth_execute(ucell xt, cell *sp);   /* run a word, from C        */

/* dictionary memory: unified flash addresses, through any write cache      */
uint8_t  dict_cfetch(ucell a);
ucell    dict_fetch(ucell a);
void     cache_put(ucell a, uint8_t b);      /* compiler's write, anywhere in
                                                the dictionary region        */
void     dict_flush(void);                   /* make flash match the cache   */
void     dict_rollback(ucell fhere);         /* forget bytes at/after fhere   */
void     dict_persist(void);                 /* save pointers (EEPROM/info)  */
uint8_t  dict_restore(void);                 /* 1 if saved pointers valid    */

/* code generator: threaded code for this chip                              */
void  comma_byte(uint8_t b);             /* one byte at g_fhere              */
void  cg_call(ucell xt);
void  cg_compile_xt(ucell xt);           /* inline or call, by its flags     */
void  cg_literal(cell x);
void  cg_constant(cell x);               /* inline literal + return          */
void  cg_ret(void);
void  cg_semicolon(void);                /* tail call + return               */
ucell cg_if(void);                       /* 0branch forward, returns orig    */
ucell cg_ahead(void);                    /* branch forward, returns orig     */
void  cg_resolve(ucell orig);            /* forward branch lands here        */
void  cg_until(ucell dest);              /* 0branch back                     */
ucell cg_begin(void);                    /* a backward branch lands here     */
void  cg_again(ucell dest);              /* branch back                      */
void  cg_do(void);
ucell cg_qdo(void);                      /* returns orig of the skip branch  */
void  cg_loop(ucell dest, uint8_t plus); /* LOOP or +LOOP                     */
void  cg_unloop(void);
ucell cg_leave(ucell chain);             /* forward branch, threaded chain   */
void  cg_resolve_leaves(ucell chain);
void  cg_string(ucell runtime_xt, ucell src, uint8_t n);
void  cg_create_body(ucell ram_addr);
void  cg_does(ucell created_xt, ucell does_code);
ucell cg_body(ucell xt);                 /* >BODY of a CREATEd word          */
void  cg_rcheck(void);                   /* return-stack check (recursion)  */
void  cg_local(uint8_t op, uint8_t n);   /* L@ L! LDROP: return-stack frame  */

#endif
