/* Virtual timer interrupts through the GICv3: PPI 27 ticks counted by an IRQ handler; an SGI to self; SPIs with
 * priorities taken in priority order; spurious IAR when nothing is pending. -smp 1 */
#include "gic.h"

#define TICKS 10

static volatile u64 ticks;
static volatile u64 order[8];
static volatile u64 norder;
static volatile u64 sgis;
static u64 period;

void exception_entry(u64 index, struct frame *f)
{
    (void)f;
    if (index != 5) { /* only IRQs from EL1h are expected */
        puts("unexpected vector ");
        put_dec(index);
        putc('\n');
        poweroff();
    }
    u64 id = gic_ack();
    if (id == 27) {
        ticks++;
        if (ticks < TICKS)
            WRITE_SYSREG(cntv_tval_el0, period);
        else
            WRITE_SYSREG(cntv_ctl_el0, 2); /* masked: the line drops */
        __asm__ volatile("isb");
    } else if (id < 16) {
        sgis++;
    }
    if (norder < 8)
        order[norder++] = id;
    if (id != 1023)
        gic_eoi(id);
}

int main(void)
{
    puts("gictimer\n");
    gicd_init();
    gic_cpu_init();
    check("spurious_when_idle", gic_ack(), 1023);
    put_kv("icc_pmr", READ_SYSREG(S3_0_C4_C6_0));      /* implemented priority bits show in the read-back */
    put_kv("icc_ctlr", READ_SYSREG(S3_0_C12_C12_4));
    put_kv("icc_sre", READ_SYSREG(S3_0_C12_C12_5));
    put_kv("icc_igrpen1", READ_SYSREG(S3_0_C12_C12_7));
    check("pidr2_arch", (readl(GICD + 0xFFE8) >> 4) & 0xF, 3);

    /* timer: 1 ms period, 10 ticks */
    period = READ_SYSREG(cntfrq_el0) / 1000;
    gic_enable_ppi(27);
    WRITE_SYSREG(cntv_tval_el0, period);
    WRITE_SYSREG(cntv_ctl_el0, 1);
    irq_enable();
    while (ticks < TICKS)
        __asm__ volatile("wfi");
    irq_disable();
    check("ticks", ticks, TICKS);
    check("timer_disabled_masked", READ_SYSREG(cntv_ctl_el0) & 7, 2);
    WRITE_SYSREG(cntv_ctl_el0, 0);

    /* SGI 3 to self */
    norder = 0;
    writel(GICR_SGI(0) + 0x100, 1u << 3);
    gic_sgi(1, 3);
    irq_enable();
    while (!sgis)
        ;
    irq_disable();
    check("sgi_taken", sgis, 1);
    check("sgi_id", order[0], 3);

    /* SPIs 40 (priority 0xA0) and 41 (priority 0x20) pended while masked: 41 first */
    norder = 0;
    writel(GICD + 0x80 + 4, 0xFFFFFFFFu);                  /* IGROUPR1: SPIs 32..63 group 1 */
    writeq(GICD + 0x6000 + 8 * 40, 0);                     /* IROUTER: cpu 0 */
    writeq(GICD + 0x6000 + 8 * 41, 0);
    writeb(GICD + 0x400 + 40, 0xA0);            /* IPRIORITYR byte access */
    writeb(GICD + 0x400 + 41, 0x20);
    writel(GICD + 0x100 + 4, (1u << 8) | (1u << 9));       /* ISENABLER1 */
    writel(GICD + 0x200 + 4, (1u << 8) | (1u << 9));       /* ISPENDR1 */
    check("spi_pending", readl(GICD + 0x200 + 4) & 0x300, 0x300);
    check("spi_priority_readback", readb(GICD + 0x400 + 41), 0x20);
    irq_enable();
    while (norder < 2)
        ;
    irq_disable();
    check("first_spi", order[0], 41);
    check("second_spi", order[1], 40);
    check("spi_not_pending", readl(GICD + 0x200 + 4) & 0x300, 0);

    /* PMR masks: priority 0xA0 is not signalled under PMR 0x80 */
    norder = 0;
    WRITE_SYSREG(S3_0_C4_C6_0, 0x80);
    writel(GICD + 0x200 + 4, 1u << 8);
    check("masked_by_pmr_iar", gic_ack(), 1023);
    WRITE_SYSREG(S3_0_C4_C6_0, 0xFF);
    __asm__ volatile("isb");
    irq_enable();
    while (norder < 1)
        ;
    irq_disable();
    check("after_pmr_raise", order[0], 40);
    puts(failures ? "gictimer FAILED\n" : "gictimer passed\n");
    return 0;
}
