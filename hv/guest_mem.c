#include "hv/guest_mem.h"
#include "hv/mm.h"

#define DIRECT_MAP_END (4ull << 30)   /* hv/boot.S maps 0-4 GiB */

static const struct mem_region *guest_map;
static unsigned guest_map_count;

void guest_mem_init(const struct mem_region *map, unsigned count)
{
    guest_map = map;
    guest_map_count = count;
}

/* RAM the guest owns: available, ACPI reclaimable and ACPI NVS memory. */
static bool is_ram(uint32_t type) { return type == 1 || type == 3 || type == 4; }

static void *guest_ptr(void *ctx, uint64_t phys, uint64_t len)
{
    (void)ctx;
    uint64_t end = phys + len;
    if (end < phys || end > DIRECT_MAP_END)
        return NULL;
    for (unsigned i = 0; i < guest_map_count; i++) {
        const struct mem_region *r = &guest_map[i];
        if (is_ram(r->type) && phys >= r->base && end <= r->base + r->len)
            return phys_to_virt(phys);
    }
    return NULL;
}

const struct phys_mem guest_phys_mem = { NULL, guest_ptr };
