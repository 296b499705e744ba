/* libFuzzer: acpi_find_cpus and acpi_scan_rsdp on a physical memory image.
 * The input is memory from physical address 0; its first 36 bytes also serve
 * as the RSDP copy a boot loader would pass. Before parsing, the harness sets
 * the checksums of the RSDP at 0, of the RSDT and XSDT it names and of the
 * tables those list (where they fit in the image and do not overlap), so the
 * fuzzer reaches the MADT parser instead of stopping at checksums. Every
 * mapping is an exact-size heap copy, so ASan sees any read past the length
 * the parser mapped. */
#include <stdlib.h>

#include "hv/acpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct image {
    const uint8_t *base;
    size_t size;
    void *copies[4096]; /* freed after each input */
    unsigned ncopies;
};

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

static const void *map(void *ctx, uint64_t phys, size_t len)
{
    struct image *im = ctx;
    if (phys > im->size || len > im->size - phys || im->ncopies == ARRAY_SIZE(im->copies))
        return NULL;
    void *p = malloc(len ? len : 1);
    memcpy(p, im->base + phys, len);
    im->copies[im->ncopies++] = p;
    return p;
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    while (n--)
        s += *p++;
    return s;
}

/* Makes [at, at+len) of the image sum to zero through the byte at at+pos. */
static void fix_sum(uint8_t *img, size_t size, uint64_t at, uint64_t len, unsigned pos)
{
    if (at > size || len > size - at || pos >= len)
        return;
    img[at + pos] = 0;
    img[at + pos] = (uint8_t)-checksum(img + at, len);
}

/* A table header's checksum (byte 9) over its Length; returns Length, or 0
 * when the header does not fit. */
static uint32_t fix_table(uint8_t *img, size_t size, uint64_t at)
{
    uint32_t len;
    if (size < 36 || at > size - 36)
        return 0;
    memcpy(&len, img + at + 4, 4);
    fix_sum(img, size, at, len, 9);
    return len;
}

static void fix_checksums(uint8_t *img, size_t size)
{
    if (size < 36)
        return;
    uint64_t roots[2] = { 0, 0 };
    memcpy(&roots[0], img + 16, 4);
    memcpy(&roots[1], img + 24, 8);
    for (unsigned r = 0; r < 2; r++) {
        unsigned esize = r ? 8 : 4;
        uint32_t len = fix_table(img, size, roots[r]);
        for (uint64_t off = 36; off + esize <= len && roots[r] + off + esize <= size; off += esize) {
            uint64_t t = 0;
            memcpy(&t, img + roots[r] + off, esize);
            fix_table(img, size, t);
        }
        fix_table(img, size, roots[r]); /* entries untouched unless tables overlap */
    }
    uint32_t len;
    memcpy(&len, img + 20, 4);
    fix_sum(img, size, 0, 20, 8);
    fix_sum(img, size, 0, len, 32);
}

static void find_and_check(const void *rsdp, size_t len, struct image *im)
{
    static struct acpi_cpus out;
    const char *err = NULL;
    if (acpi_find_cpus(rsdp, len, map, im, &out, &err)) {
        check(err != NULL && out.count == 0 && out.dropped == 0);
        return;
    }
    check(out.count >= 1 && out.count <= ACPI_MAX_CPUS);
    check(out.dropped == 0 || out.count == ACPI_MAX_CPUS);
    for (unsigned i = 0; i < out.count; i++) {
        const struct acpi_cpu *c = &out.cpu[i];
        check(c->x2apic_entry ? c->apic_id != 0xFFFFFFFFu : c->apic_id < 0xFF && c->acpi_uid <= 0xFF);
        for (unsigned j = 0; j < i; j++)
            check(out.cpu[j].apic_id != c->apic_id);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct image im;
    uint8_t *img = malloc(size ? size : 1);
    memcpy(img, data, size);
    fix_checksums(img, size);
    im.base = img;
    im.size = size;
    im.ncopies = 0;

    size_t rsdp_len = MIN(size, 36);
    uint8_t *rsdp = malloc(rsdp_len ? rsdp_len : 1);
    memcpy(rsdp, img, rsdp_len);
    find_and_check(rsdp, rsdp_len, &im);
    free(rsdp);

    size_t len = 0;
    const uint8_t *found = acpi_scan_rsdp(map, &im, &len);
    if (found) {
        check(len >= 20 && !memcmp(found, "RSD PTR ", 8));
        find_and_check(found, len, &im);
    }
    while (im.ncopies)
        free(im.copies[--im.ncopies]);
    free(img);
    return 0;
}
