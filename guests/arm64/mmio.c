/* MMIO emulation from the data-abort syndrome: every access size, sign and zero extension, 32- and 64-bit targets,
 * stores of each width, the zero register, on the PL011 and the GIC distributor. -smp 1 */
#include "gic.h"

#define UART 0x09000000UL

int main(void)
{
    puts("mmio\n");
    u64 v;
    s64 sv;
    /* PL011 PeriphID0 = 0x11 at 0xFE0, CellID1 = 0xF0 at 0xFF4 */
    __asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(UART + 0xFE0));
    check("ldrb", v, 0x11);
    __asm__ volatile("ldrsb %x0, [%1]" : "=r"(sv) : "r"(UART + 0xFF4));
    check("ldrsb_x", (u64)sv, (u64)-16);
    __asm__ volatile("ldrsb %w0, [%1]" : "=r"(v) : "r"(UART + 0xFF4));
    check("ldrsb_w", v, 0xFFFFFFF0UL);
    __asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(UART + 0xFF4));
    check("ldrh", v, 0xF0);
    __asm__ volatile("ldrsh %x0, [%1]" : "=r"(sv) : "r"(UART + 0xFF4));
    check("ldrsh_positive", (u64)sv, 0xF0);
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(UART + 0xFF0));
    check("ldr_w", v, 0x0D);
    __asm__ volatile("ldrsw %x0, [%1]" : "=r"(sv) : "r"(UART + 0xFF4));
    check("ldrsw", (u64)sv, 0xF0);
    __asm__ volatile("ldur %w0, [%1, #-4]" : "=r"(v) : "r"(UART + 0xFE4));
    check("ldur", v, 0x11);
    /* read-modify-write of the UART control register with each store width */
    u64 cr;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(cr) : "r"(UART + 0x30));
    check("cr_reset", cr, 0x300);
    __asm__ volatile("strh %w0, [%1]" :: "r"(0x301UL), "r"(UART + 0x30) : "memory");
    __asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(UART + 0x30));
    check("strh_readback", v, 0x301);
    __asm__ volatile("str %w0, [%1]" :: "r"(0x300UL), "r"(UART + 0x30) : "memory");
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(UART + 0x30));
    check("str_readback", v, 0x300);
    /* IBRD is 16 bits wide */
    __asm__ volatile("str %w0, [%1]" :: "r"(0x2345UL), "r"(UART + 0x24) : "memory");
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(UART + 0x24));
    check("ibrd", v, 0x2345);
    __asm__ volatile("str wzr, [%0]" :: "r"(UART + 0x24) : "memory");
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(UART + 0x24));
    check("store_wzr", v, 0);
    /* a load into xzr still performs the access and discards it */
    __asm__ volatile("ldr wzr, [%0]" :: "r"(UART + 0x18) : "memory");
    check("after_xzr_load", 1, 1);
    /* byte store to the data register prints */
    __asm__ volatile("strb %w0, [%1]" :: "r"((u64)'!'), "r"(UART) : "memory");
    __asm__ volatile("strb %w0, [%1]" :: "r"((u64)'\n'), "r"(UART) : "memory");
    /* GIC distributor: 64-bit IROUTER store and load, PIDR2, byte priorities */
    __asm__ volatile("str %x0, [%1]" :: "r"(0UL), "r"(GICD + 0x6000 + 8 * 45) : "memory");
    __asm__ volatile("ldr %x0, [%1]" : "=r"(v) : "r"(GICD + 0x6000 + 8 * 45));
    check("irouter_x", v, 0);
    __asm__ volatile("strb %w0, [%1]" :: "r"(0xC0UL), "r"(GICD + 0x400 + 45) : "memory");
    __asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(GICD + 0x400 + 45));
    check("ipriority_byte", v, 0xC0);
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(GICD + 0x400 + 44));
    check("ipriority_word", v, 0xC000);
    /* loads of an ldr literal-free, acquire form */
    __asm__ volatile("ldar %w0, [%1]" : "=r"(v) : "r"(UART + 0xFE0));
    check("ldar", v, 0x11);
    __asm__ volatile("stlr %w0, [%1]" :: "r"(0x300UL), "r"(UART + 0x30) : "memory");
    /* identification registers of the GIC as the virt machine has it */
    put_kv("gicd_typer", readl(GICD + 0x4));
    put_kv("gicd_iidr", readl(GICD + 0x8));
    put_kv("gicd_pidr2", readl(GICD + 0xFFE8));
    put_kv("gicr_typer_lo", readl(GICR(0) + 0x8));
    put_kv("gicr_typer_hi", readl(GICR(0) + 0xC));
    put_kv("gicr_iidr", readl(GICR(0) + 0x4));
    puts(failures ? "mmio FAILED\n" : "mmio passed\n");
    return 0;
}
