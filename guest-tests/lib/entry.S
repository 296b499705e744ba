/* Multiboot 1 entry and interrupt stubs of the guest-test kernels. */
#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00000003 /* page-align modules, memory information */
#ifdef MB1_BAD_CHECKSUM      /* the bad-header scenario: the loader must refuse us */
#define MB1_SUM_DELTA 1
#else
#define MB1_SUM_DELTA 0
#endif

    .section .multiboot, "a"
    .align 4
    .long MB1_MAGIC, MB1_FLAGS, -(MB1_MAGIC + MB1_FLAGS) + MB1_SUM_DELTA

    .section .bss
    .align 16
stack:  .skip 16384
stack_top:

    .section .data
    .align 8
gdt:    .quad 0
        .quad 0x00CF9A000000FFFF /* 0x08: flat 32-bit code */
        .quad 0x00CF92000000FFFF /* 0x10: flat data */
gdt_ptr: .word gdt_ptr - gdt - 1
        .long gdt

    .text
    .globl _start
_start:
    cli
    cld
    mov $stack_top, %esp
    lgdt gdt_ptr
    ljmp $0x08, $1f
1:  mov $0x10, %ecx
    mov %ecx, %ds
    mov %ecx, %es
    mov %ecx, %fs
    mov %ecx, %gs
    mov %ecx, %ss
    push %ebx                /* struct mb1_info * */
    push %eax                /* boot magic, checked in C */
    call guest_start
2:  hlt
    jmp 2b

/* Vectors 0..47; those without a CPU error code push a zero so every frame matches
 * struct trap_frame (traps.c). */
.macro isr vec
isr\vec:
    .if !(\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30)
    push $0
    .endif
    push $\vec
    jmp isr_common
.endm
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    isr \v
.endr

isr_common:
    pusha
    push %esp
    call trap_dispatch
    add $4, %esp
    popa
    add $8, %esp             /* vector, error code */
    iret

    .section .rodata
    .globl isr_table
isr_table:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    .long isr\v
.endr

    .section .note.GNU-stack, "", @progbits
