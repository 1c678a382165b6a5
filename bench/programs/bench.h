/* Shared by the C twins: the chip's runtime, and BENCH, which marks the
 * benchmark's own functions: their sizes (from the ELF symbols) are the
 * code compared with jlforth's, apart from the runtime and main.       */
#if defined(__AVR__)
#include "../native/avr_rt.h"
#else
#include "../native/msp430_rt.h"
#endif
#define BENCH __attribute__((noinline))
