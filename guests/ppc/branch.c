#include "check.h"
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
typedef int (*fn)(int);
static int sq(int x) { return x * x; }
static int neg(int x) { return -x; }
static int inc(int x) { return x + 1; }
static fn table[] = {sq, neg, inc};

int main(void)
{
    BINT("crand", "cmpw cr1,%4,%5\n\tcmplw cr7,%4,%5\n\tcrand 0,5,29\n\tcror 2,4,30\n\tcrxor 3,6,28\n\tli %0,0");
    BINT("crnand", "cmpw cr1,%4,%5\n\tcmplw cr7,%4,%5\n\tcrnand 1,5,29\n\tcrnor 4,6,30\n\tcreqv 31,4,28\n\tcrandc 8,29,5\n\tcrorc 9,30,6\n\tli %0,0");
    BINT("mcrf", "cmpw cr1,%4,%5\n\tmcrf 7,1\n\tli %0,0");
    BINT("isel", "cmpw cr1,%4,%5\n\tisel %0,%4,%5,5");
    BINT("isel0", "cmplw cr7,%4,%5\n\tisel %0,0,%5,28");
    BINT("mtcrf", "mtcrf 0x5a,%4\n\tmfcr %0\n\tmtocrf 0x80,%5");
    IMM("mcrxr", "mtxer %4\n\tmcrxr cr1\n\tmfxer %0");
    IMM("bc", "li %0,0\n\tcmpwi %4,0\n\tblt 1f\n\tori %0,%0,1\n1:\tbgt 2f\n\tori %0,%0,2\n2:\tbeq 3f\n\tori %0,%0,4\n3:\tbns 4f\n\tori %0,%0,8\n4:");
    IMM("bdnz", "mtctr %4\n\tli %0,0\n\tandi. %0,%4,15\n\taddi %0,%0,1\n\tmtctr %0\n\tli %0,0\n\tcmpwi %0,0\n1:\taddi %0,%0,3\n\tbdnzt 2,1b");
    int s = 0;
    for (int i = 0; i < 20; i++)
        s += table[i % 3](i) ^ fib(i % 12);
    puts("calls ");
    puthex((u32)s);
    putnl();
    u32 lr;
    __asm__ volatile("bl 1f\n1:\tmflr %0" : "=r"(lr) : : "lr");
    puts("bl-lr ");
    puthex(lr & 3);
    putnl();
    switch (s & 7) {
    case 0: puts("sw0\n"); break;
    case 1: puts("sw1\n"); break;
    case 2: puts("sw2\n"); break;
    case 3: puts("sw3\n"); break;
    case 4: puts("sw4\n"); break;
    case 5: puts("sw5\n"); break;
    case 6: puts("sw6\n"); break;
    default: puts("sw7\n"); break;
    }
    puts("branch done\n");
    return 0;
}
