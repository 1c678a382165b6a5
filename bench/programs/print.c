#include "bench.h"
volatile int16_t top = 100;
BENCH void work(int16_t m)
{
    for (int16_t i = 1; i <= m; i++) {
        rt_print_i32(i);
        if (i < m)
            rt_putc(' ');
    }
}
int main(void)
{
    rt_init();
    int16_t m = top;
    MARK(1);
    work(m);
    MARK(2);
    rt_done();
}
