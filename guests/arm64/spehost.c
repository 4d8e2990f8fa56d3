/* Guest memory under a profiling nVHE host: fills the page at 0x40300000 (the virtual address the test's host
 * profiling buffer uses; the guest runs with its MMU off, so that VA is guest RAM through the guest's regime) with a
 * pattern, makes 200 hypercalls (200 world switches, each entering the guest with the host's SPE state as KVM left
 * it), and checks the page. With KVM's host SPE save in place the page is intact; without it, or with the save done
 * after the guest's EL1 regime is loaded, the host's SPE records land in it. -smp 1 */
#include "guest.h"

#define PAGE   ((volatile u8 *)0x40300000UL)
#define ROUNDS 200

int main(void)
{
    puts("spehost\n");
    for (int i = 0; i < 4096; i++)
        PAGE[i] = 0xA5;
    for (int i = 0; i < ROUNDS; i++)
        psci_call(0x84000000UL, 0, 0, 0); /* PSCI_VERSION: one exit to the hypervisor and back */
    int first = -1;
    u64 changed = 0;
    for (int i = 0; i < 4096; i++) {
        if (PAGE[i] != 0xA5) {
            changed++;
            if (first < 0)
                first = i;
        }
    }
    if (changed) {
        puts("guest memory corrupted: "); put_dec(changed); puts(" bytes from offset "); put_dec(first);
        puts(", first bytes 0x"); put_hex32(*(volatile u32 *)(PAGE + first)); putc('\n');
    } else {
        puts("guest memory intact\n");
    }
    return 0;
}
