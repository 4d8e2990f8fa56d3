#include "lib.h"

int main(void)
{
    puts("Hello from an e500mc guest\n");
    puts("PVR=");
    puthex(mfspr(287));
    puts(" TLB0CFG=");
    puthex(mfspr(688));
    puts(" TLB1CFG=");
    puthex(mfspr(689));
    puts(" MMUCFG=");
    puthex(mfspr(1015));
    putnl();
    return 0;
}
