; jlforth AVR kernel, boot section (0x7E00, BOOTSZ = 256 words).
; SPM only runs from here, so this is where the flash page writer lives.
; While it runs the application section is unreadable (RWW busy), so it
; calls nothing outside this section and keeps interrupts off.
#include <avr/io.h>
#include "config.h"

        .section .bootloader, "ax", @progbits
        .global boot_reset
boot_reset:                     ; BOOTRST programmed: reset lands here
        jmp     0               ; the normal reset vector -> C start-up

; uint8_t boot_write_page(uint16_t page, const uint8_t *buf)
;   r25:r24 byte address of the page, r23:r22 the 128-byte RAM buffer.
;   Erases and writes the page; returns 0, or 1 when the page is not in
;   the dictionary (kernel and boot section are never written).
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
        in      r20, _SFR_IO_ADDR(SREG)
        cli
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
        out     _SFR_IO_ADDR(SREG), r20
        clr     r24
        ret
refuse:
        ldi     r24, 1
        ret

do_spm:                                          ; SPMCSR <- r18, SPM, wait
        out     _SFR_IO_ADDR(SPMCSR), r18
        spm
3:      in      r21, _SFR_IO_ADDR(SPMCSR)
        sbrc    r21, SPMEN
        rjmp    3b
        ret
