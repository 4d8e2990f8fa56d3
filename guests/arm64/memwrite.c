#include "guest.h"
/* Live-save guest: keeps rewriting memory while it runs, so a dirty-page log sees pages written in every pre-copy
 * round. 4 MiB (1024 pages) of .bss; round r rewrites one word in every s-th page (s = 1 + r % 8, so the dirty set
 * changes size from round to round) and folds the values into a hash, printed every 64 rounds; at the end a
 * checksum over all 4 MiB. A page whose latest contents a snapshot missed changes the lines after the restore. */
#define ROUNDS 16000
#define PAGES 1024
#define WORDS_PER_PAGE 1024
static u32 mem[PAGES * WORDS_PER_PAGE];

int main(void)
{
    u32 h = 0x811C9DC5u;
    for (u32 round = 0; round < ROUNDS; round++) {
        u32 stride = 1 + (round & 7);
        u32 word = (round * 13) & (WORDS_PER_PAGE - 1);
        for (u32 p = round % stride; p < PAGES; p += stride) {
            u32 *w = &mem[p * WORDS_PER_PAGE + word];
            *w = *w * 31 + h + p;
            h = (h ^ *w) * 16777619u;
        }
        if ((round & 63) == 63) {
            put_hex32(h);
            putc('\n');
        }
    }
    u32 sum = 0;
    for (u32 i = 0; i < PAGES * WORDS_PER_PAGE; i++)
        sum = sum * 31 + mem[i];
    puts("memwrite sum ");
    put_hex32(sum);
    puts("\nmemwrite done\n");
    return 0;
}
