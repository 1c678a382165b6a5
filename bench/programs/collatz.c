#include "bench.h"
volatile int16_t top = 300;
BENCH int16_t steps(int16_t n)
{
    int16_t k = 0;
    while (n != 1) {
        n = n & 1 ? 3 * n + 1 : n >> 1;
        k++;
    }
    return k;
}
BENCH int16_t work(int16_t m)
{
    int16_t s = 0;
    for (int16_t n = 1; n <= m; n++)
        s += steps(n);
    return s;
}
int main(void)
{
    rt_init();
    int16_t m = top;
    MARK(1);
    int16_t s = work(m);
    MARK(2);
    rt_print_i32(s);
    rt_done();
}
