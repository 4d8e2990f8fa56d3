/* Long-running SMP guest for hot-swap tests (-smp 4, gic-version=3): 4 CPUs started by PSCI CPU_ON run CRC-32 rounds
 * with the virtual timer interrupting every millisecond (PPI 27 through the GIC), an hvc exit every round and a shared
 * LDXR/STXR counter. Only deterministic facts are printed: CPU 0's running CRC, each CPU's final CRC, the counter,
 * and whether every CPU took timer interrupts (their number depends on timing). */
#include "gic.h"

#define NCPU 4
#define ROUNDS 24000
#define BUF 1024

static u32 table[256];
static unsigned char bufs[NCPU][BUF];
static volatile u64 ticks[NCPU];
static volatile u64 crcs[NCPU];
static volatile u64 counter, started, done;
static u64 period;

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
    if (id == 27) {
        ticks[cpu_index()]++;
        WRITE_SYSREG(cntv_tval_el0, period);
        __asm__ volatile("isb");
    }
    if (id != 1023)
        gic_eoi(id);
}

static void timer_on(void)
{
    gic_cpu_init();
    gic_enable_ppi(27);
    WRITE_SYSREG(cntv_tval_el0, period);
    WRITE_SYSREG(cntv_ctl_el0, 1);
    irq_enable();
}

static void work(u64 c)
{
    timer_on();
    atomic_add(&started, 1);
    while (atomic_read(&started) < NCPU)
        ;
    u32 crc = 0xFFFFFFFFu;
    for (u32 round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < BUF; i++)
            bufs[c][i] = (unsigned char)(i * 31 + round + c);
        for (int i = 0; i < BUF; i++)
            crc = table[(crc ^ bufs[c][i]) & 0xFF] ^ (crc >> 8);
        crc ^= (u32)psci_call(0x84000000UL, 0, 0, 0);
        atomic_add(&counter, 1);
        if (c == 0 && (round % 800) == 799) {
            put_hex32(crc);
            putc('\n');
        }
    }
    irq_disable();
    WRITE_SYSREG(cntv_ctl_el0, 2);
    crcs[c] = crc;
    atomic_add(&done, 1);
}

void secondary_main(u64 idx)
{
    work(idx);
    psci_call(PSCI_CPU_OFF, 0, 0, 0);
}

int main(void)
{
    puts("swapsmp\n");
    for (u32 i = 0; i < 256; i++) {
        u32 v = i;
        for (int k = 0; k < 8; k++)
            v = (v & 1) ? 0xEDB88320u ^ (v >> 1) : v >> 1;
        table[i] = v;
    }
    period = READ_SYSREG(cntfrq_el0) / 1000;
    gicd_init();
    for (u64 c = 1; c < NCPU; c++)
        check("cpu_on", psci_call(PSCI_CPU_ON, c, (u64)secondary_entry, c), 0);
    work(0);
    while (atomic_read(&done) < NCPU)
        ;
    for (u64 c = 0; c < NCPU; c++) {
        puts("cpu ");
        put_dec(c);
        puts(" crc=");
        put_hex32((u32)crcs[c]);
        puts(ticks[c] > 0 ? " ticks=yes\n" : " ticks=NO\n");
    }
    check("counter", counter, (u64)NCPU * ROUNDS);
    for (u64 c = 1; c < NCPU; c++)
        while (psci_call(PSCI_AFFINITY, c, 0, 0) != 1)
            ;
    puts(failures ? "swapsmp FAILED\n" : "swapsmp passed\n");
    return 0;
}
