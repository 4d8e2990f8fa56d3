/* Operand tables and a result hash for the instruction-group guests: each instruction runs on every operand pair
 * and folds (result, XER, CR) into one 32-bit value, printed per instruction; golden values come from QEMU. */
#include "lib.h"
static const u32 vals[] = {0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x12345678,
                           0x8000ffff, 0x0000ffff, 31, 0xdeadbeef, 33, 0x55555555, 0xaaaaaaaa, 0x7fff8000};
#define NV (sizeof(vals) / sizeof(vals[0]))
static u32 h;
static inline void mix(u32 v)
{
    h = (h ^ v) * 0x01000193u;
    h ^= h >> 15;
}
static void report(const char *name)
{
    puts(name);
    puts(" ");
    puthex(h);
    putnl();
    h = 0x811c9dc5u;
}
/* binary op with XER in (SO/OV/CA cleared or set), result + XER + CR captured */
#define BIN(insn) BINT(insn, insn " %0,%4,%5")
#define BINT(name, insn)                                                                                   \
    do {                                                                                            \
        h = 0x811c9dc5u;                                                                            \
        for (unsigned i = 0; i < NV; i++)                                                           \
            for (unsigned j = 0; j < NV; j++)                                                       \
                for (unsigned x = 0; x < 2; x++) {                                                  \
                    u32 r, xr, c, xin = x ? 0xe0000000 : 0;                                        \
                    __asm__ volatile("mtxer %3\n\tmtcr %6\n\t" insn "\n\tmfxer %1\n\tmfcr %2"    \
                                     : "=&r"(r), "=&r"(xr), "=&r"(c)                                \
                                     : "r"(xin), "r"(vals[i]), "r"(vals[j]), "r"(0)                 \
                                     : "cr0", "cr1", "cr7", "xer");                                 \
                    mix(r); mix(xr); mix(c);                                                        \
                }                                                                                   \
        report(name);                                                                               \
    } while (0)
#define UN(insn)                                                                                    \
    do {                                                                                            \
        h = 0x811c9dc5u;                                                                            \
        for (unsigned i = 0; i < NV; i++)                                                           \
            for (unsigned x = 0; x < 2; x++) {                                                      \
                u32 r, xr, c, xin = x ? 0xe0000000 : 0;                                            \
                __asm__ volatile("mtxer %3\n\tmtcr %5\n\t" insn " %0,%4\n\tmfxer %1\n\tmfcr %2"       \
                                 : "=&r"(r), "=&r"(xr), "=&r"(c)                                    \
                                 : "r"(xin), "r"(vals[i]), "r"(0)                                   \
                                 : "cr0", "cr1", "cr7", "xer");                                     \
                mix(r); mix(xr); mix(c);                                                            \
            }                                                                                       \
        report(insn);                                                                               \
    } while (0)
/* op with an immediate: insn is e.g. "addic. %0,%4,-5" */
#define IMM(name, insn)                                                                             \
    do {                                                                                            \
        h = 0x811c9dc5u;                                                                            \
        for (unsigned i = 0; i < NV; i++)                                                           \
            for (unsigned x = 0; x < 2; x++) {                                                      \
                u32 r, xr, c, xin = x ? 0xe0000000 : 0;                                            \
                __asm__ volatile("mtxer %3\n\tmtcr %5\n\t" insn "\n\tmfxer %1\n\tmfcr %2"             \
                                 : "=&r"(r), "=&r"(xr), "=&r"(c)                                    \
                                 : "r"(xin), "r"(vals[i]), "r"(0)                                   \
                                 : "cr0", "cr1", "cr7", "xer");                                     \
                mix(r); mix(xr); mix(c);                                                            \
            }                                                                                       \
        report(name);                                                                               \
    } while (0)
