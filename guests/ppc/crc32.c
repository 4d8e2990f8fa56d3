#include "lib.h"
/* Table-driven CRC-32 over 1 MiB, repeated: the benchmark workload (integer loads, shifts, xors). */
static u32 table[256];
static unsigned char data[1 << 20];
/* Rounds over the buffer; a benchmark may patch this symbol for a longer run. */
volatile u32 crc_rounds = 8;

int main(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    u32 x = 12345;
    for (u32 i = 0; i < sizeof(data); i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (unsigned char)(x >> 16);
    }
    u32 total = 0;
    u32 rounds = crc_rounds;
    for (u32 round = 0; round < rounds; round++) {
        u32 crc = 0xffffffffu ^ round;
        for (u32 i = 0; i < sizeof(data); i++)
            crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
        crc ^= 0xffffffffu;
        total = total * 31 + crc;
        puts("crc ");
        putdec(round);
        puts(" ");
        puthex(crc);
        putnl();
    }
    puts("crc32 total ");
    puthex(total);
    putnl();
    return 0;
}
