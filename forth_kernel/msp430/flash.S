; jlforth MSP430G2553: the dictionary's flash, rolling it back, the log of
; the dictionary pointers in info flash, and the EEPROM words.
;
; Flash rules (SLAU144 ch. 7): erasing sets a whole 512-byte segment (64 in
; info flash) to 0xFF, writing can only clear bits.  The compiler writes
; every cell once after an erase (codegen.S).  Anything else -- a segment
; that must lose its tail (EMPTY, a MARKER, an error in a definition), a
; store that would set bits -- rebuilds the segment: the bytes to keep are
; copied to a blank dictionary segment further up (or, for a 64-byte info
; segment, to the transient RAM above HERE), the segment is erased and the
; bytes are copied back.  512 bytes of RAM leave no room for a segment.
;
; flash_op itself (boot.S) refuses anything but the dictionary and info
; segments B-D: the kernel cannot be written, not even by a bug here.
; Routines called from C keep r4-r10; internal ones keep r4-r11.
#include "macros.inc"

        .text

; erase: the segment at r12
erase:
        clr     r14
        br      #flash_op

; blank: r12 = 1 if the bytes r12 .. r13-1 are all erased, else 0
blank:
1:      cmp     r13, r12
        jhs     2f
        cmp.b   #-1, 0(r12)
        jne     3f
        inc     r12
        jmp     1b
2:      mov     #1, r12
        ret
3:      clr     r12
        ret

; rebuild: keep the first r11 bytes of the segment at r15 (the rest
; erased), the cell at r12 replaced by r13.  r12 = 0: no blank segment was
; left to hold the bytes (the dictionary is nearly full); 1: done.
rebuild:
        push    r10
        push    r9
        push    r8
        push    r7
        push    r6
        mov     r15, r10                        ; seg
        mov     r11, r9                         ; keep
        mov     r12, r8                         ; the patched cell
        mov     r13, r7                         ; its value
        mov     &g_here, r6                     ; info: RAM above HERE
        inc     r6
        bic     #1, r6
        cmp     #__dict_start, r10
        jlo     2f
        mov     #DICT_END - SEG, r6             ; main: a blank segment above
1:      cmp     r6, r10
        jhs     9f
        mov     r6, r12
        mov     r6, r13
        add     #SEG, r13
        call    #blank
        tst     r12
        jnz     2f
        sub     #SEG, r6
        jmp     1b
2:      clr     r11                             ; copy out
3:      cmp     r9, r11
        jhs     5f
        mov     r10, r12
        add     r11, r12
        mov     @r12, r13
        cmp     r8, r12
        jne     4f
        mov     r7, r13
4:      mov     r11, r14
        inc     r14
        cmp     r9, r14
        jne     7f
        bis     #0xFF00, r13                    ; an odd keep: not the last byte
7:      mov     r6, r12
        add     r11, r12
        cmp     #__dict_start, r6
        jhs     8f
        mov     r13, 0(r12)
        jmp     6f
8:      mov     #2, r14
        call    #flash_op
6:      incd    r11
        jmp     3b
5:      mov     r10, r12                        ; erase, copy back
        call    #erase
        clr     r11
1:      cmp     r9, r11
        jhs     2f
        mov     r10, r12
        add     r11, r12
        mov     r6, r13
        add     r11, r13
        mov     @r13, r13
        mov     #2, r14
        call    #flash_op
        incd    r11
        jmp     1b
2:      cmp     #__dict_start, r6               ; leave the scratch blank
        jlo     3f
        mov     r6, r12
        call    #erase
3:      mov     #1, r12
        jmp     10f
9:      clr     r12
10:     pop     r6
        pop     r7
        pop     r8
        pop     r9
        pop     r10
        ret

; patch: store r13 at r12 (r14 = 1 a byte, 2 a cell) in the segment at r15
; whose first r11 bytes are in use: directly if only bits are cleared, else
; by a rebuild.  -8 when no blank segment is left for it.
patch:
        cmp.b   #1, r14
        jne     2f
        mov     r12, r14                        ; a byte: make it a cell
        bic     #1, r14
        mov     @r14, r14
        bit     #1, r12
        jz      1f
        swpb    r13
        and     #0xFF00, r13
        and     #0x00FF, r14
        jmp     3f
1:      and     #0x00FF, r13
        and     #0xFF00, r14
3:      bis     r14, r13
2:      bic     #1, r12
        mov     @r12, r14
        and     r13, r14
        cmp     r13, r14
        jne     4f
        mov     #2, r14
        br      #flash_op
4:      call    #rebuild
        tst     r12
        jz      5f
        ret
5:      mov     #-8, r12
        br      #forth_throw

; dict_patch: patch the dictionary at r12 with r13 (r14 = 1 byte, 2 cell);
; the segment's bytes up to g_fhere (or the patched ones) are kept
dict_patch:
        push    r12
        push    r13
        push    r14
        call    #flush_pend_
        pop     r14
        pop     r13
        pop     r12
        mov     r12, r15
        and     #~(SEG - 1), r15                ; seg
        mov     r12, r11
        add     r14, r11                        ; a + n
        cmp     &g_fhere, r11
        jhs     1f
        mov     &g_fhere, r11
1:      sub     r15, r11                        ; keep
        cmp     #SEG + 1, r11
        jlo     patch
        mov     #SEG, r11
        jmp     patch

; void cache_put(ucell a, uint8_t b): the compiler's write (IMMEDIATE)
        .global cache_put
cache_put:                                      ; (flash_op checks a)
        mov     #1, r14
        jmp     dict_patch
        .global bad
bad:                                            ; -9: invalid address
        mov     #-9, r12
        br      #forth_throw

; ! and C! into flash (from prims.S): only into words already compiled.
; dict_store: r12 = a, r13 = x.  dict_cstore: r12 = a, r13 = c.
        .global dict_store, dict_cstore
dict_store:
        bic     #1, r12
        mov     #2, r14
        jmp     1f
dict_cstore:
        mov     #1, r14
1:      cmp     #__dict_start, r12
        jlo     bad
        mov     r12, r15
        add     r14, r15
        cmp     r15, &g_fhere                   ; a + n <= g_fhere
        jlo     bad
        jmp     dict_patch

; void dict_settle(void): bytes at and after g_fhere must read as erased
; before anything is compiled there.  Rollbacks only move g_fhere down
; (g_dirty stays up); this rebuilds the segment g_fhere is in and erases
; those above.  It runs at the end of the line, before a dictionary word
; runs, or before the next byte is compiled, so a MARKER never erases the
; code it is running.
        .global dict_settle
dict_settle:
        mov     &g_fhere, r12
        cmp     &g_dirty, r12
        jlo     1f
        mov     r12, &g_dirty                   ; nothing to forget
        ret
1:      push    r10
        push    r9
        push    r8
        mov     r12, r10                        ; f
        mov     r12, r9
        and     #~(SEG - 1), r9                 ; its segment
        cmp     r9, r10
        jeq     5f                              ; f starts a segment
        mov     r9, r8                          ; end = min(seg + SEG, dirty)
        add     #SEG, r8
        cmp     &g_dirty, r8
        jlo     2f
        mov     &g_dirty, r8
2:      mov     r10, r12
        mov     r8, r13
        call    #blank
        tst     r12
        jnz     4f                              ; its tail is blank already
        mov     r9, r12                         ; erase the segments above
3:      add     #SEG, r12                       ; first: room for the scratch
        cmp     &g_dirty, r12
        jhs     7f
        push    r12
        call    #erase
        pop     r12
        jmp     3b
7:      mov     r9, r15
        mov     r10, r11
        sub     r9, r11
        mov     #1, r12                         ; (patch no cell)
        call    #rebuild
        tst     r12
        jnz     4f
        mov     r8, &g_dirty                    ; gave up: stays dirty, and
        jmp     9f                              ; compiling says -8
4:      add     #SEG, r9
5:      cmp     &g_dirty, r9                    ; erase the rest, if written
        jhs     8f
        mov     r9, r12
        mov     r9, r13
        add     #SEG, r13
        call    #blank
        tst     r12
        jnz     6f
        mov     r9, r12
        call    #erase
6:      add     #SEG, r9
        jmp     5b
8:      mov     r10, &g_dirty
9:      pop     r8
        pop     r9
        pop     r10
        ret

; void dict_flush(void): the held-back cell, and any pending rollback
        .global dict_flush
dict_flush:
        call    #flush_pend_
        jmp     dict_settle
flush_pend_:
        br      #flush_pend

; void dict_rollback(ucell f): g_fhere is set already; settle later
        .global dict_rollback
dict_rollback:
        clr     &pend
        clr.b   &raw
        ret

; void dict_boot(void): at power-up, how far was the dictionary's flash
; written?  (A reset in a definition leaves bytes above the saved g_fhere.)
        .global dict_boot
dict_boot:
        mov     #DICT_END, r12
1:      cmp     #__dict_start + 1, r12
        jlo     2f
        cmp     #-1, -2(r12)
        jne     2f
        decd    r12
        jmp     1b
2:      mov     r12, &g_dirty
        ret

; ---------------------------------------------- the log of the pointers
; Info segments D and C hold five 12-byte records each: a sequence number,
; fhere, latest, here, turnkey, a check word.  The valid record with the
; highest sequence number wins.  A new record goes into the next slot; a
; segment is erased only when the log moves into it, and the other segment
; still holds the previous record, so a reset at any moment leaves a valid
; record behind.
#define REC 12

; rec_check: Z set if the record at r12 is valid; keeps r11, r12
rec_check:
        mov     #0x4A46, r13
        mov     r12, r14
        mov     #5, r15
1:      xor     @r14+, r13
        dec     r15
        jnz     1b
        cmp     @r14, r13                       ; (erased flash never checks)
        ret

; next_rec: r12 = the slot after r12, maybe in the other segment
next_rec:
        mov     r12, r13
        and     #~(INFO_SEG - 1), r13
        add     #REC, r12
        mov     r12, r14
        add     #REC, r14
        sub     r13, r14
        cmp     #INFO_SEG + 1, r14
        jlo     1f
        mov     r13, r12
        xor     #LOG_SEG0 ^ LOG_SEG1, r12
1:      ret

; uint8_t dict_restore(void): 1 if a valid record was found and loaded
        .global dict_restore
dict_restore:
        clr     &cur
        mov     #LOG_SEG0, r12
        mov     #10, r11
1:      call    #rec_check
        jne     3f
        mov     &cur, r14
        tst     r14
        jz      2f
        mov     @r12, r15
        sub     @r14, r15                       ; newer: (seq - cur's) > 0
        tst     r15
        jz      3f
        jn      3f
2:      mov     r12, &cur
3:      call    #next_rec
        dec     r11
        jnz     1b
        mov     &cur, r12
        tst     r12
        jz      9f
        mov     2(r12), r13                     ; a sane dictionary pointer
        cmp     #__dict_start, r13
        jlo     8f
        cmp     #DICT_END + 1, r13
        jhs     8f
        mov     2(r12), &g_fhere
        mov     4(r12), &g_latest
        mov     6(r12), &g_here
        mov     8(r12), &g_turnkey
        mov     #1, r12
        ret
8:      clr     r12
9:      ret

; void dict_persist(void): a new record, if the pointers changed
        .global dict_persist
dict_persist:
        push    r10
        push    r9
        mov     &cur, r10
        mov     #LOG_SEG0, r9
        clr     r11                             ; the sequence number
        tst     r10
        jz      2f
        cmp     &g_fhere, 2(r10)
        jne     1f
        cmp     &g_latest, 4(r10)
        jne     1f
        cmp     &g_here, 6(r10)
        jne     1f
        cmp     &g_turnkey, 8(r10)
        jeq     9f                              ; unchanged
1:      mov     @r10, r11
        inc     r11
        mov     r10, r12
        call    #next_rec
        mov     r12, r9
2:      bit     #INFO_SEG - 1, r9
        jz      3f
        mov     r9, r12
        mov     r9, r13
        add     #REC, r13
        call    #blank
        tst     r12
        jnz     4f
        and     #~(INFO_SEG - 1), r9            ; a torn slot: the other
        xor     #LOG_SEG0 ^ LOG_SEG1, r9        ; segment
3:      mov     r9, r12                         ; entering a segment: erase
        call    #erase
4:      mov     r11, r12                        ; the record, on the stack
        xor     &g_fhere, r12                   ; (last word first)
        xor     &g_latest, r12
        xor     &g_here, r12
        xor     &g_turnkey, r12
        xor     #0x4A46, r12
        push    r12
        mov     &g_turnkey, r12
        push    r12
        mov     &g_here, r12
        push    r12
        mov     &g_latest, r12
        push    r12
        mov     &g_fhere, r12
        push    r12
        push    r11
        mov     r9, &cur
        mov     #6, r10
5:      mov     r9, r12
        pop     r13
        mov     #2, r14
        call    #flash_op
        incd    r9
        dec     r10
        jnz     5b
9:      pop     r9
        pop     r10
        ret

; ------------------------------------------------- EEPROM: info segment B
; E! ( x a -- )  store a cell in EEPROM (a < 64)
; EC! ( c a -- )  store a byte in EEPROM (a < 64)
; (headers in prims.S)
        .global estore_, ecstore_
estore_:
        cmp     #EE_SIZE - 1, TOS
        jhs     bad
        bic     #1, TOS
        mov     #2, r14
        jmp     1f
ecstore_:
        cmp     #EE_SIZE, TOS
        jhs     bad
        mov     #1, r14
1:      mov     TOS, r12
        add     #EE_BASE, r12
        mov     @PSP+, r13
        mov     #EE_BASE, r15
        mov     #EE_SIZE, r11
        call    #patch
        POPT
        NEXT

; ------------------------------------------------------------ turnkey
; uint8_t arch_escape(void): at reset a turnkey word runs unless ESC
; arrives within 0.2 s: a board is never bricked by its own program.
        .global arch_escape
arch_escape:
        mov     &g_millis, r11
1:      call    #uart_ready
        tst.b   r12
        jnz     2f
        mov     &g_millis, r12
        sub     r11, r12
        cmp     #200, r12
        jlo     1b
        clr     r12
        ret
2:      call    #uart_getc
        xor     #27, r12                        ; ESC: nonzero
        sub     #1, r12
        subc    r12, r12
        ret

        .section .bss.flash, "aw", @nobits
        .balign 2
        .global g_dirty
g_dirty:                        ; end of the written bytes of the dictionary:
        .space  2               ; above g_fhere while a rollback is pending
cur:                            ; the newest log record, 0: none
        .space  2
