/* UART echo: 16 MHz from the calibration constants, 115200 baud,
   RX interrupt into a ring buffer, main loop sleeps in LPM0.
   Prints "ECHO\r\n" at start; 'q' echoes and then stops cleanly
   (LPM4 with GIE clear).  P1.0 toggles on every received byte. */
#include "g2553.h"

    .section .bss
rxbuf:  .space 16
head:   .space 2            ; written by the ISR
tail:   .space 2            ; written by main

    .text
    .global reset
reset:
    mov     #0x0400, sp
    mov     #WDTPW|WDTHOLD, &WDTCTL
    mov.b   &CALBC1_16MHZ, &BCSCTL1
    mov.b   &CALDCO_16MHZ, &DCOCTL
    bis.b   #0x01, &P1DIR
    bis.b   #0x06, &P1SEL
    bis.b   #0x06, &P1SEL2
    mov.b   #UCSSEL_2|UCSWRST, &UCA0CTL1
    mov.b   #138, &UCA0BR0          ; 16 MHz / 115200 = 138.9
    mov.b   #0, &UCA0BR1
    mov.b   #0x0E, &UCA0MCTL        ; UCBRS = 7
    bic.b   #UCSWRST, &UCA0CTL1
    clr     &head
    clr     &tail
    bis.b   #UCA0RXIE, &IE2
    eint                            ; receive while the banner goes out
    mov     #banner, r15
    call    #puts
    mov     #1, &MARKER

loop:
    dint
    nop
    cmp     &head, &tail
    jne     have
    bis     #GIE|CPUOFF, sr         ; sleep until the ISR wakes us
    jmp     loop
have:
    eint
    mov     &tail, r14
    mov.b   rxbuf(r14), r12
    inc     r14
    and     #15, r14
    mov     r14, &tail
    xor.b   #1, &P1OUT
    call    #putc
    cmp.b   #'q', r12
    jne     loop
    ; wait for the last byte to leave the shift register, then stop
1:  bit.b   #UCBUSY, &UCA0STAT
    jnz     1b
    mov     #2, &MARKER
    dint
    nop
    bis     #LPM4_BITS, sr

putc:                               ; r12 = byte
1:  bit.b   #UCA0TXIFG, &IFG2
    jz      1b
    mov.b   r12, &UCA0TXBUF
    ret

puts:                               ; r15 = zero-terminated string
    mov.b   @r15+, r12
    tst.b   r12
    jz      1f
    call    #putc
    jmp     puts
1:  ret

rx_isr:
    push    r15
    mov     &head, r15
    mov.b   &UCA0RXBUF, rxbuf(r15)
    inc     r15
    and     #15, r15
    mov     r15, &head
    bic     #CPUOFF, 2(sp)          ; stay awake after reti
    pop     r15
    reti

banner: .asciz "ECHO\r\n"

    .section .vectors, "a"
    .word reset, reset, reset, reset, reset, reset, reset, rx_isr
    .word reset, reset, reset, reset, reset, reset, reset, reset
