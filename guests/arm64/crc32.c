/* Benchmark workload: table-driven CRC-32 (IEEE, reflected) over a 1 MiB buffer, repeated ROUNDS times. */
#include "guest.h"

#define SIZE (1u << 20)
#define ROUNDS 4

static u32 table[256];
static u8 data[SIZE];

static u32 crc32(const u8 *p, u32 n, u32 crc)
{
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

int main(void)
{
    puts("crc32\n");
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
        table[i] = c;
    }
    u32 x = 12345;
    for (u32 i = 0; i < SIZE; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (u8)(x >> 16);
    }
    check("crc_123456789", crc32((const u8 *)"123456789", 9, 0), 0xcbf43926);
    u32 crc = 0;
    for (int r = 0; r < ROUNDS; r++) {
        crc = crc32(data, SIZE, crc);
        puts("round "); put_dec(r); puts(" crc=0x"); put_hex32(crc); putc('\n');
    }
    puts(failures ? "crc32 FAILED\n" : "crc32 passed\n");
    return 0;
}
