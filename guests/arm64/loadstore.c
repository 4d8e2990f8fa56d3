/* Loads and stores: every size and sign, all addressing modes, pairs, exclusives, acquire/release, unaligned. */
#include "guest.h"

static u8 buf[256] __attribute__((aligned(16)));
static u64 lock __attribute__((aligned(16)));

int main(void)
{
    puts("loadstore\n");
    for (int i = 0; i < 256; i++)
        buf[i] = (u8)(i * 37 + 11);
    u8 *p = OPAQUE(buf);
    u64 r, r2, q;
    /* every size and signedness, unsigned offset */
    __asm__ volatile("ldrb %w0, [%1, #200]" : "=r"(r) : "r"(p)); put_kv("ldrb", r);
    __asm__ volatile("ldrsb %0, [%1, #200]" : "=r"(r) : "r"(p)); put_kv("ldrsb_x", r);
    __asm__ volatile("ldrsb %w0, [%1, #200]" : "=r"(r) : "r"(p)); put_kv("ldrsb_w", r);
    __asm__ volatile("ldrh %w0, [%1, #100]" : "=r"(r) : "r"(p)); put_kv("ldrh", r);
    __asm__ volatile("ldrsh %0, [%1, #100]" : "=r"(r) : "r"(p)); put_kv("ldrsh_x", r);
    __asm__ volatile("ldrsh %w0, [%1, #102]" : "=r"(r) : "r"(p)); put_kv("ldrsh_w", r);
    __asm__ volatile("ldr %w0, [%1, #64]" : "=r"(r) : "r"(p)); put_kv("ldr_w", r);
    __asm__ volatile("ldrsw %0, [%1, #128]" : "=r"(r) : "r"(p)); put_kv("ldrsw", r);
    __asm__ volatile("ldr %0, [%1, #248]" : "=r"(r) : "r"(p)); put_kv("ldr_x", r);
    /* unscaled, negative offsets */
    __asm__ volatile("ldur %0, [%1, #-3]" : "=r"(r) : "r"(p + 100)); put_kv("ldur_x", r);
    __asm__ volatile("ldursh %w0, [%1, #-1]" : "=r"(r) : "r"(p + 100)); put_kv("ldursh", r);
    /* register offset with extends */
    __asm__ volatile("ldr %0, [%1, %2, lsl #3]" : "=r"(r) : "r"(p), "r"(5L)); put_kv("ldr_reg_lsl", r);
    __asm__ volatile("ldrh %w0, [%1, %w2, sxtw #1]" : "=r"(r) : "r"(p + 64), "r"(-3L)); put_kv("ldrh_sxtw", r);
    __asm__ volatile("ldrb %w0, [%1, %w2, uxtw]" : "=r"(r) : "r"(p), "r"(0x1000000fUL)); put_kv("ldrb_uxtw", r);
    __asm__ volatile("ldrsw %0, [%1, %2, sxtx #2]" : "=r"(r) : "r"(p + 128), "r"(-4L)); put_kv("ldrsw_sxtx", r);
    /* pre/post index */
    u8 *b = p;
    __asm__ volatile("ldr %0, [%1, #16]!" : "=r"(r), "+r"(b)); put_kv("pre", r); check("pre_wb", b - p, 16);
    __asm__ volatile("ldrh %w0, [%1], #-6" : "=r"(r), "+r"(b)); put_kv("post", r); check("post_wb", b - p, 10);
    /* pairs */
    __asm__ volatile("ldp %0, %1, [%2, #32]" : "=r"(r), "=r"(r2) : "r"(p)); put_kv("ldp0", r); put_kv("ldp1", r2);
    __asm__ volatile("ldp %w0, %w1, [%2, #-8]" : "=r"(r), "=r"(r2) : "r"(p + 64)); put_kv("ldpw0", r); put_kv("ldpw1", r2);
    __asm__ volatile("ldpsw %0, %1, [%2]" : "=r"(r), "=r"(r2) : "r"(p + 128)); put_kv("ldpsw0", r); put_kv("ldpsw1", r2);
    b = p + 128;
    __asm__ volatile("stp %2, %3, [%1, #-16]!" : "=m"(buf), "+r"(b) : "r"(0x1111L), "r"(0x2222L)); check("stp_pre", b - p, 112);
    __asm__ volatile("ldp %0, %1, [%2], #32" : "=r"(r), "=r"(r2), "+r"(b)); check("ldp_post0", r, 0x1111); check("ldp_post1", r2, 0x2222);
    check("ldp_post_wb", b - p, 144);
    __asm__ volatile("stnp %w1, %w2, [%0]" :: "r"(p + 8), "r"(0xaabbccddL), "r"(0x11223344L) : "memory");
    __asm__ volatile("ldnp %0, %1, [%2, #-8]" : "=r"(r), "=r"(r2) : "r"(p + 16)); put_kv("ldnp0", r); put_kv("ldnp1", r2);
    /* stores of every size, unaligned accesses */
    __asm__ volatile("strb %w1, [%0, #1]\n strh %w1, [%0, #3]\n str %w1, [%0, #7]\n stur %1, [%0, #13]" :: "r"(p + 160), "r"(0x8877665544332211L) : "memory");
    __asm__ volatile("ldr %0, [%1]" : "=r"(r) : "r"(p + 160)); put_kv("st0", r);
    __asm__ volatile("ldr %0, [%1]" : "=r"(r) : "r"(p + 168)); put_kv("st1", r);
    __asm__ volatile("ldr %0, [%1]" : "=r"(r) : "r"(p + 176)); put_kv("st2", r);
    /* literal */
    __asm__ volatile("ldr %0, 1f\n b 2f\n .balign 8\n1: .quad 0x0123456789abcdef\n2:" : "=r"(r)); check("ldr_lit", r, 0x0123456789abcdefUL);
    __asm__ volatile("ldrsw %0, 1f\n b 2f\n .balign 4\n1: .word 0x80000001\n2:" : "=r"(r)); check("ldrsw_lit", r, 0xffffffff80000001UL);
    /* exclusives: a successful and a failing store-exclusive, pair exclusives, acquire/release */
    u64 *l = OPAQUE(&lock);
    *l = 5;
    __asm__ volatile("ldxr %0, [%2]\n add %0, %0, #1\n stxr %w1, %0, [%2]" : "=&r"(r), "=&r"(q) : "r"(l) : "memory");
    check("stxr_ok", q, 0); check("ldxr_val", *l, 6);
    __asm__ volatile("ldxr %0, [%2]\n clrex\n stxr %w1, %0, [%2]" : "=&r"(r), "=&r"(q) : "r"(l) : "memory");
    check("stxr_fail", q, 1);
    __asm__ volatile("ldaxr %w0, [%2]\n stlxr %w1, %w0, [%2]" : "=&r"(r), "=&r"(q) : "r"(l) : "memory"); check("stlxr", q, 0);
    __asm__ volatile("ldxp %0, %1, [%3]\n stxp %w2, %1, %0, [%3]" : "=&r"(r), "=&r"(r2), "=&r"(q) : "r"(p + 32) : "memory");
    check("stxp", q, 0); put_kv("ldxp", r ^ r2);
    __asm__ volatile("ldr %0, [%1, #32]" : "=r"(r) : "r"(p)); put_kv("swapped", r);
    __asm__ volatile("stlr %1, [%0]" :: "r"(l), "r"(77L) : "memory");
    __asm__ volatile("ldar %0, [%1]" : "=r"(r) : "r"(l)); check("ldar", r, 77);
    __asm__ volatile("stlrb %w1, [%0]" :: "r"(l), "r"(0x1ffL) : "memory");
    __asm__ volatile("ldarh %w0, [%1]" : "=r"(r) : "r"(l)); check("ldarh", r, 0xff);
    /* a C-level memcpy-like loop */
    u64 sum = 0;
    for (int i = 0; i < 256; i++) sum = sum * 3 + buf[i];
    put_kv("sum", sum);
    puts(failures ? "loadstore FAILED\n" : "loadstore passed\n");
    return 0;
}
