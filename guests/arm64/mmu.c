/* Stage-1 MMU with 4K, 16K and 64K granules: identity-mapped RAM (block), device block for the UART, an alias
 * window at VA 0x80000000 with RW, read-only, access-flag-clear and invalid pages; the faults are handled at EL1
 * and skipped. AT S1E1R/W check the walk from software. Built twice: mmu (4K, 64K) and mmu16k (-DONLY16K). */
#include "guest.h"

#define ALIAS 0x80000000UL
#define T_TABLE 3UL
#define T_BLOCK 1UL
#define T_PAGE 3UL
#define AF (1UL << 10)
#define SH_INNER (3UL << 8)
#define AP_RO (2UL << 6)
#define NORMAL (0UL << 2)
#define DEVICE (1UL << 2)

static u64 top[8192] __attribute__((aligned(65536)));
static u64 next[8192] __attribute__((aligned(65536)));
static u64 next2[512] __attribute__((aligned(4096)));
static u64 next3[512] __attribute__((aligned(4096)));
static u8 target[4 * 65536] __attribute__((aligned(65536)));

static volatile u64 fault_esr, fault_far, faults;

void exception_entry(u64 index, struct frame *f)
{
    (void)f;
    u64 esr = READ_SYSREG(esr_el1);
    if ((esr >> 26) == 0x21) {               /* instruction abort at EL1: return to the caller */
        fault_esr = esr;
        fault_far = READ_SYSREG(far_el1);
        faults++;
        WRITE_SYSREG(elr_el1, f->x[30]);
        return;
    }
    if ((esr >> 26) != 0x25) {
        puts("unexpected exception esr=0x"); put_hex(esr); puts(" elr=0x"); put_hex(READ_SYSREG(elr_el1)); putc('\n');
        poweroff();
    }
    fault_esr = esr;
    fault_far = READ_SYSREG(far_el1);
    faults++;
    (void)index;
    WRITE_SYSREG(elr_el1, READ_SYSREG(elr_el1) + 4);
}

static void code_page_fn(void) __attribute__((noinline, aligned(16)));
static void code_page_fn(void) { __asm__ volatile(""); }

static void at_probe(const char *what, u64 va, int write)
{
    if (write)
        __asm__ volatile("at s1e0w, %0\n isb" :: "r"(va));
    else
        __asm__ volatile("at s1e0r, %0\n isb" :: "r"(va));
    puts(what);
    put_kv("", READ_SYSREG(par_el1) & 0xff0000000000007fUL);
}

static void clear(u64 *t, int n) { for (int i = 0; i < n; i++) t[i] = 0; }

static void expect_fault(const char *what, volatile u64 *va, int write, u64 dfsc)
{
    u64 before = faults;
    if (write)
        *va = 0x1234;
    else
        (void)*va;
    puts(what);
    if (faults == before) {
        puts(": FAIL no fault\n");
        failures++;
        return;
    }
    puts(": dfsc=0x"); put_hex32((u32)(fault_esr & 0x3f));
    puts(" wnr="); put_dec((fault_esr >> 6) & 1);
    puts(" far_ok="); put_dec(fault_far == (u64)va);
    putc('\n');
    if ((fault_esr & 0x3f) != dfsc) {
        failures++;
        puts("  FAIL dfsc\n");
    }
}

static void run(const char *name, u64 tg0, u64 t0sz, u64 page)
{
    puts("granule "); puts(name); putc('\n');
    clear(top, 8192); clear(next, 8192); clear(next2, 512); clear(next3, 512);
    u64 tgt = (u64)target;
    u64 *l3;
    if (page == 4096) {                      /* T0SZ 25: level 1 start, 1 GiB blocks */
        top[1] = 0x40000000UL | AF | SH_INNER | NORMAL | T_BLOCK;
        top[0] = (u64)next | T_TABLE;
        next[0x09000000UL >> 21] = 0x09000000UL | AF | DEVICE | T_BLOCK;
        top[ALIAS >> 30] = (u64)next2 | T_TABLE;
        next2[0] = (u64)next3 | T_TABLE;
        l3 = next3;
    } else if (page == 16384) {              /* T0SZ 28: level 2 start, 32 MiB blocks */
        top[0x40000000UL >> 25] = 0x40000000UL | AF | SH_INNER | NORMAL | T_BLOCK;
        top[0x08000000UL >> 25] = 0x08000000UL | AF | DEVICE | T_BLOCK;
        top[ALIAS >> 25] = (u64)next | T_TABLE;
        l3 = next;
    } else {                                 /* T0SZ 22: level 2 start, 512 MiB blocks */
        top[0x40000000UL >> 29] = 0x40000000UL | AF | SH_INNER | NORMAL | T_BLOCK;
        top[0] = 0 | AF | DEVICE | T_BLOCK;
        top[ALIAS >> 29] = (u64)next | T_TABLE;
        l3 = next;
    }
    l3[0] = tgt | AF | SH_INNER | NORMAL | T_PAGE;
    l3[1] = (tgt + page) | AF | SH_INNER | NORMAL | AP_RO | T_PAGE;
    l3[2] = (tgt + 2 * page) | SH_INNER | NORMAL | T_PAGE;          /* AF clear */
    /* l3[3] stays invalid */
    WRITE_SYSREG(mair_el1, 0x00ffUL);        /* attr0 normal WB, attr1 device-nGnRnE */
    WRITE_SYSREG(tcr_el1, t0sz | (1UL << 8) | (1UL << 10) | (3UL << 12) | (tg0 << 14) | (1UL << 23) | (2UL << 32));
    WRITE_SYSREG(ttbr0_el1, (u64)top);
    __asm__ volatile("dsb sy\n tlbi vmalle1\n dsb sy\n isb");
    WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) | 1 | (1 << 2) | (1 << 12));
    __asm__ volatile("isb");
    puts("  mmu on\n");

    volatile u64 *alias = (volatile u64 *)ALIAS;
    alias[1] = 0xabcdef0012345678UL;
    check("  alias_write_visible", *(volatile u64 *)(tgt + 8), 0xabcdef0012345678UL);
    *(volatile u64 *)(tgt + page + 16) = 77;
    check("  ro_page_readable", *(volatile u64 *)(ALIAS + page + 16), 77);
    expect_fault("  write_ro", (volatile u64 *)(ALIAS + page + 24), 1, 0x0f);
    expect_fault("  access_flag", (volatile u64 *)(ALIAS + 2 * page), 0, 0x0b);
    expect_fault("  invalid_page", (volatile u64 *)(ALIAS + 3 * page + 8), 0, 0x07);
    expect_fault("  beyond_va_range", (volatile u64 *)(1UL << 45), 0, 0x04);
    __asm__ volatile("at s1e1r, %0\n isb" :: "r"(ALIAS + 0x10));
    u64 par = READ_SYSREG(par_el1);
    check("  at_pa", par & 0x0000fffffffff001UL, tgt);
    put_kv("  par_ok", par);
    __asm__ volatile("at s1e1w, %0\n isb" :: "r"(ALIAS + page));
    par = READ_SYSREG(par_el1);
    puts("  at_ro_write: f="); put_dec(par & 1); puts(" fst=0x"); put_hex32((u32)((par >> 1) & 0x3f)); putc('\n');
    put_kv("  par_fault", par);
    /* EL0 permissions seen through AT S1E0R/W: AP=00 none, AP=01 RW, AP=11 RO */
    l3[4] = tgt | AF | SH_INNER | NORMAL | T_PAGE;
    l3[5] = tgt | AF | SH_INNER | NORMAL | (1UL << 6) | T_PAGE;
    l3[6] = tgt | AF | SH_INNER | NORMAL | (3UL << 6) | T_PAGE;
    u64 code_pa = (u64)code_page_fn & ~(page - 1);
    l3[7] = code_pa | AF | SH_INNER | NORMAL | AP_RO | (1UL << 53) | T_PAGE;   /* PXN */
    l3[8] = code_pa | AF | SH_INNER | NORMAL | AP_RO | T_PAGE;                /* executable at EL1 */
    __asm__ volatile("dsb sy\n tlbi vmalle1\n dsb sy\n isb");
    at_probe("  el0_none_r", ALIAS + 4 * page, 0);
    at_probe("  el0_rw_w", ALIAS + 5 * page, 1);
    at_probe("  el0_ro_r", ALIAS + 6 * page, 0);
    at_probe("  el0_ro_w", ALIAS + 6 * page, 1);
    u64 fn_off = (u64)code_page_fn & (page - 1);
    u64 before = faults;
    ((void (*)(void))(ALIAS + 8 * page + fn_off))();
    check("  exec_alias_ok", faults, before);
    ((void (*)(void))(ALIAS + 7 * page + fn_off))();
    check("  pxn_faulted", faults, before + 1);
    puts("  pxn: ec=0x"); put_hex32((u32)(fault_esr >> 26)); puts(" ifsc=0x"); put_hex32((u32)(fault_esr & 0x3f));
    puts(" far_ok="); put_dec(fault_far == ALIAS + 7 * page + fn_off); putc('\n');
    /* remap the alias to the second target page: stale translations must go after TLBI */
    l3[0] = (tgt + page) | AF | SH_INNER | NORMAL | T_PAGE;
    __asm__ volatile("dsb sy\n tlbi vmalle1\n dsb sy\n isb");
    check("  remapped", alias[2], 77);

    /* TTBR1: the same tables serve the upper VA range (T1SZ = T0SZ, TG1 has its own encoding) */
    u64 tg1 = page == 4096 ? 2 : page == 16384 ? 1 : 3;
    WRITE_SYSREG(ttbr1_el1, (u64)top);
    WRITE_SYSREG(tcr_el1, t0sz | (1UL << 8) | (1UL << 10) | (3UL << 12) | (tg0 << 14) | (t0sz << 16)
                          | (1UL << 24) | (1UL << 26) | (3UL << 28) | (tg1 << 30) | (2UL << 32));
    __asm__ volatile("isb\n tlbi vmalle1\n dsb sy\n isb");
    u64 upper = -(1UL << (64 - t0sz));
    check("  ttbr1_alias", *(volatile u64 *)(upper + ALIAS + 16), 77);
    expect_fault("  ttbr1_invalid", (volatile u64 *)(upper + ALIAS + 3 * page), 0, 0x07);
    WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) & ~1UL);
    __asm__ volatile("isb\n tlbi vmalle1\n dsb sy\n isb");
    puts("  mmu off\n");
}

int main(void)
{
#ifdef ONLY16K
    /* Cortex-A57 has no 16K granule (ID_AA64MMFR0_EL1.TGran16 = 0), so QEMU cannot run this one: its golden file
     * comes from Polyvisor's model and documents the 16K walk. */
    puts("mmu16k\n");
    run("16K", 2, 28, 16384);
    check("faults", faults, 6);
#else
    puts("mmu\n");
    run("4K", 0, 25, 4096);
    run("64K", 1, 22, 65536);
    puts("tgran16="); put_dec((READ_SYSREG(id_aa64mmfr0_el1) >> 20) & 15); putc('\n');
    check("faults", faults, 12);
#endif
    puts(failures ? "mmu FAILED\n" : "mmu passed\n");
    return 0;
}
