#include "guest.h"
/* Long-running checksum guest for hot-swap tests: CRC-32 rounds over a buffer, a PSCI call (an exit to the
 * hypervisor) every round, console MMIO every eighth round. Output is deterministic and short enough to compare. */
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
    u32 crc = 0xFFFFFFFFu;
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < 4096; i++)
            buf[i] = (unsigned char)(i * 31 + round);
        for (int i = 0; i < 4096; i++)
            crc = table[(crc ^ buf[i]) & 0xFF] ^ (crc >> 8);
        crc ^= (u32)psci_call(0x84000000UL, 0, 0, 0);
        if ((round & 7) == 7) {
            put_hex32(crc);
            putc('\n');
        }
    }
    puts("swapload done\n");
    return 0;
}
