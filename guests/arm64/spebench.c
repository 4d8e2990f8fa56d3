/* SPE benchmark workload: the crc32 guest's table-driven CRC-32 over 1 MiB, 8 rounds, profiled by SPE at interval
 * 1024 when the VM has SPE (ID_AA64DFR0_EL1.PMSVer != 0), as perf record would: a 64 KiB buffer, and on PMBIRQ the
 * handler counts the buffer-full event, rewinds PMBPTR and clears PMBSR. Without SPE the same work runs unprofiled,
 * so SpeBenchmark compares the two VM configurations on one ELF. -smp 1 */
#include "gic.h"

#define SIZE     (1u << 20)
#define ROUNDS   8
#define BUF_SIZE (64u * 1024)
#define PMBIRQ   21

#define PMSCR_EL1     S3_0_C9_C9_0
#define PMSIRR_EL1    S3_0_C9_C9_3
#define PMBLIMITR_EL1 S3_0_C9_C10_0
#define PMBPTR_EL1    S3_0_C9_C10_1
#define PMBSR_EL1     S3_0_C9_C10_3
#define RD(r) READ_SYSREG(r)
#define WR(r, v) WRITE_SYSREG(r, v)

static u32 table[256];
static u8 data[SIZE];
static u8 buf[BUF_SIZE] __attribute__((aligned(4096)));
static volatile u64 fills;

void exception_entry(u64 index, struct frame *f)
{
    (void)f;
    if (index != 5) {
        puts("unexpected vector ");
        put_dec(index);
        putc('\n');
        poweroff();
    }
    u64 id = gic_ack();
    if (id == PMBIRQ) {
        fills++;
        WR(PMBPTR_EL1, (u64)buf);
        WR(PMBSR_EL1, 0);
    }
    if (id != 1023)
        gic_eoi(id);
}

static u32 crc32(const u8 *p, u32 n, u32 crc)
{
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

int main(void)
{
    puts("spebench\n");
    u64 spe = (READ_SYSREG(id_aa64dfr0_el1) >> 32) & 0xF;
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
    if (spe) {
        gicd_init();
        gic_cpu_init();
        gic_enable_ppi(PMBIRQ);
        memset(buf, 0, sizeof buf);
        WR(PMBPTR_EL1, (u64)buf);
        WR(PMBLIMITR_EL1, ((u64)buf + BUF_SIZE) | 1);
        WR(PMSIRR_EL1, 1024 << 8);
        irq_enable();
        WR(PMSCR_EL1, (1 << 1) | (1 << 4) | (1 << 5)); /* E1SPE, PA, TS */
        __asm__ volatile("isb");
    }
    u32 crc = 0;
    for (int r = 0; r < ROUNDS; r++)
        crc = crc32(data, SIZE, crc);
    if (spe) {
        WR(PMSCR_EL1, 0);
        __asm__ volatile("isb; hint #0x11; dsb nsh" ::: "memory");
        irq_disable();
        puts("fills="); put_dec(fills); puts(" tail="); put_dec(RD(PMBPTR_EL1) - (u64)buf); putc('\n');
    }
    puts("crc=0x"); put_hex32(crc); putc('\n');
    return 0;
}
