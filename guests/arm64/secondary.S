// Secondary CPU entry for PSCI CPU_ON (QEMU virt and Polyvisor): x0 = context id = CPU index.
// Each secondary gets a 16 KiB stack from secondary_stacks, the common vector table, then secondary_main(index).
    .section .text
    .global secondary_entry
secondary_entry:
    adrp    x1, secondary_stacks
    add     x1, x1, :lo12:secondary_stacks
    add     x1, x1, x0, lsl #14
    add     sp, x1, #0x4000
    adr     x1, vectors
    msr     vbar_el1, x1
    isb
    bl      secondary_main
1:  wfi
    b       1b

// Guests without SMP work link this default: the secondary just parks.
    .weak   secondary_main
secondary_main:
    ret

    .bss
    .balign 16
    .global secondary_stacks
secondary_stacks:
    .space  0x4000 * 8
