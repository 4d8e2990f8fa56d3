/* WFI wake-up: a WFI with IRQs masked wakes when the timer fires (the IRQ is taken after unmasking); a secondary
 * sleeping in WFI is woken by an SGI from CPU 0. -smp 2 */
#include "gic.h"

static volatile u64 irqs[2];
static volatile u64 last_id[2];
static volatile u64 cpu1_ready;
static volatile u64 cpu1_woken;

void exception_entry(u64 index, struct frame *f)
{
    (void)f;
    if (index != 5) {
        puts("unexpected vector\n");
        poweroff();
    }
    u64 c = cpu_index();
    u64 id = gic_ack();
    if (id == 27)
        WRITE_SYSREG(cntv_ctl_el0, 0);
    last_id[c] = id;
    irqs[c]++;
    if (id != 1023)
        gic_eoi(id);
}

void secondary_main(u64 idx)
{
    (void)idx;
    gic_cpu_init();
    writel(GICR_SGI(1) + 0x100, 1u << 5); /* enable SGI 5 */
    cpu1_ready = 1;
    irq_enable();
    while (!irqs[1])
        __asm__ volatile("wfi");
    cpu1_woken = 1;
    psci_call(PSCI_CPU_OFF, 0, 0, 0);
}

int main(void)
{
    puts("wfi\n");
    gicd_init();
    gic_cpu_init();
    gic_enable_ppi(27);
    /* 1: WFI with PSTATE.I set still wakes on the pending timer interrupt */
    WRITE_SYSREG(cntv_tval_el0, READ_SYSREG(cntfrq_el0) / 200); /* 5 ms */
    WRITE_SYSREG(cntv_ctl_el0, 1);
    __asm__ volatile("isb");
    u64 woke_pending = 0;
    for (int i = 0; i < 1000 && !woke_pending; i++) {
        __asm__ volatile("wfi");
        woke_pending = (READ_SYSREG(cntv_ctl_el0) & 4) != 0;
    }
    check("wfi_woke_with_timer_pending", woke_pending, 1);
    check("no_irq_while_masked", irqs[0], 0);
    irq_enable();
    while (!irqs[0])
        ;
    irq_disable();
    check("irq_after_unmask", last_id[0], 27);
    /* 2: wake a sleeping secondary with an SGI */
    check("cpu_on", psci_call(PSCI_CPU_ON, 1, (u64)secondary_entry, 1), 0);
    while (!cpu1_ready)
        ;
    for (volatile int i = 0; i < 20000; i++)
        ; /* let it reach its WFI */
    gic_sgi(1u << 1, 5);
    while (!cpu1_woken)
        ;
    check("cpu1_sgi", last_id[1], 5);
    while (psci_call(PSCI_AFFINITY, 1, 0, 0) != 1)
        ;
    puts(failures ? "wfi FAILED\n" : "wfi passed\n");
    return 0;
}
