/* Flash controller test.  Reports through markers:
     0x100+n   boot count n (kept in flash segment 0xE200, survives resets)
     then the values listed in tests/test_msp430sim.py::FLASH_MARKERS. */
#include "g2553.h"
#define SEG     0xE000
#define COUNTER 0xE200
    .text
    .global reset
reset:
    mov     #0x0400, sp
    mov     #WDTPW|WDTHOLD, &WDTCTL
    mov     #FWKEY|FSSEL_1|2, &FCTL2        ; MCLK/3 (flash timing generator)
    ; --- boot counter: first erased word in COUNTER.. gets n ---
    mov     #COUNTER, r4
    mov     #1, r5
1:  cmp     #-1, 0(r4)
    jeq     2f
    incd    r4
    inc     r5
    jmp     1b
2:  mov     #FWKEY, &FCTL3                  ; LOCK=0
    mov     #FWKEY|WRT, &FCTL1
    mov     r5, 0(r4)
    mov     #FWKEY, &FCTL1
    mov     #FWKEY|LOCK, &FCTL3
    add     #0x100, r5
    mov     r5, &MARKER                     ; 0x100 + boot count
    ; --- segment erase, word and byte writes, writes only clear bits ---
    mov     #FWKEY, &FCTL3
    mov     #FWKEY|ERASE, &FCTL1
    clr     &SEG                            ; dummy write starts the erase
    mov     #FWKEY|WRT, &FCTL1
    mov     #0x1234, &SEG
    mov.b   #0x0F, &SEG+2
    mov.b   #0xF3, &SEG+2                   ; 0x0F & 0xF3 = 0x03
    mov     #0x00FF, &SEG+4
    mov     #0xFF0F, &SEG+4                 ; 0x00FF & 0xFF0F = 0x000F
    mov     #FWKEY, &FCTL1
    mov     #FWKEY|LOCK, &FCTL3
    mov     &SEG, &MARKER                   ; 0x1234
    mov     &SEG+2, &MARKER                 ; 0xFF03
    mov     &SEG+4, &MARKER                 ; 0x000F
    mov     &SEG+6, &MARKER                 ; 0xFFFF (erased)
    ; --- a write while LOCK=1 is ignored and sets ACCVIFG ---
    mov     #0x5555, &SEG+6
    mov     &FCTL3, &MARKER                 ; 0x965C: LOCKA|LOCK|WAIT|ACCVIFG
    mov     &SEG+6, &MARKER                 ; 0xFFFF
    ; --- so does a write with LOCK=0 but neither WRT nor ERASE ---
    mov     #FWKEY, &FCTL3                  ; also clears ACCVIFG
    mov     #0x5555, &SEG+6
    mov     &FCTL3, &MARKER                 ; 0x964C: LOCKA|WAIT|ACCVIFG
    ; --- info segment A is protected by LOCKA ---
    mov     #FWKEY, &FCTL3
    mov     #FWKEY|ERASE, &FCTL1
    clr     &0x10C0                         ; erase of segment A: ignored
    mov     &CALDCO_16MHZ, &MARKER          ; calibration word still there
    ; --- info segment D: erase and write ---
    clr     &0x1000
    mov     #FWKEY|WRT, &FCTL1
    mov     #0xBEEF, &0x1000
    mov     #FWKEY, &FCTL1
    mov     #FWKEY|LOCK, &FCTL3
    mov     &0x1000, &MARKER                ; 0xBEEF
    mov     &0x1002, &MARKER                ; 0xFFFF
    ; --- erase a main segment from RAM-free code: the CPU is held ---
    mov     #0x4000, &MARKER                ; time stamp before
    mov     #FWKEY, &FCTL3
    mov     #FWKEY|ERASE, &FCTL1
    clr     &SEG
    mov     #0x4001, &MARKER                ; time stamp after
    mov     #FWKEY|LOCK, &FCTL3
    mov     &SEG, &MARKER                   ; 0xFFFF
    dint
    nop
    bis     #CPUOFF, sr

    .section .vectors, "a"
    .word reset, reset, reset, reset, reset, reset, reset, reset
    .word reset, reset, reset, reset, reset, reset, reset, reset
