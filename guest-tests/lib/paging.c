/* 32-bit paging: an identity map of the 4 GiB space with 4 MiB pages (CR4.PSE), and one
 * page table that can replace any one 4 MiB page with 4 KiB pages (page-table churn).
 * The top 32 MiB (local APIC, I/O APIC, firmware) are mapped uncached. */
#include "lib.h"

#define PTE_P  0x001u
#define PTE_RW 0x002u
#define PTE_PWT 0x008u
#define PTE_PCD 0x010u
#define PDE_PS 0x080u
#define MMIO_START 0xFE000000u

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt[1024] __attribute__((aligned(4096)));

static uint32_t large_pde(unsigned i)
{
    uint32_t va = (uint32_t)i << 22;
    return va | (va >= MMIO_START ? PTE_PCD | PTE_PWT : 0) | PDE_PS | PTE_RW | PTE_P;
}

void paging_flush(void) { write_cr3(read_cr3()); }

void paging_enable(void)
{
    for (unsigned i = 0; i < 1024; i++)
        pd[i] = large_pde(i);
    write_cr4(read_cr4() | CR4_PSE);
    write_cr3((uint32_t)pd);
    write_cr0(read_cr0() | CR0_PG);
}

void paging_disable(void) { write_cr0(read_cr0() & ~CR0_PG); }

void paging_split(uint32_t va)
{
    uint32_t base = va & ~0x3FFFFFu;
    for (unsigned i = 0; i < 1024; i++)
        pt[i] = (base + (i << 12)) | PTE_RW | PTE_P;
    pd[va >> 22] = (uint32_t)pt | PTE_RW | PTE_P;
    paging_flush();
}

void paging_map4k(uint32_t va, uint32_t pa)
{
    pt[(va >> 12) & 1023] = (pa & ~0xFFFu) | PTE_RW | PTE_P;
    asm volatile("invlpg (%0)" :: "r"(va) : "memory");
}

void paging_set_rw(uint32_t va, bool rw)
{
    uint32_t *e = &pt[(va >> 12) & 1023];
    *e = rw ? *e | PTE_RW : *e & ~PTE_RW;
    asm volatile("invlpg (%0)" :: "r"(va) : "memory");
}

void paging_unmap4k(uint32_t va)
{
    pt[(va >> 12) & 1023] = 0;
    asm volatile("invlpg (%0)" :: "r"(va) : "memory");
}

void paging_merge(uint32_t va)
{
    pd[va >> 22] = large_pde(va >> 22);
    memset(pt, 0, sizeof(pt));
    paging_flush();
}
