/* jlforth MSP430G2553: what the shared C half needs to know about this chip.
 * The CPU has one address space, so a Forth address is the CPU's address:
 * flash reads are plain reads and no unified-address translation exists.  */
#ifndef JLF_ARCH_H
#define JLF_ARCH_H
#include <stdint.h>

#define PROGMEM                                  /* const data is in flash */
#define PSTR(s)            (s)
#define pgm_read_byte(p)   (*(const uint8_t *)(p))

/* kernel words the compiler refers to (labels in prims.S / cwords.inc)     */
extern const uint8_t compilecomma[], pdoes[], psquote[], pdotquote[],
    pabortq[], pmarker[], pdo[], pqdo[], qrp[];
#define XT(label)          ((uint16_t)(label))

/* cells are word-aligned: VARIABLE and 2VARIABLE align HERE (interp.c)    */
#define VAR_ALIGN          1

/* from the linker script and prims.S                                       */
extern const uint8_t __dict_start[], __bss_end[], kernel_latest_hdr[];
#define DICT_START         ((uint16_t)__dict_start)
#define KERNEL_LATEST      (*(const uint16_t *)kernel_latest_hdr)
#define RAM_START          ((uint16_t)__bss_end)
#endif
