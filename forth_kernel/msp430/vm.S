; jlforth for the MSP430G2553: ~vm, the bytecode interpreter, as a library.
;
; The kernel has no flash to spare, so ~vm is not in it: this file is built
; on its own (the Makefile links it against kernel.elf's symbols, twice, at
; two bases) and tools/vm_library.py turns it into build/kernel.vm.fs, Forth
; text that lays it in the dictionary:
;     : ~vm begin [ 2drop fhere 2 + f, $xxxx f, ... fhere -66 + f, ... ] ;
; `begin` lays the code field (CALL r9) and the first cell of the thread
; holds the address of the machine code right after it, vm_start.  So the
; code must run wherever the dictionary puts it: every jump is relative,
; and the few cells that hold an address inside the library (marked [rel]
; below) are laid by `fhere n + f,` (the script finds them by the
; difference of the two links).  Kernel addresses (words, forth_throw,
; g_here) are absolute, as in the kernel.
;
; A bytecode word (the size-first form, forth_kernel/common/bytecode.tbl) is
;     : name [ fhere ] ~vm [ ...bytes laid by fc, and f, ... drop ] ;
; Its docol pushes its caller's IP; NEXT runs ~vm's CALL r9, whose docol
; pushes IP (the first bytecode byte) and jumps through the thread's first
; cell to vm_start, which pops that byte address into IP.  From then on IP
; (r4) is the byte pointer; one byte is one operation, its operand in the
; bytes after it, little endian and unaligned (read byte by byte).  Nothing
; but IP, TOS and PSP is kept between operations and nothing on the return
; stack, so frame cell n is 2n(sp), as for the compiled (l@) n, and below
; the frame lies the caller's IP, which EXIT pops as (EXIT) does.
;
; A word is called as EXECUTE would run it, with IP = vm_ret (the thread's
; first cell, whose content is vm_start): the bytecode IP goes on the return
; stack.  A primitive's NEXT goes to vm_start at once, which pops it; a colon
; word's docol pushes vm_ret and its EXIT pops it; CATCH and THROW save and
; restore IP, so a THROW that ends in a CATCH the bytecode called lands
; there too.
;
; Cycles (SLAU144) are on the right.  Dispatch is counted from the opcode
; fetch to the handler's first instruction; handlers count to "jmp vm".
;   0x00-0x1B       15 to the handler
;   0x20-0x5F       21 to the handler (l@ n: 31 in all, lit n: 30)
;   0x80+k          20 to the word, then its NEXT (3, with the word) and 2
;                   back: + costs 27 here (5 in a thread)
;   0x06 call       15 + 8 + 7 = 30 to the word, 2 back
; (tests/test_kernel_vm.py checks these on the simulated CPU.)  Size: 626
; bytes, 416 of code, 28 of handler offsets, 182 of the word table.
#include "macros.inc"

        .set    VM_SPECIALS, 0x1C               ; the first code of the ranges
        .set    vm_ret, vm_start - 2            ; ~vm's first cell: vm_start
        .text
        .global vm_lib
vm_lib:                                         ; the library starts here
; ~VM ( i*x -- j*x )  run the bytecode after its reference, until exit
vm_start:
        mov     @sp+, IP                        ; 2  the bytecode pointer
vm:
        mov.b   @IP+, W                         ; 2  the opcode
        tst.b   W                               ; 1
        jn      vm_word                         ; 2  0x80..0xFF
        cmp     #VM_SPECIALS, W                 ; 2
        jhs     vm_ranges                       ; 2  0x1C..0x7F
        mov.b   vm_jt(W), W                     ; 3  [rel] the handler / 2
        rla     W                               ; 1
        add     W, pc                           ; 2 = 15
vm_jb:                                          ; the offsets count from here

; 0x00 lit8 s8 ( -- n )  a literal -128..127                        4 + 8
op_lit8:
        mov.b   @IP+, r14                       ; 2
        sxt     r14                             ; 1
        rla     r14                             ; 1  (as 2n: lit n's entry)
; 0x40+n lit n ( -- n )  r14 = 2n                                       9
vm_lit:
        rra     r14                             ; 1
vm_push:                                        ; ( -- r14 )
        PUSHT                                   ; 5
        mov     r14, TOS                        ; 1
        jmp     vm                              ; 2

; 0x01 lit16 u16 ( -- n )  any 16-bit literal                       8 + 8
op_lit16:
        mov.b   @IP+, r14                       ; 2
        mov.b   @IP+, r13                       ; 2
        swpb    r13                             ; 1
        bis     r13, r14                        ; 1
        jmp     vm_push                         ; 2

; 0x03 0branch s8 ( f -- )  jump when f is zero             5 + 6, or 5 + 3
op_0branch:
        tst     TOS                             ; 1
        POPT                                    ; 2  (mov keeps the flags)
        jnz     vm_skip1                        ; 2
; 0x02 branch s8 ( -- )  jump; the offset counts from the byte after it  6
op_branch:
        mov.b   @IP+, r14                       ; 2
        sxt     r14                             ; 1
        add     r14, IP                         ; 1
        jmp     vm                              ; 2
; 0x14 tbranch s8 ( f -- )  jump when f is not zero         5 + 6, or 5 + 3
op_tbranch:
        tst     TOS                             ; 1
        POPT                                    ; 2
        jnz     op_branch                       ; 2
vm_skip1:                                       ; step over an s8
        inc     IP                              ; 1
        jmp     vm                              ; 2

; 0x05 0branch16 s16 ( f -- )  jump when f is zero, far     5 + 9, or 5 + 3
op_0branch16:
        tst     TOS                             ; 1
        POPT                                    ; 2
        jnz     vm_skip2                        ; 2
; 0x04 branch16 s16 ( -- )  jump, far                                     9
op_branch16:
        mov.b   @IP+, r14                       ; 2
        mov.b   @IP+, r13                       ; 2
        swpb    r13                             ; 1
        bis     r13, r14                        ; 1
        add     r14, IP                         ; 1
        jmp     vm                              ; 2
; 0x15 tbranch16 s16 ( f -- )  jump when f is not zero, far 5 + 9, or 5 + 3
op_tbranch16:
        tst     TOS                             ; 1
        POPT                                    ; 2
        jnz     op_branch16                     ; 2
vm_skip2:                                       ; step over an s16
        incd    IP                              ; 1
        jmp     vm                              ; 2

; 0x07 rcall u16 ( i*x -- j*x )  ?rp (-5 when the return stack nearly meets
; HERE's transient buffers), then call: a recursive call             8 + call
op_rcall:
        mov     &g_here, r14                    ; 3
        add     #RS_SLACK, r14                  ; 2
        cmp     r14, sp                         ; 1
        jhs     op_call                         ; 2
        mov     #-5, r12
        jmp     vm_throw

; 0x06 call u16 ( i*x -- j*x )  run the word whose xt follows     8 + 7 to it
op_call:
        mov.b   @IP+, W                         ; 2
        mov.b   @IP+, r13                       ; 2
        swpb    r13                             ; 1
        bis     r13, W                          ; 1
        jmp     vm_exec                         ; 2

; 0x12 lexit u8 ( -- ) ( R: n cells ip -- )  ldrop n, then exit            9
op_lexit:
        mov.b   @IP+, r14                       ; 2
        rla     r14                             ; 1
        add     r14, sp                         ; 1
; 0x08 exit ( -- ) ( R: ip -- )  return from the bytecode word, as (EXIT) 5
op_exit:
        mov     @sp+, IP                        ; 2
        NEXT                                    ; 3

; 0x0E ldrop u8 ( -- ) ( R: n cells -- )                                   6
op_ldrop:
        mov.b   @IP+, r14                       ; 2
        rla     r14                             ; 1
        add     r14, sp                         ; 1
        jmp     vm                              ; 2

; 0x09 >r ( x -- ) ( R: -- x )                                             7
op_tor:
        push    TOS                             ; 3
        POPT                                    ; 2
        jmp     vm                              ; 2

; 0x0A r> ( -- x ) ( R: x -- )                                        4 + 8
op_rfrom:
        pop     r14                             ; 2
        jmp     vm_push                         ; 2

; 0x0B r@ ( -- x ) ( R: x -- x )  frame cell 0                        3 + 10
op_rfetch:
        clr     r14                             ; 1
        jmp     vm_lfetch                       ; 2

; 0x0C rdrop ( -- ) ( R: x -- )                                            3
op_rdrop:
        incd    sp                              ; 1
        jmp     vm                              ; 2

; 0x0D 0>r ( -- ) ( R: -- 0 )  a frame cell that starts at zero            5
op_zerotor:
        push    #0                              ; 3
        jmp     vm                              ; 2

; 0x13 frame az ( a*x -- ) ( R: -- a*x z*0 )  the prologue of a word: >r a
; times, then 0>r z times (a, z: the operand's nibbles)  5 + 11a + 8z + 3
op_frame:
        mov.b   @IP+, r13                       ; 2  az
        mov     r13, r14                        ; 1
        and     #15, r14                        ; 2  z
1:      sub     #16, r13                        ; 2  >= 0 while a cells are
        jn      2f                              ; 2  left to move
        push    TOS                             ; 3
        POPT                                    ; 2
        jmp     1b                              ; 2
2:      dec     r14                             ; 1
        jn      vm                              ; 2
        push    #0                              ; 3
        jmp     2b                              ; 2

; 0x0F l@ n ( -- x )  frame cell n                                  3 + 10
op_lfetch:
        mov.b   @IP+, r14                       ; 2
        rla     r14                             ; 1
vm_lfetch:                                      ; r14 = 2n
        add     sp, r14                         ; 1
        PUSHT                                   ; 5
        mov     @r14, TOS                       ; 2
        jmp     vm                              ; 2

; 0x10 l! n ( x -- )  store frame cell n                            3 + 9
op_lstore:
        mov.b   @IP+, r14                       ; 2
        rla     r14                             ; 1
vm_lstore:                                      ; r14 = 2n
        add     sp, r14                         ; 1
        mov     TOS, 0(r14)                     ; 4
        POPT                                    ; 2
        jmp     vm                              ; 2

; 0x50+n l1+ n ( -- )  frame cell n += 1; r14 = 2n                       7
vm_linc:
        add     sp, r14                         ; 1
        inc     0(r14)                          ; 4
        jmp     vm                              ; 2

; 0x17 next16 ab s16 ( -- )  a for loop's end, far: as next
op_next16:
        mov     #2, r12                         ; 1  the offset's size
        jmp     1f                              ; 2
; 0x16 next ab s8 ( -- )  a for loop's end: when frame cells a and b
; differ, cell a += 1 and jump; else go on             24 + 9, or 20 + 3
op_next:
        mov     #1, r12                         ; 1
1:      mov.b   @IP+, r14                       ; 2  ab
        mov     r14, r13                        ; 1
        and     #15, r13                        ; 2  b
        rla     r13                             ; 1
        add     sp, r13                         ; 1  -> cell b
        and     #0xF0, r14                      ; 2
        rra     r14                             ; 1
        rra     r14                             ; 1
        rra     r14                             ; 1  2a
        add     sp, r14                         ; 1  -> cell a
        cmp     @r13, 0(r14)                    ; 5
        jeq     2f                              ; 2  the last round: go on
        inc     0(r14)                          ; 4
        dec     r12                             ; 1
        jz      op_branch                       ; 2
        jmp     op_branch16                     ; 2
2:      add     r12, IP                         ; 1  step over the offset
        jmp     vm                              ; 2

; 0x18 []@ ( a i -- x )  the cell at a + 2(i-1)                            8
op_index:
        rla     TOS                             ; 1
        decd    TOS                             ; 1
        add     @PSP+, TOS                      ; 2
        mov     @TOS, TOS                       ; 2
        jmp     vm                              ; 2

; 0x19 []c@ ( a i -- c )  the byte at a + i-1                              7
op_cindex:
        dec     TOS                             ; 1
        add     @PSP+, TOS                      ; 2
        mov.b   @TOS, TOS                       ; 2
        jmp     vm                              ; 2

; 0x1A []! ( a i x -- )  store x at a + 2(i-1), by the kernel's ! (flash
; too)                                                  15 + 7, then !
op_istore:
        mov     #store, W                       ; 2
        mov     @PSP+, r14                      ; 2  i
        rla     r14                             ; 1
        decd    r14                             ; 1
        jmp     1f                              ; 2
; 0x1B []c! ( a i c -- )  store c at a + i-1, by the kernel's c!
;                                                       11 + 7, then c!
op_cistore:
        mov     #cstore, W                      ; 2
        mov     @PSP+, r14                      ; 2
        dec     r14                             ; 1
1:      add     @PSP, r14                       ; 2  the address
        mov     TOS, 0(PSP)                     ; 4  ( x addr )
        mov     r14, TOS                        ; 1
        jmp     vm_exec                         ; 2

; 0x11 ." u8+text ( -- )  type the n bytes that follow, by the kernel's type
op_dotq:
        mov.b   @IP+, r14                       ; 2  n
        sub     #4, PSP                         ; 1
        mov     TOS, 2(PSP)                     ; 4
        mov     IP, 0(PSP)                      ; 4  the text
        add     r14, IP                         ; 1  steps over it
        mov     r14, TOS                        ; 1  ( a n )
        mov     #type, W                        ; 2
        jmp     vm_exec                         ; 2

; 0x1C..0x7F ( W = the opcode, 9 cycles so far ): the frame and literal
; ranges by the opcode's high nibble, n in the low one           12 to it
vm_ranges:
        mov     W, r14                          ; 1
        and     #15, r14                        ; 2
        rla     r14                             ; 1  2n
        rra     W                               ; 1
        rra     W                               ; 1
        rra     W                               ; 1
        bic     #1, W                           ; 1  2 * (op >> 4), 2..14
        add     W, pc                           ; 2
        jmp     vm_bad                          ;    (0: not an opcode here)
        jmp     vm_bad                          ; 2  0x1C..0x1F
        jmp     vm_lfetch                       ; 2  0x20+n l@ n
        jmp     vm_lstore                       ; 2  0x30+n l! n
        jmp     vm_lit                          ; 2  0x40+n lit n
        jmp     vm_linc                         ; 2  0x50+n l1+ n
        jmp     vm_bad                          ; 2  0x60..0x6F
; 0x70..0x7F (this slot), 0x1C..0x1F, 0x60..0x6F and 0x80 + VM_NWORDS..0xFF:
; codes the table does not define: THROW -21 (unsupported operation)
vm_bad:
        mov     #-21, r12
vm_throw:                                       ; THROW r12
        br      #forth_throw

; 0x80+k ( i*x -- j*x )  the k-th word of vm_words (bytecode.inc)
vm_word:                                        ; W = 0x80+k, 5 cycles so far
        rla     W                               ; 1
        cmp     #2 * (0x80 + VM_NWORDS), W      ; 2
        jhs     vm_bad                          ; 2
        mov     vm_words - 0x100(W), W          ; 3  [rel] the xt
; run the word W as EXECUTE does, then the next byte
vm_exec:
        push    IP                              ; 3
        mov     #vm_ret, IP                     ; 2  [rel]
        mov     W, pc                           ; 2 = 20 to the word

; The handlers of 0x00..0x1B: (address - vm_jb) / 2, one byte each.
vm_jt:
        .byte   (op_lit8 - vm_jb) / 2           ; 0x00 lit8
        .byte   (op_lit16 - vm_jb) / 2          ; 0x01 lit16
        .byte   (op_branch - vm_jb) / 2         ; 0x02 branch
        .byte   (op_0branch - vm_jb) / 2        ; 0x03 0branch
        .byte   (op_branch16 - vm_jb) / 2       ; 0x04 branch16
        .byte   (op_0branch16 - vm_jb) / 2      ; 0x05 0branch16
        .byte   (op_call - vm_jb) / 2           ; 0x06 call
        .byte   (op_rcall - vm_jb) / 2          ; 0x07 rcall
        .byte   (op_exit - vm_jb) / 2           ; 0x08 exit
        .byte   (op_tor - vm_jb) / 2            ; 0x09 >r
        .byte   (op_rfrom - vm_jb) / 2          ; 0x0A r>
        .byte   (op_rfetch - vm_jb) / 2         ; 0x0B r@
        .byte   (op_rdrop - vm_jb) / 2          ; 0x0C rdrop
        .byte   (op_zerotor - vm_jb) / 2        ; 0x0D 0>r
        .byte   (op_ldrop - vm_jb) / 2          ; 0x0E ldrop
        .byte   (op_lfetch - vm_jb) / 2         ; 0x0F l@
        .byte   (op_lstore - vm_jb) / 2         ; 0x10 l!
        .byte   (op_dotq - vm_jb) / 2           ; 0x11 ."
        .byte   (op_lexit - vm_jb) / 2          ; 0x12 lexit
        .byte   (op_frame - vm_jb) / 2          ; 0x13 frame
        .byte   (op_tbranch - vm_jb) / 2        ; 0x14 tbranch
        .byte   (op_tbranch16 - vm_jb) / 2      ; 0x15 tbranch16
        .byte   (op_next - vm_jb) / 2           ; 0x16 next
        .byte   (op_next16 - vm_jb) / 2         ; 0x17 next16
        .byte   (op_index - vm_jb) / 2          ; 0x18 []@
        .byte   (op_cindex - vm_jb) / 2         ; 0x19 []c@
        .byte   (op_istore - vm_jb) / 2         ; 0x1A []!
        .byte   (op_cistore - vm_jb) / 2        ; 0x1B []c!
        .if     . - vm_jt != VM_SPECIALS
        .error  "vm_jt must have one byte for each of 0x00..VM_SPECIALS-1"
        .endif

; vm_words: the kernel words of 0x80.. (generated from bytecode.tbl)
#include "bytecode.inc"
vm_end:
