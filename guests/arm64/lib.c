#include "guest.h"

#define UART_DR ((volatile u32 *)0x09000000UL)
#define UART_FR ((volatile u32 *)0x09000018UL)
#define FR_TXFF 0x20

int failures;

void putc(int c)
{
    while (*UART_FR & FR_TXFF)
        ;
    *UART_DR = (u32)c;
}

void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

void put_hex(u64 v)
{
    for (int i = 60; i >= 0; i -= 4)
        putc("0123456789abcdef"[(v >> i) & 15]);
}

void put_hex32(u32 v)
{
    for (int i = 28; i >= 0; i -= 4)
        putc("0123456789abcdef"[(v >> i) & 15]);
}

void put_dec(u64 v)
{
    char buf[21];
    int i = 20;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    puts(&buf[i]);
}

void put_kv(const char *key, u64 v)
{
    puts(key);
    puts("=0x");
    put_hex(v);
    putc('\n');
}

void check(const char *name, u64 got, u64 expected)
{
    puts(name);
    if (got == expected) {
        puts(": ok\n");
    } else {
        failures++;
        puts(": FAIL got 0x");
        put_hex(got);
        puts(" expected 0x");
        put_hex(expected);
        putc('\n');
    }
}

u64 psci_call(u64 fn, u64 a1, u64 a2, u64 a3)
{
    register u64 x0 __asm__("x0") = fn;
    register u64 x1 __asm__("x1") = a1;
    register u64 x2 __asm__("x2") = a2;
    register u64 x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
}

void poweroff(void)
{
    psci_call(0x84000008UL, 0, 0, 0);
    for (;;)
        __asm__ volatile("wfi");
}

void *memset(void *d, int c, unsigned long n)
{
    volatile u8 *p = d;
    while (n--)
        *p++ = (u8)c;
    return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
    volatile u8 *p = d;
    const u8 *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

__attribute__((weak)) void exception_entry(u64 index, struct frame *f)
{
    (void)f;
    puts("unexpected exception vector=");
    put_dec(index);
    puts(" esr=0x");
    put_hex(READ_SYSREG(esr_el1));
    puts(" elr=0x");
    put_hex(READ_SYSREG(elr_el1));
    puts(" far=0x");
    put_hex(READ_SYSREG(far_el1));
    putc('\n');
    poweroff();
}
