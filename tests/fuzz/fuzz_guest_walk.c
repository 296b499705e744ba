/* libFuzzer target for hv/guest_walk and hv/insn_fetch. The input starts with
 * the paging state, the address and the access; the rest of it is guest RAM at
 * guest-physical address 0 (everything above is unbacked). */
#include <stdlib.h>

#include "hv/guest_walk.h"
#include "hv/insn_fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ram {
    const uint8_t *base;
    uint64_t size;
};

static void *ram_ptr(void *ctx, uint64_t phys, uint64_t len)
{
    const struct ram *r = ctx;
    return phys < r->size && len <= r->size - phys ? (void *)(r->base + phys) : NULL;
}

static uint64_t take(const uint8_t **p, unsigned n)
{
    uint64_t v = 0;
    memcpy(&v, *p, n);
    *p += n;
    return v;
}

#define HEADER (5 * 8 + 4 * 8 + 2 + 1 + 1 + 1)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER)
        return 0;
    const uint8_t *p = data;
    struct guest_paging g;
    memset(&g, 0, sizeof(g));
    g.cr0 = take(&p, 8);
    g.cr3 = take(&p, 8);
    g.cr4 = take(&p, 8);
    g.efer = take(&p, 8);
    uint64_t gva = take(&p, 8);
    for (int i = 0; i < 4; i++)
        g.pdpte[i] = take(&p, 8);
    unsigned access = (unsigned)take(&p, 2) & (WALK_WRITE | WALK_USER | WALK_FETCH | WALK_AC);
    g.maxphyaddr = (uint8_t)take(&p, 1);
    g.cpl = (uint8_t)(take(&p, 1) & 3);
    g.use_pdptes = take(&p, 1) & 1;
    struct ram ram = { p, size - HEADER };
    struct phys_mem mem = { &ram, ram_ptr };

    struct walk_info info;
    uint64_t gpa = 0;
    int rc = guest_walk(&mem, &g, gva, access, &gpa, &info);
    if (rc == WALK_OK) {
        uint64_t off = info.page_size - 1;
        if (info.page_size < 4096 || (info.page_size & off) || (gpa & off) != (gva & off))
            abort();
        if ((g.cr0 >> 31) & 1 && info.page_size > (1ull << 30))
            abort();
    } else if (rc == WALK_FAULT) {
        if (info.error_code & ~0x1Fu || info.level < 1 || info.level > 5 || !info.err)
            abort();
    } else if (rc != WALK_NONCANONICAL && rc != WALK_UNBACKED && rc != WALK_INVAL) {
        abort();
    }

    uint8_t buf[15];
    size_t want = (size_t)(gva >> 60) % 16, got = 99;
    rc = insn_fetch(&mem, &g, gva, buf, want, &got);
    if (got > want || (rc == 0 && got != want))
        abort();
    return 0;
}
