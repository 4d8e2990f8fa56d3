/* GICv3 on QEMU virt (gic-version=3): distributor, redistributors, system-register CPU interface; atomics. */
#ifndef GIC_H
#define GIC_H
#include "guest.h"

#define GICD        0x08000000UL
#define GICR(cpu)   (0x080A0000UL + (u64)(cpu) * 0x20000UL)
#define GICR_SGI(cpu) (GICR(cpu) + 0x10000UL)
/* Device accesses are single loads/stores without writeback, like Linux's readl/writel: only those carry a valid
 * syndrome (ISV) when they trap to the hypervisor. */
static inline u32 readl(u64 a) { u32 v; __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); return v; }
static inline void writel(u64 a, u32 v) { __asm__ volatile("str %w0, [%1]" :: "r"(v), "r"(a) : "memory"); }
static inline void writeq(u64 a, u64 v) { __asm__ volatile("str %x0, [%1]" :: "r"(v), "r"(a) : "memory"); }
static inline void writeb(u64 a, u8 v) { __asm__ volatile("strb %w0, [%1]" :: "r"(v), "r"(a) : "memory"); }
static inline u8 readb(u64 a) { u32 v; __asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); return (u8)v; }

#define PSCI_CPU_ON      0xC4000003UL
#define PSCI_CPU_OFF     0x84000002UL
#define PSCI_AFFINITY    0xC4000004UL

void secondary_entry(void);

static inline u64 cpu_index(void) { return READ_SYSREG(mpidr_el1) & 0xFF; }

/* Distributor: groups enabled, affinity routing. */
static inline void gicd_init(void)
{
    writel(GICD + 0x0, 0x13); /* ARE | EnableGrp1 | EnableGrp0 */
}

/* This CPU's redistributor awake, SGIs/PPIs in group 1 at priority 0x80, the system-register interface on. */
static inline void gic_cpu_init(void)
{
    u64 c = cpu_index();
    writel(GICR(c) + 0x14, readl(GICR(c) + 0x14) & ~2u); /* WAKER.ProcessorSleep = 0 */
    while (readl(GICR(c) + 0x14) & 4)
        ;                                       /* wait for ChildrenAsleep = 0 */
    writel(GICR_SGI(c) + 0x80, 0xFFFFFFFFu);    /* IGROUPR0: group 1 */
    for (int i = 0; i < 32; i += 4)
        writel(GICR_SGI(c) + 0x400 + i, 0x80808080u);
    WRITE_SYSREG(S3_0_C12_C12_5, READ_SYSREG(S3_0_C12_C12_5) | 1); /* ICC_SRE_EL1.SRE */
    __asm__ volatile("isb");
    WRITE_SYSREG(S3_0_C4_C6_0, 0xFF);           /* ICC_PMR_EL1 */
    WRITE_SYSREG(S3_0_C12_C12_7, 1);            /* ICC_IGRPEN1_EL1 */
    __asm__ volatile("isb");
}

static inline void gic_enable_ppi(u32 intid)
{
    writel(GICR_SGI(cpu_index()) + 0x100, 1u << intid); /* ISENABLER0 */
}

static inline u64 gic_ack(void) { return READ_SYSREG(S3_0_C12_C12_0); }          /* ICC_IAR1_EL1 */
static inline void gic_eoi(u64 id) { WRITE_SYSREG(S3_0_C12_C12_1, id); }          /* ICC_EOIR1_EL1 */
static inline void gic_sgi(u64 target_list, u64 intid)                             /* ICC_SGI1R_EL1 */
{
    WRITE_SYSREG(S3_0_C12_C11_5, (intid << 24) | target_list);
    __asm__ volatile("isb");
}

static inline void irq_enable(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }

/* LDXR/STXR loop: atomic add, returns the new value. */
static inline u64 atomic_add(volatile u64 *p, u64 v)
{
    u64 r, fail;
    __asm__ volatile("1: ldxr %0, [%2]\n"
                     "   add %0, %0, %3\n"
                     "   stxr %w1, %0, [%2]\n"
                     "   cbnz %w1, 1b\n"
                     : "=&r"(r), "=&r"(fail) : "r"(p), "r"(v) : "memory");
    return r;
}

static inline u64 atomic_read(volatile u64 *p) { return *p; }
#endif
