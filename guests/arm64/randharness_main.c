/* C side of the random-instruction harness: one line per block with x0..x29 and NZCV in hex. */
#include "guest.h"

void rand_run(void);
static u64 block;

void dump_regs(u64 *r)
{
    putc('B');
    put_dec(block++);
    for (int i = 0; i < 30; i++) {
        putc(' ');
        put_hex(r[i]);
    }
    puts(" n=");
    putc("0123456789abcdef"[(r[30] >> 28) & 15]);
    putc('\n');
}

int main(void)
{
    puts("randharness\n");
    rand_run();
    puts("done\n");
    return 0;
}
