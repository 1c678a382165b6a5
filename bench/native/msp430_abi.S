; The MSP430 EABI helpers clang calls from the C twins that the kernel's
; forth_kernel/msp430/mspabi.S (linked beside this file) does not have.
; The G2553 has no hardware multiplier: shift and add.  Arguments in
; r12..r15 (64-bit: r8..r11 and r12..r15), results in r12 (..r15);
; r11..r15 may be clobbered, r4..r10 are kept.  Runtime: counted in the
; cycles of the code that calls it, never in its bytes.

        .text

; __mspabi_mpyi: r12 = r12 * r13, the low 16 bits
        .global __mspabi_mpyi
__mspabi_mpyi:
        mov     r12, r14
        clr     r12
1:      clrc
        rrc     r13
        jnc     2f
        add     r14, r12
2:      rla     r14
        tst     r13
        jnz     1b
        ret

; __mspabi_remi / __mspabi_divi: signed 16-bit; the remainder takes the
; dividend's sign, the quotient truncates toward zero (C)
        .global __mspabi_remi
__mspabi_remi:
        clr     r11                             ; r11: negate the result
        tst     r12
        jge     1f
        inv     r12
        inc     r12
        mov     #1, r11
1:      tst     r13
        jge     2f
        inv     r13
        inc     r13
2:      call    #__mspabi_remu                  ; keeps r11
        tst     r11
        jz      3f
        inv     r12
        inc     r12
3:      ret

        .global __mspabi_divi
__mspabi_divi:
        clr     r11
        tst     r12
        jge     1f
        inv     r12
        inc     r12
        inv     r11
1:      tst     r13
        jge     2f
        inv     r13
        inc     r13
        inv     r11
2:      call    #__mspabi_divu                  ; keeps r11
        tst     r11
        jz      3f
        inv     r12
        inc     r12
3:      ret

; __mspabi_mpyll: r15:r14:r13:r12 = r11:r10:r9:r8 * r15:r14:r13:r12,
; the low 64 bits
        .global __mspabi_mpyll
__mspabi_mpyll:
        push    r10
        push    r9
        push    r8
        push    r7
        push    r6
        push    r5
        push    r4
        clr     r4                              ; the product r7:r6:r5:r4
        clr     r5
        clr     r6
        clr     r7
1:      clrc
        rrc     r15
        rrc     r14
        rrc     r13
        rrc     r12
        jnc     2f
        add     r8, r4
        addc    r9, r5
        addc    r10, r6
        addc    r11, r7
2:      rla     r8
        rlc     r9
        rlc     r10
        rlc     r11
        tst     r12
        jnz     1b
        tst     r13
        jnz     1b
        tst     r14
        jnz     1b
        tst     r15
        jnz     1b
        mov     r4, r12
        mov     r5, r13
        mov     r6, r14
        mov     r7, r15
        pop     r4
        pop     r5
        pop     r6
        pop     r7
        pop     r8
        pop     r9
        pop     r10
        ret
