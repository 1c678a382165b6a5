/* jlforth MSP430G2553: the dictionary read by the shared C half.  One flat
 * address space and no write cache: a plain read, which LTO inlines into
 * the C half (so mem_cfetch's two cases fold into one).                    */
#include "forth.h"

uint8_t dict_cfetch(ucell a) { return *(const uint8_t *)a; }
ucell dict_fetch(ucell a) { return *(const ucell *)a; }
