/* Startup for bare-metal e500mc guests (QEMU ppce500 and Polyvisor ppc-booke).
 * The vectors section comes first so that IVPR (64 KiB aligned) can point at the image base. */
	.section .vectors,"ax"
	.globl _start
_start:
	b	reset

/* One 32-byte stub per IVOR: remember r3 in SPRG1, pass the IVOR number to the common entry. */
	.macro VEC n
	.align 5
vec\n:
	mtsprg1	r3
	li	r3,\n
	b	exc_common
	.endm
	.align 8
vectors:
	VEC 0
	VEC 1
	VEC 2
	VEC 3
	VEC 4
	VEC 5
	VEC 6
	VEC 7
	VEC 8
	VEC 9
	VEC 10
	VEC 11
	VEC 12
	VEC 13
	VEC 14
	VEC 15

/* Frame: 8 r0, 12 r2, 16 r3, 20.. r4-r31, 132 cr, 136 lr, 140 ctr, 144 xer, 148 srr0, 152 srr1, 156 esr, 160 dear */
exc_common:
	stwu	r1,-176(r1)
	stw	r0,8(r1)
	stw	r2,12(r1)
	stmw	r4,20(r1)
	mfsprg1	r0
	stw	r0,16(r1)
	mfcr	r0
	stw	r0,132(r1)
	mflr	r0
	stw	r0,136(r1)
	mfctr	r0
	stw	r0,140(r1)
	mfxer	r0
	stw	r0,144(r1)
	mfsrr0	r0
	stw	r0,148(r1)
	mfsrr1	r0
	stw	r0,152(r1)
	mfspr	r0,62		/* ESR */
	stw	r0,156(r1)
	mfspr	r0,61		/* DEAR */
	stw	r0,160(r1)
	mr	r4,r1
	bl	exception	/* void exception(int ivor, struct frame *f) may change the frame */
	lwz	r0,148(r1)
	mtsrr0	r0
	lwz	r0,152(r1)
	mtsrr1	r0
	lwz	r0,132(r1)
	mtcr	r0
	lwz	r0,136(r1)
	mtlr	r0
	lwz	r0,140(r1)
	mtctr	r0
	lwz	r0,144(r1)
	mtxer	r0
	lwz	r0,8(r1)
	lwz	r2,12(r1)
	lwz	r3,16(r1)
	lmw	r4,20(r1)
	addi	r1,r1,176
	rfi

	.text
	.globl reset
reset:
	lis	r1,stack_top@h
	ori	r1,r1,stack_top@l
	li	r0,0
	stwu	r0,-16(r1)
	/* CCSR (PA 0xF_E000_0000) at EA 0xE000_0000, 1 MiB, I|G, supervisor RW: TLB1 entry 1 */
	lis	r3,0x1001
	mtspr	624,r3		/* MAS0 */
	lis	r3,0xC000
	ori	r3,r3,0x0500
	mtspr	625,r3		/* MAS1 */
	lis	r3,0xE000
	ori	r3,r3,0x000A
	mtspr	626,r3		/* MAS2 */
	lis	r3,0xE000
	ori	r3,r3,0x0005
	mtspr	627,r3		/* MAS3 */
	li	r3,0xF
	mtspr	944,r3		/* MAS7 */
	isync
	tlbwe
	isync
	/* IVPR = image base, IVORn = stub offsets */
	lis	r3,_start@h
	mtspr	63,r3
	bl	set_ivors
	/* zero .bss */
	lis	r3,__bss_start@h
	ori	r3,r3,__bss_start@l
	lis	r4,__bss_end@h
	ori	r4,r4,__bss_end@l
	li	r0,0
3:	cmplw	r3,r4
	bge	4f
	stw	r0,0(r3)
	addi	r3,r3,4
	b	3b
4:	bl	main
	bl	poweroff
5:	b	5b

/* mtspr needs a constant SPR number: one instruction per IVOR */
set_ivors:
	lis	r4,vectors@ha
	addi	r4,r4,vectors@l
	clrlwi	r4,r4,16
	mtspr	400,r4
	addi	r4,r4,32
	mtspr	401,r4
	addi	r4,r4,32
	mtspr	402,r4
	addi	r4,r4,32
	mtspr	403,r4
	addi	r4,r4,32
	mtspr	404,r4
	addi	r4,r4,32
	mtspr	405,r4
	addi	r4,r4,32
	mtspr	406,r4
	addi	r4,r4,32
	mtspr	407,r4
	addi	r4,r4,32
	mtspr	408,r4
	addi	r4,r4,32
	mtspr	409,r4
	addi	r4,r4,32
	mtspr	410,r4
	addi	r4,r4,32
	mtspr	411,r4
	addi	r4,r4,32
	mtspr	412,r4
	addi	r4,r4,32
	mtspr	413,r4
	addi	r4,r4,32
	mtspr	414,r4
	addi	r4,r4,32
	mtspr	415,r4
	blr
