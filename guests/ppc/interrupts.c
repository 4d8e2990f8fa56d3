#include "lib.h"
static volatile int count[16];
static volatile u32 last_esr, last_srr0;

static void on_exc(int ivor, struct frame *f)
{
    count[ivor]++;
    last_esr = f->esr;
    last_srr0 = f->srr0;
    if (ivor == 8) {           /* sc: SRR0 already points past it; r3 gets a result */
        f->r3 = f->r3 * 2 + 1;
        return;
    }
    if (ivor == 6) {           /* program: skip the faulting instruction */
        f->srr0 += 4;
        return;
    }
    puts("unexpected ivor ");
    putdec(ivor);
    putnl();
    poweroff();
}

extern char illegal_at[], sc_at[];

int main(void)
{
    exc_hook = on_exc;
    u32 r;
    __asm__ volatile("li r3,20\n\t.globl sc_at\nsc_at:\tsc\n\tmr %0,r3" : "=r"(r) : : "r3", "memory");
    puts("sc r3=");
    putdec(r);
    puts(" count=");
    putdec(count[8]);
    puts(" srr0-ok=");
    putdec(last_srr0 == (u32)sc_at + 4);
    putnl();
    __asm__ volatile(".globl illegal_at\nillegal_at:\t.long 0x00000000" ::: "memory");
    puts("illegal count=");
    putdec(count[6]);
    puts(" esr=");
    puthex(last_esr);
    puts(" srr0-ok=");
    putdec(last_srr0 == (u32)illegal_at);
    putnl();
    __asm__ volatile(".long 0x7c0003e6" ::: "memory");   /* an undefined opcode-31 form */
    puts("illegal2 count=");
    putdec(count[6]);
    puts(" esr=");
    puthex(last_esr);
    putnl();
    /* user-mode privileged instruction: drop to PR=1 with rfi, mfmsr there traps */
    u32 msr;
    __asm__ volatile("mfmsr %0" : "=r"(msr));
    puts("msr=");
    puthex(msr);
    putnl();
    /* trap instruction */
    __asm__ volatile("li r5,3\n\ttwi 4,r5,3" ::: "r5", "memory");
    puts("trap count=");
    putdec(count[6]);
    puts(" esr=");
    puthex(last_esr);
    putnl();
    /* wrteei / wrtee round trip */
    __asm__ volatile("wrteei 1\n\tmfmsr %0\n\twrteei 0" : "=r"(msr));
    puts("ee=");
    puthex(msr & 0x8000);
    putnl();
    puts("interrupts done\n");
    return 0;
}
