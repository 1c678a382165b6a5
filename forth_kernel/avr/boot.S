; jlforth AVR kernel, boot section (0x7E00, BOOTSZ = 256 words).
; SPM only runs from here, so this is where the flash page writer lives.
; While a page is erased and written the application section cannot be
; read (RWW busy): the CPU runs only code from this section.  So the two
; interrupts the kernel uses live here too, and the writer moves the
; vector table here (IVSEL) while it works: the host may go on sending a
; streamed line (interp.c) while the dictionary is written.
#include <avr/io.h>
#include "config.h"

#define USART_RX_VECTOR 18
#define TIMER0_COMPA_VECTOR 14

        .section .bootloader, "ax", @progbits
        .global boot_reset
boot_reset:                     ; BOOTRST programmed: reset lands here
        jmp     0               ; the normal reset vector -> C start-up

; SPMCSR <- r18, then SPM (the two within 4 cycles: no interrupt between),
; then wait with interrupts as they were.  Clobbers r21.
do_spm:
        in      r21, _SFR_IO_ADDR(SREG)
        cli
        out     _SFR_IO_ADDR(SPMCSR), r18
        spm
        out     _SFR_IO_ADDR(SREG), r21
1:      in      r21, _SFR_IO_ADDR(SPMCSR)
        sbrc    r21, SPMEN
        rjmp    1b
        ret

; echo r25 on the UART (clobbers r24)
rx_echo:
        lds     r24, UCSR0A
        sbrs    r24, UDRE0
        rjmp    rx_echo
        sts     UDR0, r25
        ret

        .org    TIMER0_COMPA_VECTOR * 4         ; the vectors while IVSEL is set
        jmp     TIMER0_COMPA_vect
        .org    USART_RX_VECTOR * 4
        jmp     __vector_18

; TIMER0_COMPA ( -- )  one tick per millisecond: g_millis += 1
        .global TIMER0_COMPA_vect
TIMER0_COMPA_vect:
        push    r24                             ; 2
        in      r24, _SFR_IO_ADDR(SREG)         ; 1
        push    r24                             ; 2
        push    r25                             ; 2
        lds     r24, g_millis                   ; 2
        lds     r25, g_millis+1                 ; 2
        adiw    r24, 1                          ; 2
        sts     g_millis, r24                   ; 2
        sts     g_millis+1, r25                 ; 2
        brne    1f                              ; 1/2
        lds     r24, g_millis+2
        lds     r25, g_millis+3
        adiw    r24, 1
        sts     g_millis+2, r24
        sts     g_millis+3, r25
1:      rjmp    isr_out

; USART_RX ( -- )  a byte arrived.  In a streamed line: store it in the TIB
; and echo it (CR ends the line: echo a blank, clear rx_open; LF is
; dropped).  Otherwise a word runs: Ctrl-C breaks it, any other byte is
; held for KEY.  (Between lines the receive interrupt is off: the kernel
; polls, and bytes wait in the UART.)  Makes no assumption about r1: an
; interrupt may land inside a MUL.
        .global __vector_18
__vector_18:
        push    r24
        in      r24, _SFR_IO_ADDR(SREG)
        push    r24
        push    r25
        lds     r25, UDR0
        lds     r24, rx_open
        tst     r24
        brne    rx_line
rx_hold:
        cpi     r25, 3
        brne    1f
        lds     r24, g_running
        tst     r24
        breq    1f
        jmp     uart_break                      ; C: to the prompt, E_BREAK
1:      sts     held, r25
        ldi     r24, 1
        sts     have_held, r24
        rjmp    isr_out
rx_line:
        cpi     r25, '\r'
        breq    rx_cr
        cpi     r25, '\n'
        breq    isr_out
        push    r30
        push    r31
        lds     r30, rx_len
        cpi     r30, TIB_SIZE
        brsh    2f                              ; full: dropped
        cpi     r25, ' '
        brsh    1f
        ldi     r25, ' '                        ; control bytes read as blanks
1:      mov     r24, r30
        inc     r24
        clr     r31
        subi    r30, lo8(-(tib))
        sbci    r31, hi8(-(tib))
        st      Z, r25                          ; the byte first,
        sts     rx_len, r24                     ; then its count
        rcall   rx_echo
2:      pop     r31
        pop     r30
        rjmp    isr_out
rx_cr:
        ldi     r25, ' '
        rcall   rx_echo
        clr     r24
        sts     rx_open, r24
        lds     r24, g_running                  ; no word runs: back to
        tst     r24                             ; polling
        brne    isr_out
        lds     r24, UCSR0B
        andi    r24, ~_BV(RXCIE0)
        sts     UCSR0B, r24
isr_out:
        pop     r25
        pop     r24
        out     _SFR_IO_ADDR(SREG), r24
        pop     r24
        reti

; uint8_t boot_write_page(uint16_t page, const uint8_t *buf)
;   r25:r24 byte address of the page, r23:r22 the 128-byte RAM buffer.
;   Erases and writes the page; returns 0, or 1 when the page is not in
;   the dictionary (kernel and boot section are never written).
;   Interrupts stay as they were, served from this section meanwhile; a
;   Ctrl-C waits (g_running is cleared: the break code is not here).
        .global boot_write_page
boot_write_page:
        andi    r24, 0x80                       ; page aligned
        ldi     r18, lo8(__data_load_end)
        ldi     r19, hi8(__data_load_end)
        cp      r24, r18
        cpc     r25, r19
        brlo    refuse                          ; kernel
        cpi     r25, hi8(BOOT_START)
        brsh    refuse                          ; boot section
        lds     r20, g_running
        push    r20
        sts     g_running, r1
        ldi     r18, _BV(IVSEL)
        rcall   vectors                         ; vectors -> boot section
1:      sbic    _SFR_IO_ADDR(EECR), EEPE        ; SPM waits for EEPROM
        rjmp    1b
        movw    r30, r24
        ldi     r18, _BV(PGERS) | _BV(SPMEN)    ; erase
        rcall   do_spm
        ldi     r18, _BV(RWWSRE) | _BV(SPMEN)
        rcall   do_spm
        movw    r26, r22                        ; fill the page buffer
        ldi     r19, FLASH_PAGE / 2
2:      ld      r0, X+
        ld      r1, X+
        ldi     r18, _BV(SPMEN)
        rcall   do_spm
        adiw    r30, 2
        dec     r19
        brne    2b
        movw    r30, r24
        ldi     r18, _BV(PGWRT) | _BV(SPMEN)    ; write
        rcall   do_spm
        ldi     r18, _BV(RWWSRE) | _BV(SPMEN)   ; application readable again
        rcall   do_spm
        clr     r1
        clr     r18
        rcall   vectors                         ; vectors -> application
        pop     r20
        sts     g_running, r20
        clr     r24
        ret
refuse:
        ldi     r24, 1
        ret

; MCUCR <- r18 after IVCE (the two within 4 cycles; interrupts off between)
vectors:
        in      r21, _SFR_IO_ADDR(SREG)
        cli
        ldi     r20, _BV(IVCE)
        out     _SFR_IO_ADDR(MCUCR), r20
        out     _SFR_IO_ADDR(MCUCR), r18
        out     _SFR_IO_ADDR(SREG), r21
        ret
