/* Instruction fetch across page boundaries. */
#include "hv/insn_fetch.h"

#define PAGE_SIZE 4096ull

int insn_fetch(const struct phys_mem *mem, const struct guest_paging *ctx, uint64_t linear_rip,
               uint8_t *buf, size_t want, size_t *got)
{
    if (got)
        *got = 0;
    if (!mem || !mem->ptr || !ctx || !buf || !got || want > 15)
        return WALK_INVAL;
    unsigned access = WALK_FETCH | (ctx->cpl == 3 ? WALK_USER : 0);
    /* At most two pages: want <= 15 < PAGE_SIZE. */
    while (*got < want) {
        uint64_t la = linear_rip + *got;
        size_t chunk = MIN(want - *got, (size_t)(PAGE_SIZE - (la & (PAGE_SIZE - 1))));
        uint64_t gpa;
        int rc = guest_walk(mem, ctx, la, access, &gpa, NULL);
        if (rc != WALK_OK)
            return rc;
        const void *p = mem->ptr(mem->ctx, gpa, chunk);
        if (!p)
            return WALK_UNBACKED;
        memcpy(buf + *got, p, chunk);
        *got += chunk;
    }
    return 0;
}
