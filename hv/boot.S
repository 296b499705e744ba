/* Multiboot2 entry: GRUB leaves us in 32-bit protected mode, paging off, at
 * an address of its choosing (relocatable tag). This stub finds where it is,
 * builds page tables (identity + direct map of 0-4 GiB, the image at its
 * link address), enters long mode and calls hv_main(magic, info, load_base).
 * Everything here is position-independent: %ebp holds the load address of
 * __image_start. */
#include "hv/boot_layout.h"

#define MB2_MAGIC        0xE85250D6
#define MB2_BOOT_MAGIC   0x36D76289
#define IMAGE_LINK (HV_VIRT_BASE + HV_LINK_PHYS)
#define PTE_P   0x1
#define PTE_W   0x2
#define PTE_PS  0x80

    .section .multiboot2, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC, 0, mb2_header_end - mb2_header
    .long -(MB2_MAGIC + (mb2_header_end - mb2_header))
    /* relocatable tag (type 10): anywhere 2 MiB-aligned, prefer high memory
     * so guests that load low never meet us */
    .balign 8
    .short 10, 0
    .long 24, 0x200000, 0xFFFFFFFF - HV_MAX_IMAGE, 0x200000, 2
    /* module alignment tag (type 6): page-aligned modules */
    .balign 8
    .short 6, 0
    .long 8
    .balign 8
    .short 0, 0
    .long 8
mb2_header_end:

    .section .boot32, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    call 1f
1:  pop %ebp
    sub $(1b - IMAGE_LINK), %ebp
    lea (boot_stack_top - IMAGE_LINK)(%ebp), %esp
    mov %eax, %edi                       /* multiboot2 magic */
    mov %ebx, %esi                       /* info structure (physical) */
    cmp $MB2_BOOT_MAGIC, %eax
    jne .Lno_mb2

    /* long mode available? CPUID.80000001H:EDX.LM[bit 29] */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb .Lno_lm
    mov $0x80000001, %eax
    cpuid
    bt $29, %edx
    jnc .Lno_lm

    /* PD entries for 0-4 GiB in 2 MiB pages: boot_pd[i] = i*2MiB | P|W|PS */
    lea (boot_pd - IMAGE_LINK)(%ebp), %ebx
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    or $(PTE_P | PTE_W | PTE_PS), %eax
    mov %eax, (%ebx,%ecx,8)
    mov %ecx, %eax
    shr $11, %eax                        /* bits 32+ of i*2MiB */
    mov %eax, 4(%ebx,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jb 2b

    /* boot_pdpt_low[0..3] -> the four PDs */
    lea (boot_pdpt_low - IMAGE_LINK)(%ebp), %edx
    xor %ecx, %ecx
3:  mov %ecx, %eax
    shl $12, %eax
    add %ebx, %eax
    or $(PTE_P | PTE_W), %eax
    mov %eax, (%edx,%ecx,8)
    inc %ecx
    cmp $4, %ecx
    jb 3b

    /* image: boot_pd_high[LINK_PHYS/2MiB + k] -> load address + k*2MiB */
    lea (boot_pd_high - IMAGE_LINK)(%ebp), %ebx
    mov $(HV_LINK_PHYS >> 21), %ecx
    mov %ebp, %eax
    or $(PTE_P | PTE_W | PTE_PS), %eax
4:  mov %eax, (%ebx,%ecx,8)
    add $0x200000, %eax
    inc %ecx
    cmp $((HV_LINK_PHYS + HV_MAX_IMAGE) >> 21), %ecx
    jb 4b
    lea (boot_pdpt_high - IMAGE_LINK)(%ebp), %edx
    or $(PTE_P | PTE_W), %ebx
    mov %ebx, (510 * 8)(%edx)            /* 0xFFFFFFFF80000000: PDPT index 510 */

    /* PML4: [0] identity, [256] direct map, [511] image */
    lea (boot_pml4 - IMAGE_LINK)(%ebp), %ebx
    lea (boot_pdpt_low - IMAGE_LINK)(%ebp), %eax
    or $(PTE_P | PTE_W), %eax
    mov %eax, (%ebx)
    mov %eax, (256 * 8)(%ebx)
    or $(PTE_P | PTE_W), %edx
    mov %edx, (511 * 8)(%ebx)
    mov %ebx, %cr3

    mov %cr4, %eax
    or $0x20, %eax                       /* CR4.PAE */
    mov %eax, %cr4
    mov $0xC0000080, %ecx                /* IA32_EFER.LME */
    rdmsr
    or $0x100, %eax
    wrmsr
    mov %cr0, %eax
    and $0x9FFFFFFF, %eax                /* GRUB leaves CD/NW set: clear them */
    or $0x80010021, %eax                 /* PG | WP | NE | PE */
    mov %eax, %cr0

    /* GDT descriptor with the physical base, then far return into 64-bit */
    lea (boot_gdt - IMAGE_LINK)(%ebp), %eax
    lea (boot_gdtr - IMAGE_LINK)(%ebp), %ebx
    mov %eax, 2(%ebx)
    lgdt (%ebx)
    push $0x08
    lea (start64_low - IMAGE_LINK)(%ebp), %eax
    push %eax
    lret

.Lno_mb2:
    lea (msg_no_mb2 - IMAGE_LINK)(%ebp), %esi
    jmp .Lfail32
.Lno_lm:
    lea (msg_no_lm - IMAGE_LINK)(%ebp), %esi
.Lfail32:
    mov $0x3FD, %dx                      /* COM1 line status */
5:  in %dx, %al
    test $0x20, %al
    jz 5b
    lodsb
    test %al, %al
    jz 6f
    mov $0x3F8, %dx
    out %al, %dx
    mov $0x3FD, %dx
    jmp 5b
6:  cli
    hlt
    jmp 6b

    .code64
start64_low:
    movabs $start64_high, %rax
    jmp *%rax

    .section .text
start64_high:
    movabs $boot_stack_top, %rsp
    lgdt boot_gdtr_high(%rip)
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    mov %edi, %edi                       /* magic */
    mov %esi, %esi                       /* info phys */
    mov %ebp, %edx                       /* load base */
    call hv_main
7:  cli
    hlt
    jmp 7b

    .section .rodata
msg_no_mb2: .asciz "bulwark: not started by a multiboot2 loader\r\n"
msg_no_lm:  .asciz "bulwark: CPU lacks long mode\r\n"

    .section .data
    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF                  /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF                  /* 0x10: data */
boot_gdt_end:
boot_gdtr:
    .short boot_gdt_end - boot_gdt - 1
    .quad 0
boot_gdtr_high:
    .short boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

    .section .bss
    .balign 4096
    .globl boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd_high:   .skip 4096
boot_pd:        .skip 4096 * 4
    .balign 16
boot_stack:     .skip HV_STACK_SIZE
boot_stack_top:
