#include "lib.h"
/* A loop of hypervisor-privileged instructions (tlbsx traps to the hypervisor under Polyvisor): the last-instruction
 * benchmark. The count is read from a symbol the host may patch. */
volatile u32 hv_iterations = 20000;
int main(void)
{
    mtspr(630, 0);
    u32 n = hv_iterations;
    for (u32 i = 0; i < n; i++)
        __asm__ volatile("tlbsx 0,%0" : : "r"(0x100000 + (i & 0xff) * 4) : "memory");
    puts("hvloop ");
    putdec(n);
    puts(" mas1=");
    puthex(mfspr(625));
    putnl();
    return 0;
}
