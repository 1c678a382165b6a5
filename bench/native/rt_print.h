/* Number printing for the C twins, on top of the chip's rt_putc (defined by
 * avr_rt.h or msp430_rt.h before including this).                      */
static void __attribute__((noinline)) rt_print_u32(uint32_t u)
{
    char buf[11];
    uint8_t n = 0;
    do {
        buf[n++] = '0' + u % 10;
        u /= 10;
    } while (u);
    while (n)
        rt_putc(buf[--n]);
}

static void __attribute__((noinline)) rt_print_i32(int32_t v)
{
    if (v < 0) {
        rt_putc('-');
        v = -v;
    }
    rt_print_u32(v);
}
