#include "check.h"
int main(void)
{
    BIN("mullw"); BIN("mullw."); BIN("mullwo"); BIN("mullwo.");
    BIN("mulhw"); BIN("mulhw."); BIN("mulhwu"); BIN("mulhwu.");
    BIN("divw"); BIN("divw."); BIN("divwo"); BIN("divwo.");
    BIN("divwu"); BIN("divwu."); BIN("divwuo"); BIN("divwuo.");
    IMM("mulli", "mulli %0,%4,-7"); IMM("mulli2", "mulli %0,%4,30000");
    /* C-level arithmetic as GCC emits it */
    u32 acc = 1;
    for (unsigned i = 0; i < NV; i++)
        for (unsigned j = 0; j < NV; j++) {
            s32 a = (s32)vals[i], b = (s32)vals[j];
            if (b != 0 && !(a == (s32)0x80000000 && b == -1))
                acc = acc * 31 + (u32)(a / b) + (u32)(a % b);
            if (vals[j])
                acc = acc * 31 + vals[i] / vals[j] + vals[i] % vals[j];
            acc ^= (u32)(((unsigned long long)vals[i] * vals[j]) >> 32);
            acc += (u32)((long long)a * b >> 17);
        }
    puts("c-arith ");
    puthex(acc);
    putnl();
    puts("muldiv done\n");
    return 0;
}
