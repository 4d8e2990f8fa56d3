#include "lib.h"
/* User mode (MSR[PR]=1) entered with rfi: privileged instructions trap, a supervisor-only page faults, sc returns
 * to the kernel. */
static volatile int progs, scs, dsis;
static volatile u32 srr1_prog, srr1_sc, esr_prog, esr_dsi, dear_dsi, srr1_dsi;
volatile u32 uval;
extern char back_in_kernel[];

static void on_exc(int ivor, struct frame *f)
{
    if (ivor == 6) {
        progs++;
        esr_prog = f->esr;
        srr1_prog = f->srr1;
        f->srr0 += 4;
        return;
    }
    if (ivor == 2) {
        dsis++;
        esr_dsi = f->esr;
        dear_dsi = f->dear;
        srr1_dsi = f->srr1;
        f->srr0 += 4;
        return;
    }
    if (ivor == 8) {
        scs++;
        srr1_sc = f->srr1;
        f->srr0 = (u32)back_in_kernel;
        f->srr1 = 0;
        return;
    }
    puts("unexpected ivor ");
    putdec(ivor);
    putnl();
    poweroff();
}

__asm__(
    "	.text\n"
    "	.globl user_entry\n"
    "user_entry:\n"
    "	li r5,7\n"
    "	mulli r5,r5,6\n"
    "	lis r6,uval@ha\n"
    "	stw r5,uval@l(r6)\n"
    "	mfmsr r7\n"              /* privileged: program interrupt (PPR) */
    "	mfspr r7,272\n"          /* SPRG0: privileged */
    "	lis r8,0xe000\n"
    "	lbz r9,0x4505(r8)\n"     /* UART LSR through a supervisor-only mapping: DSI */
    "	stb r9,0x4507(r8)\n"     /* and a store: DSI with ESR[ST] */
    "	mfspr r7,256\n"          /* USPRG0 is user-readable */
    "	sc\n");

int main(void)
{
    exc_hook = on_exc;
    mtspr(256, 0x600dcafe);
    __asm__ volatile("lis r3,user_entry@ha\n\taddi r3,r3,user_entry@l\n\tmtsrr0 r3\n\tli r3,0x4000\n\tmtsrr1 r3\n\trfi\n"
                     ".globl back_in_kernel\nback_in_kernel:"
                     ::: "r3", "r5", "r6", "r7", "r8", "r9", "cr0", "memory");
    puts("uval=");
    putdec(uval);
    puts(" progs=");
    putdec(progs);
    puts(" esr=");
    puthex(esr_prog);
    puts(" srr1=");
    puthex(srr1_prog);
    putnl();
    puts("dsis=");
    putdec(dsis);
    puts(" esr=");
    puthex(esr_dsi);
    puts(" dear=");
    puthex(dear_dsi);
    puts(" srr1=");
    puthex(srr1_dsi);
    putnl();
    puts("scs=");
    putdec(scs);
    puts(" srr1=");
    puthex(srr1_sc);
    u32 msr;
    __asm__ volatile("mfmsr %0" : "=r"(msr));
    puts(" msr-now=");
    puthex(msr);
    putnl();
    puts("usermode done\n");
    return 0;
}
