; jlforth MSP430G2553 code generator: what the on-chip compiler lays down.
;
; Direct-threaded code: a colon word is CALL r9 (r9 holds docol's address)
; and a thread of cells, each the xt of a word; literals, branches and loops
; are a run-time routine's xt and an inline cell.  The host image builder
; follows exactly these rules (forth_kernel/README.md, "Code generation
; (MSP430G2553)").
;
; Flash is written directly, never cached: bits can only be cleared, and a
; cell is written once after an erase.  So a forward branch leaves its cell
; erased (0xFFFF) until it is resolved, LEAVE needs no chain (the loop's
; frame holds the exit address), DOES> fills a spare cell, and the last
; reference of a definition is held back until ; knows whether it is a tail
; call.  Writing, erasing and rolling back are in flash.S.
;
; The cg_* routines, comma_byte and the dict_* reads are called by the
; shared C half: C's convention (arguments r12-r15, result r12, r4-r10 kept).
; The internal routines keep r4-r11 too, and may clobber r12-r15.
#include "macros.inc"

#define OP_CALL  0x12B0         /* call #imm: CONSTANT's and CREATE's field */
#define OP_DOCOL 0x1289         /* call r9: a colon word's code field       */

        .text

; ---------------------------------------------------------- laying cells
; room: r12 bytes more must fit, after any pending rollback; else -8
room:
        push    r12
        call    #dict_settle                    ; finish a rollback first
        pop     r12
        add     &g_fhere, r12
        jc      1f
        cmp     #DICT_END + 1, r12
        jhs     1f
        mov     &g_fhere, r12
        cmp     &g_dirty, r12                   ; a rollback that could not
        jlo     1f                              ; finish: the space is lost
        ret
1:      mov     #-8, r12
        br      #forth_throw

; advance: g_fhere += r12; g_dirty follows it up
advance:
        add     r12, &g_fhere
        mov     &g_fhere, r12
        cmp     r12, &g_dirty
        jhs     1f
        mov     r12, &g_dirty
1:      ret

; flush_pend: write the held-back reference, if any
        .global flush_pend
flush_pend:
        mov     &pend, r12
        tst     r12
        jz      1f
        clr     &pend
        mov     &pend_xt, r13
        mov     #2, r14
        br      #flash_op
1:      ret

; dcomma_b: one byte at g_fhere.  comma_byte: the C half's bytes (headers):
; the next cell of code needs a code field first.
        .global comma_byte, dcomma_b
comma_byte:
        mov.b   #1, &raw
dcomma_b:
        push    r12
        call    #flush_pend
        mov     #1, r12
        call    #room
        pop     r13
        mov     &g_fhere, r12
        mov     #1, r14
        call    #flash_op
        mov     #1, r12
        jmp     advance

; dcomma: one cell at g_fhere (as two bytes after an odd FC,)
        .global dcomma
dcomma:
        bit     #1, &g_fhere
        jz      1f
        push    r12
        call    #dcomma_b
        pop     r12
        swpb    r12
        jmp     dcomma_b
1:      push    r12
        call    #flush_pend
        mov     #2, r12
        call    #room
        pop     r13
        mov     &g_fhere, r12
        mov     #2, r14
        call    #flash_op
        mov     #2, r12
        jmp     advance

; skip: an erased cell, resolved later; r12 = its address
skip:
        call    #flush_pend
        mov     #2, r12
        call    #room
        mov     &g_fhere, r12
        push    r12
        mov     #2, r12
        call    #advance
        pop     r12
        ret

; put_cell: resolve the erased cell at r12 to r13 (-22 if already set)
put_cell:
        cmp     #-1, 0(r12)
        jne     1f
        mov     #2, r14
        br      #flash_op
1:      mov     #-22, r12
        br      #forth_throw

; thread: after a header, the code field CALL r9 comes first
thread:
        tst.b   &raw
        jz      1f
        clr.b   &raw
        mov     #OP_DOCOL, r12
        jmp     dcomma
1:      ret

; op1: the cell r12 in a thread.  op2: r12, then the cell r13.
; opskip: r12, then an erased cell, its address in r12.
op2:
        push    r13
        call    #op1
        pop     r12
        jmp     dcomma
op1:
        push    r12
        call    #thread
        pop     r12
        jmp     dcomma
opskip:
        call    #op1
        jmp     skip

; ------------------------------------------------------ the C interface
        .global cg_literal                      ; (lit) x       10 cycles
cg_literal:
        mov     r12, r13
        mov     #plit, r12
        jmp     op2

        .global cg_ret
cg_ret:
        mov     #pexit, r12
        jmp     op1

        .global cg_rcheck
cg_rcheck:
        mov     #qrp, r12
        jmp     op1

; A reference to a colon word is held back: ; may turn it into a jump.
        .global cg_call
cg_call:
        push    r12
        call    #thread
        pop     r12
        cmp     #OP_DOCOL, 0(r12)
        jne     dcomma
        push    r12
        call    #flush_pend
        mov     #2, r12
        call    #room
        pop     r12
        mov     r12, &pend_xt
        mov     &g_fhere, &pend
        mov     #2, r12
        jmp     advance

; A constant (CALL #docon, flagged inline) compiles as its literal.
        .global cg_compile_xt
cg_compile_xt:
        bit.b   #F_INLINE_BIT, -1(r12)
        jnz     cg_call
        cmp     #OP_CALL, 0(r12)
        jne     cg_call
        cmp     #docon, 2(r12)
        jne     cg_call
        mov     4(r12), r12
        jmp     cg_literal

; CONSTANT, VARIABLE: CALL #docon, x; flagged inline
        .global cg_constant
cg_constant:
        push    r12
        mov     &g_fhere, r12
        dec     r12                             ; the flags byte
        push    r12
        clr.b   &raw
        mov     #OP_CALL, r12
        call    #dcomma
        mov     #docon, r12
        call    #dcomma
        mov     2(sp), r12
        call    #dcomma
        pop     r12
        incd    sp
        mov.b   @r12, r13
        bic.b   #F_INLINE_BIT, r13
        br      #cache_put

; ; -- a final reference to a colon word becomes (branch) to its thread (a
; tail call: no return-stack cell, no docol) unless a branch lands after it;
; otherwise (exit).
        .global cg_semicolon
cg_semicolon:
        call    #thread
        mov     &pend, r12
        tst     r12
        jz      1f
        cmp     &g_fhere, &last_target
        jeq     1f
        clr     &pend
        mov     #pbranch, r13
        mov     #2, r14
        call    #flash_op
        mov     &pend_xt, r12
        incd    r12
        jmp     dcomma
1:      mov     #pexit, r12
        jmp     dcomma

        .global cg_if, cg_ahead
cg_if:
        mov     #pzbranch, r12
        jmp     opskip
cg_ahead:
        mov     #pbranch, r12
        jmp     opskip

        .global cg_resolve
cg_resolve:
        mov     &g_fhere, r13
        call    #put_cell
        mov     &g_fhere, &last_target
        ret

        .global cg_begin
cg_begin:
        call    #thread
        mov     &g_fhere, r12
        mov     r12, &last_target
        ret

        .global cg_until, cg_again
cg_until:
        mov     r12, r13
        mov     #pzbranch, r12
        jmp     op2
cg_again:
        mov     r12, r13
        mov     #pbranch, r12
        jmp     op2

; (DO) exit / (?DO) exit: the exit cell is resolved when the loop closes,
; to the address after its UNLOOP.  ?DO's skip needs no branch of its own.
        .global cg_do, cg_qdo
cg_do:
        mov     #pdo, r12
        jmp     opskip
cg_qdo:
        mov     #pqdo, r12
        call    #opskip
        clr     r12
        ret

        .global cg_loop                         ; r12 dest, r13 plus
cg_loop:
        mov     r12, r14
        decd    r14
        mov     r14, &loop_exit                 ; (DO)'s exit cell
        tst.b   r13
        mov     r12, r13
        mov     #ploop, r12
        jz      1f
        mov     #pplusloop, r12
1:      jmp     op2

        .global cg_unloop
cg_unloop:
        mov     #unloop, r12
        call    #dcomma
        mov     &loop_exit, r12
        tst     r12
        jz      1f
        clr     &loop_exit
        mov     &g_fhere, r13
        call    #put_cell
        mov     &g_fhere, &last_target
1:      ret

        .global cg_leave, cg_resolve_leaves
cg_leave:                                       ; (the chain is not used)
        mov     #pleave, r12
        jmp     op1
cg_resolve_leaves:
        ret

        .global cg_string                       ; r12 rt, r13 text, r14 n
cg_string:
        push    r10
        push    r9
        mov     r13, r10
        mov     r14, r9
        call    #cg_call
        mov     r9, r12
        call    #dcomma_b
1:      tst.b   r9
        jz      2f
        mov.b   @r10+, r12
        call    #dcomma_b
        dec.b   r9
        jmp     1b
2:      bit     #1, &g_fhere
        jz      3f
        clr     r12
        call    #dcomma_b
3:      pop     r9
        pop     r10
        ret

; CREATE: CALL #docreate, the data address (HERE, aligned), a DOES> slot.
        .global cg_create_body
cg_create_body:
        bit     #1, r12
        jz      1f
        inc     r12
        mov     r12, &g_here
1:      push    r12
        clr.b   &raw
        mov     #OP_CALL, r12
        call    #dcomma
        mov     #docreate, r12
        call    #dcomma
        pop     r12
        call    #dcomma
        jmp     skip

; DOES> fills the first erased slot.  A second DOES> on the same word
; clears the used slot to 0 and appends a new one, which needs the word to
; be the last thing compiled.                          r12 xt, r13 code
        .global cg_does
cg_does:
        call    #created
        add     #6, r12
1:      tst     0(r12)
        jnz     2f
        incd    r12
        jmp     1b
2:      cmp     #-1, 0(r12)
        jeq     3f
        mov     r12, r14
        incd    r14
        cmp     &g_fhere, r14
        jne     bad
        push    r13
        clr     r13
        mov     #2, r14
        call    #flash_op
        call    #skip
        pop     r13
3:      mov     #2, r14
        br      #flash_op

        .global cg_body
cg_body:
        call    #created
        mov     4(r12), r12
        ret

created:                                        ; r12: CALL #docreate?
        cmp     #OP_CALL, 0(r12)
        jne     bad
        cmp     #docreate, 2(r12)
        jne     bad
        ret

; L@ n, L! n, LDROP n: (l@) 2n, (l!) 2n, (ldrop) 2n     r12 op, r13 n
        .global cg_local
cg_local:
        and     #0xFF, r12
        and     #0xFF, r13
        cmp     #61, r13
        jhs     1f
        rla     r13
        rla     r12
        mov     locals(r12), r12
        jmp     op2
1:      mov     #-11, r12
        br      #forth_throw
locals:
        .word   plfetch, plstore, pldrop

; ------------------------------------------------------- F, and FC,
; F, ( x -- )  compile a cell into the dictionary (flash)
; FC, ( c -- ) compile a byte into the dictionary (flash)
; (their headers are in prims.S; the code is here, by the routines it uses)
        .global fcomma_, fccomma_
fcomma_:
        mov     TOS, r12
        call    #dcomma
        POPT
        NEXT
fccomma_:
        mov     TOS, r12
        call    #dcomma_b
        POPT
        NEXT

; ------------------------------------------------------------- state
        .section .bss.codegen, "aw", @nobits
        .balign 2
        .global pend, raw
pend:                                   ; a held-back reference's cell, or 0
        .space  2
pend_xt:                                ; and its xt
        .space  2
last_target:                            ; newest address a branch lands on
        .space  2
loop_exit:                              ; (DO)'s exit cell, for LOOP
        .space  2
raw:                                    ; a header was laid: code field next
        .space  1
