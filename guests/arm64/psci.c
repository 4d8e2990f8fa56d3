/* PSCI 1.1 through hvc: version, features, affinity info, CPU_ON / CPU_OFF of a secondary, error codes. -smp 2 */
#include "gic.h"

static volatile u64 secondary_ran;
static volatile u64 secondary_arg;

void secondary_main(u64 idx)
{
    secondary_arg = idx;
    secondary_ran = READ_SYSREG(mpidr_el1);
    __asm__ volatile("dsb sy" ::: "memory");
    psci_call(PSCI_CPU_OFF, 0, 0, 0);
    puts("cpu_off returned\n");
}

int main(void)
{
    puts("psci\n");
    check("version", psci_call(0x84000000UL, 0, 0, 0), 0x10001);
    check("features(CPU_ON)", psci_call(0x8400000AUL, PSCI_CPU_ON, 0, 0), 0);
    check("features(CPU_OFF)", psci_call(0x8400000AUL, PSCI_CPU_OFF, 0, 0), 0);
    check("features(AFFINITY_INFO)", psci_call(0x8400000AUL, PSCI_AFFINITY, 0, 0), 0);
    check("features(SYSTEM_OFF)", psci_call(0x8400000AUL, 0x84000008UL, 0, 0), 0);
    check("features(SYSTEM_RESET)", psci_call(0x8400000AUL, 0x84000009UL, 0, 0), 0);
    check("features(VERSION)", psci_call(0x8400000AUL, 0x84000000UL, 0, 0), 0);
    check("features(unknown)", psci_call(0x8400000AUL, 0x8400001FUL, 0, 0), (u64)-1);
    check("unknown_fn", psci_call(0x840000FFUL, 0, 0, 0), (u64)-1);
    check("unknown_vendor_fn", psci_call(0xC6000001UL, 0, 0, 0), (u64)-1);
    check("affinity(self)", psci_call(PSCI_AFFINITY, 0, 0, 0), 0);
    check("affinity(cpu1 off)", psci_call(PSCI_AFFINITY, 1, 0, 0), 1);
    check("affinity(no such cpu)", psci_call(PSCI_AFFINITY, 7, 0, 0), (u64)-2);
    check("cpu_on(self)", psci_call(PSCI_CPU_ON, 0, (u64)secondary_entry, 0), (u64)-4);
    check("cpu_on(no such cpu)", psci_call(PSCI_CPU_ON, 9, (u64)secondary_entry, 9), (u64)-2);
    check("cpu_on(cpu1)", psci_call(PSCI_CPU_ON, 1, (u64)secondary_entry, 1), 0);
    while (!secondary_ran)
        ;
    check("secondary_mpidr", secondary_ran, 0x80000001UL);
    check("secondary_context_id", secondary_arg, 1);
    u64 st;
    while ((st = psci_call(PSCI_AFFINITY, 1, 0, 0)) != 1)
        ;
    check("affinity(cpu1 off again)", st, 1);
    secondary_ran = 0;
    check("cpu_on(cpu1) again", psci_call(PSCI_CPU_ON, 1, (u64)secondary_entry, 1), 0);
    while (!secondary_ran)
        ;
    puts("secondary restarted\n");
    puts(failures ? "psci FAILED\n" : "psci passed\n");
    return 0;
}
