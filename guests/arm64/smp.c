/* SMP start-up: 4 CPUs started by PSCI CPU_ON increment a shared counter with LDXR/STXR; -smp 4 */
#include "gic.h"

#define NCPU 4
#define ITER 20000

static volatile u64 counter;
static volatile u64 done;
static volatile u64 started;
static volatile u64 mpidrs[NCPU];

static void work(u64 idx)
{
    mpidrs[idx] = READ_SYSREG(mpidr_el1);
    atomic_add(&started, 1);
    while (atomic_read(&started) < NCPU)
        ; /* start together so that the increments really race */
    for (int i = 0; i < ITER; i++)
        atomic_add(&counter, 1);
    atomic_add(&done, 1);
}

void secondary_main(u64 idx)
{
    work(idx);
    psci_call(PSCI_CPU_OFF, 0, 0, 0);
}

int main(void)
{
    puts("smp\n");
    for (u64 c = 1; c < NCPU; c++)
        check("cpu_on", psci_call(PSCI_CPU_ON, c, (u64)secondary_entry, c), 0);
    work(0);
    while (atomic_read(&done) < NCPU)
        ;
    check("counter", counter, (u64)NCPU * ITER);
    for (u64 c = 0; c < NCPU; c++) {
        puts("cpu ");
        put_dec(c);
        puts(" mpidr=0x");
        put_hex(mpidrs[c]);
        putc('\n');
    }
    for (u64 c = 1; c < NCPU; c++)
        while (psci_call(PSCI_AFFINITY, c, 0, 0) != 1)
            ;
    puts("all secondaries off\n");
    puts(failures ? "smp FAILED\n" : "smp passed\n");
    return 0;
}
