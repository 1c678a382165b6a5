/* Shared by the C twins: the chip's runtime, and BENCH, which puts the
 * benchmark's own functions in their own section so that their code size
 * can be measured apart from the runtime (and keeps them out of main). */
#if defined(__AVR__)
#include "../native/avr_rt.h"
#else
#include "../native/msp430_rt.h"
#endif
#define BENCH __attribute__((noinline, section(".text.bench")))
