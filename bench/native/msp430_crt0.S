; Startup for the C twins on the MSP430G2553 (no C runtime in Debian):
; stack at the top of RAM, watchdog stopped, MCLK = SMCLK = 16 MHz from
; the calibrated DCO, .data copied, .bss cleared, main called.
        .text
        .global reset
reset:
        mov     #0x0400, sp
        mov     #0x5A80, &0x0120                ; WDTPW | WDTHOLD
        clr.b   &0x0056                         ; DCOCTL
        mov.b   &0x10F9, &0x0057                ; CALBC1_16MHZ -> BCSCTL1
        mov.b   &0x10F8, &0x0056                ; CALDCO_16MHZ -> DCOCTL
        mov     #__data_load, r12
        mov     #__data_start, r13
1:      cmp     #__data_end, r13
        jhs     2f
        mov     @r12+, r14
        mov     r14, 0(r13)
        incd    r13
        jmp     1b
2:      mov     #__bss_start, r13
3:      cmp     #__bss_end, r13
        jhs     4f
        clr     0(r13)
        incd    r13
        jmp     3b
4:      call    #main
5:      dint
        nop
        bis     #0x10, r2                       ; CPUOFF, GIE clear: done
        jmp     5b

        .section .vectors, "a"
        .word   reset, reset, reset, reset, reset, reset, reset, reset
        .word   reset, reset, reset, reset, reset, reset, reset, reset
