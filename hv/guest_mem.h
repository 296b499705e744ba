#ifndef BULWARK_GUEST_MEM_H
#define BULWARK_GUEST_MEM_H

#include "hv/guest_loader.h"

/* Guest-physical memory through the direct map. Only guest RAM is
 * reachable: a range must lie inside one RAM region of the guest's memory
 * map (which already excludes the hypervisor) and below the end of the
 * direct map, so a guest page-table pointer aimed at MMIO or at the
 * hypervisor is refused instead of read. */
extern const struct phys_mem guest_phys_mem;
void guest_mem_init(const struct mem_region *map, unsigned count);

#endif
