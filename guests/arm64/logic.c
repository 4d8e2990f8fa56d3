/* Logical (immediate and shifted register), bitfield moves, extract, CLZ/CLS/RBIT/REV, variable shifts. */
#include "guest.h"

static const u64 vals[] = {0, 1, 0x8000000000000000UL, 0xffffffffffffffffUL, 0x00ff00ff00ff00ffUL,
                           0x123456789abcdef0UL, 0x80000000, 0x7fffffff, 0xdeadbeef, 0x0000ffff0000ffffUL};
#define NV (sizeof(vals) / sizeof(vals[0]))

#define OP1(name, insn) do { u64 _r; __asm__ volatile(insn : "=r"(_r) : "r"(a)); put_hex(_r); putc(' '); h = h * 33 + _r; } while (0)
#define OP2(name, insn) do { u64 _r; __asm__ volatile(insn : "=r"(_r) : "r"(a), "r"(b) : "cc"); h = h * 37 + _r; } while (0)

int main(void)
{
    puts("logic\n");
    u64 h = 0;
    for (unsigned i = 0; i < NV; i++) {
        u64 a = OPAQUE(vals[i]);
        OP1(rbit, "rbit %0, %1"); OP1(rbitw, "rbit %w0, %w1"); OP1(clz, "clz %0, %1"); OP1(clzw, "clz %w0, %w1");
        OP1(cls, "cls %0, %1"); OP1(clsw, "cls %w0, %w1"); putc('\n');
        OP1(rev, "rev %0, %1"); OP1(revw, "rev %w0, %w1"); OP1(rev16, "rev16 %0, %1"); OP1(rev16w, "rev16 %w0, %w1");
        OP1(rev32, "rev32 %0, %1"); putc('\n');
        OP1(ubfx, "ubfx %0, %1, #4, #12"); OP1(sbfx, "sbfx %0, %1, #60, #4"); OP1(sbfxw, "sbfx %w0, %w1, #28, #4");
        OP1(ubfiz, "ubfiz %0, %1, #8, #16"); OP1(sbfiz, "sbfiz %0, %1, #40, #20"); OP1(sxtw, "sxtw %0, %w1"); putc('\n');
        OP1(sxtb, "sxtb %w0, %w1"); OP1(uxth, "uxth %w0, %w1"); OP1(lsl, "lsl %0, %1, #13"); OP1(lsrw, "lsr %w0, %w1, #7");
        OP1(asr, "asr %0, %1, #63"); OP1(ror, "ror %0, %1, #17"); putc('\n');
        OP1(andi, "and %0, %1, #0xff00ff00ff00ff00"); OP1(orri, "orr %w0, %w1, #0x3ffc"); OP1(eori, "eor %0, %1, #0x5555555555555555");
        { u64 _r; __asm__ volatile("mov %0, #0x1234\n bfi %0, %1, #8, #8" : "=&r"(_r) : "r"(a)); put_hex(_r); putc(' '); h += _r; }
        { u64 _r; __asm__ volatile("mov %0, #-1\n bfxil %w0, %w1, #3, #9" : "=&r"(_r) : "r"(a)); put_hex(_r); putc(' '); h += _r; }
        { u64 _r; __asm__ volatile("tst %1, #0x8000000000000001\n mrs %0, nzcv" : "=r"(_r) : "r"(a) : "cc"); put_hex(_r); h += _r; }
        putc('\n');
        for (unsigned j = 0; j < NV; j++) {
            u64 b = OPAQUE(vals[j]);
            OP2(and, "and %0, %1, %2, lsl #3"); OP2(bic, "bic %0, %1, %2, asr #9"); OP2(orr, "orr %w0, %w1, %w2, ror #5");
            OP2(orn, "orn %0, %1, %2"); OP2(eor, "eor %0, %1, %2, lsr #33"); OP2(eon, "eon %w0, %w1, %w2");
            OP2(ands, "ands %0, %1, %2\n mrs %0, nzcv"); OP2(bics, "bics %w0, %w1, %w2\n mrs %0, nzcv");
            OP2(lslv, "lsl %0, %1, %2"); OP2(lsrv, "lsr %w0, %w1, %w2"); OP2(asrv, "asr %0, %1, %2"); OP2(rorv, "ror %w0, %w1, %w2");
            OP2(extr, "extr %0, %1, %2, #19"); OP2(extrw, "extr %w0, %w1, %w2, #7");
        }
        put_kv("h", h);
    }
    u64 r;
    __asm__ volatile("rbit %0, %1" : "=r"(r) : "r"(OPAQUE(1UL))); check("rbit1", r, 0x8000000000000000UL);
    __asm__ volatile("clz %0, %1" : "=r"(r) : "r"(OPAQUE(0UL))); check("clz0", r, 64);
    __asm__ volatile("cls %0, %1" : "=r"(r) : "r"(OPAQUE(0UL))); check("cls0", r, 63);
    __asm__ volatile("cls %w0, %w1" : "=r"(r) : "r"(OPAQUE(0xffff0000UL))); check("clsw", r, 15);
    __asm__ volatile("rev %0, %1" : "=r"(r) : "r"(OPAQUE(0x0102030405060708UL))); check("rev", r, 0x0807060504030201UL);
    __asm__ volatile("ubfx %0, %1, #8, #8" : "=r"(r) : "r"(OPAQUE(0xabcdUL))); check("ubfx", r, 0xab);
    __asm__ volatile("sbfx %0, %1, #8, #8" : "=r"(r) : "r"(OPAQUE(0xabcdUL))); check("sbfx", r, 0xffffffffffffffabUL);
    puts(failures ? "logic FAILED\n" : "logic passed\n");
    return 0;
}
