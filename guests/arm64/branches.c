/* Branches: B/BL/BR/BLR/RET, B.cond, CBZ/CBNZ, TBZ/TBNZ, conditional select/compare, a jump table, recursion. */
#include "guest.h"

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static u64 f0(u64 x) { return x + 1; }
static u64 f1(u64 x) { return x * 3; }
static u64 f2(u64 x) { return x ^ 0x55; }
static u64 (*const table[])(u64) = {f0, f1, f2};

static u64 sw(u64 x)
{
    switch (x & 7) {
    case 0: return 11; case 1: return x * 5; case 2: return x - 9; case 3: return 7;
    case 4: return x << 2; case 5: return x >> 1; default: return 99;
    }
}

int main(void)
{
    puts("branches\n");
    u64 r;
    check("fib20", fib(OPAQUE(20)), 6765);
    u64 acc = 0;
    for (u64 i = 0; i < 300; i++) acc = table[i % 3](acc + i) + sw(OPAQUE(i));
    put_kv("indirect", acc);
    for (int bit = 0; bit < 64; bit += 7) {
        u64 v = OPAQUE(0xa5a5a5a5a5a5a5a5UL);
        u64 t = 0;
        __asm__ volatile("tbz %1, #0, 1f\n orr %0, %0, #1\n1: tbnz %1, #63, 2f\n orr %0, %0, #2\n2:" : "+r"(t) : "r"(v >> bit));
        __asm__ volatile("cbz %1, 1f\n orr %0, %0, #4\n1: cbnz %w1, 2f\n orr %0, %0, #8\n2:" : "+r"(t) : "r"(v >> bit << 32));
        puts("tb "); put_dec(bit); putc(' '); put_dec(t); putc('\n');
    }
    for (s64 a = -3; a <= 3; a++) {
        for (s64 b = -2; b <= 2; b++) {
            u64 x = OPAQUE((u64)a), y = OPAQUE((u64)b);
            __asm__ volatile("cmp %1, %2\n csel %0, %1, %2, lt\n" : "=r"(r) : "r"(x), "r"(y) : "cc"); acc = acc * 7 + r;
            __asm__ volatile("cmp %1, %2\n csinc %0, %1, %2, hi\n" : "=r"(r) : "r"(x), "r"(y) : "cc"); acc = acc * 7 + r;
            __asm__ volatile("cmp %w1, %w2\n csinv %w0, %w1, %w2, ge\n" : "=r"(r) : "r"(x), "r"(y) : "cc"); acc = acc * 7 + r;
            __asm__ volatile("cmp %1, %2\n csneg %0, %1, %2, le\n" : "=r"(r) : "r"(x), "r"(y) : "cc"); acc = acc * 7 + r;
            __asm__ volatile("cmp %1, #0\n ccmp %1, %2, #5, ne\n mrs %0, nzcv" : "=r"(r) : "r"(x), "r"(y) : "cc"); acc = acc * 7 + r;
            __asm__ volatile("cmp %1, #1\n ccmn %w1, #7, #10, ge\n mrs %0, nzcv" : "=r"(r) : "r"(x), "r"(y) : "cc"); acc = acc * 7 + r;
            __asm__ volatile("cmp %1, %2\n ccmp %1, #3, #2, vc\n mrs %0, nzcv" : "=r"(r) : "r"(x), "r"(y) : "cc"); acc = acc * 7 + r;
        }
    }
    put_kv("condsel", acc);
    u64 lr;
    __asm__ volatile("adr x9, 1f\n blr x9\n b 2f\n1: mov %0, x30\n ret\n2:" : "=r"(lr) :: "x9", "x30");
    put_kv("blr_ret_ok", lr != 0);
    u64 cnt = 0;
    for (u64 i = OPAQUE(1000); i != 0; i--) { if (i & 1) cnt += 3; else cnt ^= i; }
    put_kv("loop", cnt);
    puts(failures ? "branches FAILED\n" : "branches passed\n");
    return 0;
}
