/* jlforth kernel for the ATmega328P: build-time configuration and budgets.
 *
 * Everything a host tool needs to know about the memory map is exported as an
 * ELF symbol too (see prims.S), so the image builder never hard-codes it.    */
#ifndef JLF_CONFIG_H
#define JLF_CONFIG_H

#ifndef F_CPU
#define F_CPU 16000000UL
#endif
#ifndef BAUD
#define BAUD 38400UL            /* USART0, 8N1; set at build time: make BAUD=... */
#endif

/* ---- flash (byte addresses) ------------------------------------------------
 * 0x0000 .. kernel_end     kernel (vectors, primitives, C outer interpreter)
 * dict_start .. 0x7DFF     user dictionary, compiled at run time by SPM
 * 0x7E00 .. 0x7FFF         boot section (BOOTSZ = 256 words, the Uno's stock
 *                          fuse): reset vector + the SPM page writer, since
 *                          SPM only works from the boot (NRWW) section.     */
#define FLASH_PAGE      128
#define BOOT_START      0x7E00
#define FLASH_END       0x7FFF

/* Forth addresses are unified: 0x0000-0x08FF is data space (registers, I/O,
 * SRAM); 0x8000 | byte-address is flash.  @ and C@ read both; ! and C! write
 * flash through the page cache, refusing the kernel and the boot section.   */
#define FLASH_BIT       0x8000

/* ---- RAM -------------------------------------------------------------------
 * 0x0100 .. __bss_end      kernel state: TIB, flash page cache, variables
 * __bss_end .. DS_LIMIT    user data space (HERE, ALLOT, VARIABLE, arrays)
 * DS_LIMIT .. S0           data stack, DS_CELLS cells, grows down
 * S0 .. S0+DS_GUARD        guard cells, so an underflowing word cannot reach
 *                          the return stack before the interpreter notices
 * RS_LIMIT .. RAMEND       return stack (hardware SP), RS_BYTES, grows down   */
#define RAMEND_ADDR     0x08FF
#define RS_BYTES        96
#define DS_CELLS        24
#define DS_GUARD        6
#define RS_TOP          RAMEND_ADDR
#define RS_BOTTOM       (RAMEND_ADDR + 1 - RS_BYTES)
#define S0_ADDR         (RS_BOTTOM - DS_GUARD)
#define DS_LIMIT        (S0_ADDR - 2 * DS_CELLS)
/* A recursive word checks SP against this before calling itself; the slack
 * leaves room for one interrupt frame.                                      */
#define RS_LIMIT        (RS_BOTTOM + 12)

#define TIB_SIZE        80      /* Forth 2012 asks for at least 80 chars */

/* Budgets, held by tests/test_kernel_budget.py.                             */
#define BUDGET_FLASH    8192    /* kernel incl. boot part; goal 6144        */
#define BUDGET_RAM      384     /* .data + .bss + stacks + guard             */

/* EEPROM: the dictionary pointers persist here so words survive a reset.    */
#define EE_MAGIC        0x4A46  /* "JF" */
#define EE_BASE         0

#endif
