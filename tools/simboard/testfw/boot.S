; Boot-section test image for simboard: linked at 0x7E00 (the default
; --reset-pc), writes marker 0x42 and stops with cli; sleep. It also fills
; the very last flash word, which simavr 1.6's avr_loadcode cannot load.
#include <avr/io.h>
        .section .text
        .global main
main:
        ldi     r16, 0x42
        out     _SFR_IO_ADDR(GPIOR0), r16
        ldi     r16, _BV(SE)
        out     _SFR_IO_ADDR(SMCR), r16
        cli
        sleep
        .org    0x1FE
        .word   0xBEEF
