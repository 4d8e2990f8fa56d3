#include "lib.h"
/* Runs code from a page mapped execute-only (SX, no SR): a hypervisor-privileged instruction there (tlbsx under
 * Polyvisor) needs the last instruction; lwepx cannot read it, a TLB search can. */
static u32 code[1024] __attribute__((aligned(4096)));
static volatile int programs;
static volatile u32 pesr;
static void on_exc(int ivor, struct frame *f)
{
    if (ivor == 6) {
        programs++;
        pesr = f->esr;
        f->srr0 = f->lr;               /* return from the stub */
        return;
    }
    puts("unexpected ivor ");
    putdec(ivor);
    putnl();
    poweroff();
}

int main(void)
{
    exc_hook = on_exc;
    /* stub: tlbsx 0,r3 ; mfspr r3,MAS1 ; blr */
    code[0] = 0x7c001f24;
    code[1] = 0x7c719aa6;             /* mfspr r3,625 */
    code[2] = 0x4e800020;
    __asm__ volatile("dcbst 0,%0\n\tsync\n\ticbi 0,%0\n\tisync" : : "r"(code) : "memory");
    mtspr(624, 0x10060000);
    mtspr(625, 0x80000100);
    mtspr(626, 0x70000000);
    mtspr(627, (u32)code | 0x10);       /* SX only */
    mtspr(944, 0);
    __asm__ volatile("isync\n\ttlbwe\n\tisync" ::: "memory");
    mtspr(630, 0);
    u32 (*stub)(u32) = (u32 (*)(u32))0x70000000;
    u32 r = stub(0x70000000);
    puts("xonly mas1=");
    puthex(r);
    puts(" programs=");
    putdec(programs);
    puts(" esr=");
    puthex(pesr);
    putnl();
    puts("xonly done\n");
    return 0;
}
