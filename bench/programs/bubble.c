#include "bench.h"
volatile int16_t count = 64;
int16_t v[64];
BENCH void bubble(int16_t *a, int16_t n)
{
    for (int16_t i = 0; i < n - 1; i++)
        for (int16_t j = 0; j < n - 1 - i; j++)
            if (a[j] > a[j + 1]) {
                int16_t t = a[j];
                a[j] = a[j + 1];
                a[j + 1] = t;
            }
}
int main(void)
{
    rt_init();
    int16_t n = count;
    uint32_t x = 1;
    for (int16_t i = 0; i < n; i++) {       /* ZX81: x <- (75x + 74) mod 65537 */
        x = (75 * x + 74) % 65537;
        v[i] = (int16_t)x;
    }
    MARK(1);
    bubble(v, n);
    MARK(2);
    int32_t s = 0;
    for (int16_t i = 0; i < n; i++)
        s += (int32_t)v[i] * i;
    rt_print_i32(s);
    rt_done();
}
