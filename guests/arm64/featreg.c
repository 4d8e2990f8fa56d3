#include "guest.h"
/* A feature's system register (the test-only testfeature bundle gives arm64 vCPUs TEST_FEAT_EL1 at the IMPLEMENTATION
 * DEFINED encoding S3_0_C15_C0_0): checksum rounds as in swapload, and every round the register must still hold what
 * the previous round wrote, also across updates of the feature's bundle. Not for QEMU (the encoding is UNDEFINED on
 * its cortex-a57): the golden file is Polyvisor's uninterrupted run, and it must say lost=0. */
#define ROUNDS 12000

static u32 table[256];
static unsigned char buf[4096];

static inline u64 feat_read(void)
{
    u64 v;
    __asm__ volatile("mrs %0, s3_0_c15_c0_0" : "=r"(v));
    return v;
}

static inline void feat_write(u64 v)
{
    __asm__ volatile("msr s3_0_c15_c0_0, %0" : : "r"(v));
}

int main(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    put_kv("initial", feat_read());
    u32 crc = 0xFFFFFFFFu, lost = 0;
    u64 want = 0x5EED000000000001ULL;
    feat_write(want);
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < 4096; i++)
            buf[i] = (unsigned char)(i * 31 + round);
        for (int i = 0; i < 4096; i++)
            crc = table[(crc ^ buf[i]) & 0xFF] ^ (crc >> 8);
        u64 got = feat_read();
        if (got != want)
            lost++;
        crc ^= (u32)got ^ (u32)(got >> 32);
        want = ((u64)crc << 32) | (u32)(round * 2654435761u);
        feat_write(want);
        if ((round & 15) == 15) {
            put_hex32(crc);
            putc('\n');
        }
    }
    put_kv("lost", lost);
    puts("featreg done\n");
    return 0;
}
