/* Free guest RAM: bytes inside an available region, outside every other
 * region of the map (firmware maps may overlap; the non-available type
 * wins) and outside the busy ranges of the load in progress. */
#include "hv/guest_loader.h"

static uint64_t region_end(const struct mem_region *r)
{
    return r->base + r->len;
}

bool gl_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

uint64_t gl_avail_end(const struct mem_region *map, unsigned n, uint64_t start)
{
    uint64_t cur = start;
    /* Each pass that makes progress crosses at least one region. */
    for (unsigned pass = 0; pass <= n; pass++) {
        uint64_t before = cur;
        for (unsigned i = 0; i < n; i++)
            if (map[i].type == MEM_AVAILABLE && map[i].base <= cur &&
                cur < region_end(&map[i]))
                cur = region_end(&map[i]);
        if (cur == before)
            break;
    }
    for (unsigned i = 0; i < n; i++) {
        if (map[i].type == MEM_AVAILABLE || region_end(&map[i]) <= start ||
            map[i].base >= cur)
            continue;
        cur = map[i].base <= start ? start : map[i].base;
    }
    return cur;
}

int gl_busy_add(struct gl_placer *pl, uint64_t base, uint64_t len)
{
    if (pl->nbusy == GL_MAX_BUSY)
        return -1;
    pl->busy[pl->nbusy] = (struct phys_range){ base, len };
    return (int)pl->nbusy++;
}

bool gl_is_free(const struct gl_placer *pl, uint64_t base, uint64_t len)
{
    if (len > UINT64_MAX - base)
        return false;
    if (gl_avail_end(pl->map, pl->map_count, base) < base + len)
        return false;
    for (unsigned i = 0; i < pl->nbusy; i++)
        if (gl_overlaps(base, len, pl->busy[i].base, pl->busy[i].len))
            return false;
    return true;
}

static void try_candidate(const struct gl_placer *pl, uint64_t c, uint64_t size,
                          uint64_t align, uint64_t lo, uint64_t hi,
                          uint64_t *best)
{
    c = MAX(c, lo);
    if (c > UINT64_MAX - (align - 1))
        return;
    c = ALIGN_UP(c, align);
    if (c >= *best || c >= hi || size > hi - c)
        return;
    if (gl_is_free(pl, c, size))
        *best = c;
}

/* The lowest free aligned start s is lo (aligned) or the aligned end of
 * whatever blocks s - align: a busy range, a non-available region, or a hole
 * in the map (which ends where an available region begins). So only those
 * candidates are tried. */
int gl_find_free(const struct gl_placer *pl, uint64_t size, uint64_t align,
                 uint64_t lo, uint64_t hi, uint64_t *out)
{
    uint64_t best = UINT64_MAX;
    try_candidate(pl, lo, size, align, lo, hi, &best);
    for (unsigned i = 0; i < pl->map_count; i++) {
        const struct mem_region *r = &pl->map[i];
        uint64_t c = r->type == MEM_AVAILABLE ? r->base : region_end(r);
        try_candidate(pl, c, size, align, lo, hi, &best);
    }
    for (unsigned i = 0; i < pl->nbusy; i++)
        try_candidate(pl, pl->busy[i].base + pl->busy[i].len, size, align, lo,
                      hi, &best);
    if (best == UINT64_MAX)
        return -1;
    *out = best;
    return 0;
}
