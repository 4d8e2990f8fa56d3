/* Multiply (MADD/MSUB/MNEG, SMULL/UMULL/SMADDL/UMSUBL, SMULH/UMULH) and divide (SDIV/UDIV incl. /0 and overflow). */
#include "guest.h"

static const u64 vals[] = {0, 1, 3, 0x7fffffffffffffffUL, 0x8000000000000000UL, 0xffffffffffffffffUL,
                           0xffffffff, 0x80000000, 0x123456789abcdef0UL, 1000000007UL, 0xfffffffffffffffeUL};
#define NV (sizeof(vals) / sizeof(vals[0]))
#define OP(insn) do { u64 _r; __asm__ volatile(insn : "=r"(_r) : "r"(a), "r"(b), "r"(c)); h = h * 131 + _r; } while (0)

int main(void)
{
    puts("muldiv\n");
    for (unsigned i = 0; i < NV; i++) {
        u64 h = 0;
        for (unsigned j = 0; j < NV; j++) {
            u64 a = OPAQUE(vals[i]), b = OPAQUE(vals[j]), c = OPAQUE(vals[(i + j) % NV]);
            OP("mul %0, %1, %2"); OP("madd %w0, %w1, %w2, %w3"); OP("msub %0, %1, %2, %3"); OP("mneg %w0, %w1, %w2");
            OP("smull %0, %w1, %w2"); OP("umull %0, %w1, %w2"); OP("smaddl %0, %w1, %w2, %3"); OP("umsubl %0, %w1, %w2, %3");
            OP("smulh %0, %1, %2"); OP("umulh %0, %1, %2"); OP("sdiv %0, %1, %2"); OP("udiv %0, %1, %2");
            OP("sdiv %w0, %w1, %w2"); OP("udiv %w0, %w1, %w2");
        }
        put_kv("h", h);
    }
    u64 r;
    __asm__ volatile("sdiv %0, %1, %2" : "=r"(r) : "r"(OPAQUE(0x8000000000000000UL)), "r"(OPAQUE(-1L))); check("sdiv_ovf", r, 0x8000000000000000UL);
    __asm__ volatile("udiv %0, %1, %2" : "=r"(r) : "r"(OPAQUE(5UL)), "r"(OPAQUE(0UL))); check("udiv0", r, 0);
    __asm__ volatile("sdiv %w0, %w1, %w2" : "=r"(r) : "r"(OPAQUE(-7L)), "r"(OPAQUE(2L))); check("sdivw", r, 0xfffffffd);
    __asm__ volatile("umulh %0, %1, %2" : "=r"(r) : "r"(OPAQUE(-1L)), "r"(OPAQUE(-1L))); check("umulh", r, 0xfffffffffffffffeUL);
    __asm__ volatile("smulh %0, %1, %2" : "=r"(r) : "r"(OPAQUE(-1L)), "r"(OPAQUE(-1L))); check("smulh", r, 0);
    /* C-level arithmetic that GCC turns into shifts, multiply-high by constants, etc. */
    u64 acc = 0;
    for (u64 k = 1; k < 2000; k++) {
        u64 v = OPAQUE(k * 0x9e3779b97f4a7c15UL);
        acc += v / 7 + v % 13 + (s64)v / -9 + (u32)v / 10u + (s32)v % 100;
    }
    put_kv("const_div", acc);
    puts(failures ? "muldiv FAILED\n" : "muldiv passed\n");
    return 0;
}
