/* Per-CPU host GDT with a 64-bit TSS: VM exits load HOST_TR_SELECTOR, which
 * must name a real TSS (SDM 27.2.3: host TR selector may not be 0). */
#include "hv/gdt.h"
#include "hv/idt.h"
#include "hv/x86.h"

void gdt_init(struct cpu *c)
{
    c->host_gdt[0] = 0;
    c->host_gdt[1] = 0x00AF9A000000FFFFull;   /* 0x08 64-bit code, DPL 0 */
    c->host_gdt[2] = 0x00CF92000000FFFFull;   /* 0x10 data */
    uint64_t base = (uint64_t)&c->tss, limit = sizeof(c->tss) - 1;
    c->tss.iomap_base = sizeof(c->tss);
    c->host_gdt[3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
                     ((limit >> 16 & 0xF) << 48) | ((base >> 24 & 0xFF) << 56);
    c->host_gdt[4] = base >> 32;

    struct desc_ptr d = { sizeof(c->host_gdt) - 1, (uint64_t)c->host_gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1: movw %w2, %%ax\n\t"
        "movw %%ax, %%ds\n\t movw %%ax, %%es\n\t movw %%ax, %%ss\n\t"
        "ltr %w3"
        :
        : "m"(d), "i"(HOST_CODE_SEL), "r"(HOST_DATA_SEL), "r"(HOST_TSS_SEL)
        : "rax", "memory");
    wrmsr(MSR_IA32_GS_BASE, (uint64_t)c);   /* this_cpu() before the first VM exit loads HOST_GS_BASE */
}
