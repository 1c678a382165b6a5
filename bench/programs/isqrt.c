#include "bench.h"
volatile uint16_t top = 1000;
BENCH uint16_t isqrt(uint16_t n)        /* bitwise: one result bit per step */
{
    uint16_t r = 0, bit = 1u << 14;
    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (n >= r + bit) {
            n -= r + bit;
            r = (r >> 1) + bit;
        } else
            r >>= 1;
        bit >>= 2;
    }
    return r;
}
BENCH uint16_t work(uint16_t m)
{
    uint16_t s = 0;
    for (uint16_t n = 1; n <= m; n++)
        s += isqrt(n);
    return s;
}
int main(void)
{
    rt_init();
    uint16_t m = top;
    MARK(1);
    uint16_t s = work(m);
    MARK(2);
    rt_print_u32(s);
    rt_done();
}
