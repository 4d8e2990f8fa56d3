/* The branchy integer benchmark (guests/common/branchy.h): list, matrix and state-machine kernels, CRC'd. */
#include "lib.h"
#include "../common/branchy.h"

/* Iterations; a benchmark may patch this symbol for a longer run (two lengths, differenced, exclude start-up). */
volatile u32 branchy_iterations = 2000;

int main(void)
{
    puts("branchy\n");
    br_seed = 42;
    struct br_node *head = br_list_init();
    u32 crc = 0;
    u32 n = branchy_iterations;
    for (u32 i = 0; i < n; i++) {
        crc = br_iteration(&head, crc, (s32)i);
        if ((i & 255) == 255) {
            puts("iter "); putdec(i + 1); puts(" crc="); puthex(crc); putnl();
        }
    }
    puts("branchy done crc="); puthex(crc); putnl();
    return 0;
}
