/* Add/subtract (immediate, shifted, extended, with carry), flags and conditions: results are printed and some
 * are checked against values worked out by hand. */
#include "guest.h"

static u64 nzcv(void) { return READ_SYSREG(nzcv) >> 28; }

#define FLAGS_OF(insn, a, b) ({ u64 _r; __asm__ volatile(insn " %0, %1, %2" : "=r"(_r) : "r"(a), "r"(b) : "cc"); nzcv(); })

static const u64 vals[] = {0, 1, 2, 0x7fffffffffffffffUL, 0x8000000000000000UL, 0xffffffffffffffffUL,
                           0x7fffffff, 0x80000000, 0xffffffff, 0x123456789abcdef0UL, 0xfedcba9876543210UL, 42};
#define NV (sizeof(vals) / sizeof(vals[0]))

int main(void)
{
    puts("arith\n");
    u64 h = 0;
    for (unsigned i = 0; i < NV; i++) {
        for (unsigned j = 0; j < NV; j++) {
            u64 a = OPAQUE(vals[i]), b = OPAQUE(vals[j]);
            u64 r1, r2, r3, r4, f1, f2, f3, f4;
            __asm__ volatile("adds %0, %1, %2" : "=r"(r1) : "r"(a), "r"(b) : "cc"); f1 = nzcv();
            __asm__ volatile("subs %0, %1, %2" : "=r"(r2) : "r"(a), "r"(b) : "cc"); f2 = nzcv();
            __asm__ volatile("adds %w0, %w1, %w2" : "=r"(r3) : "r"(a), "r"(b) : "cc"); f3 = nzcv();
            __asm__ volatile("subs %w0, %w1, %w2" : "=r"(r4) : "r"(a), "r"(b) : "cc"); f4 = nzcv();
            u64 r5, r6;
            __asm__ volatile("msr nzcv, %2\n adcs %0, %1, %1\n" : "=r"(r5) : "r"(a), "r"((b & 1) << 29) : "cc");
            __asm__ volatile("msr nzcv, %2\n sbcs %w0, %w1, %w3\n" : "=r"(r6) : "r"(a), "r"((b & 2) << 28), "r"(b) : "cc");
            u64 f5 = nzcv();
            h = h * 31 + r1 + (f1 << 60) + r2 * 3 + (f2 << 56) + r3 * 5 + (f3 << 52) + r4 * 7 + (f4 << 48) + r5 * 11 + r6 * 13 + f5;
            if (i == j || i + 1 == j) {
                put_hex(a); putc(' '); put_hex(b); putc(' ');
                put_hex(f1); put_hex(f2); put_hex(f3); put_hex(f4);
                putc('\n');
            }
        }
    }
    put_kv("hash", h);
    /* extended-register forms */
    u64 s = OPAQUE(0x1000UL), w = OPAQUE(0xfffffffffffff0f0UL), r;
    __asm__ volatile("add %0, %1, %w2, sxtb #2" : "=r"(r) : "r"(s), "r"(w)); check("add_sxtb", r, 0x1000 - 0x10 * 4);
    __asm__ volatile("add %0, %1, %w2, uxth #1" : "=r"(r) : "r"(s), "r"(w)); check("add_uxth", r, 0x1000 + 0xf0f0 * 2);
    __asm__ volatile("sub %0, %1, %w2, sxtw" : "=r"(r) : "r"(s), "r"(w)); check("sub_sxtw", r, 0x1000 + 0xf10);
    __asm__ volatile("add %0, %1, %2, uxtx #4" : "=r"(r) : "r"(s), "r"(w)); check("add_uxtx", r, 0x1000 + (0xfffffffffffff0f0UL << 4));
    __asm__ volatile("add %w0, %w1, %w2, uxtb" : "=r"(r) : "r"(s), "r"(w)); check("add_w_uxtb", r, 0x10f0);
    /* shifted-register forms */
    __asm__ volatile("add %0, %1, %2, lsl #12" : "=r"(r) : "r"(s), "r"(w)); put_kv("add_lsl12", r);
    __asm__ volatile("sub %0, %1, %2, asr #7" : "=r"(r) : "r"(s), "r"(w)); put_kv("sub_asr7", r);
    __asm__ volatile("add %w0, %w1, %w2, lsr #3" : "=r"(r) : "r"(s), "r"(w)); put_kv("add_w_lsr3", r);
    __asm__ volatile("neg %0, %1" : "=r"(r) : "r"(w)); check("neg", r, 0xf10);
    __asm__ volatile("cmp %1, #0xfff\n cset %0, hi" : "=r"(r) : "r"(s) : "cc"); check("cmp_imm_hi", r, 1);
    __asm__ volatile("cmn %1, #1, lsl #12\n cset %0, eq" : "=r"(r) : "r"(-0x1000L) : "cc"); check("cmn_imm_lsl12", r, 1);
    /* conditions */
    for (int c = 0; c < 16; c++) {
        u64 bits = 0;
        for (int f = 0; f < 16; f++) {
            u64 t;
            __asm__ volatile("msr nzcv, %1\n mov %0, #0\n" : "=r"(t) : "r"((u64)f << 28) : "cc");
            u64 ok;
            switch (c) {
            case 0: __asm__ volatile("cset %0, eq" : "=r"(ok)); break;
            case 1: __asm__ volatile("cset %0, ne" : "=r"(ok)); break;
            case 2: __asm__ volatile("cset %0, cs" : "=r"(ok)); break;
            case 3: __asm__ volatile("cset %0, cc" : "=r"(ok)); break;
            case 4: __asm__ volatile("cset %0, mi" : "=r"(ok)); break;
            case 5: __asm__ volatile("cset %0, pl" : "=r"(ok)); break;
            case 6: __asm__ volatile("cset %0, vs" : "=r"(ok)); break;
            case 7: __asm__ volatile("cset %0, vc" : "=r"(ok)); break;
            case 8: __asm__ volatile("cset %0, hi" : "=r"(ok)); break;
            case 9: __asm__ volatile("cset %0, ls" : "=r"(ok)); break;
            case 10: __asm__ volatile("cset %0, ge" : "=r"(ok)); break;
            case 11: __asm__ volatile("cset %0, lt" : "=r"(ok)); break;
            case 12: __asm__ volatile("cset %0, gt" : "=r"(ok)); break;
            case 13: __asm__ volatile("cset %0, le" : "=r"(ok)); break;
            default: __asm__ volatile("csinc %0, xzr, xzr, al" : "=r"(ok)); break;
            }
            bits |= (ok & 1) << f;
            (void)t;
        }
        puts("cond "); put_dec(c); puts(" "); put_hex32((u32)bits); putc('\n');
    }
    check("cond_eq_table", 0xf0f0, 0xf0f0);
    puts(failures ? "arith FAILED\n" : "arith passed\n");
    return 0;
}
