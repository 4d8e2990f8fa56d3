/* Synchronous exceptions handled at EL1 and returned from with ERET: SVC, BRK, UNDEF (UDF, HLT, EL2 register,
 * unallocated encoding), FP/SIMD trap (CPACR_EL1.FPEN = 0), data abort on an unmapped address, a trip to EL0 and
 * back (SVC from EL0 reaches the lower-EL vector), and an ID register read trapped to EL2 and emulated there. */
#include "guest.h"

static volatile u64 last_esr, last_elr, last_far, last_vec, count;
static volatile int back_from_el0;

void exception_entry(u64 index, struct frame *f)
{
    u64 esr = READ_SYSREG(esr_el1);
    u64 elr = READ_SYSREG(elr_el1);
    u64 ec = esr >> 26;
    last_esr = esr;
    last_elr = elr;
    last_vec = index;
    count++;
    puts("  exception vector="); put_dec(index);
    puts(" ec=0x"); put_hex32((u32)ec);
    puts(" esr=0x"); put_hex32((u32)esr);
    puts(" spsr=0x"); put_hex32((u32)READ_SYSREG(spsr_el1));
    if (ec == 0x24 || ec == 0x25) {
        last_far = READ_SYSREG(far_el1);
        puts(" far=0x"); put_hex(last_far);
    }
    putc('\n');
    if (ec == 0x15 && index == 8) {         /* SVC from EL0: resume EL1 code at the continuation in x0 */
        WRITE_SYSREG(elr_el1, f->x[1]);
        WRITE_SYSREG(spsr_el1, 0x3c5);     /* EL1h, DAIF masked */
        back_from_el0 = 1;
        return;
    }
    if (ec != 0x15)                         /* SVC returns after itself already; others skip the faulting insn */
        WRITE_SYSREG(elr_el1, elr + 4);
    f->x[0] = 0xe0e0;                       /* visible effect of the handler on the interrupted code */
}

static void el0_code(void) __attribute__((naked, used));
static void el0_code(void)
{
    /* EL0: counter read with CNTKCTL_EL1 = 0 traps (EC 0x18), an EL1 register is UNDEFINED, DC ZVA without
     * SCTLR_EL1.DZE traps, CTR_EL0 without UCT traps, TPIDR_EL0 and NZCV are fine; then back to EL1 by SVC. */
    __asm__ volatile("mrs x3, cntvct_el0\n mrs x3, sctlr_el1\n dc zva, x2\n mrs x3, ctr_el0\n"
                     " msr tpidr_el0, x2\n mrs x4, nzcv\n mrs x5, daif\n"
                     " mov x2, #0x77\n svc #0x123\n 1: b 1b");
}

int main(void)
{
    puts("exceptions\n");
    u64 r;

    puts("svc\n");
    __asm__ volatile("mov x0, #1\n svc #0x42\n mov %0, x0" : "=r"(r) :: "x0", "memory");
    check("svc_iss", last_esr & 0xffff, 0x42); check("svc_x0", r, 0xe0e0);

    puts("brk\n");
    __asm__ volatile("brk #0x7" ::: "x0", "memory");
    check("brk_ec", last_esr >> 26, 0x3c); check("brk_iss", last_esr & 0xffff, 7);

    puts("udf\n");
    __asm__ volatile(".inst 0x00000000" ::: "x0", "memory");
    check("udf_ec", last_esr >> 26, 0);

    puts("hlt\n");
    __asm__ volatile("hlt #0" ::: "x0", "memory");
    check("hlt_ec", last_esr >> 26, 0);

    puts("el2 register from el1\n");
    __asm__ volatile("mrs x0, hcr_el2" ::: "x0", "memory");
    check("hcr_undef", last_esr >> 26, 0);

    puts("unallocated\n");
    __asm__ volatile(".inst 0xd5300000" ::: "x0", "memory");   /* MRS with op0=2 op1=0 CRn=0: no such register */
    __asm__ volatile(".inst 0x9b400000" ::: "x0", "memory");   /* SMULH with Ra != 31: still SMULH, as in QEMU */
    __asm__ volatile(".inst 0xf8200020" ::: "x0", "memory");   /* LSE LDADD: not in ARMv8.0 */

    puts("fp trap\n");
    __asm__ volatile(".inst 0x9e670020" ::: "x0", "memory");   /* fmov d0, x1 */
    check("fp_ec", last_esr >> 26, 7);

    puts("data abort\n");
    __asm__ volatile("ldr %0, [%1]" : "=r"(r) : "r"(0xb000000UL) : "x0", "memory");
    check("dabt_ec", last_esr >> 26, 0x25);
    check("dabt_far", last_far, 0xb000000UL);

    puts("trapped id register\n");
    check("id_aa64isar0", READ_SYSREG(id_aa64isar0_el1), 0x11120);
    check("ctr_el0", READ_SYSREG(ctr_el0), 0x8444c004);

    puts("el0 round trip\n");
    static u8 el0_stack[1024] __attribute__((aligned(16)));
    WRITE_SYSREG(sp_el0, (u64)(el0_stack + sizeof(el0_stack)));
    WRITE_SYSREG(spsr_el1, 0);              /* EL0t */
    WRITE_SYSREG(elr_el1, (u64)el0_code);
    __asm__ volatile("adr x1, 1f\n isb\n eret\n1:" ::: "x0", "x1", "x2", "memory");
    check("el0_back", back_from_el0, 1);
    check("el0_svc_vector", last_vec, 8);
    check("el0_svc_iss", last_esr & 0xffff, 0x123);
    check("current_el", READ_SYSREG(CurrentEL), 4);

    puts("eret to same level with spsel=0\n");
    WRITE_SYSREG(spsel, 0);
    check("spsel0", READ_SYSREG(spsel), 0);
    WRITE_SYSREG(spsel, 1);
    check("exceptions_taken", count, 15);
    puts(failures ? "exceptions FAILED\n" : "exceptions passed\n");
    return 0;
}
