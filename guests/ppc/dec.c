#include "lib.h"
static volatile int ticks;
static void on_exc(int ivor, struct frame *f)
{
    if (ivor == 10) {
        ticks++;
        mtspr(336, 0x08000000);            /* TSR: clear DIS; the timer keeps running so a later wait wakes */
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
    mtspr(336, 0xffffffff);
    mtspr(54, 40000);                      /* DECAR: 100 us at 400 MHz */
    /* TCR before DEC: with DEC first, a DEC that expires before ARE is set stops for good (one-shot), and the
     * wait loop below would sleep forever. */
    mtspr(340, 0x04400000);                /* TCR: DIE | ARE */
    mtspr(22, 40000);                      /* DEC */
    u32 tb0 = mfspr(268);
    __asm__ volatile("wrteei 1");
    while (ticks < 3)
        __asm__ volatile("wait");
    __asm__ volatile("wrteei 0");
    mtspr(340, 0);                         /* TCR: stop */
    u32 tb1 = mfspr(268);
    puts("dec ticks>=3: ");
    putdec(ticks >= 3);
    puts(" tb advanced=");
    putdec(tb1 - tb0 >= 100000);
    putnl();
    puts("dec done\n");
    return 0;
}
