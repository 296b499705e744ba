/* The hypervisor's memory: one contiguous reservation (image + bss, which
 * holds the page pool) so exactly one range is hidden from the guest. */
#include "hv/mm.h"
#include "hv/x86.h"

#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ull

#define POOL_PAGES 256    /* 1 MiB: EPT tables, VMCS/VMXON regions, bitmaps */

extern char __image_start[], __image_end[];

static uint8_t page_pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned pool_next;
static uint64_t load_phys;

void mm_init(uint64_t load_base) { load_phys = load_base; }

uint64_t image_virt_to_phys(const void *p)
{
    return load_phys + (uint64_t)((const char *)p - __image_start);
}

void *page_alloc(uint64_t *phys_out)
{
    unsigned i = __atomic_fetch_add(&pool_next, 1, __ATOMIC_RELAXED);
    if (i >= POOL_PAGES)
        return NULL;
    memset(page_pool[i], 0, 4096);
    *phys_out = image_virt_to_phys(page_pool[i]);
    return page_pool[i];
}

unsigned page_pool_used(void) { return MIN(pool_next, POOL_PAGES); }
unsigned page_pool_total(void) { return POOL_PAGES; }

uint64_t hv_reserved_base(void) { return load_phys; }
uint64_t hv_reserved_size(void)
{
    return ALIGN_UP((uint64_t)(__image_end - __image_start), 0x200000);
}

/* Memory-mapped registers must be uncacheable (SDM 11.4.1 for the local
 * APIC): mark the 2 MiB page of the direct map that holds `phys` PCD|PWT
 * (PAT entry 3, UC). The identity map shares these page directories. */
void *mmio_map(uint64_t phys)
{
    if (phys >> 32)
        return NULL;   /* beyond the direct map */
    uint64_t *pml4 = phys_to_virt(read_cr3() & ~0xFFFull);
    uint64_t *pdpt = phys_to_virt(pml4[(PHYS_MAP_BASE >> 39) & 511] & PTE_ADDR_MASK);
    uint64_t *pd = phys_to_virt(pdpt[(phys >> 30) & 511] & PTE_ADDR_MASK);
    uint64_t *pde = &pd[(phys >> 21) & 511];
    if ((*pde & (PTE_PCD | PTE_PWT)) != (PTE_PCD | PTE_PWT)) {
        __atomic_fetch_or(pde, PTE_PCD | PTE_PWT, __ATOMIC_SEQ_CST);
        __asm__ volatile("invlpg (%0)" ::"r"(phys_to_virt(phys)) : "memory");
        __asm__ volatile("invlpg (%0)" ::"r"(phys) : "memory");
    }
    return phys_to_virt(phys);
}
