#ifndef BULWARK_GUEST_MEM_H
#define BULWARK_GUEST_MEM_H

#include "hv/guest_loader.h"

/* Guest-physical memory through the direct map, refusing any range that
 * touches the hypervisor's own memory or lies outside guest RAM limits. */
extern const struct phys_mem guest_phys_mem;
void guest_mem_init(uint64_t limit);

#endif
