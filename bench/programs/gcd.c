#include "bench.h"
volatile int16_t na = 100, nb = 50;
BENCH int16_t gcd(int16_t a, int16_t b)
{
    while (b != 0) {
        int16_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}
BENCH int16_t work(int16_t ma, int16_t mb)
{
    int16_t s = 0;
    for (int16_t a = 1; a <= ma; a++)
        for (int16_t b = 1; b <= mb; b++)
            s += gcd(a, b);
    return s;
}
int main(void)
{
    rt_init();
    int16_t a = na, b = nb;
    MARK(1);
    int16_t s = work(a, b);
    MARK(2);
    rt_print_i32(s);
    rt_done();
}
