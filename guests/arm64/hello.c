#include "guest.h"

int main(void)
{
    puts("Hello from AArch64!\n");
    put_kv("CurrentEL", READ_SYSREG(CurrentEL));
    put_kv("psci_version", psci_call(0x84000000UL, 0, 0, 0));
    put_kv("psci_features(SYSTEM_OFF)", psci_call(0x8400000AUL, 0x84000008UL, 0, 0));
    put_kv("psci_unknown", psci_call(0x8400ffffUL, 0, 0, 0));
    put_kv("midr", READ_SYSREG(midr_el1));
    put_kv("mpidr", READ_SYSREG(mpidr_el1));
    put_kv("id_aa64mmfr0", READ_SYSREG(id_aa64mmfr0_el1));
    put_kv("id_aa64pfr0", READ_SYSREG(id_aa64pfr0_el1));
    put_kv("sctlr", READ_SYSREG(sctlr_el1));
    put_kv("daif", READ_SYSREG(daif));
    puts("bye\n");
    return 0;
}
