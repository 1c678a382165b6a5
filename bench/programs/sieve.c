#include "bench.h"
volatile uint16_t limit = 2000;
uint8_t bits[250];
BENCH uint16_t sieve(uint16_t n)
{
    for (uint16_t i = 0; i < 250; i++)
        bits[i] = 0;
    for (uint16_t i = 2; i * i < n; i++)
        if (!(bits[i >> 3] & (1 << (i & 7))))
            for (uint16_t j = i * i; j < n; j += i)
                bits[j >> 3] |= 1 << (j & 7);
    uint16_t count = 0;
    for (uint16_t i = 2; i < n; i++)
        if (!(bits[i >> 3] & (1 << (i & 7))))
            count++;
    return count;
}
int main(void)
{
    rt_init();
    uint16_t n = limit;
    MARK(1);
    uint16_t c = sieve(n);
    MARK(2);
    rt_print_u32(c);
    rt_done();
}
