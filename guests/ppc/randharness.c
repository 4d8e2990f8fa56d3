#include "lib.h"
/* Random-instruction differential harness: the host patches rand_block (nops) with random integer instructions.
 * Registers start from fixed values; after the block r0-r31, CR and XER are dumped in hex. */
extern u32 rand_block[];
u32 dump[35];
void run_block(u32 *out);
__asm__(
    "	.text\n"
    "	.globl run_block\n"
    "run_block:\n"
    "	stwu r1,-160(r1)\n"
    "	stmw r2,8(r1)\n"
    "	stw r3,140(r1)\n"
    "	lis r0,0x1234\n"
    "	ori r0,r0,0x5678\n"
    "	mtxer r0\n"
    "	mtcr r0\n"
    "	li r0,0\n"
    "	lis r3,0x8000\n"
    "	li r4,-1\n"
    "	lis r5,0x7fff\n"
    "	ori r5,r5,0xffff\n"
    "	li r6,1\n"
    "	lis r7,0xdead\n"
    "	ori r7,r7,0xbeef\n"
    "	li r8,31\n"
    "	li r9,32\n"
    "	lis r10,0x5555\n"
    "	ori r10,r10,0x5555\n"
    "	li r11,-2\n"
    "	li r12,0x7f\n"
    "	lis r13,0xffff\n"
    "	li r14,0x100\n"
    "	lis r15,0x0001\n"
    "	ori r15,r15,0x8000\n"
    "	li r16,-32768\n"
    "	li r17,2\n"
    "	li r18,3\n"
    "	lis r19,0xc000\n"
    "	li r20,0x55\n"
    "	lis r21,0x1357\n"
    "	ori r21,r21,0x9bdf\n"
    "	li r22,17\n"
    "	lis r23,0x0f0f\n"
    "	ori r23,r23,0x0f0f\n"
    "	li r24,-100\n"
    "	li r25,100\n"
    "	lis r26,0xfedc\n"
    "	ori r26,r26,0xba98\n"
    "	li r27,5\n"
    "	li r28,-7\n"
    "	lis r29,0x4000\n"
    "	li r30,9\n"
    "	lis r31,0x8000\n"
    "	ori r31,r31,1\n"
    "	li r2,1000\n"
    "	.globl rand_block\n"
    "rand_block:\n"
    "	.rept 4096\n"
    "	nop\n"
    "	.endr\n"
    "	stw r31,-4(r1)\n"
    "	lwz r31,140(r1)\n"
    "	stmw r0,0(r31)\n"
    "	lwz r0,-4(r1)\n"
    "	stw r0,124(r31)\n"
    "	mfcr r0\n"
    "	stw r0,128(r31)\n"
    "	mfxer r0\n"
    "	stw r0,132(r31)\n"
    "	lmw r2,8(r1)\n"
    "	addi r1,r1,160\n"
    "	blr\n");

int main(void)
{
    run_block(dump);
    for (int i = 0; i < 34; i++) {
        if (i < 32) {
            puts("r");
            putdec(i);
        } else {
            puts(i == 32 ? "cr" : "xer");
        }
        puts("=");
        puthex(dump[i]);
        putnl();
    }
    return 0;
}
