/* Physical memory as the hypervisor sees it: a direct map of all RAM at
 * PHYS_MAP_BASE, the image at HV_VIRT_BASE, and a page pool inside the image. */
#ifndef BULWARK_MM_H
#define BULWARK_MM_H

#include "hv/boot_layout.h"
#include "hv/lib.h"

static inline void *phys_to_virt(uint64_t phys) { return (void *)(PHYS_MAP_BASE + phys); }

/* Physical address of a pointer into the image (pool, stacks, statics). */
uint64_t image_virt_to_phys(const void *p);

/* Zeroed 4 KiB page from the hypervisor's pool; NULL when exhausted. */
void *page_alloc(uint64_t *phys_out);
unsigned page_pool_used(void);
unsigned page_pool_total(void);

/* Where the hypervisor lives in physical memory: [base, base+size), 2 MiB
 * aligned; the guest never gets it. */
void mm_init(uint64_t load_base);
uint64_t hv_reserved_base(void);
uint64_t hv_reserved_size(void);
/* The direct-map address of memory-mapped registers at `phys` (below
 * 4 GiB, else NULL), made uncacheable. */
void *mmio_map(uint64_t phys);

#endif
