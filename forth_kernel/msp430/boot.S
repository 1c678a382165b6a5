; jlforth MSP430G2553 kernel: reset, interrupts and the UART.  This code sits
; in the last flash segment with the vectors (section .top), so the segments
; between the kernel and the scratch segment all go to the dictionary.
;
; The UART: received bytes come in by interrupt into a small ring buffer
; (the host sends a line, then waits for the answer, and the echo keeps
; pace; the ring holds what comes while the kernel talks, such as the
; host's first line during the banner: the chip's RXBUF holds one byte).  While a word runs (arch_run(1)), Ctrl-C breaks it from the
; interrupt.  Waiting for a byte, for the transmitter or for a tick, the CPU
; sleeps in LPM0: every interrupt wakes it, and the loop looks again.
#include "g2553.h"
#include "config.h"

        .section .top, "ax", @progbits

; ---------------------------------------------------------------- reset
        .global reset
reset:
        mov     #WDTPW | WDTHOLD, &WDTCTL       ; the watchdog runs after reset
        mov     #RS_TOP, sp
        clr.b   &DCOCTL                         ; 16 MHz from the calibrated DCO
        mov.b   &CALBC1_16MHZ, &BCSCTL1
        mov.b   &CALDCO_16MHZ, &DCOCTL
        mov     #__data_load, r12               ; C's initialised data
        mov     #__data_start, r13
1:      cmp     #__data_end, r13
        jhs     2f
        mov     @r12+, r14
        mov     r14, 0(r13)
        incd    r13
        jmp     1b
2:      mov     #__bss_start, r13               ; and the rest is zero
3:      cmp     #__bss_end, r13
        jhs     4f
        clr     0(r13)
        incd    r13
        jmp     3b
4:      mov.b   #UCSSEL_SMCLK | UCSWRST, &UCA0CTL1
        mov.b   #UART_BR & 0xFF, &UCA0BR0
        mov.b   #UART_BR >> 8, &UCA0BR1
        mov.b   #(UART_BRF << 4) | UCOS16, &UCA0MCTL
        bis.b   #UART_PINS, &P1SEL
        bis.b   #UART_PINS, &P1SEL2
        bic.b   #UCSWRST, &UCA0CTL1
        bis.b   #UCA0RXIE, &IE2
        mov     #TICK_CCR0, &TA0CCR0            ; Timer0_A, up mode: 1 kHz
        mov     #CCIE, &TA0CCTL0
        mov     #TASSEL_SMCLK | MC_UP | TACLR, &TA0CTL
        mov     #FWKEY | FSSEL_MCLK | FLASH_DIV, &FCTL2
        call    #dict_boot
        eint
        clr     r12
        call    #forth_restart                  ; never returns

; ---------------------------------------------------------- interrupts
; Timer0_A CCR0: one tick per millisecond; wakes the CPU.        24 in all
tick_isr:
        inc     &g_millis                       ; 4
        adc     &g_millis + 2                   ; 4
        bic     #CPUOFF, 0(sp)                  ; 5
        reti                                    ; 5

; USCI_A0 receive: into the ring buffer (a full buffer drops the byte);
; Ctrl-C while a word runs breaks it (error -28, not catchable).   ~30
rx_isr:
        push    r12
        push    r13
        mov.b   &UCA0RXBUF, r12
        cmp.b   #3, r12
        jne     1f
        tst.b   &running
        jz      1f
        clr.b   &running
        clr     &g_handler
        mov     #-28, r12
        eint
        br      #forth_throw
1:      mov.b   &rx_head, r13
        mov.b   r12, rx_buf(r13)
        inc     r13
        and     #RX_RING - 1, r13
        cmp.b   &rx_tail, r13
        jeq     2f
        mov.b   r13, &rx_head
2:      bic     #CPUOFF, 4(sp)
        pop     r13
        pop     r12
        reti

; USCI_A0 transmit buffer empty: wake the CPU waiting in uart_putc.
tx_isr:
        bic.b   #UCA0TXIE, &IE2
        bic     #CPUOFF, 0(sp)
        reti

; ---------------------------------------------------------------- UART
; void uart_putc(uint8_t c); keeps r13-r15
; The NAK that ends an error answer waits for the flash work the shared half
; does after the answer (a rollback's erase and rewrite hold the CPU for
; tens of milliseconds, and the host's next line would be lost meanwhile).
        .global uart_putc
uart_putc:
        cmp.b   #0x15, r12
        jne     1f
        push    r13
        push    r14
        push    r15
        call    #dict_flush
        call    #dict_persist
        pop     r15
        pop     r14
        pop     r13
        mov     #0x15, r12
1:      dint
        nop
        bit.b   #UCA0TXIFG, &IFG2
        jnz     2f
        bis.b   #UCA0TXIE, &IE2
        bis     #GIE | CPUOFF, sr               ; asleep until TXBUF is free
        jmp     1b
2:      mov.b   r12, &UCA0TXBUF
        eint
        ret

; uint8_t uart_getc(void): the next received byte (waits); clobbers r13
        .global uart_getc
uart_getc:
1:      dint
        nop
        mov.b   &rx_tail, r13
        cmp.b   &rx_head, r13
        jne     2f
        bis     #GIE | CPUOFF, sr               ; asleep until a byte comes
        jmp     1b
2:      mov.b   rx_buf(r13), r12
        inc     r13
        and     #RX_RING - 1, r13
        mov.b   r13, &rx_tail
        eint
        ret

; --------------------------------------------------------------- flash
; void flash_op(ucell a, ucell x, uint8_t n): n = 0 erase the segment at a,
; 1 write the byte x, 2 the cell x; interrupts off meanwhile.  Executing
; from flash, the CPU waits while the flash controller works.
        .global flash_op
flash_op:
        cmp     #__dict_start, r12              ; the dictionary
        jlo     1f
        cmp     #TOP_SEG, r12
        jlo     2f
1:      cmp     #LOG_SEG0, r12                  ; or info flash D, C, B
        jlo     9f
        cmp     #EE_BASE + EE_SIZE, r12
        jhs     9f
2:      tst.b   r14
        jz      3f
        call    #same                           ; already so: nothing to do
        jeq     8f
3:      mov     sr, r15
        dint
        nop
        mov     #FWKEY, &FCTL3                  ; unlock
        mov     #FWKEY | FERASE, &FCTL1
        tst.b   r14
        jz      6f
        mov     #FWKEY | FWRT, &FCTL1
        cmp.b   #1, r14
        jne     6f
        mov.b   r13, 0(r12)
        jmp     7f
6:      mov     r13, 0(r12)                     ; the write, or erase's dummy
7:      mov     #FWKEY, &FCTL1
        mov     #FWKEY | FLOCK, &FCTL3          ; lock
        and     #GIE, r15
        bis     r15, sr
        nop
        tst.b   r14
        jz      8f
        call    #same                           ; read back
        jne     10f
8:      ret
10:     mov     #-256, r12
        br      #forth_throw
same:                                           ; Z: the flash holds x
        cmp.b   #1, r14
        jeq     1f
        cmp     @r12, r13
        ret
1:      cmp.b   @r12, r13
        ret
9:      mov     #-9, r12
        br      #forth_throw

        .text
; uint8_t uart_ready(void): a byte is waiting (0 or not)
        .global uart_ready
uart_ready:
        mov.b   &rx_head, r12
        xor.b   &rx_tail, r12
        ret

; void arch_run(uint8_t on): a word runs (Ctrl-C may break it) or not
        .global arch_run
arch_run:
        mov.b   r12, &running
        ret

; ------------------------------------------------------------- vectors
        .section .vectors, "a", @progbits
        .word   reset, reset, reset, reset      ; 0xFFE0
        .word   reset, reset, tx_isr, rx_isr    ; 0xFFE8: USCIAB0TX, USCIAB0RX
        .word   reset, tick_isr, reset, reset   ; 0xFFF0: TIMER0_A0 at 0xFFF2
        .word   reset, reset, reset, reset      ; 0xFFF8: RESET at 0xFFFE

        .section .bss.uart, "aw", @nobits
rx_buf:
        .space  RX_RING
rx_head:
        .space  1
rx_tail:
        .space  1
running:
        .space  1
