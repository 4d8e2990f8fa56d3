#include "lib.h"
static volatile unsigned char buf[256] __attribute__((aligned(16)));
static u32 h = 0x811c9dc5u;
static void mix(u32 v) { h = (h ^ v) * 0x01000193u; }
static void show(const char *n) { puts(n); puts(" "); puthex(h); putnl(); h = 0x811c9dc5u; }

int main(void)
{
    for (int i = 0; i < 256; i++)
        buf[i] = (unsigned char)(i * 37 + 11);
    volatile unsigned char *p = buf;
    for (int off = 0; off < 8; off++) {
        u32 a, b, c, d, e, f;
        __asm__ volatile("lbz %0,0(%6)\n\tlhz %1,0(%6)\n\tlha %2,2(%6)\n\tlwz %3,0(%6)\n\tlhbrx %4,0,%6\n\tlwbrx %5,0,%6"
                         : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d), "=&r"(e), "=&r"(f) : "b"(p + off) : "memory");
        mix(a); mix(b); mix(c); mix(d); mix(e); mix(f);
    }
    show("loads");
    for (int off = 0; off < 8; off++) {
        u32 v = 0x89abcdef + off;
        __asm__ volatile("stb %0,0(%1)\n\tsth %0,2(%1)\n\tstw %0,4(%1)\n\tsthbrx %0,0,%2\n\tstwbrx %0,0,%3"
                         : : "r"(v), "b"(p + off), "r"(p + 32 + off), "r"(p + 40 + off) : "memory");
    }
    for (int i = 0; i < 64; i++)
        mix(buf[i]);
    show("stores");
    {   /* update forms */
        volatile unsigned char *q = p + 64;
        u32 a, b, c;
        __asm__ volatile("lwzu %0,4(%3)\n\tlbzu %1,1(%3)\n\tlhzu %2,1(%3)" : "=&r"(a), "=&r"(b), "=&r"(c), "+b"(q) : : "memory");
        mix(a); mix(b); mix(c); mix((u32)(q - p));
        u32 i4 = 4;
        __asm__ volatile("lwzux %0,%2,%3\n\tstwu %0,4(%2)\n\tstbux %0,%2,%3" : "=&r"(a), "=r"(b), "+b"(q) : "r"(i4) : "memory");
        mix(a); mix((u32)(q - p));
        __asm__ volatile("lhaux %0,%1,%2\n\tsthu %0,2(%1)\n\tsthux %0,%1,%2\n\tstwux %0,%1,%2\n\tlbzx %0,%1,%2\n\tlhzx %0,%1,%2\n\tlhax %0,%1,%2\n\tlwzx %0,%1,%2" : "=&r"(a), "+b"(q) : "r"(i4) : "memory");
        mix(a); mix((u32)(q - p));
        for (int i = 64; i < 128; i++)
            mix(buf[i]);
    }
    show("update");
    {   /* lmw / stmw */
        u32 out[8];
        __asm__ volatile("mr r24,%1\n\tlmw r24,0(%1)\n\tstmw r24,0(%0)" : : "b"(out), "b"(p + 128) : "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31", "memory");
        for (int i = 0; i < 8; i++)
            mix(out[i]);
    }
    show("lmw-stmw");
    {   /* lwarx / stwcx. */
        static volatile u32 word = 5;
        u32 old, cr1, cr2, v;
        __asm__ volatile("lwarx %0,0,%3\n\taddi %0,%0,1\n\tstwcx. %0,0,%3\n\tmfcr %1\n\tstwcx. %0,0,%3\n\tmfcr %2"
                         : "=&r"(old), "=&r"(cr1), "=&r"(cr2) : "r"(&word) : "cr0", "memory");
        v = word;
        mix(old); mix(cr1 & 0xf0000000); mix(cr2 & 0xe0000000); mix(v);
        puts("lwarx ");
        puthex(old); puts(" "); puthex(cr1 & 0xe0000000); puts(" "); puthex(cr2 & 0xe0000000); puts(" "); puthex(v);
        putnl();
    }
    show("atomic");
    {   /* dcbz on a 32-byte line (e500mc: 64-byte lines) and cache ops as no-ops */
        static unsigned char line[128] __attribute__((aligned(64)));
        for (int i = 0; i < 128; i++)
            line[i] = 0xff;
        __asm__ volatile("dcbz 0,%0\n\tdcbf 0,%0\n\tdcbst 0,%0\n\tdcbt 0,%0\n\ticbi 0,%0\n\tsync\n\tisync\n\tmbar\n\tmsync"
                         : : "r"(line) : "memory");
        for (int i = 0; i < 128; i++)
            mix(line[i]);
    }
    show("dcbz");
    puts("loadstore done\n");
    return 0;
}
