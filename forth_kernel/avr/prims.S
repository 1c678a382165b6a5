; jlforth kernel for the ATmega328P: the inner interpreter and primitives.
;
; Threading: subroutine threaded.  A colon definition is AVR machine code:
; each word it uses is a CALL (or RCALL when in reach), or is copied inline
; when its header carries the inline flag.  NEXT is the CPU's own RET: a
; call+ret costs 8 cycles, against about 24 for an indirect-threaded NEXT.
; Each primitive opens with its stack effect and meaning; cycle counts are
; beside the instructions (RET counted, CALL to it not).
#include <avr/io.h>
#include "config.h"
#include "macros.inc"

        .section .text.forth, "ax", @progbits

; ===================================================================== glue
; cell *forth_execute(ucell xt, cell *sp): run a word from C.
        .global forth_execute
forth_execute:
        push    r14
        push    r15
        push    r16
        push    r17
        push    r28
        push    r29
        XT2Z
        movw    r28, r22
        POPT
        icall
        PUSHT
        movw    r24, r28
        pop     r29
        pop     r28
        pop     r17
        pop     r16
        pop     r15
        pop     r14
        clr     r1
        ret

; No CATCH took the error: a fresh return stack, and back to the prompt.
forth_abort:
        cli
        ldi     r30, lo8(RS_TOP)
        ldi     r31, hi8(RS_TOP)
        out     _SFR_IO_ADDR(SPL), r30
        out     _SFR_IO_ADDR(SPH), r31
        sei
        clr     r1
        jmp     forth_restart

; =============================================================== the words
; The words written in C come first in the dictionary, so the primitives
; (defined after them) are the first the interpreter's search meets.
; c_tramp: run the C word in Z.  It takes the stack pointer (TOS stored
; first) and returns the new one: cell *w_name(cell *sp).
c_tramp:
        PUSHT                                   ; 4
        movw    r24, r28                        ; 1
        icall                                   ; 3
        movw    r28, r24                        ; 1
        POPT                                    ; 4
        ret                                     ; 4

#include "cwords.inc"

; ---------------------------------------------------------------- stack
; DUP ( x -- x x )  duplicate top of stack
        HEADER  "dup", dup, F_INL
        PUSHT                                   ; 4
        ret

; DROP ( x -- )  discard top of stack
        HEADER  "drop", drop, F_INL
        POPT                                    ; 4
        ret

; SWAP ( a b -- b a )  exchange the top two items
        HEADER  "swap", swap, F_INL
        ld      r22, Y                          ; 2
        ldd     r23, Y+1                        ; 2
        st      Y, r24                          ; 2
        std     Y+1, r25                        ; 2
        movw    r24, r22                        ; 1
        ret

; OVER ( a b -- a b a )  copy the second item to the top
        HEADER  "over", over, F_INL
        ld      r22, Y                          ; 2
        ldd     r23, Y+1                        ; 2
        PUSHT                                   ; 4
        movw    r24, r22                        ; 1
        ret

; ROT ( a b c -- b c a )  rotate the third item to the top
        HEADER  "rot", rot
        ld      r22, Y                          ; 2  b
        ldd     r23, Y+1                        ; 2
        ldd     r20, Y+2                        ; 2  a
        ldd     r21, Y+3                        ; 2
        std     Y+2, r22                        ; 2
        std     Y+3, r23                        ; 2
        st      Y, r24                          ; 2
        std     Y+1, r25                        ; 2
        movw    r24, r20                        ; 1
        ret

; -ROT ( a b c -- c a b )  rotate the top item to third place
        HEADER  "-rot", mrot
        ld      r22, Y                          ; b
        ldd     r23, Y+1
        ldd     r20, Y+2                        ; a
        ldd     r21, Y+3
        std     Y+2, r24                        ; c
        std     Y+3, r25
        st      Y, r20
        std     Y+1, r21
        movw    r24, r22
        ret

; NIP ( a b -- b )  discard the second item
        HEADER  "nip", nip, F_INL
        adiw    r28, 2                          ; 2
        ret

; TUCK ( a b -- b a b )  copy the top item under the second
        HEADER  "tuck", tuck, F_INL
        ld      r22, Y
        ldd     r23, Y+1
        st      Y, r24
        std     Y+1, r25
        st      -Y, r23
        st      -Y, r22
        ret

; ?DUP ( x -- 0 | x x )  duplicate if non-zero
        HEADER  "?dup", qdup, F_INL
        sbiw    r24, 0                          ; 2
        breq    1f                              ; 1/2
        PUSHT                                   ; 4
1:      ret

; 2DUP ( a b -- a b a b )
        HEADER  "2dup", twodup, F_INL
        ld      r22, Y
        ldd     r23, Y+1
        PUSHT
        st      -Y, r23
        st      -Y, r22
        ret

; 2DROP ( a b -- )
        HEADER  "2drop", twodrop, F_INL
        adiw    r28, 2
        POPT
        ret

; 2SWAP ( a b c d -- c d a b )
        HEADER  "2swap", twoswap
        ld      r22, Y                          ; c
        ldd     r23, Y+1
        ldd     r20, Y+2                        ; b
        ldd     r21, Y+3
        ldd     r18, Y+4                        ; a
        ldd     r19, Y+5
        std     Y+4, r22                        ; c
        std     Y+5, r23
        std     Y+2, r24                        ; d
        std     Y+3, r25
        st      Y, r18                          ; a
        std     Y+1, r19
        movw    r24, r20                        ; b
        ret

; 2OVER ( a b c d -- a b c d a b )
        HEADER  "2over", twoover
        PUSHT
        ldd     r22, Y+6                        ; a
        ldd     r23, Y+7
        ldd     r24, Y+4                        ; b
        ldd     r25, Y+5
        st      -Y, r23
        st      -Y, r22
        ret

; PICK ( xu .. x0 u -- xu .. x0 xu )  copy the u-th item (0 = top)
        HEADER  "pick", pick
        movw    r30, r28
        lsl     r24
        rol     r25
        add     r30, r24
        adc     r31, r25
        ld      r24, Z
        ldd     r25, Z+1
        ret

; DEPTH ( -- n )  number of items on the data stack
        HEADER  "depth", depth
        PUSHT
        ldi     r24, lo8(S0_ADDR)
        ldi     r25, hi8(S0_ADDR)
        sub     r24, r28
        sbc     r25, r29
        asr     r25
        ror     r24
        ret

; >R ( x -- ) ( R: -- x )  move to the return stack; inline only
        HEADER  ">r", tor, F_INLCO
        push    r24                             ; 2
        push    r25                             ; 2
        POPT                                    ; 4
        ret

; R> ( -- x ) ( R: x -- )  move from the return stack; inline only
        HEADER  "r>", rfrom, F_INLCO
        PUSHT
        pop     r25
        pop     r24
        ret

; R@ ( -- x ) ( R: x -- x )  copy the top of the return stack; inline only
        HEADER  "r@", rfetch, F_INLCO
        PUSHT
        pop     r25
        pop     r24
        push    r24
        push    r25
        ret

; RDROP ( R: x -- )  discard the top of the return stack; inline only
        HEADER  "rdrop", rdrop, F_INLCO
        pop     r0
        pop     r0
        ret

; 2>R ( a b -- ) ( R: -- a b )
        HEADER  "2>r", twotor, F_INLCO
        ld      r22, Y+
        ld      r23, Y+
        push    r22
        push    r23
        push    r24
        push    r25
        POPT
        ret

; 2R> ( -- a b ) ( R: a b -- )
        HEADER  "2r>", tworfrom, F_INLCO
        PUSHT
        pop     r25
        pop     r24
        pop     r23
        pop     r22
        st      -Y, r23
        st      -Y, r22
        ret

; 2R@ ( -- a b ) ( R: a b -- a b )
        HEADER  "2r@", tworfetch, F_INLCO
        PUSHT
        in      r30, _SFR_IO_ADDR(SPL)
        in      r31, _SFR_IO_ADDR(SPH)
        ldd     r24, Z+2
        ldd     r25, Z+1
        ldd     r22, Z+4
        ldd     r23, Z+3
        st      -Y, r23
        st      -Y, r22
        ret

; ----------------------------------------------------------- arithmetic
; + ( a b -- a+b )
        HEADER  "+", plus, F_INL
        ld      r22, Y+                         ; 2
        ld      r23, Y+                         ; 2
        add     r24, r22                        ; 1
        adc     r25, r23                        ; 1
        ret

; - ( a b -- a-b )
        HEADER  "-", minus, F_INL
        ld      r22, Y+
        ld      r23, Y+
        sub     r22, r24
        sbc     r23, r25
        movw    r24, r22
        ret

; AND ( a b -- a&b )
        HEADER  "and", and, F_INL
        ld      r22, Y+
        ld      r23, Y+
        and     r24, r22
        and     r25, r23
        ret

; OR ( a b -- a|b )
        HEADER  "or", or, F_INL
        ld      r22, Y+
        ld      r23, Y+
        or      r24, r22
        or      r25, r23
        ret

; XOR ( a b -- a^b )
        HEADER  "xor", xor, F_INL
        ld      r22, Y+
        ld      r23, Y+
        eor     r24, r22
        eor     r25, r23
        ret

; INVERT ( x -- ~x )
        HEADER  "invert", invert, F_INL
        com     r24
        com     r25
        ret

; NEGATE ( n -- -n )
        HEADER  "negate", negate, F_INL
        com     r25                             ; 1
        neg     r24                             ; 1
        sbci    r25, 0xFF                       ; 1
        ret

; ABS ( n -- |n| )   abs of -32768 is -32768, as Julia wraps too
        HEADER  "abs", abs, F_INL
        tst     r25
        brpl    1f
        com     r25
        neg     r24
        sbci    r25, 0xFF
1:      ret

; 1+ ( n -- n+1 )
        HEADER  "1+", oneplus, F_INL
        adiw    r24, 1                          ; 2
        ret

; 1- ( n -- n-1 )
        HEADER  "1-", oneminus, F_INL
        sbiw    r24, 1                          ; 2
        ret

; 2* ( n -- 2n )
        HEADER  "2*", twostar, F_INL
        lsl     r24
        rol     r25
        ret

; 2/ ( n -- n/2 )  arithmetic shift right
        HEADER  "2/", twoslash, F_INL
        asr     r25
        ror     r24
        ret

; U2/ ( u -- u/2 )  logical shift right
        HEADER  "u2/", utwoslash, F_INL
        lsr     r25
        ror     r24
        ret

; CELL+ ( a -- a+2 )
        HEADER  "cell+", cellplus, F_INL
        adiw    r24, 2
        ret

; CELLS ( n -- 2n )
        HEADER  "cells", cells, F_INL
        lsl     r24
        rol     r25
        ret

; CHAR+ ( a -- a+1 )
        HEADER  "char+", charplus, F_INL
        adiw    r24, 1
        ret

; ALIGNED ( a -- a' )  round up to a cell boundary
        HEADER  "aligned", aligned, F_INL
        adiw    r24, 1
        andi    r24, 0xFE
        ret

; CHARS ( n -- n )
        HEADER  "chars", chars, F_INL
        ret

; shift_in: the three shifts' count: r23:r22 = u, TOS = x; carry set
; when u < 16, i.e. when there is something to shift
shift_in:
        movw    r22, r24                        ; 1
        POPT                                    ; 4
        cpi     r22, 16                         ; 1
        cpc     r23, r1                         ; 1
        ret

; LSHIFT ( x u -- x<<u )  u >= 16 gives 0
        HEADER  "lshift", lshift
        rcall   shift_in
        brcc    2f
        rjmp    1f
0:      lsl     r24
        rol     r25
1:      dec     r22
        brpl    0b
        ret
2:      clr     r24
        clr     r25
        ret

; RSHIFT ( x u -- x>>u )  logical; u >= 16 gives 0
        HEADER  "rshift", rshift
        rcall   shift_in
        brcc    2f
        rjmp    1f
0:      lsr     r25
        ror     r24
1:      dec     r22
        brpl    0b
        ret
2:      clr     r24
        clr     r25
        ret

; ARSHIFT ( n u -- n>>u )  arithmetic; u >= 16 gives 0 or -1
        HEADER  "arshift", arshift
        rcall   shift_in
        brcc    2f
        rjmp    1f
0:      asr     r25
        ror     r24
1:      dec     r22
        brpl    0b
        ret
2:      lsl     r25
        sbc     r24, r24
        mov     r25, r24
        ret

; * ( a b -- a*b )  16x16 -> 16 with the hardware multiplier
        HEADER  "*", star
        ld      r22, Y+                         ; 2
        ld      r23, Y+                         ; 2
        mul     r24, r22                        ; 2
        movw    r20, r0                         ; 1
        mul     r25, r22                        ; 2
        add     r21, r0                         ; 1
        mul     r24, r23                        ; 2
        add     r21, r0                         ; 1
        clr     r1                              ; 1
        movw    r24, r20                        ; 1
        ret                                     ; 4 = 19

; UM* ( u1 u2 -- ud )  16x16 -> 32 unsigned
        HEADER  "um*", umstar
        ld      r22, Y                          ; u1
        ldd     r23, Y+1
        rcall   umul16
        std     Y+1, r19                        ; low cell
        st      Y, r18
        movw    r24, r20                        ; high cell
        ret

; umul16: r21:r20:r19:r18 = r23:r22 * r25:r24 (unsigned); clobbers r0, r26
umul16:
        clr     r26
        mul     r22, r24
        movw    r18, r0
        mul     r23, r25
        movw    r20, r0
        mul     r23, r24
        add     r19, r0
        adc     r20, r1
        adc     r21, r26
        mul     r22, r25
        add     r19, r0
        adc     r20, r1
        adc     r21, r26
        clr     r1
        ret

; M* ( n1 n2 -- d )  16x16 -> 32 signed
        HEADER  "m*", mstar
        ld      r22, Y
        ldd     r23, Y+1
        rcall   umul16
        sbrs    r23, 7                          ; n1 < 0: high -= n2
        rjmp    1f
        sub     r20, r24
        sbc     r21, r25
1:      sbrs    r25, 7                          ; n2 < 0: high -= n1
        rjmp    2f
        sub     r20, r22
        sbc     r21, r23
2:      std     Y+1, r19
        st      Y, r18
        movw    r24, r20
        ret

; udiv16: r25:r24 = r25:r24 / r23:r22, r27:r26 = remainder; clobbers r21.
; Shift-and-subtract; the caller has checked for a zero divisor.   ~180
udiv16:
        clr     r26
        clr     r27
        ldi     r21, 17
        rjmp    2f
1:      rol     r26
        rol     r27
        cp      r26, r22
        cpc     r27, r23
        brcs    2f
        sub     r26, r22
        sbc     r27, r23
2:      rol     r24
        rol     r25
        dec     r21
        brne    1b
        com     r24
        com     r25
        ret

; sdiv16: symmetric (truncating) signed division, as Julia's div and rem.
; In: r25:r24 dividend, r23:r22 divisor.  Out: r25:r24 quotient,
; r27:r26 remainder (sign of the dividend).  Throws -10 on a zero divisor.
sdiv16:
        cp      r22, r1
        cpc     r23, r1
        brne    1f
        ldi     r24, lo8(-10)
        ldi     r25, hi8(-10)
        rjmp    throw
1:      mov     r0, r25                         ; remainder sign
        bst     r25, 7
        brtc    2f
        com     r25
        neg     r24
        sbci    r25, 0xFF
2:      eor     r0, r23                         ; quotient sign in r0 bit 7
        sbrs    r23, 7
        rjmp    3f
        com     r23
        neg     r22
        sbci    r23, 0xFF
3:      push    r0
        rcall   udiv16
        pop     r0
        sbrs    r0, 7
        rjmp    4f
        com     r25
        neg     r24
        sbci    r25, 0xFF
4:      brtc    5f
        com     r27
        neg     r26
        sbci    r27, 0xFF
5:      ret

; / ( n1 n2 -- n3 )  symmetric division (rounds toward zero)
        HEADER  "/", slash
        movw    r22, r24
        POPT
        rjmp    sdiv16

; MOD ( n1 n2 -- n3 )  remainder of symmetric division (sign of n1)
        HEADER  "mod", mod
        movw    r22, r24
        POPT
        rcall   sdiv16
        movw    r24, r26
        ret

; /MOD ( n1 n2 -- rem quot )
        HEADER  "/mod", slashmod
        movw    r22, r24
        POPT
        rcall   sdiv16
        st      -Y, r27
        st      -Y, r26
        ret

; U/MOD ( u1 u2 -- urem uquot )  unsigned
        HEADER  "u/mod", uslashmod
        movw    r22, r24
        POPT
        cp      r22, r1
        cpc     r23, r1
        brne    1f
        ldi     r24, lo8(-10)
        ldi     r25, hi8(-10)
        rjmp    throw
1:      rcall   udiv16
        st      -Y, r27
        st      -Y, r26
        ret

; MIN ( a b -- min )  signed
        HEADER  "min", min
        ld      r22, Y+
        ld      r23, Y+
        cp      r22, r24
        cpc     r23, r25
        brge    1f
        movw    r24, r22
1:      ret

; MAX ( a b -- max )  signed
        HEADER  "max", max
        ld      r22, Y+
        ld      r23, Y+
        cp      r24, r22
        cpc     r25, r23
        brge    1f
        movw    r24, r22
1:      ret

; UMIN ( a b -- min )  unsigned
        HEADER  "umin", umin
        ld      r22, Y+
        ld      r23, Y+
        cp      r22, r24
        cpc     r23, r25
        brsh    1f
        movw    r24, r22
1:      ret

; UMAX ( a b -- max )  unsigned
        HEADER  "umax", umax
        ld      r22, Y+
        ld      r23, Y+
        cp      r24, r22
        cpc     r25, r23
        brsh    1f
        movw    r24, r22
1:      ret

; ------------------------------------------------------------ compare
; Every flag is 0 (false) or -1 (true).
; = ( a b -- flag )
        HEADER  "=", equal, F_INL
        ld      r22, Y+                         ; 2
        ld      r23, Y+                         ; 2
        cp      r22, r24                        ; 1
        cpc     r23, r25                        ; 1
        ldi     r24, 0xFF                       ; 1
        ldi     r25, 0xFF                       ; 1
        breq    1f                              ; 1/2
        clr     r24                             ; 1
        clr     r25                             ; 1
1:      ret

; <> ( a b -- flag )
        HEADER  "<>", notequal, F_INL
        ld      r22, Y+
        ld      r23, Y+
        cp      r22, r24
        cpc     r23, r25
        ldi     r24, 0xFF
        ldi     r25, 0xFF
        brne    1f
        clr     r24
        clr     r25
1:      ret

; < ( n1 n2 -- flag )  signed
        HEADER  "<", less, F_INL
        ld      r22, Y+
        ld      r23, Y+
        cp      r22, r24
        cpc     r23, r25
        ldi     r24, 0xFF
        ldi     r25, 0xFF
        brlt    1f
        clr     r24
        clr     r25
1:      ret

; > ( n1 n2 -- flag )  signed
        HEADER  ">", greater, F_INL
        ld      r22, Y+
        ld      r23, Y+
        cp      r24, r22
        cpc     r25, r23
        ldi     r24, 0xFF
        ldi     r25, 0xFF
        brlt    1f
        clr     r24
        clr     r25
1:      ret

; U< ( u1 u2 -- flag )  unsigned
        HEADER  "u<", uless, F_INL
        ld      r22, Y+
        ld      r23, Y+
        cp      r22, r24
        cpc     r23, r25
        ldi     r24, 0xFF
        ldi     r25, 0xFF
        brlo    1f
        clr     r24
        clr     r25
1:      ret

; U> ( u1 u2 -- flag )  unsigned
        HEADER  "u>", ugreater, F_INL
        ld      r22, Y+
        ld      r23, Y+
        cp      r24, r22
        cpc     r25, r23
        ldi     r24, 0xFF
        ldi     r25, 0xFF
        brlo    1f
        clr     r24
        clr     r25
1:      ret

; 0= ( x -- flag )
        HEADER  "0=", zeroequal, F_INL
        sbiw    r24, 0                          ; 2
        ldi     r24, 0xFF                       ; 1
        ldi     r25, 0xFF                       ; 1
        breq    1f                              ; 1/2
        clr     r24                             ; 1
        clr     r25                             ; 1
1:      ret

; 0<> ( x -- flag )
        HEADER  "0<>", zeronotequal, F_INL
        sbiw    r24, 0
        breq    1f
        ldi     r24, 0xFF
        ldi     r25, 0xFF
1:      ret

; 0< ( n -- flag )
        HEADER  "0<", zeroless, F_INL
        lsl     r25                             ; 1  sign to carry
        sbc     r24, r24                        ; 1
        mov     r25, r24                        ; 1
        ret

; 0> ( n -- flag )
        HEADER  "0>", zerogreater, F_INL
        cp      r1, r24
        cpc     r1, r25
        ldi     r24, 0xFF
        ldi     r25, 0xFF
        brlt    1f
        clr     r24
        clr     r25
1:      ret

; WITHIN ( x lo hi -- flag )  lo <= x < hi, with wrap-around as in Forth 2012
        HEADER  "within", within
        ld      r22, Y+                         ; lo
        ld      r23, Y+
        ld      r20, Y+                         ; x
        ld      r21, Y+
        sub     r24, r22                        ; hi-lo
        sbc     r25, r23
        sub     r20, r22                        ; x-lo
        sbc     r21, r23
        cp      r20, r24
        cpc     r21, r25
        ldi     r24, 0xFF
        ldi     r25, 0xFF
        brlo    1f
        clr     r24
        clr     r25
1:      ret

; ------------------------------------------------------ double cells
; A double d is two cells, the high cell on top.
; D+ ( d1 d2 -- d3 )
        HEADER  "d+", dplus
        ld      r22, Y+                         ; d2 low
        ld      r23, Y+
        ld      r20, Y+                         ; d1 high
        ld      r21, Y+
        ld      r18, Y                          ; d1 low
        ldd     r19, Y+1
        add     r18, r22
        adc     r19, r23
        adc     r24, r20
        adc     r25, r21
        st      Y, r18
        std     Y+1, r19
        ret

; D- ( d1 d2 -- d3 )
        HEADER  "d-", dminus
        ld      r22, Y+
        ld      r23, Y+
        ld      r20, Y+
        ld      r21, Y+
        ld      r18, Y
        ldd     r19, Y+1
        sub     r18, r22
        sbc     r19, r23
        sbc     r20, r24
        sbc     r21, r25
        st      Y, r18
        std     Y+1, r19
        movw    r24, r20
        ret

; DNEGATE ( d -- -d )
        HEADER  "dnegate", dnegate
        ld      r22, Y
        ldd     r23, Y+1
        com     r22
        com     r23
        com     r24
        com     r25
        subi    r22, 0xFF
        sbci    r23, 0xFF
        sbci    r24, 0xFF
        sbci    r25, 0xFF
        st      Y, r22
        std     Y+1, r23
        ret

; DABS ( d -- |d| )
        HEADER  "dabs", dabs
        tst     r25
        brmi    dnegate
        ret

; S>D ( n -- d )  sign extend
        HEADER  "s>d", stod, F_INL
        PUSHT
        lsl     r25
        sbc     r24, r24
        mov     r25, r24
        ret

; M+ ( d n -- d' )
        HEADER  "m+", mplus
        movw    r22, r24
        lsl     r25
        sbc     r20, r20                        ; sign extension of n
        POPT                                    ; d high
        ld      r18, Y
        ldd     r19, Y+1
        add     r18, r22
        adc     r19, r23
        adc     r24, r20
        adc     r25, r20
        st      Y, r18
        std     Y+1, r19
        ret

; D0= ( d -- flag )
        HEADER  "d0=", dzeroequal
        ld      r22, Y+
        ld      r23, Y+
        or      r24, r25
        or      r24, r22
        or      r24, r23
        ldi     r24, 0xFF
        ldi     r25, 0xFF
        breq    1f
        clr     r24
        clr     r25
1:      ret

; D0< ( d -- flag )
        HEADER  "d0<", dzeroless
        adiw    r28, 2
        rjmp    zeroless

; D= ( d1 d2 -- flag )
        HEADER  "d=", dequal
        rcall   dminus
        rjmp    dzeroequal

; D< ( d1 d2 -- flag )  signed
        HEADER  "d<", dless
        ld      r22, Y+                         ; d2 low
        ld      r23, Y+
        ld      r20, Y+                         ; d1 high
        ld      r21, Y+
        ld      r18, Y+                         ; d1 low
        ld      r19, Y+
        cp      r18, r22
        cpc     r19, r23
        cpc     r20, r24
        cpc     r21, r25
        ldi     r24, 0xFF
        ldi     r25, 0xFF
        brlt    1f
        clr     r24
        clr     r25
1:      ret

; DU< ( ud1 ud2 -- flag )  unsigned
        HEADER  "du<", duless
        ld      r22, Y+
        ld      r23, Y+
        ld      r20, Y+
        ld      r21, Y+
        ld      r18, Y+
        ld      r19, Y+
        cp      r18, r22
        cpc     r19, r23
        cpc     r20, r24
        cpc     r21, r25
        ldi     r24, 0xFF
        ldi     r25, 0xFF
        brlo    1f
        clr     r24
        clr     r25
1:      ret

; D2* ( d -- 2d )
        HEADER  "d2*", dtwostar
        ld      r22, Y
        ldd     r23, Y+1
        lsl     r22
        rol     r23
        rol     r24
        rol     r25
        st      Y, r22
        std     Y+1, r23
        ret

; D2/ ( d -- d/2 )  arithmetic
        HEADER  "d2/", dtwoslash
        ld      r22, Y
        ldd     r23, Y+1
        asr     r25
        ror     r24
        ror     r23
        ror     r22
        st      Y, r22
        std     Y+1, r23
        ret

; D>S ( d -- n )
        HEADER  "d>s", dtos, F_INL
        POPT
        ret

; ------------------------------------------- mixed and double division
; div3216: (r23:r22 r21:r20) / r19:r18 with r23:r22 < r19:r18, so the
; quotient fits a cell.  Out: quotient r21:r20, remainder r23:r22.
; Restoring shift-and-subtract, 16 steps; clobbers r26.         ~180
div3216:
        ldi     r26, 16
1:      lsl     r20
        rol     r21
        rol     r22
        rol     r23
        brcs    2f                              ; a 17-bit remainder: subtract
        cp      r22, r18
        cpc     r23, r19
        brcs    3f
2:      sub     r22, r18
        sbc     r23, r19
        inc     r20                             ; quotient bit
3:      dec     r26
        brne    1b
        ret

div0:
        ldi     r24, lo8(-10)
        ldi     r25, hi8(-10)
        rjmp    throw
range:
        ldi     r24, lo8(-11)
        ldi     r25, hi8(-11)
        rjmp    throw

; divisor_in: r19:r18 = TOS (the divisor), refill TOS; -10 if zero
divisor_in:
        movw    r18, r24
        cp      r18, r1
        cpc     r19, r1
        breq    div0
        ret

; UM/MOD ( ud u -- urem uquot )  unsigned 32/16; -11 if the quotient overflows
        HEADER  "um/mod", ummod
        rcall   divisor_in
        ld      r22, Y+                         ; high
        ld      r23, Y+
        ld      r20, Y                          ; low
        ldd     r21, Y+1
        cp      r22, r18
        cpc     r23, r19
        brlo    9f
        rjmp    range
9:
        rcall   div3216
        st      Y, r22
        std     Y+1, r23
        movw    r24, r20
        ret

; UD/MOD ( ud u -- urem udquot )  32/16 with a double quotient
        HEADER  "ud/mod", udslashmod
        rcall   divisor_in
        clr     r22                             ; high / u first
        clr     r23
        ld      r20, Y
        ldd     r21, Y+1
        rcall   div3216
        movw    r24, r20                        ; quotient high: the new TOS
        ldd     r20, Y+2                        ; then (remainder:low) / u
        ldd     r21, Y+3
        rcall   div3216
        std     Y+2, r22                        ; remainder
        std     Y+3, r23
        st      Y, r20                          ; quotient low
        std     Y+1, r21
        ret

; SM/REM ( d n -- rem quot )  symmetric: the quotient rounds toward zero
        HEADER  "sm/rem", smrem
        rcall   divisor_in
        ld      r22, Y+                         ; high
        ld      r23, Y+
        ld      r20, Y                          ; low
        ldd     r21, Y+1
        mov     r0, r23                         ; remainder takes d's sign
        mov     r27, r23
        eor     r27, r19                        ; quotient's sign
        tst     r23
        brpl    1f
        com     r23                             ; |d|
        com     r22
        com     r21
        neg     r20
        sbci    r21, 0xFF
        sbci    r22, 0xFF
        sbci    r23, 0xFF
1:      tst     r19
        brpl    2f
        com     r19                             ; |n|
        neg     r18
        sbci    r19, 0xFF
2:      cp      r22, r18
        cpc     r23, r19
        brlo    9f
        rjmp    range
9:
        rcall   div3216
        sbrs    r27, 7
        rjmp    3f
        com     r21
        neg     r20
        sbci    r21, 0xFF
3:      sbrs    r0, 7
        rjmp    4f
        com     r23
        neg     r22
        sbci    r23, 0xFF
4:      st      Y, r22
        std     Y+1, r23
        movw    r24, r20
        ret

; FM/MOD ( d n -- rem quot )  floored: the remainder takes n's sign
        HEADER  "fm/mod", fmmod
        push    r24
        push    r25
        rcall   smrem
        pop     r19
        pop     r18
        ld      r22, Y
        ldd     r23, Y+1
        cp      r22, r1
        cpc     r23, r1
        breq    1f
        mov     r0, r23
        eor     r0, r19
        brpl    1f                              ; same signs: nothing to do
        sbiw    r24, 1
        add     r22, r18
        adc     r23, r19
        st      Y, r22
        std     Y+1, r23
1:      ret

; */MOD ( n1 n2 n3 -- rem quot )  n1*n2/n3 with a 32-bit intermediate
        HEADER  "*/mod", starslashmod
        push    r24
        push    r25
        POPT
        rcall   mstar
        PUSHT
        pop     r25
        pop     r24
        rjmp    smrem

; */ ( n1 n2 n3 -- n1*n2/n3 )
        HEADER  "*/", starslash
        rcall   starslashmod
        adiw    r28, 2
        ret

; D* ( d1 d2 -- d3 )  32-bit product, the low 32 bits (wraps as Julia)
        HEADER  "d*", dstar
        ld      r22, Y+                         ; b low
        ld      r23, Y+
        ld      r26, Y+                         ; a high
        ld      r27, Y+
        mul     r26, r22                        ; a.high * b.low, low 16 bits
        movw    r30, r0
        mul     r27, r22
        add     r31, r0
        mul     r26, r23
        add     r31, r0
        ld      r20, Y                          ; a low
        ldd     r21, Y+1
        mul     r20, r24                        ; + a.low * b.high
        add     r30, r0
        adc     r31, r1
        mul     r21, r24
        add     r31, r0
        mul     r20, r25
        add     r31, r0
        movw    r24, r22                        ; a.low * b.low, 32 bits
        movw    r22, r20
        rcall   umul16
        add     r20, r30
        adc     r21, r31
        st      Y, r18
        std     Y+1, r19
        movw    r24, r20
        ret

; ud32: (r21:r20:r19:r18) / (r25:r24:r23:r22), both unsigned 32-bit.
; Out: quotient in r21..r18, remainder in r31:r30:r27:r26.  -10 on 0. ~600
ud32:
        cp      r22, r1
        cpc     r23, r1
        cpc     r24, r1
        cpc     r25, r1
        brne    9f
        rjmp    div0
9:      clr     r26
        clr     r27
        movw    r30, r26
        ldi     r30, 32
        mov     r0, r30
        clr     r30
1:      lsl     r18
        rol     r19
        rol     r20
        rol     r21
        rol     r26
        rol     r27
        rol     r30
        rol     r31
        brcs    2f
        cp      r26, r22
        cpc     r27, r23
        cpc     r30, r24
        cpc     r31, r25
        brcs    3f
2:      sub     r26, r22
        sbc     r27, r23
        sbc     r30, r24
        sbc     r31, r25
        inc     r18
3:      dec     r0
        brne    1b
        ret

; load d1 (as ud32's dividend) and keep d2 (the divisor) for ud32
dd_in:
        ld      r22, Y                          ; d2 low (d2 high is TOS)
        ldd     r23, Y+1
        ldd     r20, Y+2                        ; d1 high
        ldd     r21, Y+3
        ldd     r18, Y+4                        ; d1 low
        ldd     r19, Y+5
        ret

dd_out:                                          ; ( -- drem dquot )
        std     Y+4, r26
        std     Y+5, r27
        std     Y+2, r30
        std     Y+3, r31
        st      Y, r18
        std     Y+1, r19
        movw    r24, r20
        ret

; DU/MOD ( ud1 ud2 -- udrem udquot )  unsigned 32/32
        HEADER  "du/mod", dumod
        rcall   dd_in
        rcall   ud32
        rjmp    dd_out

; DSM/REM ( d1 d2 -- drem dquot )  signed 32/32, rounding toward zero
; (typemin / -1 wraps to typemin, as Julia's wrapping division)
        HEADER  "dsm/rem", dsmrem
        rcall   dd_in
        mov     r0, r21                         ; remainder sign
        push    r0
        eor     r0, r25                         ; quotient sign
        push    r0
        tst     r21
        brpl    1f
        rcall   neg_q
1:      tst     r25
        brpl    2f
        com     r25
        com     r24
        com     r23
        neg     r22
        sbci    r23, 0xFF
        sbci    r24, 0xFF
        sbci    r25, 0xFF
2:      rcall   ud32
        pop     r0
        sbrc    r0, 7
        rcall   neg_q
        pop     r0
        sbrs    r0, 7
        rjmp    dd_out
        com     r31
        com     r30
        com     r27
        neg     r26
        sbci    r27, 0xFF
        sbci    r30, 0xFF
        sbci    r31, 0xFF
        rjmp    dd_out
neg_q:                                           ; r21..r18 = -r21..r18
        com     r21
        com     r20
        com     r19
        neg     r18
        sbci    r19, 0xFF
        sbci    r20, 0xFF
        sbci    r21, 0xFF
        ret

; DLSHIFT ( d u -- d' )  shift left; u >= 32 gives 0
        HEADER  "dlshift", dlshift
        ldi     r27, 0
        rjmp    dshift
; DRSHIFT ( d u -- d' )  logical shift right; u >= 32 gives 0
        HEADER  "drshift", drshift
        ldi     r27, 1
        rjmp    dshift
; DARSHIFT ( d u -- d' )  arithmetic shift right; u >= 32 gives 0 or -1
        HEADER  "darshift", darshift
        ldi     r27, 2
dshift:
        movw    r18, r24                        ; count
        POPT                                    ; d high
        ld      r22, Y                          ; d low
        ldd     r23, Y+1
        tst     r19
        brne    6f
        cpi     r18, 32
        brsh    6f
        rjmp    3f
1:      cpi     r27, 0
        brne    2f
        lsl     r22
        rol     r23
        rol     r24
        rol     r25
        rjmp    3f
2:      cpi     r27, 1
        brne    4f
        lsr     r25
        rjmp    5f
4:      asr     r25
5:      ror     r24
        ror     r23
        ror     r22
3:      dec     r18
        brpl    1b
7:      st      Y, r22
        std     Y+1, r23
        ret
6:      clr     r22                             ; count >= 32: 0, or -1 for
        cpi     r27, 2                          ; an arithmetic shift of a
        brne    8f                              ; negative number
        sbrc    r25, 7
        ser     r22
8:      mov     r23, r22
        movw    r24, r22
        rjmp    7b

; ------------------------------------------------------------- memory
; Unified addresses: bit 15 set = flash (read through the page cache).
; @ ( a -- x )  fetch a cell
        HEADER  "@", fetch, F_INL
        movw    r30, r24                        ; 1
        sbrs    r31, 7                          ; 1
        rjmp    1f                              ; 2
        call    dict_fetch                      ;    flash: C, via the cache
        rjmp    2f
1:      ld      r24, Z                          ; 2
        ldd     r25, Z+1                        ; 2
2:      ret                                     ; = 8

; C@ ( a -- c )  fetch a byte
        HEADER  "c@", cfetch, F_INL
        movw    r30, r24
        sbrs    r31, 7
        rjmp    1f
        call    dict_cfetch
        rjmp    2f
1:      ld      r24, Z
2:      clr     r25
        ret

; ! ( x a -- )  store a cell; into flash through the page cache
        HEADER  "!", store, F_INL
        movw    r30, r24                        ; 1
        POPT                                    ; 4
        sbrs    r31, 7                          ; 1
        rjmp    1f                              ; 2
        movw    r22, r24
        movw    r24, r30
        call    dict_store
        rjmp    2f
1:      st      Z, r24                          ; 2
        std     Z+1, r25                        ; 2
2:      POPT                                    ; 4
        ret                                     ; = 16

; C! ( c a -- )  store a byte
        HEADER  "c!", cstore, F_INL
        movw    r30, r24
        POPT
        sbrs    r31, 7
        rjmp    1f
        mov     r22, r24
        movw    r24, r30
        call    dict_cstore
        rjmp    2f
1:      st      Z, r24
2:      POPT
        ret

; +! ( n a -- )  add to a cell in RAM
        HEADER  "+!", plusstore
        movw    r30, r24
        POPT
        sbrc    r31, 7
        rjmp    ram_only
        ld      r22, Z
        ldd     r23, Z+1
        add     r22, r24
        adc     r23, r25
        st      Z, r22
        std     Z+1, r23
        POPT
        ret
ram_only:
        ldi     r24, lo8(-20)
        ldi     r25, hi8(-20)
        rjmp    throw

; 2@ ( a -- x1 x2 )  x2 at a, x1 at a+2
        HEADER  "2@", twofetch
        movw    r30, r24
        sbrc    r31, 7
        rjmp    1f
        ldd     r22, Z+2
        ldd     r23, Z+3
        st      -Y, r23
        st      -Y, r22
        ld      r24, Z
        ldd     r25, Z+1
        ret
1:      push    r24
        push    r25
        adiw    r24, 2
        call    dict_fetch
        PUSHT
        pop     r25
        pop     r24
        jmp     dict_fetch

; 2! ( x1 x2 a -- )
        HEADER  "2!", twostore
        movw    r30, r24
        sbrc    r31, 7
        rjmp    ram_only
        POPT
        st      Z, r24
        std     Z+1, r25
        POPT
        std     Z+2, r24
        std     Z+3, r25
        POPT
        ret

; COUNT ( a -- a+1 u )  counted string in RAM or flash
        HEADER  "count", count
        movw    r22, r24
        rcall   cfetch
        subi    r22, 0xFF
        sbci    r23, 0xFF
        st      -Y, r23
        st      -Y, r22
        ret

; ------------------------------------------------------- control flow
; EXECUTE ( i*x xt -- j*x )  run the word xt
        HEADER  "execute", execute
        lds     r0, g_cache_dirty               ; code may be in the cache
        tst     r0
        breq    1f
        push    r24
        push    r25
        call    dict_flush
        pop     r25
        pop     r24
1:      XT2Z
        POPT
        ijmp

; Compiled into recursive words before they call themselves.
; ?RP ( -- )  throw -5 when the return stack is nearly full
        HEADER  "?rp", qrp, F_INL
        in      r30, _SFR_IO_ADDR(SPL)          ; 1
        in      r31, _SFR_IO_ADDR(SPH)          ; 1
        lds     r26, g_here                     ; 2
        lds     r27, g_here+1                   ; 2
        subi    r26, lo8(-RS_SLACK)             ; 1
        sbci    r27, hi8(-RS_SLACK)             ; 1
        cp      r30, r26                        ; 1
        cpc     r31, r27                        ; 1
        brsh    1f                              ; 2
        jmp     rs_overflow
1:      ret                                     ;   = 12

rs_overflow:
        ldi     r24, lo8(-5)
        ldi     r25, hi8(-5)
        rjmp    throw

; (DO) ( limit index -- ) ( R: -- old-L old-x )  start a DO loop
        HEADER  "(do)", pdo, F_CO
        pop     r31                             ; 2  our return address
        pop     r30                             ; 2
        push    r14                             ; 2  save the outer loop
        push    r15                             ; 2
        push    r16                             ; 2
        push    r17                             ; 2
        ld      r22, Y+                         ; 2  limit
        ld      r23, Y+                         ; 2
        subi    r23, 0x80                       ; 1  L = limit ^ 0x8000
        movw    r14, r22                        ; 1
        movw    r16, r24                        ; 1
        sub     r16, r14                        ; 1  x = index - L
        sbc     r17, r15                        ; 1
        POPT                                    ; 4
        clz                                     ; 1  (?DO: loop entered)
        ijmp                                    ; 2 = 28

; (?DO) ( limit index -- )  as (DO); Z flag set (and nothing pushed) when
; limit = index, so the compiled BRNE/RJMP pair skips the loop.
        HEADER  "(?do)", pqdo, F_CO
        ld      r22, Y
        ldd     r23, Y+1
        cp      r22, r24
        cpc     r23, r25
        brne    pdo
        adiw    r28, 2
        POPT
        sez
        ret

; J ( -- n )  index of the enclosing DO loop
        HEADER  "j", j, F_CO
        PUSHT
        in      r30, _SFR_IO_ADDR(SPL)
        in      r31, _SFR_IO_ADDR(SPH)
        ldd     r24, Z+4                        ; outer x (r16 pushed 2nd last)
        ldd     r25, Z+3
        ldd     r22, Z+6                        ; outer L
        ldd     r23, Z+5
        add     r24, r22
        adc     r25, r23
        ret

; I ( -- n )  index of the innermost DO loop; inline only
        HEADER  "i", i, F_INLCO
        PUSHT                                   ; 4
        movw    r24, r16                        ; 1
        add     r24, r14                        ; 1
        adc     r25, r15                        ; 1
        ret

; UNLOOP ( R: loop-frame -- )  drop the innermost loop; inline only
        HEADER  "unloop", unloop, F_INLCO
        pop     r17                             ; 2
        pop     r16                             ; 2
        pop     r15                             ; 2
        pop     r14                             ; 2
        ret

; (S") ( -- a u )  the counted string compiled after the call
        HEADER  "(s\")", psquote, F_CO
        pop     r31
        pop     r30
        PUSHT
        lsl     r30                             ; byte address
        rol     r31
        lpm     r24, Z+                         ; count
        clr     r25
        movw    r22, r30
        ori     r23, 0x80                       ; unified flash address
        st      -Y, r23
        st      -Y, r22
        add     r30, r24
        adc     r31, r1
        adiw    r30, 1                          ; round up to a word
        lsr     r31
        ror     r30
        ijmp

; (.") ( -- )  type the counted string compiled after the call
        HEADER  "(.\")", pdotquote, F_CO
        pop     r31
        pop     r30
        PUSHT
        movw    r24, r30
        call    type_inline                     ; returns the resume address
        movw    r30, r24
        POPT
        ijmp

; (ABORT") ( flag -- )  if flag, abort with the string compiled after the call
        HEADER  "(abort\")", pabortq, F_CO
        pop     r31
        pop     r30
        sbiw    r24, 0
        brne    1f
        POPT
        lsl     r30                             ; skip the string
        rol     r31
        lpm     r24, Z+
        add     r30, r24
        adc     r31, r1
        adiw    r30, 1
        lsr     r31
        ror     r30
        movw    r24, r30
        POPT
        ijmp
1:      movw    r24, r30
        jmp     abortq_inline                   ; C: print, throw -2

; (DOES>) ( -- )  compiled by DOES>: the newest word now jumps to the code
; after this call; then leave the defining word.
        HEADER  "(does>)", pdoes, F_CO
        pop     r31
        pop     r30
        PUSHT
        movw    r24, r30
        call    does_runtime
        POPT
        ret

; ------------------------------------------------------- exceptions
; CATCH ( i*x xt -- j*x 0 | i*x n )  run xt; a THROW inside comes back here
        HEADER  "catch", catch
        push    r2
        push    r3
        push    r4
        push    r5
        push    r6
        push    r7
        push    r8
        push    r9
        push    r10
        push    r11
        push    r12
        push    r13
        push    r14
        push    r15
        push    r16
        push    r17
        push    r28                             ; stack depth to restore
        push    r29
        lds     r20, g_handler
        lds     r21, g_handler+1
        push    r20
        push    r21
        in      r20, _SFR_IO_ADDR(SPL)
        in      r21, _SFR_IO_ADDR(SPH)
        sts     g_handler, r20
        sts     g_handler+1, r21
        rcall   execute                         ; runs with TOS = xt
        pop     r21                             ; normal return
        pop     r20
        sts     g_handler+1, r21
        sts     g_handler, r20
        pop     r0                              ; saved PSP, not needed
        pop     r0
        rjmp    catch_restore

; THROW ( k*x n -- k*x | i*x n )  0 does nothing; else unwind to CATCH
; (C calls it as forth_throw(code) with a non-zero code)
        HEADER  "throw", throw
        .global forth_throw
forth_throw:
        sbiw    r24, 0
        brne    1f
        POPT
        ret
1:      lds     r30, g_handler
        lds     r31, g_handler+1
        sbiw    r30, 0
        brne    2f
        jmp     forth_abort                     ; no CATCH: to the prompt
2:      in      r0, _SFR_IO_ADDR(SREG)
        cli
        out     _SFR_IO_ADDR(SPH), r31
        out     _SFR_IO_ADDR(SPL), r30
        out     _SFR_IO_ADDR(SREG), r0
        pop     r21
        pop     r20
        sts     g_handler+1, r21
        sts     g_handler, r20
        pop     r29
        pop     r28
        movw    r22, r24                        ; keep n
        rjmp    catch_restore_n
catch_restore:
        PUSHT
        clr     r22
        clr     r23
catch_restore_n:
        pop     r17
        pop     r16
        pop     r15
        pop     r14
        pop     r13
        pop     r12
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     r7
        pop     r6
        pop     r5
        pop     r4
        pop     r3
        pop     r2
        movw    r24, r22
        ret

; ------------------------------------------------------------- output
; High-level words are written here as hand-threaded code: a list of
; RCALLs, exactly what the kernel's compiler would lay down.

; EMIT ( c -- )  send a character
        HEADER  "emit", emit
        call    uart_putc
        POPT
        ret

; KEY ( -- c )  wait for a received character
        HEADER  "key", key
        PUSHT
        call    uart_getc
        clr     r25
        ret

; KEY? ( -- flag )  a character is waiting
        HEADER  "key?", keyq
        PUSHT
        call    uart_ready
        neg     r24                             ; 0/1 -> 0/-1
        sbc     r25, r25
        mov     r24, r25
        ret

; CR ( -- )  send CR LF
        HEADER  "cr", cr
        PUSHT
        ldi     r24, 13
        rcall   emit
        PUSHT
        ldi     r24, 10
        rjmp    emit

; SPACE ( -- )  send a blank
        HEADER  "space", space
        PUSHT
        ldi     r24, 32
        rjmp    emit

; SPACES ( n -- )  send n blanks (none if n <= 0)
        HEADER  "spaces", spaces
1:      cp      r1, r24
        cpc     r1, r25
        brge    2f
        rcall   space
        sbiw    r24, 1
        rjmp    1b
2:      POPT
        ret

; TYPE ( a u -- )  send u characters from RAM or flash
        HEADER  "type", type
1:      sbiw    r24, 0
        breq    2f
        push    r24
        push    r25
        ld      r24, Y
        ldd     r25, Y+1
        call    mem_cfetch
        call    uart_putc
        ld      r24, Y
        ldd     r25, Y+1
        adiw    r24, 1
        st      Y, r24
        std     Y+1, r25
        pop     r25
        pop     r24
        sbiw    r24, 1
        rjmp    1b
2:      adiw    r28, 2
        POPT
        ret

; DECIMAL ( -- )  BASE 10
        HEADER  "decimal", decimal
        ldi     r30, 10
1:      sts     g_base, r30
        sts     g_base+1, r1
        ret

; HEX ( -- )  BASE 16
        HEADER  "hex", hex
        ldi     r30, 16
        rjmp    1b

; <# ( -- )  start pictured output, in the transient buffer above HERE
        HEADER  "<#", lessnum
        lds     r30, g_here
        lds     r31, g_here+1
        adiw    r30, HOLD_SIZE
hold_store:
        sts     g_hold, r30
        sts     g_hold+1, r31
        ret

; HOLD ( c -- )  put a character in front of the pictured output
        HEADER  "hold", hold
        lds     r30, g_hold
        lds     r31, g_hold+1
        st      -Z, r24
        POPT
        rjmp    hold_store

; # ( ud -- ud' )  one digit, in BASE
        HEADER  "#", num
        PUSHT
        lds     r24, g_base
        clr     r25
        rcall   udslashmod                      ; ( rem ud' )
        rcall   rot                             ; ( ud' rem )
        cpi     r24, 10
        brlo    1f
        subi    r24, -7                         ; 'A' - '9' - 1
1:      subi    r24, -'0'
        rjmp    hold

; #S ( ud -- 0 0 )  all the digits (at least one)
        HEADER  "#s", nums
1:      rcall   num
        ld      r22, Y
        ldd     r23, Y+1
        or      r22, r23
        or      r22, r24
        or      r22, r25
        brne    1b
        ret

; #> ( ud -- a u )  the pictured output
        HEADER  "#>", numgreater
        lds     r22, g_hold
        lds     r23, g_hold+1
        st      Y, r22
        std     Y+1, r23
        lds     r24, g_here
        lds     r25, g_here+1
        adiw    r24, HOLD_SIZE
        sub     r24, r22
        sbc     r25, r23
        ret

; SIGN ( n -- )  put '-' in front if n < 0
        HEADER  "sign", sign
        tst     r25
        brmi    1f
        POPT
        ret
1:      ldi     r24, '-'
        rjmp    hold

; D.R ( d w -- )  a signed double, right-aligned in w columns
        HEADER  "d.r", ddotr
        push    r24                             ; >r
        push    r25
        POPT
        rcall   tuck
        rcall   dabs
        rcall   lessnum
        rcall   nums
        rcall   rot
        rcall   sign
aligned_out:                                     ; ( a u ) ( R: w -- )
        rcall   numgreater
        PUSHT                                   ; r>
        pop     r25
        pop     r24
        rcall   over
        rcall   minus
        rcall   spaces
        rjmp    type

; UD.R ( ud w -- )  an unsigned double in w columns
        HEADER  "ud.r", uddotr
        push    r24
        push    r25
        POPT
        rcall   lessnum
        rcall   nums
        rjmp    aligned_out

; .R ( n w -- )  signed, right-aligned in w columns
        HEADER  ".r", dotr
        push    r24
        push    r25
        POPT
        rcall   stod
        PUSHT
        pop     r25
        pop     r24
        rjmp    ddotr

; U.R ( u w -- )  unsigned, right-aligned in w columns
        HEADER  "u.r", udotr
        push    r24
        push    r25
        POPT
        PUSHT
        clr     r24
        clr     r25
        PUSHT
        pop     r25
        pop     r24
        rjmp    uddotr

; D. ( d -- )  a signed double, then a blank
        HEADER  "d.", ddot
        PUSHT
        clr     r24
        clr     r25
        rcall   ddotr
        rjmp    space

; UD. ( ud -- )  an unsigned double, then a blank
        HEADER  "ud.", uddot
        PUSHT
        clr     r24
        clr     r25
        rcall   uddotr
        rjmp    space

; . ( n -- )  signed, then a blank
        HEADER  ".", dot
        rcall   stod
        rjmp    ddot

; U. ( u -- )  unsigned, then a blank
        HEADER  "u.", udot
        PUSHT
        clr     r24
        clr     r25
        rjmp    uddot

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
        lds     r24, g_here
        lds     r25, g_here+1
        ret

; FHERE ( -- a )  next free byte of the dictionary (flash)
        HEADER  "fhere", fhere
        PUSHT
        lds     r24, g_fhere
        lds     r25, g_fhere+1
        ret

; LATEST ( -- a )  newest header
        HEADER  "latest", latest
        PUSHT
        lds     r24, g_latest
        lds     r25, g_latest+1
        ret

; ------------------------------------------------------------ timing
; MILLIS ( -- ud )  milliseconds since reset (Timer0 tick)
        HEADER  "millis", millis
        PUSHT
        cli
        lds     r22, g_millis
        lds     r23, g_millis+1
        lds     r24, g_millis+2
        lds     r25, g_millis+3
        sei
        st      -Y, r23
        st      -Y, r22
        ret

; ------------------------------------------------------------ bytecode
#include "vm.S"

; Budgets and reserved RAM, as absolute ELF symbols for the host's tests.
        .global jlf_stack_bytes, jlf_budget_flash, jlf_budget_ram, jlf_target_flash
        .set    jlf_stack_bytes, 2 * DS_CELLS + 2 * DS_GUARD + RS_RESERVE
        .set    jlf_budget_flash, BUDGET_FLASH
        .set    jlf_target_flash, TARGET_FLASH
        .set    jlf_budget_ram, BUDGET_RAM
; For the host image builder: facts it would otherwise copy from config.h.
; jlf_codegen counts changes to the code-generation rules (README).
        .global jlf_data_limit, jlf_hold_size, jlf_ee_magic, jlf_codegen
        .set    jlf_data_limit, DATA_LIMIT
        .set    jlf_hold_size, HOLD_SIZE
        .set    jlf_ee_magic, EE_MAGIC
        .set    jlf_codegen, 3

; The newest kernel header, as a flash cell (a relocated value, so it stays
; right if the linker relaxes code before it).
        .global kernel_latest_hdr
kernel_latest_hdr:
        .word   link
