#include "lib.h"
/* Long-running checksum guest for hot-swap tests: CRC-32 rounds over a buffer, a hypervisor-privileged tlbsx (an
 * exit to the hypervisor under Polyvisor) every round, console MMIO every eighth round. */
#define ROUNDS 6000
static u32 table[256];
static unsigned char buf[4096];

int main(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    mtspr(630, 0);
    u32 crc = 0xFFFFFFFFu;
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < 4096; i++)
            buf[i] = (unsigned char)(i * 31 + round);
        for (int i = 0; i < 4096; i++)
            crc = table[(crc ^ buf[i]) & 0xFF] ^ (crc >> 8);
        __asm__ volatile("tlbsx 0,%0" : : "r"(0x100000) : "memory");
        crc ^= mfspr(625); /* MAS1 of the hit: the same on QEMU and Polyvisor */
        if ((round & 7) == 7) {
            puthex(crc);
            putnl();
        }
    }
    puts("swapload done\n");
    putnl();
    return 0;
}
