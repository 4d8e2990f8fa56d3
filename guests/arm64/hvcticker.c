/* A guest that keeps making hypercalls until it is told to stop: for plugin tests that attach an exit observer (a
 * hypercall tracer) to a VM that is already running and detach it again. Each round makes two PSCI calls through
 * hvc #0 (PSCI_VERSION, PSCI_FEATURES(CPU_ON)) and adds their results; every 1024th round prints
 * "tick ROUND sum=HEX". It stops when a 'q' arrives on the console (PL011 RXFE clear) and prints
 * "hvcticker done rounds=N". Line k is a function of k alone, so a test can check that nothing was lost, repeated or
 * answered differently while a tracer came and went, without timing in the expected output. */
#include "guest.h"

#define UART_DR ((volatile u32 *)0x09000000UL)
#define UART_FR ((volatile u32 *)0x09000018UL)
#define FR_RXFE 0x10

static int quit_requested(void)
{
    if (*UART_FR & FR_RXFE)
        return 0;
    return (*UART_DR & 0xFF) == 'q';
}

int main(void)
{
    u64 sum = 0;
    u64 round = 0;
    for (;;) {
        sum += psci_call(0x84000000UL, 0, 0, 0);             /* PSCI_VERSION: 0x10001 */
        sum += psci_call(0x8400000AUL, 0xC4000003UL, 0, 0);  /* PSCI_FEATURES(CPU_ON): 0 */
        for (volatile int spin = 0; spin < 2000; spin++)
            ;
        if ((round & 1023) == 1023) {
            puts("tick ");
            put_dec(round);
            puts(" sum=");
            put_hex(sum);
            putc('\n');
            if (quit_requested())
                break;
        }
        round++;
    }
    puts("hvcticker done rounds=");
    put_dec(round + 1);
    putc('\n');
    return 0;
}
