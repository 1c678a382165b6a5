; jlforth AVR kernel: the bytecode interpreter (included by prims.S).
;
; The size-first form of a compiled word (`jlforth ... --size`) is a colon
; definition that calls ~vm and then holds bytecode: one byte per
; operation, its operand in the bytes after it (forth_kernel/common/
; bytecode.tbl defines every code).  ~vm takes the address the CALL pushed
; as its instruction pointer and runs the bytes until EXIT.  A word's
; bytecode usually ends exactly where `;` lays RET ($9508): its first byte,
; $08, is the EXIT code, so the word needs no EXIT of its own.
;
; Registers (beside macros.inc's TOS, PSP, zero):
;   VIP   r13:r12  byte address of the next bytecode byte.  Callee-saved in
;                  C, unused by the assembly words, saved by CATCH: a word
;                  the bytecode calls keeps it.  ~vm pushes the caller's
;                  value and EXIT restores it, so native code that keeps a
;                  Julia local in r12:r13 is not disturbed.
;   Z              the byte pointer while a handler reads its operand
;   r0             the opcode, r18-r23 scratch
; The return stack holds, from the top: the word's frame cells (>r, 0>r),
; the caller's VIP, the caller's return address; so frame cell n is at
; SP+1+2n (high byte) and SP+2+2n (low byte), as the compiled L@ n has it.
; Dispatch (vm_next to the first instruction of a handler): 13 cycles for
; 0x00-0x12, 13-16 for the frame and small-literal codes; a kernel word
; (0x80+) costs 21 cycles beside its own CALL/RET.

#include "bytecode.inc"        /* vm_words, VM_NWORDS */

#define VIPL r12
#define VIPH r13
        .set    VM_SPECIALS, 0x1C

; The entry sits at the very end of the kernel's code (.fini1, after every
; .text section), so the words in the first 4 KB of the dictionary reach it
; with a 2-byte RCALL instead of a 4-byte CALL.
        .section .fini1, "ax", @progbits
; ~VM ( -- ) ( R: ret -- ret vip )  run the bytecode after the CALL to here
        HEADER  "~vm", vm
        jmp     vm_enter                        ; 3
        .section .text.forth, "ax", @progbits
vm_enter:
        pop     r31                             ; 2  the bytecode's word address,
        pop     r30                             ; 2  high byte first
        push    VIPL                            ; 2
        push    VIPH                            ; 2
        lsl     r30                             ; 1  a byte address for LPM
        rol     r31                             ; 1
vm_nextz:                                       ;    VIP in Z
        movw    VIPL, r30                       ; 1
vm_next:
        movw    r30, VIPL                       ; 1
        lpm     r0, Z+                          ; 3  the opcode
        movw    VIPL, r30                       ; 1
        mov     r18, r0                         ; 1
        sbrc    r18, 7                          ; 1/2
        rjmp    vm_word                         ; 2  0x80 and up: a kernel word
        cpi     r18, VM_SPECIALS                ; 1
        brsh    vm_ranges                       ; 1/2
        ldi     r30, lo8(pm(vm_jump))           ; 1
        ldi     r31, hi8(pm(vm_jump))           ; 1
        add     r30, r18                        ; 1
        adc     r31, r1                         ; 1
        ijmp                                    ; 2  then RJMP (2)
vm_jump:
        rjmp    vm_lit8                         ; 0x00
        rjmp    vm_lit16                        ; 0x01
        rjmp    vm_branch                       ; 0x02
        rjmp    vm_0branch                      ; 0x03
        rjmp    vm_branch16                     ; 0x04
        rjmp    vm_0branch16                    ; 0x05
        rjmp    vm_call                         ; 0x06
        rjmp    vm_rcall                        ; 0x07
        rjmp    vm_exit                         ; 0x08
        rjmp    vm_tor                          ; 0x09
        rjmp    vm_rfrom                        ; 0x0A
        rjmp    vm_rfetch                       ; 0x0B
        rjmp    vm_rdrop                        ; 0x0C
        rjmp    vm_zerotor                      ; 0x0D
        rjmp    vm_ldrop                        ; 0x0E
        rjmp    vm_lfetch                       ; 0x0F
        rjmp    vm_lstore                       ; 0x10
        rjmp    vm_dotquote                     ; 0x11
        rjmp    vm_lexit                        ; 0x12
        rjmp    vm_frame                        ; 0x13
        rjmp    vm_tbranch                      ; 0x14
        rjmp    vm_tbranch16                    ; 0x15
        rjmp    vm_loop                         ; 0x16
        rjmp    vm_loop16                       ; 0x17
        rjmp    vm_index                        ; 0x18
        rjmp    vm_cindex                       ; 0x19
        rjmp    vm_istore                       ; 0x1A
        rjmp    vm_cistore                      ; 0x1B

; 0x20+n L@ n ( -- x ), 0x30+n L! n ( x -- ), 0x40+n ( -- n ),
; 0x50+n L1+ n ( -- ): n = 0..15
vm_ranges:
        andi    r18, 0x0F                       ; 1  n
        mov     r19, r0                         ; 1
        andi    r19, 0xF0                       ; 1
        cpi     r19, 0x20                       ; 1
        breq    vm_lfetch_n                     ; 1/2
        cpi     r19, 0x30                       ; 1
        breq    vm_lstore_n                     ; 1/2
        cpi     r19, 0x50                       ; 1
        breq    vm_linc_n                       ; 1/2
        cpi     r19, 0x40                       ; 1
        brne    vm_bad                          ; 1/2
        PUSHT                                   ; 4
        mov     r24, r18                        ; 1
        clr     r25                             ; 1
        rjmp    vm_next                         ; 2
vm_linc_n:                                      ;    frame cell n += 1
        rcall   vm_cell                         ; 11
        ldd     r21, Z+1                        ; 2
        ldd     r20, Z+2                        ; 2
        subi    r20, 0xFF                       ; 1
        sbci    r21, 0xFF                       ; 1
        std     Z+1, r21                        ; 2
        std     Z+2, r20                        ; 2
        rjmp    vm_next                         ; 2

; 0x80+k: call the k-th word of vm_words (the generated table below)
vm_word:
        andi    r18, 0x7F                       ; 1  k
        cpi     r18, VM_NWORDS                  ; 1
        brsh    vm_bad                          ; 1/2
        lsl     r18                             ; 1
        ldi     r30, lo8(vm_words)              ; 1
        ldi     r31, hi8(vm_words)              ; 1
        add     r30, r18                        ; 1
        adc     r31, r1                         ; 1
        lpm     r18, Z+                         ; 3
        lpm     r31, Z                          ; 3
        mov     r30, r18                        ; 1
        icall                                   ; 3
        rjmp    vm_next                         ; 2

; an opcode with no meaning: THROW -21 (unsupported operation)
vm_bad:
        PUSHT
        ldi     r24, lo8(-21)
        ldi     r25, hi8(-21)
        jmp     forth_throw

; L@ n ( -- x )  frame cell n; the operand byte is n
vm_lfetch:
        rcall   vm_byte                         ; 7+3 r18 = n
vm_lfetch_n:
        PUSHT                                   ; 4
        rcall   vm_cell                         ; 3+8 Z = SP + 2n
        ldd     r25, Z+1                        ; 2
        ldd     r24, Z+2                        ; 2
        rjmp    vm_next                         ; 2

; L! n ( x -- )  store frame cell n
vm_lstore:
        rcall   vm_byte
vm_lstore_n:
        rcall   vm_cell
        std     Z+1, r25                        ; 2
        std     Z+2, r24                        ; 2
        POPT                                    ; 4
        rjmp    vm_next                         ; 2

; Z = SP + 2n as the handler sees it (this subroutine's return address is
; two bytes more, hence +2)
vm_cell:
        in      r30, _SFR_IO_ADDR(SPL)          ; 1
        in      r31, _SFR_IO_ADDR(SPH)          ; 1
        lsl     r18                             ; 1
        subi    r18, -2                         ; 1
        add     r30, r18                        ; 1
        adc     r31, r1                         ; 1
        ret                                     ; 4

; r18 = the next bytecode byte (the operand), VIP steps over it
vm_byte:
        movw    r30, VIPL                       ; 1
        lpm     r18, Z+                         ; 3
        movw    VIPL, r30                       ; 1
        ret                                     ; 4

; LIT8 ( -- n )  a literal -128..127
vm_lit8:
        PUSHT                                   ; 4
        rcall   vm_byte                         ; 12
        mov     r24, r18                        ; 1
        clr     r25                             ; 1
        sbrc    r24, 7                          ; 1/2
        com     r25                             ; 1
        rjmp    vm_next                         ; 2

; LIT16 ( -- n )  any 16-bit literal
vm_lit16:
        PUSHT                                   ; 4
        movw    r30, VIPL                       ; 1
        lpm     r24, Z+                         ; 3
        lpm     r25, Z+                         ; 3
        rjmp    vm_nextz                        ; 2

; 0BRANCH ( f -- )  jump by the signed byte that follows when f is zero
vm_0branch:
        movw    r20, r24                        ; 1
        POPT                                    ; 4
        or      r20, r21                        ; 1
        breq    vm_branch                       ; 1/2
        movw    r30, VIPL                       ; 1  not taken: skip the offset
        adiw    r30, 1                          ; 2
        rjmp    vm_nextz                        ; 2
; BRANCH ( -- )  jump by the signed byte that follows
vm_branch:
        movw    r30, VIPL                       ; 1
        lpm     r18, Z+                         ; 3
        add     r30, r18                        ; 1
        adc     r31, r1                         ; 1
        sbrc    r18, 7                          ; 1/2  a negative offset
        dec     r31                             ; 1
        rjmp    vm_nextz                        ; 2

; 0BRANCH16 ( f -- ), BRANCH16 ( -- )  the same with a 16-bit offset
vm_0branch16:
        movw    r20, r24
        POPT
        or      r20, r21
        breq    vm_branch16
        movw    r30, VIPL
        adiw    r30, 2
        rjmp    vm_nextz
vm_branch16:
        movw    r30, VIPL
        lpm     r18, Z+
        lpm     r19, Z+
        add     r30, r18
        adc     r31, r19
        rjmp    vm_nextz

; RCALL xt ( i*x -- j*x )  a recursive call: ?RP first
vm_rcall:
        call    qrp                             ; 12+4
; CALL xt ( i*x -- j*x )  run the word whose (unified) xt follows
vm_call:
        movw    r30, VIPL                       ; 1
        lpm     r18, Z+                         ; 3
        lpm     r19, Z+                         ; 3
        movw    VIPL, r30                       ; 1
        movw    r30, r18                        ; 1
        andi    r31, 0x7F                       ; 1  unified -> word address
        lsr     r31                             ; 1
        ror     r30                             ; 1
        icall                                   ; 3
        rjmp    vm_next                         ; 2

; EXIT ( -- ) ( R: ret vip -- )  back to the caller, its VIP restored
vm_exit:
        pop     VIPH                            ; 2
        pop     VIPL                            ; 2
        ret                                     ; 4

; >R ( x -- ) ( R: -- x ), R> ( -- x ) ( R: x -- ), R@, RDROP, 0>R
vm_tor:
        push    r24                             ; 2
        push    r25                             ; 2
        POPT                                    ; 4
        rjmp    vm_next                         ; 2
vm_rfrom:
        PUSHT
        pop     r25
        pop     r24
        rjmp    vm_next
vm_rfetch:
        PUSHT
        pop     r25
        pop     r24
        push    r24
        push    r25
        rjmp    vm_next
vm_rdrop:
        pop     r0
        pop     r0
        rjmp    vm_next
vm_zerotor:
        push    r1                              ; 2
        push    r1                              ; 2
        rjmp    vm_next                         ; 2

; LDROP n ( R: n cells -- ), LEXIT n: the same, then EXIT
vm_lexit:
        set                                     ; 1  T: exit afterwards
        rjmp    1f
vm_ldrop:
        clt                                     ; 1
1:      rcall   vm_byte                         ; 12
        lsl     r18                             ; 1
        in      r30, _SFR_IO_ADDR(SPL)          ; 1
        in      r31, _SFR_IO_ADDR(SPH)          ; 1
        add     r30, r18                        ; 1
        adc     r31, r1                         ; 1
        in      r0, _SFR_IO_ADDR(SREG)          ; 1  SPL is written before an
        cli                                     ; 1  interrupt can run (one more
        out     _SFR_IO_ADDR(SPH), r31          ; 1  instruction after SREG)
        out     _SFR_IO_ADDR(SREG), r0          ; 1
        out     _SFR_IO_ADDR(SPL), r30          ; 1
        brts    vm_exit                         ; 1/2
        rjmp    vm_next                         ; 2

; FRAME az ( a*x -- ) ( R: -- a*x z*0 )  the prologue of a word: >R a
; times, then 0>R z times (a, z: the operand's high and low nibbles)
vm_frame:
        rcall   vm_byte                         ; r18 = az
        mov     r19, r18
        swap    r19
        andi    r19, 0x0F                       ; a
        andi    r18, 0x0F                       ; z
1:      dec     r19
        brmi    2f
        push    r24
        push    r25
        POPT
        rjmp    1b
2:      dec     r18
        brmi    vm_next_far
        push    r1
        push    r1
        rjmp    2b
vm_next_far:
        rjmp    vm_next

; TBRANCH ( f -- ), TBRANCH16  jump when f is not zero
vm_tbranch:
        movw    r20, r24                        ; 1
        POPT                                    ; 4
        or      r20, r21                        ; 1
        breq    1f                              ; 1/2
        rjmp    vm_branch                       ; 2
1:      movw    r30, VIPL                       ; 1
        adiw    r30, 1                          ; 2
        rjmp    vm_nextz                        ; 2
vm_tbranch16:
        movw    r20, r24
        POPT
        or      r20, r21
        breq    1f
        rjmp    vm_branch16
1:      movw    r30, VIPL
        adiw    r30, 2
        rjmp    vm_nextz

; NEXT ab off ( -- )  the end of a counted loop: when frame cells a and b
; differ, cell a += 1 and jump back; NEXT16 the same with a 16-bit offset
vm_loop16:
        set                                     ; 1  T: a 16-bit offset
        rjmp    1f
vm_loop:
        clt                                     ; 1
1:      rcall   vm_byte                         ; 12 r18 = ab
        mov     r19, r18                        ; 1
        swap    r19                             ; 1
        andi    r19, 0x0F                       ; 1  a
        andi    r18, 0x0F                       ; 1  b
        in      r26, _SFR_IO_ADDR(SPL)          ; 1  X = SP: frame cell n is at
        in      r27, _SFR_IO_ADDR(SPH)          ; 1  X+1+2n (high), X+2+2n
        lsl     r18                             ; 1
        movw    r30, r26                        ; 1
        add     r30, r18                        ; 1
        adc     r31, r1                         ; 1
        ldd     r21, Z+1                        ; 2  cell b
        ldd     r20, Z+2                        ; 2
        lsl     r19                             ; 1
        movw    r30, r26                        ; 1
        add     r30, r19                        ; 1
        adc     r31, r1                         ; 1
        ldd     r23, Z+1                        ; 2  cell a
        ldd     r22, Z+2                        ; 2
        cp      r22, r20                        ; 1
        cpc     r23, r21                        ; 1
        breq    2f                              ; 1/2 the last round: go on
        subi    r22, 0xFF                       ; 1
        sbci    r23, 0xFF                       ; 1
        std     Z+1, r23                        ; 2
        std     Z+2, r22                        ; 2
        brts    3f                              ; 1/2
        rjmp    vm_branch                       ; 2
3:      rjmp    vm_branch16
2:      movw    r30, VIPL                       ; 1  step over the offset
        adiw    r30, 1                          ; 2
        brtc    4f
        adiw    r30, 1
4:      rjmp    vm_nextz                        ; 2

; []@ ( a i -- x ), []C@ ( a i -- c ): element i (1-based) of a cell or
; byte array at a; []! ( a i x -- ), []C! ( a i c -- ) store one.  The
; kernel's @ C@ ! C! do the access, so a table in flash reads as in RAM.
vm_index:
        rcall   vm_elem2                        ; TOS = a + 2(i-1)
        call    fetch
        rjmp    vm_next
vm_cindex:
        rcall   vm_elem1
        call    cfetch
        rjmp    vm_next
vm_istore:
        set                                     ; 1  T: cells
        rjmp    1f
vm_cistore:
        clt                                     ; 1
1:      ld      r22, Y+                         ; 2  i
        ld      r23, Y+                         ; 2
        subi    r22, 1                          ; 1
        sbci    r23, 0                          ; 1
        brtc    2f                              ; 1/2
        lsl     r22                             ; 1
        rol     r23                             ; 1
2:      ld      r20, Y                          ; 2  a
        ldd     r21, Y+1                        ; 2
        add     r22, r20                        ; 1
        adc     r23, r21                        ; 1
        st      Y, r24                          ; 2  ( x addr )
        std     Y+1, r25                        ; 2
        movw    r24, r22                        ; 1
        brtc    3f                              ; 1/2
        call    store                           ; 4+
        rjmp    vm_next
3:      call    cstore
        rjmp    vm_next
vm_elem2:
        sbiw    r24, 1                          ; 2  i-1
        lsl     r24                             ; 1  2(i-1)
        rol     r25                             ; 1
        rjmp    1f
vm_elem1:
        sbiw    r24, 1
1:      ld      r22, Y+                         ; 2  a
        ld      r23, Y+                         ; 2
        add     r24, r22                        ; 1
        adc     r25, r23                        ; 1
        ret                                     ; 4

; ." n text ( -- )  type the n bytes that follow
vm_dotquote:
        rcall   vm_byte                         ; r18 = n, Z = the text
        PUSHT
        movw    r24, r30
        ori     r25, 0x80                       ; a unified (flash) address
        PUSHT
        mov     r24, r18
        clr     r25
        add     r30, r18
        adc     r31, r1
        movw    VIPL, r30
        call    type
        rjmp    vm_next
