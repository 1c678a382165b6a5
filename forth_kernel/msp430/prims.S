; jlforth kernel for the MSP430G2553: the inner interpreter and primitives.
;
; Threading: direct threaded.  A colon definition is a CALL #docol (the code
; field) followed by a thread of 2-byte cells, each the xt of a word; a
; primitive's xt is its machine code, which ends in NEXT = "mov @IP+, pc"
; (3 cycles).  A reference to a word costs 2 bytes and 3 cycles of dispatch,
; where a call costs 4 bytes and 8 cycles (CALL #x 5 + RET 3): the
; dictionary is small (8 KB), so density wins; see forth_kernel/README.md.
; Each word opens with its stack effect and meaning; cycle counts (SLAU144)
; are beside the instructions, NEXT included where it is written out.
#include "macros.inc"

        .section .text.forth, "ax", @progbits

; ================================================================= run-time
; docol: the code field of a colon word is CALL DOCOL (r9 = docol); the CALL
; leaves the address of the thread on the return stack.            13 in all
        .global docol
docol:
        pop     W                               ; 2  W = the thread
        push    IP                              ; 3  the caller's IP
        mov     W, IP                           ; 1
        NEXT                                    ; 3

; docon: CALL #docon, value.  A constant or a variable's address.
        .global docon
docon:
        PUSHT                                   ; 5
        pop     W                               ; 2
        mov     @W, TOS                         ; 2
        NEXT                                    ; 3

; docreate: CALL #docreate, data address, DOES> slots.  A slot is 0xFFFF
; (no DOES> yet), the address of the DOES> code, or 0 (superseded by a
; later DOES>: the next cell is the slot).  Flash cells are written once.
        .global docreate
docreate:
        PUSHT                                   ; 5
        pop     W                               ; 2
        mov     @W+, TOS                        ; 2  the data address
1:      mov     @W+, r14                        ; 2
        tst     r14                             ; 1
        jz      1b                              ; 2
        cmp     #-1, r14                        ; 1
        jeq     2f                              ; 2
        push    IP                              ; 3  run the DOES> thread
        mov     r14, IP                         ; 1
2:      NEXT                                    ; 3

; EXIT's run-time: return from a colon word.
; (EXIT) ( -- ) ( R: ip -- )  compiled by ; and EXIT
        CODE    pexit
        mov     @sp+, IP                        ; 2
        NEXT                                    ; 3

; (LIT) ( -- x )  the cell after it in the thread
        CODE    plit
        PUSHT                                   ; 5
        mov     @IP+, TOS                       ; 2
        NEXT                                    ; 3 = 10

; (BRANCH) ( -- )  continue at the address in the next cell
        CODE    pbranch
branch:
        mov     @IP, IP                         ; 2
        NEXT                                    ; 3

; (0BRANCH) ( flag -- )  branch if flag is zero
        CODE    pzbranch
        tst     TOS                             ; 1
        POPT                                    ; 2  (mov keeps the flags)
        jz      branch                          ; 2
        incd    IP                              ; 1
        NEXT                                    ; 3

; ===================================================================== glue
; cell *forth_execute(ucell xt, cell *sp): run a word from C.  The word
; returns to a one-cell thread whose primitive goes back to C.
        .global forth_execute
forth_execute:
        push    r4
        push    r5
        push    r6
        push    r7
        push    r8
        push    r9
        push    r10
        mov     #docol, DOCOL
        mov     #c_tramp, CTRAMP
        mov     r13, PSP
        POPT
        mov     #exec_done, IP
        mov     r12, pc
exec_done:
        .word   exec_ret
exec_ret:
        PUSHT
        mov     PSP, r12
        pop     r10
        pop     r9
        pop     r8
        pop     r7
        pop     r6
        pop     r5
        pop     r4
        ret

; c_tramp: a C word's code field is CALL CTRAMP and the C function's address:
; cell *w_name(cell *sp), TOS stored first.                        21 in all
c_tramp:
        pop     W                               ; 2  W -> the function
        PUSHT                                   ; 5
        mov     PSP, r12                        ; 1
        call    @W                              ; 4
        mov     r12, PSP                        ; 1
        POPT                                    ; 2
        NEXT                                    ; 3


; =============================================================== the words
; ---------------------------------------------------------------- stack
; DUP ( x -- x x )  duplicate top of stack
        HEADER  "dup", dup
        PUSHT                                   ; 5
        NEXT                                    ; 3

; DROP ( x -- )  discard top of stack
        HEADER  "drop", drop
        POPT                                    ; 2
        NEXT                                    ; 3

; SWAP ( a b -- b a )  exchange the top two items
        HEADER  "swap", swap
        mov     @PSP, W                         ; 2
        mov     TOS, 0(PSP)                     ; 4
        mov     W, TOS                          ; 1
        NEXT                                    ; 3

; OVER ( a b -- a b a )  copy the second item to the top
        HEADER  "over", over
        mov     @PSP, W                         ; 2
        PUSHT                                   ; 5
        mov     W, TOS                          ; 1
        NEXT                                    ; 3

; ROT ( a b c -- b c a )  rotate the third item to the top
        HEADER  "rot", rot
        mov     2(PSP), W                       ; 3  a
        mov     @PSP, 2(PSP)                    ; 5  b
        mov     TOS, 0(PSP)                     ; 4  c
        mov     W, TOS                          ; 1
        NEXT                                    ; 3

; -ROT ( a b c -- c a b )  rotate the top item to third place
        COLON   "-rot", mrot
        .word   rot, rot, pexit

; NIP ( a b -- b )  discard the second item
        HEADER  "nip", nip
        incd    PSP                             ; 1
        NEXT                                    ; 3

; TUCK ( a b -- b a b )  copy the top item under the second
        COLON   "tuck", tuck
        .word   swap, over, pexit

; ?DUP ( x -- 0 | x x )  duplicate if non-zero
        HEADER  "?dup", qdup
        tst     TOS                             ; 1
        jz      1f                              ; 2
        PUSHT                                   ; 5
1:      NEXT                                    ; 3

; 2DUP ( a b -- a b a b )
        HEADER  "2dup", twodup
        mov     @PSP, W                         ; 2
        sub     #4, PSP                         ; 1
        mov     TOS, 2(PSP)                     ; 4
        mov     W, 0(PSP)                       ; 4
        NEXT                                    ; 3

; 2DROP ( a b -- )
        HEADER  "2drop", twodrop
        incd    PSP                             ; 1
        POPT                                    ; 2
        NEXT                                    ; 3

; 2SWAP ( a b c d -- c d a b )
        COLON   "2swap", twoswap
        .word   rot, tor, rot, rfrom, pexit

; 2OVER ( a b c d -- a b c d a b )
        COLON   "2over", twoover
        .word   twotor, twodup, tworfrom, twoswap, pexit

; PICK ( xu .. x0 u -- xu .. x0 xu )  copy the u-th item (0 = top)
        HEADER  "pick", pick
        rla     TOS                             ; 1
        add     PSP, TOS                        ; 1
        mov     @TOS, TOS                       ; 2
        NEXT                                    ; 3

; DEPTH ( -- n )  number of items on the data stack
        HEADER  "depth", depth
        PUSHT                                   ; 5
        mov     #S0_ADDR, TOS                   ; 2
        sub     PSP, TOS                        ; 1
        rra     TOS                             ; 1
        NEXT                                    ; 3

; >R ( x -- ) ( R: -- x )  move to the return stack
        HEADER  ">r", tor, F_CO
        push    TOS                             ; 3
        POPT                                    ; 2
        NEXT                                    ; 3

; R> ( -- x ) ( R: x -- )  move from the return stack
        HEADER  "r>", rfrom, F_CO
        PUSHT                                   ; 5
        pop     TOS                             ; 2
        NEXT                                    ; 3

; R@ ( -- x ) ( R: x -- x )  copy the top of the return stack
        HEADER  "r@", rfetch, F_CO
        PUSHT                                   ; 5
        mov     @sp, TOS                        ; 2
        NEXT                                    ; 3

; RDROP ( R: x -- )  discard the top of the return stack
        HEADER  "rdrop", rdrop, F_CO
        incd    sp                              ; 1
        NEXT                                    ; 3

; 2>R ( a b -- ) ( R: -- a b )
        HEADER  "2>r", twotor, F_CO
        mov     @PSP+, W                        ; 2
        push    W                               ; 3
        push    TOS                             ; 3
        POPT                                    ; 2
        NEXT                                    ; 3

; 2R> ( -- a b ) ( R: a b -- )
        HEADER  "2r>", tworfrom, F_CO
        sub     #4, PSP                         ; 1
        mov     TOS, 2(PSP)                     ; 4
        pop     TOS                             ; 2  b
        pop     W                               ; 2  a
        mov     W, 0(PSP)                       ; 4
        NEXT                                    ; 3

; 2R@ ( -- a b ) ( R: a b -- a b )
        HEADER  "2r@", tworfetch, F_CO
        sub     #4, PSP                         ; 1
        mov     TOS, 2(PSP)                     ; 4
        mov     2(sp), 0(PSP)                   ; 6  a
        mov     @sp, TOS                        ; 2  b
        NEXT                                    ; 3

; ----------------------------------------------------------- arithmetic
; + ( a b -- a+b )
        HEADER  "+", plus
        add     @PSP+, TOS                      ; 2
        NEXT                                    ; 3

; - ( a b -- a-b )
        HEADER  "-", minus
        inv     TOS                             ; 1
        inc     TOS                             ; 1
        add     @PSP+, TOS                      ; 2
        NEXT                                    ; 3

; AND ( a b -- a&b )
        HEADER  "and", and
        and     @PSP+, TOS                      ; 2
        NEXT                                    ; 3

; OR ( a b -- a|b )
        HEADER  "or", or
        bis     @PSP+, TOS                      ; 2
        NEXT                                    ; 3

; XOR ( a b -- a^b )
        HEADER  "xor", xor
        xor     @PSP+, TOS                      ; 2
        NEXT                                    ; 3

; INVERT ( x -- ~x )
        HEADER  "invert", invert
        inv     TOS                             ; 1
        NEXT                                    ; 3

; NEGATE ( n -- -n )
        HEADER  "negate", negate
negate_:
        inv     TOS                             ; 1
        inc     TOS                             ; 1
        NEXT                                    ; 3

; ABS ( n -- |n| )   abs of -32768 is -32768, as Julia wraps too
        HEADER  "abs", abs
        tst     TOS                             ; 1
        jn      negate_                         ; 2
        NEXT                                    ; 3

; 1+ ( n -- n+1 )
        HEADER  "1+", oneplus
        inc     TOS                             ; 1
        NEXT                                    ; 3

; 1- ( n -- n-1 )
        HEADER  "1-", oneminus
        dec     TOS                             ; 1
        NEXT                                    ; 3

; 2* ( n -- 2n )
        HEADER  "2*", twostar
        rla     TOS                             ; 1
        NEXT                                    ; 3

; 2/ ( n -- n/2 )  arithmetic shift right
        HEADER  "2/", twoslash
        rra     TOS                             ; 1
        NEXT                                    ; 3

; U2/ ( u -- u/2 )  logical shift right
        HEADER  "u2/", utwoslash
        clrc                                    ; 1
        rrc     TOS                             ; 1
        NEXT                                    ; 3

; CELL+ ( a -- a+2 )
        HEADER  "cell+", cellplus
        incd    TOS                             ; 1
        NEXT                                    ; 3

; CELLS ( n -- 2n )
        HEADER  "cells", cells
        rla     TOS                             ; 1
        NEXT                                    ; 3

; CHAR+ ( a -- a+1 )
        HEADER  "char+", charplus
        inc     TOS                             ; 1
        NEXT                                    ; 3

; ALIGNED ( a -- a' )  round up to a cell boundary
        HEADER  "aligned", aligned
        inc     TOS                             ; 1
        bic     #1, TOS                         ; 1
        NEXT                                    ; 3

; CHARS ( n -- n )
        HEADER  "chars", chars
        NEXT                                    ; 3

; The single-cell shifts share one loop: r14 = 0 left, 1 logical right,
; 2 arithmetic right.  Per bit 6-7 cycles.
; LSHIFT ( x u -- x<<u )  u >= 16 gives 0
        HEADER  "lshift", lshift
        clr     r14
        jmp     shift
; RSHIFT ( x u -- x>>u )  logical; u >= 16 gives 0
        HEADER  "rshift", rshift
        mov     #1, r14
        jmp     shift
; ARSHIFT ( n u -- n>>u )  arithmetic; u >= 16 gives 0 or -1
        HEADER  "arshift", arshift
        mov     #2, r14
shift:
        mov     TOS, W
        POPT
        cmp     #16, W
        jhs     3f
1:      dec     W
        jn      4f
        cmp     #1, r14
        jeq     2f
        jhs     5f
        rla     TOS
        jmp     1b
2:      clrc
        rrc     TOS
        jmp     1b
5:      rra     TOS
        jmp     1b
3:      cmp     #2, r14
        jeq     sign_fill
        clr     TOS
4:      NEXT
sign_fill:                                      ; TOS = 0 or -1 by its sign
        tst     TOS
        jn      true_
false_:
        clr     TOS                             ; 1
        NEXT                                    ; 3
true_:
        mov     #-1, TOS                        ; 1
        NEXT                                    ; 3

; * ( a b -- a*b )  16x16 -> 16, shift and add (the G2553 has no multiplier)
        HEADER  "*", star
        mov     @PSP+, r12                      ; 2
        mov     TOS, r13                        ; 1
        call    #umul16                         ; ~150
        mov     r12, TOS                        ; 1
        NEXT                                    ; 3

; UM* ( u1 u2 -- ud )  16x16 -> 32 unsigned
        HEADER  "um*", umstar
        mov     @PSP, r12
        mov     TOS, r13
        call    #umul16                         ; ~150
        mov     r12, 0(PSP)
        mov     r13, TOS
        NEXT

; M* ( n1 n2 -- d )  16x16 -> 32 signed
        HEADER  "m*", mstar
        mov     @PSP, r12
        mov     TOS, r13
        call    #umul16
        tst     0(PSP)                          ; n1 < 0: high -= n2
        jge     1f
        sub     TOS, r13
1:      tst     TOS                             ; n2 < 0: high -= n1
        jge     2f
        sub     @PSP, r13
2:      mov     r12, 0(PSP)
        mov     r13, TOS
        NEXT

; /MOD ( n1 n2 -- rem quot )  symmetric (truncating), as Julia's div and rem
        COLON   "/mod", slashmod
        .word   tor, stod, rfrom, smrem, pexit

; / ( n1 n2 -- n3 )  symmetric division (rounds toward zero)
        COLON   "/", slash
        .word   slashmod, nip, pexit

; MOD ( n1 n2 -- n3 )  remainder of symmetric division (sign of n1)
        COLON   "mod", mod
        .word   slashmod, drop, pexit

div0:
        mov     #-10, r12
        br      #forth_throw
range:
        mov     #-11, r12
        br      #forth_throw

; U/MOD ( u1 u2 -- urem uquot )  unsigned
        HEADER  "u/mod", uslashmod
        mov     @PSP, r12
        clr     r13
        mov     TOS, r14
        tst     r14
        jz      div0
        call    #div3216                        ; ~170
        mov     r13, 0(PSP)
        mov     r12, TOS
        NEXT

; MIN ( a b -- min )  signed
        HEADER  "min", min
        mov     @PSP+, W                        ; 2
        cmp     TOS, W                          ; 1  a - b
        jge     1f                              ; 2
        mov     W, TOS                          ; 1
1:      NEXT                                    ; 3

; MAX ( a b -- max )  signed
        HEADER  "max", max
        mov     @PSP+, W
        cmp     TOS, W
        jl      1f
        mov     W, TOS
1:      NEXT

; UMIN ( a b -- min )  unsigned
        HEADER  "umin", umin
        mov     @PSP+, W
        cmp     TOS, W
        jhs     1f
        mov     W, TOS
1:      NEXT

; UMAX ( a b -- max )  unsigned
        HEADER  "umax", umax
        mov     @PSP+, W
        cmp     TOS, W
        jlo     1f
        mov     W, TOS
1:      NEXT

; ------------------------------------------------------------ compare
; Every flag is 0 (false) or -1 (true).
; = ( a b -- flag )
        HEADER  "=", equal
        xor     @PSP+, TOS                      ; 2  zero when equal
zeq_:
        sub     #1, TOS                         ; 1  C = (TOS != 0)
        subc    TOS, TOS                        ; 1  C - 1
        NEXT                                    ; 3 = 7

; <> ( a b -- flag )
        HEADER  "<>", notequal
        xor     @PSP+, TOS                      ; 2
zne_:
        tst     TOS                             ; 1
        jz      1f                              ; 2
        mov     #-1, TOS                        ; 1
1:      NEXT                                    ; 3

; < ( n1 n2 -- flag )  signed
        HEADER  "<", less
        mov     @PSP+, W                        ; 2
        cmp     TOS, W                          ; 1  n1 - n2
        mov     #-1, TOS                        ; 1  (mov keeps the flags)
        jl      1f                              ; 2
        clr     TOS                             ; 1
1:      NEXT                                    ; 3 = 10

; > ( n1 n2 -- flag )  signed
        HEADER  ">", greater
        mov     @PSP+, W
        cmp     W, TOS                          ;    n2 - n1
        mov     #-1, TOS
        jl      1f
        clr     TOS
1:      NEXT

; U< ( u1 u2 -- flag )  unsigned
        HEADER  "u<", uless
        mov     @PSP+, W
        cmp     TOS, W
        mov     #-1, TOS
        jlo     1f
        clr     TOS
1:      NEXT

; U> ( u1 u2 -- flag )  unsigned
        HEADER  "u>", ugreater
        mov     @PSP+, W
        cmp     W, TOS
        mov     #-1, TOS
        jlo     1f
        clr     TOS
1:      NEXT

; 0= ( x -- flag )
        HEADER  "0=", zeroequal
        jmp     zeq_                            ; 2 + 5

; 0<> ( x -- flag )
        HEADER  "0<>", zeronotequal
        jmp     zne_

; 0< ( n -- flag )
        HEADER  "0<", zeroless
zless_:
        tst     TOS                             ; 1
        mov     #-1, TOS                        ; 1
        jn      1f                              ; 2
        clr     TOS                             ; 1
1:      NEXT                                    ; 3

; 0> ( n -- flag )
        HEADER  "0>", zerogreater
        cmp     #1, TOS                         ; 1  n - 1 >= 0
        mov     #-1, TOS
        jge     1f
        clr     TOS
1:      NEXT

; WITHIN ( x lo hi -- flag )  lo <= x < hi, with wrap-around as in Forth 2012
        COLON   "within", within
        .word   over, minus, tor, minus, rfrom, uless, pexit

; ------------------------------------------------------ double cells
; A double d is two cells, the high cell on top.
; D+ ( d1 d2 -- d3 )
        HEADER  "d+", dplus
        mov     @PSP+, W                        ; 2  d2 low
        add     W, 2(PSP)                       ; 4  d1 low + d2 low
        addc    @PSP+, TOS                      ; 2  the high cells
        NEXT                                    ; 3

; D- ( d1 d2 -- d3 )
        HEADER  "d-", dminus
        mov     @PSP+, W                        ; d2 low
        sub     W, 2(PSP)
        mov     @PSP+, W                        ; d1 high
        subc    TOS, W
        mov     W, TOS
        NEXT

; DNEGATE ( d -- -d )
        HEADER  "dnegate", dnegate
dnegate_:
        inv     0(PSP)                          ; 4
        inv     TOS                             ; 1
        add     #1, 0(PSP)                      ; 4
        addc    #0, TOS                         ; 1
        NEXT                                    ; 3

; DABS ( d -- |d| )
        HEADER  "dabs", dabs
        tst     TOS
        jn      dnegate_
        NEXT

; S>D ( n -- d )  sign extend
        HEADER  "s>d", stod
        PUSHT                                   ; 5
        jmp     sign_fill                       ; 2 + 5

; M+ ( d n -- d' )
        COLON   "m+", mplus
        .word   stod, dplus, pexit

; D0= ( d -- flag )
        HEADER  "d0=", dzeroequal
        bis     @PSP+, TOS
        jmp     zeq_

; D0< ( d -- flag )
        HEADER  "d0<", dzeroless
        incd    PSP
        jmp     zless_

; D= ( d1 d2 -- flag )
        COLON   "d=", dequal
        .word   dminus, dzeroequal, pexit

; D< ( d1 d2 -- flag )  signed
        HEADER  "d<", dless
        call    #dsub_
        mov     #-1, TOS
        jl      1f
        clr     TOS
1:      NEXT

; DU< ( ud1 ud2 -- flag )  unsigned
        HEADER  "du<", duless
        call    #dsub_
        mov     #-1, TOS
        jlo     1f
        clr     TOS
1:      NEXT

; dsub_: d1 - d2, three cells popped; the flags of the high part's SUBC
dsub_:
        mov     @PSP+, W                        ; d2 low
        mov     @PSP+, r14                      ; d1 high
        mov     @PSP+, r13                      ; d1 low
        sub     W, r13
        subc    TOS, r14
        ret

; D2* ( d -- 2d )
        HEADER  "d2*", dtwostar
        rla     0(PSP)                          ; 4
        rlc     TOS                             ; 1
        NEXT

; D2/ ( d -- d/2 )  arithmetic
        HEADER  "d2/", dtwoslash
        rra     TOS                             ; 1
        rrc     0(PSP)                          ; 4
        NEXT

; D>S ( d -- n )
        HEADER  "d>s", dtos
        POPT
        NEXT

; ------------------------------------------- mixed and double division
; UM/MOD ( ud u -- urem uquot )  unsigned 32/16; -11 if the quotient overflows
        HEADER  "um/mod", ummod
        mov     TOS, r14                        ; u
        tst     r14
        jz      div0
        POPT                                    ; high
        cmp     r14, TOS
        jhs     range
        mov     @PSP, r12
        mov     TOS, r13
        call    #div3216                        ; ~160
        mov     r13, 0(PSP)
        mov     r12, TOS
        NEXT

; UD/MOD ( ud u -- urem udquot )  32/16 with a double quotient
        COLON   "ud/mod", udslashmod
        .word   tor, plit, 0, rfetch, ummod, rfrom, swap, tor, ummod, rfrom, pexit

; SM/REM ( d n -- rem quot )  symmetric: the quotient rounds toward zero
        HEADER  "sm/rem", smrem
        call    #smrem_sub
        NEXT
smrem_sub:                                       ; in place, returns
        mov     TOS, r14                        ; n
        tst     r14
        jz      div0
        mov     @PSP+, r13                      ; d high
        mov     @PSP, r12                       ; d low
        mov     r13, r11                        ; the quotient's sign
        xor     r14, r11
        push    r13                             ; the remainder's: d's
        tst     r13
        jge     1f
        inv     r13                             ; |d|
        inv     r12
        add     #1, r12
        addc    #0, r13
1:      tst     r14
        jge     2f
        inv     r14
        inc     r14
2:      cmp     r14, r13
        jlo     3f
        pop     r11
        jmp     range
3:      call    #div3216
        tst     r11
        jge     4f
        inv     r12
        inc     r12
4:      pop     r11
        tst     r11
        jge     5f
        inv     r13
        inc     r13
5:      mov     r13, 0(PSP)
        mov     r12, TOS
        ret

; FM/MOD ( d n -- rem quot )  floored: the remainder takes n's sign
        HEADER  "fm/mod", fmmod
        push    TOS                             ; n
        call    #smrem_sub
        pop     W
        tst     0(PSP)
        jz      1f                              ; no remainder
        mov     @PSP, r14
        xor     W, r14                          ;    (XOR sets V: test again)
        tst     r14
        jge     1f                              ; same signs
        dec     TOS
        add     W, 0(PSP)
1:      NEXT

; */MOD ( n1 n2 n3 -- rem quot )  n1*n2/n3 with a 32-bit intermediate
        COLON   "*/mod", starslashmod
        .word   tor, mstar, rfrom, smrem, pexit

; */ ( n1 n2 n3 -- n1*n2/n3 )
        COLON   "*/", starslash
        .word   starslashmod, nip, pexit

; D* ( d1 d2 -- d3 )  32-bit product, the low 32 bits (wraps as Julia)
        HEADER  "d*", dstar
        mov     TOS, r15                        ; d2 high
        mov     @PSP+, r14                      ; d2 low
        mov     @PSP+, r13                      ; d1 high
        mov     @PSP, r12                       ; d1 low
        call    #__mspabi_mpyl
        mov     r12, 0(PSP)
        mov     r13, TOS
        NEXT

; dd_in: ( ud1 ud2 -- ) to r13:r12 / r15:r14 for udivmod32
dd_in:
        mov     TOS, r15                        ; d2 high
        mov     @PSP+, r14                      ; d2 low
        mov     @PSP, r13                       ; d1 high
        mov     2(PSP), r12                     ; d1 low
        ret
; dd_out: quotient r13:r12, remainder r15:r14 -> ( drem dquot )
dd_out:
        mov     r14, 2(PSP)
        mov     r15, 0(PSP)
        decd    PSP
        mov     r12, 0(PSP)
        mov     r13, TOS
        NEXT

; DU/MOD ( ud1 ud2 -- udrem udquot )  unsigned 32/32
        HEADER  "du/mod", dumod
        call    #dd_in
        call    #udivmod32                      ; ~450
        jmp     dd_out

; DSM/REM ( d1 d2 -- drem dquot )  signed 32/32, rounding toward zero
; (typemin / -1 wraps to typemin, as Julia's wrapping division)
        HEADER  "dsm/rem", dsmrem
        call    #dd_in
        push    r13                             ; the remainder's sign: d1's
        mov     r13, r11
        xor     r15, r11
        push    r11                             ; the quotient's
        tst     r13
        jge     1f
        call    #neg_r13r12
1:      tst     r15
        jge     2f
        inv     r15
        inv     r14
        add     #1, r14
        addc    #0, r15
2:      call    #udivmod32
        pop     r11
        tst     r11
        jge     3f
        call    #neg_r13r12
3:      pop     r11
        tst     r11
        jge     dd_out
        inv     r15
        inv     r14
        add     #1, r14
        addc    #0, r15
        jmp     dd_out
neg_r13r12:
        inv     r13
        inv     r12
        add     #1, r12
        addc    #0, r13
        ret

; The double shifts share one loop, as the single ones.
; DLSHIFT ( d u -- d' )  shift left; u >= 32 gives 0
        HEADER  "dlshift", dlshift
        clr     r14
        jmp     dshift
; DRSHIFT ( d u -- d' )  logical shift right; u >= 32 gives 0
        HEADER  "drshift", drshift
        mov     #1, r14
        jmp     dshift
; DARSHIFT ( d u -- d' )  arithmetic shift right; u >= 32 gives 0 or -1
        HEADER  "darshift", darshift
        mov     #2, r14
dshift:
        mov     TOS, W
        POPT                                    ; the high cell
        cmp     #32, W
        jhs     3f
1:      dec     W
        jn      4f
        cmp     #1, r14
        jeq     2f
        jhs     5f
        rla     0(PSP)
        rlc     TOS
        jmp     1b
2:      clrc
        rrc     TOS
        rrc     0(PSP)
        jmp     1b
5:      rra     TOS
        rrc     0(PSP)
        jmp     1b
3:      clr     0(PSP)
        cmp     #2, r14
        jne     6f
        tst     TOS
        jge     6f
        mov     #-1, 0(PSP)
6:      mov     @PSP, TOS
4:      NEXT

; ------------------------------------------------------------- memory
; Addresses are the CPU's: below 0x0400 peripherals and RAM, 0x1000 info
; flash, 0xC000 main flash.  Stores into flash go to C (dict_store): only
; words already compiled may be written, never the kernel (-9).
; @ ( a -- x )  fetch a cell
        HEADER  "@", fetch
        mov     @TOS, TOS                       ; 2
        NEXT                                    ; 3

; C@ ( a -- c )  fetch a byte
        HEADER  "c@", cfetch
        mov.b   @TOS, TOS                       ; 2
        NEXT                                    ; 3

; ! ( x a -- )  store a cell; into the dictionary's flash through C
        HEADER  "!", store
        cmp     #RAM_END, TOS                   ; 2
        jhs     1f                              ; 2
        mov     @PSP+, W                        ; 2
        mov     W, 0(TOS)                       ; 4
        POPT                                    ; 2
        NEXT                                    ; 3 = 15
1:      mov     TOS, r12
        mov     @PSP+, r13
        call    #dict_store
        POPT
        NEXT

; C! ( c a -- )  store a byte
        HEADER  "c!", cstore
        cmp     #RAM_END, TOS
        jhs     1f
        mov     @PSP+, W
        mov.b   W, 0(TOS)
        POPT
        NEXT
1:      mov     TOS, r12
        mov     @PSP+, r13
        call    #dict_cstore
        POPT
        NEXT

; +! ( n a -- )  add to a cell in RAM
        HEADER  "+!", plusstore
        cmp     #RAM_END, TOS
        jhs     ram_only
        add     @PSP+, 0(TOS)                   ; 5
        POPT
        NEXT
ram_only:
        mov     #-20, r12
        br      #forth_throw

; 2@ ( a -- x1 x2 )  x2 at a, x1 at a+2
        HEADER  "2@", twofetch
        decd    PSP
        mov     2(TOS), 0(PSP)                  ; 6
        mov     @TOS, TOS                       ; 2
        NEXT

; 2! ( x1 x2 a -- )
        HEADER  "2!", twostore
        cmp     #RAM_END, TOS
        jhs     ram_only
        mov     @PSP+, W
        mov     W, 0(TOS)
        mov     @PSP+, W
        mov     W, 2(TOS)
        POPT
        NEXT

; COUNT ( a -- a+1 u )  counted string in RAM or flash
        HEADER  "count", count
        mov.b   @TOS+, W                        ; 2
        PUSHT                                   ; 5
        mov     W, TOS                          ; 1
        NEXT                                    ; 3

; FILL ( a u c -- )  fill RAM
        HEADER  "fill", fill
        mov     @PSP+, r14                      ; u
        mov     @PSP+, r13                      ; a
        tst     r14
        jz      2f
1:      mov.b   TOS, 0(r13)                     ; 4  per byte: 8
        inc     r13                             ; 1
        dec     r14                             ; 1
        jnz     1b                              ; 2
2:      POPT
        NEXT

; CMOVE ( src dst u -- )  copy bytes from the low end
        HEADER  "cmove", cmove
cmove_:
        mov     @PSP+, r13                      ; dst
        mov     @PSP+, r12                      ; src
        tst     TOS
        jz      2f
1:      mov.b   @r12+, r14                      ; 2  per byte: 10
        mov.b   r14, 0(r13)                     ; 4
        inc     r13                             ; 1
        dec     TOS                             ; 1
        jnz     1b                              ; 2
2:      POPT
        NEXT

; CMOVE> ( src dst u -- )  copy bytes from the high end
        HEADER  "cmove>", cmoveup
cmoveup_:
        mov     @PSP+, r13                      ; dst
        mov     @PSP+, r12                      ; src
        tst     TOS
        jz      2f
1:      dec     TOS
        mov     r12, r14
        add     TOS, r14
        mov.b   @r14, r14
        mov     r13, r15
        add     TOS, r15
        mov.b   r14, 0(r15)
        tst     TOS
        jnz     1b
2:      POPT
        NEXT

; MOVE ( src dst u -- )  copy bytes, overlap-safe
        HEADER  "move", move
        cmp     2(PSP), 0(PSP)                  ; dst - src
        jlo     cmove_                          ; dst below src: low end first
        jmp     cmoveup_

; The EEPROM is 64 bytes of info flash (segment B); E! and EC! are in C.
; E@ ( a -- x )  fetch a cell from EEPROM (info flash B, a < 64)
        HEADER  "e@", efetch
        cmp     #EE_SIZE - 1, TOS
        jhs     ee_bad
        bic     #1, TOS
        mov     EE_BASE(TOS), TOS
        NEXT

; EC@ ( a -- c )  fetch a byte from EEPROM
        HEADER  "ec@", ecfetch
        cmp     #EE_SIZE, TOS
        jhs     ee_bad
        mov.b   EE_BASE(TOS), TOS
        NEXT
ee_bad:
        mov     #-9, r12
        br      #forth_throw

; E! ( x a -- )  store a cell in EEPROM (a < 64)
        HEADER  "e!", estore
        br      #estore_                        ; flash.S

; EC! ( c a -- )  store a byte in EEPROM (a < 64)
        HEADER  "ec!", ecstore
        br      #ecstore_

; ------------------------------------------------------- data space
; ALLOT ( n -- )  reserve data space (RAM); -8 when it would reach the stacks
        HEADER  "allot", allot
        call    #allot_sub
        POPT
        NEXT
allot_sub:                                      ; TOS bytes; W = old HERE
        mov     &g_here, W
        mov     W, r14
        add     TOS, r14
        tst     TOS
        jl      1f                              ; giving back: no check
        cmp     W, r14
        jlo     2f                              ; wrapped
        cmp     #DATA_LIMIT + 1, r14
        jhs     2f
1:      mov     r14, &g_here
        ret
2:      mov     #-8, r12
        br      #forth_throw

; , ( x -- )  store a cell at HERE (aligned first)
        HEADER  ",", comma
        bit     #1, &g_here
        jz      1f
        inc     &g_here
1:      push    TOS
        mov     #2, TOS
        call    #allot_sub
        pop     r14
        mov     r14, 0(W)
        POPT
        NEXT

; C, ( c -- )  store a byte at HERE
        HEADER  "c,", ccomma
        push    TOS
        mov     #1, TOS
        call    #allot_sub
        pop     r14
        mov.b   r14, 0(W)
        POPT
        NEXT

; ALIGN ( -- )  align HERE
        HEADER  "align", align
        bit     #1, &g_here
        jz      1f
        inc     &g_here
1:      NEXT

; F, ( x -- )  compile a cell into the dictionary (flash)
        HEADER  "f,", fcomma
        br      #fcomma_                        ; codegen.S

; FC, ( c -- )  compile a byte into the dictionary (flash)
        HEADER  "fc,", fccomma
        br      #fccomma_

; UNUSED ( -- u )  free data space
        HEADER  "unused", unused
        PUSHT
        mov     #DATA_LIMIT, TOS
        sub     &g_here, TOS
        NEXT

; ------------------------------------------------------- control flow
; EXECUTE ( i*x xt -- j*x )  run the word xt
        HEADER  "execute", execute
        mov     TOS, W                          ; 1
        POPT                                    ; 2
        mov     W, pc                           ; 2

; Compiled into recursive words before they call themselves: the return
; stack grows down towards HERE and its transient buffers.
; ?RP ( -- )  throw -5 when the return stack is nearly full
        HEADER  "?rp", qrp
        mov     &g_here, W                      ; 3
        add     #RS_SLACK, W                    ; 2
        cmp     W, sp                           ; 1
        jlo     1f                              ; 2
        NEXT                                    ; 3
1:      mov     #-5, r12
        br      #forth_throw

; DO loops keep the innermost loop in registers: LL = limit, LY = index -
; limit.  The frame on the return stack holds the enclosing loop's LL and
; LY and this loop's exit address (where LEAVE goes, after the UNLOOP).
; (DO) ( limit index -- ) ( R: -- exit old-LL old-LY )  start a DO loop
        HEADER  "(do)", pdo, F_CO
pdo_:
        mov     @IP+, W                         ; 2  the exit address
        push    W                               ; 3
        push    LL                              ; 3
        push    LY                              ; 3
        mov     @PSP+, LL                       ; 2  limit
        mov     TOS, LY                         ; 1
        sub     LL, LY                          ; 1  index - limit
        POPT                                    ; 2
        NEXT                                    ; 3 = 20

; (?DO) ( limit index -- )  as (DO), but when limit = index nothing is
; pushed and the thread continues at the exit address
        HEADER  "(?do)", pqdo, F_CO
        cmp     @PSP, TOS                       ; 2
        jne     pdo_                            ; 2
        incd    PSP                             ; 1
        POPT                                    ; 2
        mov     @IP, IP                         ; 2
        NEXT                                    ; 3

; (LOOP) ( -- )  add 1 to the index; back to the address in the next cell
; unless the index reached the limit
        CODE    ploop
        inc     LY                              ; 1
        jz      1f                              ; 2
        mov     @IP, IP                         ; 2
        NEXT                                    ; 3 = 8
1:      incd    IP                              ; 1
        NEXT                                    ; 3

; (+LOOP) ( n -- )  add n; done when the index crosses the boundary
; between limit-1 and limit: with y = index - limit that is a carry out of
; y + n for n >= 0, and no carry for n < 0
        CODE    pplusloop
        tst     TOS                             ; 1
        jn      1f                              ; 2
        add     TOS, LY                         ; 1
        POPT                                    ; 2
        jc      2f                              ; 2
3:      mov     @IP, IP                         ; 2
        NEXT                                    ; 3 = 15
1:      add     TOS, LY
        POPT
        jc      3b
2:      incd    IP
        NEXT

; J ( -- n )  index of the enclosing DO loop
        HEADER  "j", j, F_CO
        PUSHT                                   ; 5
        mov     @sp, TOS                        ; 2  outer LY
        add     2(sp), TOS                      ; 3  + outer LL
        NEXT                                    ; 3

; I ( -- n )  index of the innermost DO loop
        HEADER  "i", i, F_CO
        PUSHT                                   ; 5
        mov     LY, TOS                         ; 1
        add     LL, TOS                         ; 1
        NEXT                                    ; 3 = 10

; UNLOOP ( R: loop-frame -- )  drop the innermost loop
        HEADER  "unloop", unloop, F_CO
        pop     LY                              ; 2
        pop     LL                              ; 2
        incd    sp                              ; 1
        NEXT                                    ; 3

; LEAVE's run-time: drop the loop and go to its exit address.
; (LEAVE) ( R: loop-frame -- )  leave the innermost loop
        CODE    pleave
        pop     LY                              ; 2
        pop     LL                              ; 2
        pop     IP                              ; 2
        NEXT                                    ; 3

; (S") ( -- a u )  the counted string compiled after it
        HEADER  "(s\")", psquote, F_CO
        PUSHT                                   ; 5
        mov.b   @IP+, TOS                       ; 2  count
        decd    PSP                             ; 1
        mov     IP, 0(PSP)                      ; 4  address
skip_str:
        add     TOS, IP                         ; 1
        inc     IP                              ; 1  round up to a cell
        bic     #1, IP                          ; 1
        NEXT                                    ; 3

; (.") ( -- )  type the counted string compiled after it
        HEADER  "(.\")", pdotquote, F_CO
        mov.b   @IP+, r15
        mov     IP, r14
        call    #type_r14
        mov     r14, IP
        inc     IP
        bic     #1, IP
        NEXT

; (ABORT") ( flag -- )  if flag, abort with the string compiled after it
        HEADER  "(abort\")", pabortq, F_CO
        tst     TOS
        POPT
        jnz     1f
        mov.b   @IP+, W
        add     W, IP
        inc     IP
        bic     #1, IP
        NEXT
1:      mov     IP, r12
        clrc
        rrc     r12                             ; the C half takes IP/2
        call    #abortq_inline                  ; throws -2

; (DOES>) ( -- )  compiled by DOES>: the newest word now runs the code
; after it; then leave the defining word
        HEADER  "(does>)", pdoes, F_CO
        mov     IP, r12
        clrc
        rrc     r12
        call    #does_runtime
        mov     @sp+, IP
        NEXT

; Julia's arguments and locals live in return-stack frames; cell n of the
; frame is n cells above the return stack pointer (the host compiler counts
; the cells it pushed: a DO loop's frame is 3 cells).  The next cell holds 2n.
; (L@) ( -- x )  cell n of the frame
        CODE    plfetch
        PUSHT                                   ; 5
        mov     @IP+, W                         ; 2
        add     sp, W                           ; 1
        mov     @W, TOS                         ; 2
        NEXT                                    ; 3 = 13

; (L!) ( x -- )  store into cell n of the frame
        CODE    plstore
        mov     @IP+, W
        add     sp, W
        mov     TOS, 0(W)
        POPT
        NEXT

; (LDROP) ( R: n cells -- )  drop n frame cells
        CODE    pldrop
        add     @IP+, sp                        ; 2
        NEXT                                    ; 3

; ------------------------------------------------------- exceptions
; A CATCH frame on the return stack: IP LY LL PSP (with the xt in TOS, so
; THROW's n takes its place) and the previous handler; g_handler -> it.
; CATCH ( i*x xt -- j*x 0 | i*x n )  run xt; a THROW inside comes back here
        HEADER  "catch", catch
        push    IP
        push    LY
        push    LL
        push    PSP
        mov     &g_handler, W
        push    W
        mov     sp, &g_handler
        mov     TOS, W
        POPT
        mov     #catch_done, IP
        mov     W, pc
catch_done:
        .word   catch_ret
catch_ret:
        pop     W                               ; no THROW: unlink the frame
        mov     W, &g_handler
        incd    sp
        pop     LL
        pop     LY
        pop     IP
        PUSHT
        clr     TOS
        NEXT

; THROW ( k*x n -- k*x | i*x n )  0 does nothing; else unwind to CATCH
; (C calls it as forth_throw(code) with a non-zero code in r12)
        HEADER  "throw", throw
        tst     TOS
        jnz     1f
        POPT
        NEXT
1:      mov     TOS, r12
        .global forth_throw
forth_throw:
        mov     &g_handler, W
        tst     W
        jz      forth_abort
        mov     W, sp
        pop     W
        mov     W, &g_handler
        mov     #docol, DOCOL                   ; C may have left its own
        mov     #c_tramp, CTRAMP                ; values in r9 and r10
        pop     PSP
        pop     LL
        pop     LY
        pop     IP
        mov     r12, TOS
        NEXT

; No CATCH took the error: a fresh return stack, and back to the prompt.
forth_abort:
        mov     #RS_TOP, sp
        eint
        call    #forth_restart                  ; never returns

; ------------------------------------------------------------- input/output
; EMIT ( c -- )  send a character
        HEADER  "emit", emit
        mov     TOS, r12
        call    #uart_putc
        POPT
        NEXT

; KEY ( -- c )  wait for a received character
        HEADER  "key", key
        PUSHT
        call    #uart_getc
        mov     r12, TOS
        NEXT

; KEY? ( -- flag )  a character is waiting
        HEADER  "key?", keyq
        PUSHT
        call    #uart_ready
        mov     r12, TOS
        tst     TOS
        jz      1f
        mov     #-1, TOS
1:      NEXT

; CR ( -- )  send CR LF
        HEADER  "cr", cr
        mov     #13, r12
        call    #uart_putc
        mov     #10, r12
        jmp     putc_next

; SPACE ( -- )  send a blank
        HEADER  "space", space
        mov     #32, r12
putc_next:
        call    #uart_putc
        NEXT

; SPACES ( n -- )  send n blanks (none if n <= 0)
        COLON   "spaces", spaces
        .word   plit, 0, max, plit, 0, pqdo, 1f
2:      .word   space, ploop, 2b, unloop
1:      .word   pexit

; TYPE ( a u -- )  send u characters from RAM or flash
        HEADER  "type", type
        mov     TOS, r15
        mov     @PSP+, r14
        POPT
        call    #type_r14
        NEXT

; type_r14: send r15 bytes from r14 (r14 advances); clobbers r12, r15
type_r14:
        tst     r15
        jz      2f
1:      mov.b   @r14+, r12
        call    #uart_putc
        dec     r15
        jnz     1b
2:      ret

; DECIMAL ( -- )  BASE 10
        HEADER  "decimal", decimal
        mov     #10, &g_base
        NEXT

; HEX ( -- )  BASE 16
        HEADER  "hex", hex
        mov     #16, &g_base
        NEXT

; ------------------------------------------------- pictured numeric output
; <# ( -- )  start pictured output, in the transient buffer above HERE
        HEADER  "<#", lessnum
        mov     &g_here, W
        add     #HOLD_SIZE, W
        mov     W, &p_hold
        NEXT

; HOLD ( c -- )  put a character in front of the pictured output
        HEADER  "hold", hold
        mov     TOS, r13
        POPT
hold_next:
        call    #hold_r13
        NEXT
hold_r13:                                       ; r13 in front
        dec     &p_hold
        mov     &p_hold, W
        mov.b   r13, 0(W)
        ret

; # ( ud -- ud' )  one digit, in BASE
        HEADER  "#", num
        call    #digit
        NEXT

; digit: ud (TOS, @PSP) /= BASE, the remainder held as a digit
digit:
        mov     &g_base, r14
        mov     TOS, r12
        clr     r13
        call    #div3216                        ; high / base
        mov     r12, TOS
        mov     @PSP, r12                       ; (remainder:low) / base
        call    #div3216
        mov     r12, 0(PSP)
        cmp     #10, r13
        jlo     1f
        add     #'A' - '0' - 10, r13
1:      add     #'0', r13
        jmp     hold_r13

; #S ( ud -- 0 0 )  all the digits (at least one)
        HEADER  "#s", nums
1:      call    #digit
        mov     @PSP, W
        bis     TOS, W                          ;    (BIS sets no flags)
        tst     W
        jnz     1b
        NEXT

; #> ( ud -- a u )  the pictured output
        HEADER  "#>", numgreater
        mov     &p_hold, 0(PSP)
        mov     &g_here, TOS
        add     #HOLD_SIZE, TOS
        sub     &p_hold, TOS
        NEXT

; SIGN ( n -- )  put '-' in front if n < 0
        HEADER  "sign", sign
        tst     TOS
        POPT
        jge     1f
        mov     #'-', r13
        jmp     hold_next
1:      NEXT

; D.R ( d w -- )  a signed double, right-aligned in w columns
        COLON   "d.r", ddotr
        .word   tor, tuck, dabs, lessnum, nums, rot, sign, numgreater
        .word   rfrom, over, minus, spaces, type, pexit

; UD.R ( ud w -- )  an unsigned double in w columns
        COLON   "ud.r", uddotr
        .word   tor, lessnum, nums, numgreater, rfrom, over, minus, spaces
        .word   type, pexit

; .R ( n w -- )  signed, right-aligned in w columns
        COLON   ".r", dotr
        .word   tor, stod, rfrom, ddotr, pexit

; U.R ( u w -- )  unsigned, right-aligned in w columns
        COLON   "u.r", udotr
        .word   plit, 0, swap, uddotr, pexit

; D. ( d -- )  a signed double, then a blank
        COLON   "d.", ddot
        .word   plit, 0, ddotr, space, pexit

; UD. ( ud -- )  an unsigned double, then a blank
        COLON   "ud.", uddot
        .word   plit, 0, uddotr, space, pexit

; . ( n -- )  signed, then a blank
        COLON   ".", dot
        .word   stod, ddot, pexit

; U. ( u -- )  unsigned, then a blank
        COLON   "u.", udot
        .word   plit, 0, uddot, pexit

; ----------------------------------------------------- constants etc.
; BL ( -- 32 )  a blank
        LITWORD "bl", bl, 32
; TRUE ( -- -1 )
        LITWORD "true", true, -1
; FALSE ( -- 0 )
        LITWORD "false", false, 0
; STATE ( -- a )  the compile-state cell
        LITWORD "state", state, g_state
; BASE ( -- a )  the number-base cell
        LITWORD "base", base, g_base
; >IN ( -- a )  the parse position in the input line
        LITWORD ">in", toin, g_toin
; ERRLINE ( -- a )  Julia source line of the next run-time error
        LITWORD "errline", errline, g_errline
; S0 ( -- a )  the empty data stack's address
        LITWORD "s0", szero, S0_ADDR

; HERE ( -- a )  next free byte of data space (RAM)
        HEADER  "here", here
        PUSHT
        mov     &g_here, TOS
        NEXT

; FHERE ( -- a )  next free byte of the dictionary (flash)
        HEADER  "fhere", fhere
        PUSHT
        mov     &g_fhere, TOS
        NEXT

; LATEST ( -- a )  newest header
        HEADER  "latest", latest
        PUSHT
        mov     &g_latest, TOS
        NEXT

; ------------------------------------------------------------ timing
; MILLIS ( -- ud )  milliseconds since reset (Timer0_A tick)
        HEADER  "millis", millis
        PUSHT
        dint
        nop
        mov     &g_millis, W
        mov     &g_millis + 2, TOS
        eint
        decd    PSP
        mov     W, 0(PSP)
        NEXT

; MS ( u -- )  wait u milliseconds (asleep between ticks)
        HEADER  "ms", ms
        mov     &g_millis, W
        add     TOS, W                          ; the tick to wait for
1:      dint
        nop
        mov     W, r14
        sub     &g_millis, r14                  ; ticks left
        jz      2f
        cmp     r14, TOS
        jlo     2f                              ; passed it
        bis     #GIE | CPUOFF, sr               ; until the next interrupt
        jmp     1b
2:      eint
        POPT
        NEXT

; COLD ( -- )  restart the kernel (a watchdog key violation resets the chip)
        HEADER  "cold", cold
        mov     #0, &WDTCTL

#include "cwords.inc"

; The newest kernel header (the dictionary's start for EMPTY).
        .global kernel_latest_hdr
kernel_latest_hdr:
        .altmacro
        LINK_   %nhdr
        .noaltmacro

; Facts for the host tools and the budget tests (absolute symbols).
; jlf_stack_bytes: the data stack, its guards and the return stack's reserve
; jlf_codegen: the code-generation rules' version (forth_kernel/README.md)
        .global jlf_stack_bytes, jlf_budget_flash, jlf_budget_ram, jlf_target_flash
        .set    jlf_stack_bytes, RAM_END - RS_TOP + RS_RESERVE
        .set    jlf_budget_flash, BUDGET_FLASH
        .set    jlf_target_flash, TARGET_FLASH
        .set    jlf_budget_ram, BUDGET_RAM
        .global jlf_data_limit, jlf_hold_size, jlf_codegen, jlf_s0, jlf_dict_end
        .set    jlf_data_limit, DATA_LIMIT
        .set    jlf_hold_size, HOLD_SIZE
        .set    jlf_codegen, 1
        .set    jlf_s0, S0_ADDR
        .set    jlf_dict_end, DICT_END
        .global jlf_rs_top, jlf_rs_reserve, jlf_ds_cells
        .set    jlf_rs_top, RS_TOP
        .set    jlf_rs_reserve, RS_RESERVE
        .set    jlf_ds_cells, DS_CELLS

; ======================================================= port variables
        .section .bss.prims, "aw", @nobits
        .balign 2
        .global g_millis
g_millis:
        .space  4
p_hold:
        .space  2
