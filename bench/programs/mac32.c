#include "bench.h"
volatile int16_t last = 499;
BENCH int32_t mac(int16_t m)
{
    int32_t s = 0;
    for (int16_t i = 0; i <= m; i++)
        s += (int32_t)i * (int32_t)(i + 7);
    return s;
}
int main(void)
{
    rt_init();
    int16_t m = last;
    MARK(1);
    int32_t s = mac(m);
    MARK(2);
    rt_print_i32(s);
    rt_done();
}
