#include "lib.h"
/* SPRs a feature bundle contributes (org.polyvisor.ppc.spi): 720 (0x2D0, privileged number: bit 0x10 set) read and
 * written in supervisor state, 705 (0x2C1, user-readable number) read in supervisor and user state and written in
 * both; user state also tries 720. The core does not implement either number: without the feature every access is
 * an illegal-instruction program interrupt (ESR[PIL]) that the guest counts and skips; with it, the hypervisor layer
 * emulates the moves and refuses what the access rules forbid (ESR[PPR] from user state). */
static volatile int progs;
static volatile u32 esrs[8];
extern char feat_back_in_kernel[];
volatile u32 user_705, user_720;
/* Rounds of the read-increment-write loop on 720 (featsprlong: enough for bundle swaps while it runs; tests may
 * also patch the symbol). */
#ifndef FEAT_ROUNDS
#define FEAT_ROUNDS 1000
#endif
volatile u32 feat_rounds = FEAT_ROUNDS;

static void on_exc(int ivor, struct frame *f)
{
    if (ivor == 6) {
        if (progs < 8) {
            esrs[progs] = f->esr;
        }
        progs++;
        f->srr0 += 4;
        return;
    }
    if (ivor == 8) {
        f->srr0 = (u32)feat_back_in_kernel;
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
    "	.globl feat_user_entry\n"
    "feat_user_entry:\n"
    "	lis r5,0x5555\n"
    "	mr r6,r5\n"
    "	mfspr r5,705\n"          /* user-readable */
    "	lis r7,0x1111\n"
    "	mtspr 705,r7\n"          /* supervisor-only write: PPR with the feature */
    "	mfspr r6,720\n"          /* privileged SPR number: PPR with the feature */
    "	lis r8,user_705@ha\n"
    "	stw r5,user_705@l(r8)\n"
    "	lis r8,user_720@ha\n"
    "	stw r6,user_720@l(r8)\n"
    "	sc\n");

static void report(const char *what, u32 v, int before)
{
    puts(what);
    puthex(v);
    puts(" progs=");
    putdec(progs - before);
    if (progs > before && before < 8) {
        puts(" esr=");
        puthex(esrs[before]);
    }
    putnl();
}

int main(void)
{
    exc_hook = on_exc;
    u32 v;
    int p = progs;
    v = 0xdeadbeef;
    __asm__ volatile("mfspr %0,705" : "+r"(v));
    report("705 reset=", v, p);

    p = progs;
    mtspr(720, 0x1234abcd);
    v = 0xdeadbeef;
    __asm__ volatile("mfspr %0,720" : "+r"(v));
    report("720 after mtspr=", v, p);

    p = progs;
    mtspr(705, 0xcafe0042);
    v = 0xdeadbeef;
    __asm__ volatile("mfspr %0,705" : "+r"(v));
    report("705 after mtspr=", v, p);

    p = progs;
    __asm__ volatile("lis r3,feat_user_entry@ha\n\taddi r3,r3,feat_user_entry@l\n\tmtsrr0 r3\n\tli r3,0x4000\n\t"
                     "mtsrr1 r3\n\trfi\n.globl feat_back_in_kernel\nfeat_back_in_kernel:"
                     ::: "r3", "r5", "r6", "r7", "r8", "cr0", "memory");
    puts("user 705=");
    puthex(user_705);
    puts(" 720=");
    puthex(user_720);
    puts(" progs=");
    putdec(progs - p);
    for (int i = p; i < progs && i < 8; i++) {
        puts(" esr=");
        puthex(esrs[i]);
    }
    putnl();
    v = 0xdeadbeef;
    __asm__ volatile("mfspr %0,705" : "+r"(v));
    puts("705 at end=");
    puthex(v);
    putnl();
    puts("loop\n");
    mtspr(720, 0);
    p = progs;
    for (u32 i = 0; i < feat_rounds; i++) {
        v = 0;
        __asm__ volatile("mfspr %0,720" : "+r"(v));
        v++;
        mtspr(720, v);
    }
    v = 0xdeadbeef;
    __asm__ volatile("mfspr %0,720" : "+r"(v));
    puts("720 after loop=");
    puthex(v);
    puts(" progs=");
    putdec(progs - p);
    putnl();
    puts("featspr done\n");
    return 0;
}
