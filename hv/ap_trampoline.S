/* Application-processor start-up code. The bootstrap processor copies it to
 * a page below 1 MiB and sends INIT-SIPI-SIPI with that page's number as the
 * vector (SDM Vol 3A 9.4.4, 11.6.1): the AP starts here in real mode at
 * CS = page >> 4, IP = 0. It enters protected mode, then long mode on the
 * hypervisor's own page tables (their identity map covers this page), and
 * calls ap_entry(arg) on the stack the BSP put in the parameter block.
 * Addresses are computed from CS, so the copy runs wherever it lands. */
#define OFF(sym) ((sym) - ap_trampoline_start)

    .section .rodata
    .balign 16
    .globl ap_trampoline_start, ap_trampoline_end, ap_trampoline_params
    .code16
ap_trampoline_start:
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds
    xor %ebx, %ebx
    mov %ax, %bx
    shl $4, %ebx                         /* physical address of this page */
    lea OFF(tr_gdt)(%ebx), %eax
    mov %eax, OFF(tr_gdtr) + 2
    lea OFF(tr_pm32)(%ebx), %eax
    mov %eax, OFF(tr_far32)
    lea OFF(tr_lm64)(%ebx), %eax
    mov %eax, OFF(tr_far64)
    lgdtl OFF(tr_gdtr)
    mov %cr0, %eax
    or $1, %eax                          /* CR0.PE */
    mov %eax, %cr0
    ljmpl *OFF(tr_far32)

    .code32
tr_pm32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $0x20, %eax                       /* CR4.PAE */
    mov %eax, %cr4
    mov OFF(tr_cr3)(%ebx), %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx                /* IA32_EFER as on the BSP (LME, NXE) */
    mov OFF(tr_efer)(%ebx), %eax
    mov OFF(tr_efer) + 4(%ebx), %edx
    wrmsr
    mov $0x80010021, %eax                /* PG | WP | NE | PE */
    mov %eax, %cr0
    ljmp *OFF(tr_far64)(%ebx)

    .code64
tr_lm64:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ebx, %ebx                       /* upper half undefined after the switch */
    mov OFF(tr_stack)(%rbx), %rsp
    mov OFF(tr_arg)(%rbx), %rdi
    mov OFF(tr_entry)(%rbx), %rax
    call *%rax
1:  cli
    hlt
    jmp 1b

    .balign 8
tr_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF             /* 0x08: 32-bit code */
    .quad 0x00CF92000000FFFF             /* 0x10: data */
    .quad 0x00AF9A000000FFFF             /* 0x18: 64-bit code */
tr_gdtr:
    .short 31
    .long 0
tr_far32:
    .long 0
    .short 0x08
tr_far64:
    .long 0
    .short 0x18
    .balign 8
ap_trampoline_params:                    /* struct ap_params (hv/smp.c) */
tr_cr3:   .quad 0
tr_efer:  .quad 0
tr_stack: .quad 0
tr_arg:   .quad 0
tr_entry: .quad 0
ap_trampoline_end:
