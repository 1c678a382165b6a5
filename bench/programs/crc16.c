#include "bench.h"
volatile uint16_t len = 256;
uint8_t data[256];
BENCH uint16_t crc16(const uint8_t *b, uint16_t n)
{
    uint16_t crc = 0;
    for (uint16_t i = 0; i < n; i++) {
        crc ^= (uint16_t)b[i] << 8;
        for (uint8_t k = 0; k < 8; k++)
            crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    }
    return crc;
}
int main(void)
{
    rt_init();
    uint16_t n = len;
    for (uint16_t i = 0; i < n; i++)
        data[i] = i;
    MARK(1);
    uint16_t c = crc16(data, n);
    MARK(2);
    rt_print_u32(c);
    rt_done();
}
