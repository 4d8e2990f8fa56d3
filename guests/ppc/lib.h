/* Tiny runtime shared by the guests: ns16550 console, power-off, exception hook. */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H
typedef unsigned int u32;
typedef int s32;

struct frame {
    u32 back, lrsave, r0, r2, r3, r4_31[28], cr, lr, ctr, xer, srr0, srr1, esr, dear, pad[3];
};

void putc(char c);
void puts(const char *s);
void puthex(u32 v);
void putdec(u32 v);
void putnl(void);
void poweroff(void);
/* Guests set this to take interrupts; the default handler prints the IVOR and powers off. */
extern void (*exc_hook)(int ivor, struct frame *f);

#define mfspr(n) ({ u32 _v; __asm__ volatile("mfspr %0," #n : "=r"(_v)); _v; })
#define mtspr(n, v) __asm__ volatile("mtspr " #n ",%0" : : "r"((u32)(v)))
#endif
