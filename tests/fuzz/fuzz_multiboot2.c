/* libFuzzer: mb2_parse on arbitrary bytes, then the module lookups and
 * memmap_exclude on whatever it accepted, checking their invariants. */
#include <stdlib.h>

#include "hv/multiboot2.h"

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

static bool inside(const void *p, size_t n, const uint8_t *buf, size_t size)
{
    const uint8_t *q = p;
    return q >= buf && n <= size && (size_t)(q - buf) <= size - n;
}

static void exclude_and_check(const struct boot_info *bi, uint64_t base, uint64_t len)
{
    struct mem_region r[MB2_MAX_REGIONS];
    unsigned n = bi->region_count;
    memcpy(r, bi->regions, n * sizeof *r);
    uint64_t before = 0, after = 0;
    for (unsigned i = 0; i < n; i++)
        before += r[i].len;
    if (memmap_exclude(r, &n, MB2_MAX_REGIONS, base, len, MEM_RESERVED))
        return;
    for (unsigned i = 0; i < n; i++) {
        after += r[i].len;
        check(r[i].len != 0);
        check(i == 0 || r[i - 1].base <= r[i].base);
        check(r[i].type != MEM_AVAILABLE || len == 0 || r[i].base >= base + len ||
              r[i].base + r[i].len <= base);
    }
    check(before == after);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct boot_info bi;
    uint8_t *buf = malloc(size ? size : 1); /* exact size: ASan sees overreads */
    memcpy(buf, data, size);
    const char *err = NULL;
    if (mb2_parse(buf, size, &bi, &err) != 0) {
        check(err != NULL);
        free(buf);
        return 0;
    }
    check(bi.module_count <= MB2_MAX_MODULES && bi.region_count <= MB2_MAX_REGIONS);
    if (bi.cmdline)
        check(inside(bi.cmdline, strlen(bi.cmdline) + 1, buf, size));
    if (bi.rsdp)
        check(inside(bi.rsdp, bi.rsdp_len, buf, size) && bi.rsdp_len >= 20);
    for (unsigned i = 0; i < bi.module_count; i++) {
        const struct mb2_module *m = &bi.modules[i];
        check(m->start <= m->end);
        check(inside(m->cmdline, strlen(m->cmdline) + 1, buf, size));
        check(inside(mb2_module_args(m), 1, buf, size));
    }
    for (unsigned i = 1; i < bi.region_count; i++)
        check(bi.regions[i - 1].base <= bi.regions[i].base);

    unsigned seen = 0;
    for (const struct mb2_module *m = mb2_find_module(&bi, "guest-module"); m;
         m = mb2_next_module(&bi, m, "guest-module"))
        check(++seen <= bi.module_count);
    mb2_find_module(&bi, "guest");

    if (bi.region_count) {
        const struct mem_region *r = &bi.regions[bi.region_count / 2];
        exclude_and_check(&bi, r->base + r->len / 4, r->len / 2);
        exclude_and_check(&bi, bi.mem_lower_kib * 1024ull, bi.mem_upper_kib * 1024ull);
    }
    free(buf);
    return 0;
}
