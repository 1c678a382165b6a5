; jlforth MSP430G2553 kernel: multiply and divide, for the primitives and
; for clang's calls (the MSP430 EABI helper names; Debian ships no MSP430
; runtime).  The G2553 has no hardware multiplier: shift and add, shift and
; subtract.  Arguments in r12..r15, results in r12 (r13); r11..r15 may be
; clobbered, r4..r10 are kept.  Cycle counts are for the whole routine.

        .text

; umul16: r13:r12 = r12 * r13, unsigned 16x16 -> 32 (clobbers r11, r14, r15)
        .global umul16
umul16:
        mov     r12, r14                        ; the multiplicand, 32 bits
        clr     r15
        clr     r12                             ; the product r11:r12
        clr     r11
1:      clrc
        rrc     r13
        jnc     2f
        add     r14, r12
        addc    r15, r11
2:      rla     r14
        rlc     r15
        tst     r13
        jnz     1b
        mov     r11, r13
        ret

; __mspabi_mpyl: r13:r12 = r13:r12 * r15:r14, the low 32 bits
        .global __mspabi_mpyl
__mspabi_mpyl:
        push    r10
        clr     r10                             ; the product r11:r10
        clr     r11
1:      clrc
        rrc     r15
        rrc     r14
        jnc     2f
        add     r12, r10
        addc    r13, r11
2:      rla     r12
        rlc     r13
        tst     r14
        jnz     1b
        tst     r15
        jnz     1b
        mov     r10, r12
        mov     r11, r13
        pop     r10
        ret

; div3216: (r13:r12) / r14 -> quotient r12, remainder r13; needs
; r13 < r14, so the quotient fits a cell                         ~170
        .global div3216
div3216:
        mov     #16, r15
1:      rla     r12
        rlc     r13
        jc      2f
        cmp     r14, r13
        jlo     3f
2:      sub     r14, r13
        inc     r12
3:      dec     r15
        jnz     1b
        ret

; udivmod32: r13:r12 / r15:r14 -> quotient r13:r12, remainder r15:r14
;                                                                 ~500
        .global udivmod32
udivmod32:
        push    r10
        push    r9
        clr     r10                             ; the remainder r11:r10
        clr     r11
        mov     #32, r9
1:      rla     r12
        rlc     r13
        rlc     r10
        rlc     r11
        jc      2f                              ; a 33-bit remainder
        cmp     r15, r11
        jlo     3f
        jne     2f
        cmp     r14, r10
        jlo     3f
2:      sub     r14, r10
        subc    r15, r11
        inc     r12
3:      dec     r9
        jnz     1b
        mov     r10, r14
        mov     r11, r15
        pop     r9
        pop     r10
        ret

; C's unsigned division and remainder (a zero divisor gives garbage: the C
; half never divides by zero)
        .section .text.__mspabi_divu, "ax", @progbits
        .global __mspabi_divu
__mspabi_divu:                                  ; r12 / r13 -> r12
        mov     r13, r14
        clr     r13
        br      #div3216
        .section .text.__mspabi_remu, "ax", @progbits
        .global __mspabi_remu
__mspabi_remu:                                  ; r12 % r13 -> r12
        mov     r13, r14
        clr     r13
        call    #div3216
        mov     r13, r12
        ret
        .section .text.__mspabi_divul, "ax", @progbits
        .global __mspabi_divul
__mspabi_divul:
        br      #udivmod32
        .section .text.__mspabi_remul, "ax", @progbits
        .global __mspabi_remul
__mspabi_remul:
        call    #udivmod32
        mov     r14, r12
        mov     r15, r13
        ret
