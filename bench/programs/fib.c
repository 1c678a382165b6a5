#include "bench.h"
volatile int16_t arg = 20;
BENCH int16_t fib(int16_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int main(void)
{
    rt_init();
    int16_t n = arg;
    MARK(1);
    int16_t r = fib(n);
    MARK(2);
    rt_print_i32(r);
    rt_done();
}
