#include "guest.h"
/* PL031 real-time clock at QEMU virt's 0x09010000 (in Polyvisor: the device-pl031 bundle). Checksum rounds as in
 * swapload; every round reads back the device registers the previous round wrote, so a swap of the device bundle
 * that lost its state would show in the output. The clock is loaded with a fixed time at the start and must read
 * within ten minutes of it afterwards; only that verdict is printed, never the time itself. */
#define ROUNDS 12000
#define RTC 0x09010000UL
#define BASE_TIME 0x40000000u

static u32 table[256];
static unsigned char buf[4096];

/* Plain base-register accesses, as Linux's readl/writel: a post-indexed load has no valid syndrome (ISV=0),
 * which KVM cannot emulate */
static inline u32 rd(u32 off)
{
    u32 v;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(RTC + off) : "memory");
    return v;
}
static inline void wr(u32 off, u32 v)
{
    __asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(RTC + off) : "memory");
}

int main(void)
{
    puts("pl031 id");
    for (u32 i = 0; i < 8; i++) {
        putc(' ');
        put_hex32(rd(0xFE0 + 4 * i));
    }
    putc('\n');
    put_kv("cr", rd(0x0C));

    /* alarm now: MR equal to the counter raises RIS at once (retry if a second boundary fell in between) */
    u32 ris = 0;
    for (int tries = 0; tries < 5 && !ris; tries++) {
        wr(0x1C, 1);
        wr(0x08, BASE_TIME);
        wr(0x04, BASE_TIME);
        ris = rd(0x14);
    }
    put_kv("ris", ris);
    put_kv("mis masked", rd(0x18));
    wr(0x10, 1);
    put_kv("mis unmasked", rd(0x18));
    wr(0x1C, 1);
    put_kv("ris cleared", rd(0x14));
    wr(0x10, 0);

    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    u32 crc = 0xFFFFFFFFu, lost = 0, late = 0;
    u32 want_mr = 0xC0000000u, want_im = 0;
    wr(0x04, want_mr);
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < 4096; i++)
            buf[i] = (unsigned char)(i * 31 + round);
        for (int i = 0; i < 4096; i++)
            crc = table[(crc ^ buf[i]) & 0xFF] ^ (crc >> 8);
        /* what the previous round left in the device */
        if (rd(0x04) != want_mr || rd(0x10) != want_im || rd(0x08) != BASE_TIME)
            lost++;
        if (rd(0x00) - BASE_TIME > 600)
            late++;
        crc ^= rd(0x04) ^ rd(0x10) ^ rd(0x08) ^ rd(0x0C) ^ rd(0x14);
        /* an alarm two billion seconds away never fires during the run */
        want_mr = 0xC0000000u | (crc & 0xFFFF);
        want_im = crc & 1;
        wr(0x04, want_mr);
        wr(0x10, want_im);
        if ((round & 15) == 15) {
            put_hex32(crc);
            putc('\n');
        }
    }
    put_kv("lost", lost);
    put_kv("late", late);
    puts("rtcswap done\n");
    return 0;
}
