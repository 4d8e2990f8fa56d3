/* Exit round-trip benchmark (not a test, no golden file): N PSCI_VERSION calls through hvc #0, timed by the guest
 * with CNTVCT (62.5 MHz on QEMU virt and Polyvisor). Prints the calls and the elapsed counter ticks. */
#include "guest.h"

#define CALLS 2000000UL

int main(void)
{
    u64 t0 = READ_SYSREG(cntvct_el0);
    for (u64 i = 0; i < CALLS; i++) {
        register u64 x0 __asm__("x0") = 0x84000000UL;
        __asm__ volatile("hvc #0" : "+r"(x0) :: "memory", "x1", "x2", "x3");
    }
    u64 t1 = READ_SYSREG(cntvct_el0);
    puts("hvc_calls=");
    put_dec(CALLS);
    puts(" ticks=");
    put_dec(t1 - t0);
    putc('\n');
    return 0;
}
