#include "lib.h"

#define UART ((volatile unsigned char *)0xE0004500)
#define GPIO ((volatile u32 *)0xE00FF000)

void (*exc_hook)(int ivor, struct frame *f);

void putc(char c)
{
    while (!(UART[5] & 0x20))
        ;
    UART[0] = c;
}

void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

void puthex(u32 v)
{
    for (int i = 28; i >= 0; i -= 4)
        putc("0123456789abcdef"[(v >> i) & 15]);
}

void putdec(u32 v)
{
    char b[12];
    int n = 0;
    do {
        b[n++] = '0' + v % 10;
        v /= 10;
    } while (v);
    while (n)
        putc(b[--n]);
}

void putnl(void)
{
    putc('\n');
}

void poweroff(void)
{
    GPIO[0] = 0x80000000;
    GPIO[2] = 0x80000000;
    for (;;)
        ;
}

void exception(int ivor, struct frame *f)
{
    if (exc_hook) {
        exc_hook(ivor, f);
        return;
    }
    puts("unexpected interrupt ivor=");
    putdec(ivor);
    puts(" srr0=");
    puthex(f->srr0);
    puts(" esr=");
    puthex(f->esr);
    puts(" dear=");
    puthex(f->dear);
    putnl();
    poweroff();
}
