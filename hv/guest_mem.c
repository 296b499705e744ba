#include "hv/guest_mem.h"
#include "hv/mm.h"

static uint64_t guest_limit;

void guest_mem_init(uint64_t limit) { guest_limit = limit; }

static void *guest_ptr(void *ctx, uint64_t phys, uint64_t len)
{
    (void)ctx;
    uint64_t end = phys + len;
    if (end < phys || end > guest_limit)
        return NULL;
    uint64_t hv = hv_reserved_base(), hv_end = hv + hv_reserved_size();
    if (phys < hv_end && end > hv)
        return NULL;
    return phys_to_virt(phys);
}

const struct phys_mem guest_phys_mem = { NULL, guest_ptr };
