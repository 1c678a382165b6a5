/* jlforth AVR: what the shared C half needs to know about this chip. */
#ifndef JLF_ARCH_H
#define JLF_ARCH_H
#include <avr/pgmspace.h>

/* kernel words the compiler refers to (labels in prims.S / cwords.inc)     */
extern const uint8_t compilecomma[], pdoes[], psquote[], pdotquote[],
    pabortq[], pmarker[], pdo[], pqdo[], qrp[], plus[], minus[], and[], or[],
    fetch[], cfetch[], store[], cstore[];
#define XT(label)      ((uint16_t)(label) | 0x8000)
#define KERNEL_BYTE(a) pgm_read_byte((a) & 0x7FFF)      /* a unified address */
#define KERNEL_WORD(a) pgm_read_word((a) & 0x7FFF)
extern uint16_t cache_page;                       /* platform.c          */
#define DIRECT_OK(a)   ((((a) & 0x7F80)) != cache_page)  /* not in the cache */

/* the dictionary starts at the first flash page after the kernel          */
extern const uint8_t __data_load_end[], __bss_end[], kernel_latest_hdr[];
#define DICT_START     ((((uint16_t)__data_load_end + 127) & ~127) | 0x8000)
#define DICT_END       (0x7E00 | 0x8000)
#define KERNEL_LATEST  (pgm_read_word(kernel_latest_hdr) | 0x8000)
#define RAM_START      ((uint16_t)__bss_end)

/* streamed lines: boot.S's receive interrupt stores them in the TIB       */
#define ARCH_STREAM    1
#endif
