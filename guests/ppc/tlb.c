#include "lib.h"
/* TLB management: map RAM pages at new EAs through TLB0 and TLB1, read them back, search, invalidate. */
static unsigned char page[3][4096] __attribute__((aligned(4096)));
static volatile int faults;
static u32 fault_dear;

static void on_exc(int ivor, struct frame *f)
{
    if (ivor == 13) {   /* data TLB miss: count it, skip the access */
        faults++;
        fault_dear = f->dear;
        f->srr0 += 4;
        return;
    }
    puts("unexpected ivor ");
    putdec(ivor);
    putnl();
    poweroff();
}

static void tlbwe(u32 mas0, u32 mas1, u32 mas2, u32 mas3)
{
    mtspr(624, mas0);
    mtspr(625, mas1);
    mtspr(626, mas2);
    mtspr(627, mas3);
    mtspr(944, 0);
    __asm__ volatile("isync\n\ttlbwe\n\tisync" ::: "memory");
}

static void show_mas(const char *what)
{
    puts(what);
    puts(" mas1=");
    puthex(mfspr(625));
    puts(" mas2=");
    puthex(mfspr(626));
    puts(" mas3=");
    puthex(mfspr(627) & 0xfffff03f);
    puts(" tlbsel=");
    puthex((mfspr(624) >> 28) & 3);
    putnl();
}

static u32 rd(u32 ea)
{
    u32 v = 0xeeeeeeee;
    __asm__ volatile("lwz %0,0(%1)" : "+r"(v) : "b"(ea) : "memory");
    return v;
}

int main(void)
{
    exc_hook = on_exc;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4096; j += 4)
            *(u32 *)&page[i][j] = 0x11110000u * (i + 1) + j;
    u32 pa0 = (u32)page[0], pa1 = (u32)page[1];
    /* TLB0: EA 0x40000000 -> page 0, ESEL way 1 */
    tlbwe(0x00010000, 0x80000100, 0x40000000, pa0 | 0x3f);
    /* TLB1 entry 5: EA 0x50000000 (16 KiB, TSIZE 2 << 8) -> the 16 KiB containing page 1 */
    u32 base16 = pa1 & ~0x3fffu;
    tlbwe(0x10050000, 0x80000200, 0x50000000, base16 | 0x15);
    puts("tlb0 read ");
    puthex(rd(0x40000000));
    puts(" ");
    puthex(rd(0x40000ffc));
    putnl();
    puts("tlb1 read ");
    puthex(rd(0x50000000 + (pa1 - base16) + 8));
    putnl();
    /* write through the alias, read through the identity map */
    *(volatile u32 *)0x40000010 = 0xcafef00d;
    puts("alias write ");
    puthex(*(volatile u32 *)(pa0 + 0x10));
    putnl();
    /* tlbre */
    mtspr(624, 0x00010000);
    mtspr(626, 0x40000000);
    __asm__ volatile("tlbre" ::: "memory");
    show_mas("tlbre0");
    mtspr(624, 0x10050000);
    __asm__ volatile("tlbre" ::: "memory");
    show_mas("tlbre1");
    /* tlbsx hit and miss */
    mtspr(630, 0);
    __asm__ volatile("tlbsx 0,%0" : : "r"(0x50000abc) : "memory");
    show_mas("tlbsx-hit");
    mtspr(628, 0x10000000 | 0x0100 | 0x0a);   /* MAS4: TLBSELD 1, TSIZED 4K, I|G defaults */
    __asm__ volatile("tlbsx 0,%0" : : "r"(0x60000abc) : "memory");
    show_mas("tlbsx-miss");
    /* a miss on an unmapped EA */
    rd(0x60000000);
    puts("faults ");
    putdec(faults);
    puts(" dear ");
    puthex(fault_dear);
    putnl();
    /* tlbivax the TLB0 page; the next access faults */
    __asm__ volatile("tlbivax 0,%0\n\ttlbsync\n\tisync" : : "r"(0x40000000) : "memory");
    rd(0x40000000);
    puts("after tlbivax faults ");
    putdec(faults);
    putnl();
    /* tlbilx T=3 by address on TLB1 entry (not protected) */
    mtspr(630, 0);
    __asm__ volatile("tlbilx 3,0,%0\n\tisync" : : "r"(0x50000000) : "memory");
    rd(0x50000000);
    puts("after tlbilx faults ");
    putdec(faults);
    putnl();
    /* remap TLB0 with a PID: only visible when PID matches */
    tlbwe(0x00000000, 0x80050100, 0x40000000, pa0 | 0x3f);
    rd(0x40000000);
    puts("pid0 faults ");
    putdec(faults);
    putnl();
    mtspr(48, 5);
    __asm__ volatile("isync");
    puts("pid5 read ");
    puthex(rd(0x40000004));
    putnl();
    mtspr(48, 0);
    __asm__ volatile("isync");
    puts("tlb done\n");
    return 0;
}
