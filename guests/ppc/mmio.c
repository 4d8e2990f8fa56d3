#include "lib.h"
#define UART ((volatile unsigned char *)0xE0004500)
int main(void)
{
    /* device registers through several access forms */
    volatile unsigned char *u = UART;
    u[3] = 0x03;                                   /* LCR 8N1 */
    u[7] = 0x5a;                                   /* scratch */
    puts("scr=");
    puthex(u[7]);
    u32 lsr;
    __asm__ volatile("lbzx %0,%1,%2" : "=r"(lsr) : "b"(u), "r"(5));
    puts(" lsr=");
    puthex(lsr & 0x60);
    u32 v;
    volatile unsigned char *q = u + 6;
    __asm__ volatile("lbzu %0,1(%1)" : "=r"(v), "+b"(q));
    puts(" lbzu=");
    puthex(v);
    puts(" q-ok=");
    putdec(q == u + 7);
    putnl();
    for (int i = 0; i < 26; i++)
        __asm__ volatile("stbx %0,0,%1" : : "r"('a' + i), "r"(u) : "memory");
    putnl();
    puts("mmio done\n");
    return 0;
}
