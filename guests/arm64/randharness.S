// Random-instruction differential harness. `rand_blocks` holds RAND_BLOCKS blocks of RAND_LEN NOPs, each followed
// by `bl rand_dump`; the test patches the NOPs with random data-processing instructions (which never write x30 or
// SP), runs the ELF on QEMU and on Polyvisor and compares the register dumps. x0..x29 start from `rand_init`.
#define RAND_BLOCKS 200
#define RAND_LEN 500

    .data
    .balign 8
    .global rand_init
rand_init:
    .quad 0x0000000000000000, 0x0000000000000001, 0xffffffffffffffff, 0x8000000000000000
    .quad 0x7fffffffffffffff, 0x00000000ffffffff, 0x0000000080000000, 0x000000007fffffff
    .quad 0x0123456789abcdef, 0xfedcba9876543210, 0x00000000deadbeef, 0xcafef00dd15ea5e5
    .quad 0x5555555555555555, 0xaaaaaaaaaaaaaaaa, 0x0000000000000003, 0x00000000000000ff
    .quad 0xffffffff00000000, 0x0000ffff0000ffff, 0x1000000000000000, 0x0000000000000000
    .quad 0x9e3779b97f4a7c15, 0x00000000000f0000, 0xffffffffffff0001, 0x000000000000003f
    .quad 0x0000000000000040, 0x8000000080000000, 0x00000000c0000000, 0x3fffffffffffffff
    .quad 0x0000000000010000, 0x0000000000000007

    .text
    .global rand_run
rand_run:
    stp     x29, x30, [sp, #-96]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    adrp    x30, rand_init
    add     x30, x30, :lo12:rand_init
    ldp     x0, x1, [x30, #0]
    ldp     x2, x3, [x30, #16]
    ldp     x4, x5, [x30, #32]
    ldp     x6, x7, [x30, #48]
    ldp     x8, x9, [x30, #64]
    ldp     x10, x11, [x30, #80]
    ldp     x12, x13, [x30, #96]
    ldp     x14, x15, [x30, #112]
    ldp     x16, x17, [x30, #128]
    ldp     x18, x19, [x30, #144]
    ldp     x20, x21, [x30, #160]
    ldp     x22, x23, [x30, #176]
    ldp     x24, x25, [x30, #192]
    ldp     x26, x27, [x30, #208]
    ldp     x28, x29, [x30, #224]
    msr     nzcv, xzr
    .balign 16
    .global rand_blocks
rand_blocks:
    .rept RAND_BLOCKS
    .rept RAND_LEN
    nop
    .endr
    bl      rand_dump
    .endr
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret

// Saves x0..x29 and NZCV, prints them (dump_regs in C), restores everything and returns.
rand_dump:
    sub     sp, sp, #256
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x0, nzcv
    stp     x0, x30, [sp, #240]
    mov     x0, sp
    bl      dump_regs
    ldp     x0, x30, [sp, #240]
    msr     nzcv, x0
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    add     sp, sp, #256
    ret
