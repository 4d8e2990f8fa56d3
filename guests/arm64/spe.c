/* Statistical Profiling Extension at EL1 with the guest's own buffer (feature-spe): program the unit as Linux's
 * arm_spe_pmu does (PMBPTR, PMBLIMITR.E, PMSIRR, PMSFCR, PMSCR), run a load/store workload until PMBIRQ (PPI 21)
 * says the buffer is full, then decode every record and check it against the ARM ARM and this program:
 *  - PMBSR_EL1: S = 1, EC = 0 (buffer management), BSC = 1 (buffer full); PMBPTR + max record size > limit;
 *  - the buffer holds whole records only: every byte up to PMBPTR decodes as SPE packets, each record ends with End;
 *  - each record starts with a PC address packet at EL1 inside this program's code;
 *  - load/store records carry a data VA inside the workload's array (or the flag the loop polls), a PA equal to the VA
 *    (MMU off, identity stage 2) and the ST bit matching the instruction at the PC (STR vs LDR encodings);
 *  - CONTEXTIDR_EL1 (PMSCR.CX) is in every record.
 * Needs feature-spe: PMSIDR_EL1 must read with MaxSize 6 (64-byte records). -smp 1 */
#include "gic.h"

#define BUF_SIZE   8192
#define PMBIRQ     21
#define CONTEXT    0x5e5e

#define PMSCR_EL1     S3_0_C9_C9_0
#define PMSICR_EL1    S3_0_C9_C9_2
#define PMSIRR_EL1    S3_0_C9_C9_3
#define PMSFCR_EL1    S3_0_C9_C9_4
#define PMSIDR_EL1    S3_0_C9_C9_7
#define PMBLIMITR_EL1 S3_0_C9_C10_0
#define PMBPTR_EL1    S3_0_C9_C10_1
#define PMBSR_EL1     S3_0_C9_C10_3
#define PMBIDR_EL1    S3_0_C9_C10_7

/* One more expansion level, so that the S3_... encodings above (not the SPE names, which need +spe) are stringified. */
#define RD(r) READ_SYSREG(r)
#define WR(r, v) WRITE_SYSREG(r, v)

static u8 buf[BUF_SIZE] __attribute__((aligned(4096)));
static volatile u64 array[512];
static volatile u64 irqs;
static volatile u64 pmbsr;
static volatile u64 pmbptr;
extern char _start[];
extern char __bss_start[];

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
        WR(PMSCR_EL1, 0);            /* stop sampling, then drain (psb csync; dsb) */
        __asm__ volatile("isb; hint #0x11; dsb nsh" ::: "memory");
        pmbsr = RD(PMBSR_EL1);
        pmbptr = RD(PMBPTR_EL1);
        WR(PMBLIMITR_EL1, 0);
        WR(PMBSR_EL1, 0);             /* leaves the service state: PMBIRQ drops */
        irqs++;
    }
    if (id != 1023)
        gic_eoi(id);
}

static u64 le(const u8 *p, int n)
{
    u64 v = 0;
    for (int i = 0; i < n; i++)
        v |= (u64)p[i] << (8 * i);
    return v;
}

/* An A64 load/store to a general-purpose register at pc: the ST bit must match (opc/L bit 22 clear = store). */
static int is_store_insn(u64 pc)
{
    u32 w = *(const u32 *)pc;
    return (w & (1u << 22)) == 0;
}

int main(void)
{
    puts("spe\n");
    u64 idr = RD(PMSIDR_EL1);
    check("pmsidr_maxsize", (idr >> 12) & 0xF, 6);
    check("pmbidr_p", (RD(PMBIDR_EL1) >> 4) & 1, 0);
    gicd_init();
    gic_cpu_init();
    gic_enable_ppi(PMBIRQ);
    memset(buf, 0, sizeof buf);
    WRITE_SYSREG(contextidr_el1, CONTEXT);

    u64 base = (u64)buf;
    u64 limit = base + BUF_SIZE;
    WR(PMBPTR_EL1, base);
    WR(PMBLIMITR_EL1, limit | 1);      /* LIMIT, FM = fill, E */
    WR(PMSFCR_EL1, 0);
    WR(PMSICR_EL1, 0);
    WR(PMSIRR_EL1, 1024 << 8);          /* every 1024th operation */
    __asm__ volatile("isb");
    irq_enable();
    WR(PMSCR_EL1, (1 << 1) | (1 << 3) | (1 << 4)); /* E1SPE, CX, PA */
    __asm__ volatile("isb");
    u64 rounds = 0;
    while (!irqs && rounds < 100000) {
        for (int i = 0; i < 512; i++)
            array[i] = array[(i * 7) & 511] + (u64)i;
        rounds++;
    }
    irq_disable();
    check("pmbirq_taken", irqs, 1);
    check("pmbsr_s", (pmbsr >> 17) & 1, 1);
    check("pmbsr_ec", (pmbsr >> 26) & 0x3F, 0);
    check("pmbsr_bsc_full", pmbsr & 0x3F, 1);
    check("pmbptr_in_buffer", pmbptr >= base && pmbptr <= limit, 1);
    check("full_means_no_room", pmbptr + 64 > limit, 1);

    u64 records = 0, ldst = 0, bad = 0, st_ok = 0;
    u64 text0 = (u64)_start, text1 = (u64)__bss_start;
    const u8 *p = buf, *end = (const u8 *)pmbptr;
    while (p < end) {
        u64 pc = ~0UL, va = ~0UL, pa = ~0UL, ctx = ~0UL;
        int cls = -1, st = 0, done = 0;
        while (!done && p < end) {
            u8 h = *p++;
            if (h == 0x01) {                                   /* End */
                done = 1;
            } else if (h == 0x71) {                            /* Timestamp: ends a record too */
                p += 8;
                done = 1;
            } else if ((h & 0xCF) == 0x42) {                   /* Events */
                p += 1 << ((h >> 4) & 3);
            } else if ((h & 0xFC) == 0x48) {                   /* Operation type */
                cls = h & 3;
                st = *p & 1;
                p++;
            } else if ((h & 0xF8) == 0xB0) {                   /* Address */
                u64 v = le(p, 8);
                p += 8;
                if ((h & 7) == 0) {
                    pc = v & 0x00FFFFFFFFFFFFFFUL;
                    if (((v >> 61) & 3) != 1)
                        bad++;
                } else if ((h & 7) == 2) {
                    va = v;
                } else if ((h & 7) == 3) {
                    pa = v & 0x00FFFFFFFFFFFFFFUL;
                }
            } else if ((h & 0xF8) == 0x98) {                   /* Counter */
                p += 2;
            } else if ((h & 0xFC) == 0x64) {                   /* Context */
                ctx = le(p, 4);
                p += 4;
            } else {
                put_kv("bad_header_at", (u64)(p - 1 - buf));
                bad++;
                p = end;
            }
        }
        records++;
        if (pc < text0 || pc >= text1 || ctx != CONTEXT || !done)
            bad++;
        if (cls == 1) {
            ldst++;
            int in_array = va >= (u64)array && va < (u64)array + sizeof array;
            int is_flag = va == (u64)&irqs;
            if ((!in_array && !is_flag) || pa != va)
                bad++;
            if (st == is_store_insn(pc))
                st_ok++;
        }
    }
    check("records_nonempty", records > 32, 1);
    check("loadstore_records", ldst > 0, 1);
    check("store_bit_matches_insn", st_ok, ldst);
    check("bad_records", bad, 0);
    puts(failures ? "spe FAILED\n" : "spe passed\n");
    return 0;
}
