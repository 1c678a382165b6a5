/* Marker timing test: the cycle distances between markers are fixed by the
   SLAU144 cycle tables (see tests/test_msp430sim.py for the arithmetic). */
#include "g2553.h"
    .text
    .global reset
reset:
    mov     #0x0400, sp             ; 2
    mov     #WDTPW|WDTHOLD, &WDTCTL ; 5
    mov     #1, &MARKER             ; marker 1 at cycle 7; 4 (CG source)
    nop                             ; 1
    nop                             ; 1
    nop                             ; 1
    mov     #2, &MARKER             ; cycle 14; 4
    mov     #0x1234, &MARKER        ; cycle 18; 5
    mov     #10, r5                 ; 2
1:  dec     r5                      ; 1
    jnz     1b                      ; 2
    mov     r5, &MARKER             ; cycle 55; 4
    mov     #0x0200, r6             ; 2
    .word   0x46b6, 0               ; mov @r6+, 0(r6) (llvm-mc rejects it); 5
    push    r5                      ; 3
    call    #sub                    ; 5
    mov     #3, &MARKER             ; cycle 77 (incl. ret: 3); 5 (3 is no CG constant)
    dint                            ; 1
    nop                             ; 1
    bis     #CPUOFF, sr             ; 2 -> done at cycle 86
sub:
    ret

    .section .vectors, "a"
    .word reset, reset, reset, reset, reset, reset, reset, reset
    .word reset, reset, reset, reset, reset, reset, reset, reset
