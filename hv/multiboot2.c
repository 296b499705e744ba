/* Multiboot2 boot information parser (Multiboot2 spec 1.0, section 3.6) and
 * memory-map editing. Input comes from the bootloader: every size, offset
 * and count is checked before use, and fields are read with memcpy so the
 * structure's alignment does not matter. */
#include "hv/multiboot2.h"

enum {
    TAG_END = 0,
    TAG_CMDLINE = 1,
    TAG_MODULE = 3,
    TAG_BASIC_MEMINFO = 4,
    TAG_MMAP = 6,
    TAG_ACPI_OLD = 14,
    TAG_ACPI_NEW = 15,
    TAG_LOAD_BASE = 21,
    TAG_TRACKED_MAX = 21, /* highest tag type checked for duplicates */
};

#define TAG_HDR 8         /* u32 type, u32 size */
#define MMAP_HDR 16       /* tag header, u32 entry_size, u32 entry_version */
#define MMAP_ENTRY_MIN 24 /* u64 base, u64 len, u32 type, u32 reserved */
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static bool nul_terminated(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == 0)
            return true;
    return false;
}

static int fail(const char **err, const char *msg)
{
    *err = msg;
    return -1;
}

static void sort_regions(struct mem_region *r, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        struct mem_region cur = r[i];
        unsigned j = i;
        for (; j > 0 && r[j - 1].base > cur.base; j--)
            r[j] = r[j - 1];
        r[j] = cur;
    }
}

static int parse_module(const uint8_t *t, uint32_t size, struct boot_info *bi,
                        const char **err)
{
    if (size < TAG_HDR + 8 + 1)
        return fail(err, "multiboot2 module tag too short");
    uint32_t start = rd32(t + 8), end = rd32(t + 12);
    if (end < start)
        return fail(err, "multiboot2 module ends before it starts");
    if (!nul_terminated(t + 16, size - 16))
        return fail(err, "multiboot2 module command line not terminated");
    if (bi->module_count == MB2_MAX_MODULES) {
        bi->modules_dropped++;
        return 0;
    }
    struct mb2_module *m = &bi->modules[bi->module_count++];
    m->start = start;
    m->end = end;
    m->cmdline = (const char *)(t + 16);
    return 0;
}

static int parse_mmap(const uint8_t *t, uint32_t size, struct boot_info *bi,
                      const char **err)
{
    if (size < MMAP_HDR)
        return fail(err, "multiboot2 memory map tag too short");
    uint32_t esize = rd32(t + 8);
    if (esize < MMAP_ENTRY_MIN)
        return fail(err, "multiboot2 memory map entry_size below 24");
    if ((size - MMAP_HDR) % esize != 0)
        return fail(err, "multiboot2 memory map size not a multiple of entry_size");
    uint32_t n = (size - MMAP_HDR) / esize;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = t + MMAP_HDR + (size_t)i * esize;
        uint64_t base = rd64(e), len = rd64(e + 8);
        if (len > UINT64_MAX - base)
            return fail(err, "multiboot2 memory map region wraps around");
        if (len == 0)
            continue;
        if (bi->region_count == MB2_MAX_REGIONS) {
            bi->regions_dropped++;
            continue;
        }
        struct mem_region *r = &bi->regions[bi->region_count++];
        r->base = base;
        r->len = len;
        r->type = rd32(e + 16);
    }
    sort_regions(bi->regions, bi->region_count);
    return 0;
}

static int parse_tag(uint32_t type, const uint8_t *t, uint32_t size,
                     struct boot_info *bi, const char **err)
{
    switch (type) {
    case TAG_CMDLINE:
        if (!nul_terminated(t + TAG_HDR, size - TAG_HDR))
            return fail(err, "multiboot2 command line not terminated");
        bi->cmdline = (const char *)(t + TAG_HDR);
        return 0;
    case TAG_MODULE:
        return parse_module(t, size, bi, err);
    case TAG_BASIC_MEMINFO:
        if (size < TAG_HDR + 8)
            return fail(err, "multiboot2 basic meminfo tag too short");
        bi->has_meminfo = true;
        bi->mem_lower_kib = rd32(t + 8);
        bi->mem_upper_kib = rd32(t + 12);
        return 0;
    case TAG_MMAP:
        return parse_mmap(t, size, bi, err);
    case TAG_ACPI_OLD:
    case TAG_ACPI_NEW:
        if (size < TAG_HDR + (type == TAG_ACPI_OLD ? RSDP_V1_LEN : RSDP_V2_LEN))
            return fail(err, "multiboot2 ACPI RSDP tag too short");
        /* Prefer the ACPI 2.0+ RSDP (XSDT) whichever order the tags come in. */
        if (type == TAG_ACPI_OLD && bi->rsdp_revision == 2)
            return 0;
        bi->rsdp = t + TAG_HDR;
        bi->rsdp_len = size - TAG_HDR;
        bi->rsdp_revision = type == TAG_ACPI_OLD ? 1 : 2;
        return 0;
    case TAG_LOAD_BASE:
        if (size < TAG_HDR + 4)
            return fail(err, "multiboot2 load base tag too short");
        bi->has_load_base = true;
        bi->load_base = rd32(t + 8);
        return 0;
    default:
        return 0; /* unknown tags are skipped (section 3.6.1) */
    }
}

int mb2_parse(const void *info, size_t avail, struct boot_info *out,
              const char **err)
{
    const uint8_t *p = info;
    memset(out, 0, sizeof *out);
    if (!p || avail < 8)
        return fail(err, "multiboot2 info missing or shorter than its header");
    uint32_t total = rd32(p);
    if (total < 8 + TAG_HDR)
        return fail(err, "multiboot2 total_size too small");
    if (total > avail)
        return fail(err, "multiboot2 total_size exceeds the readable area");

    uint32_t seen = 0; /* bit per tracked tag type, to reject duplicates */
    uint64_t off = 8;
    /* Every tag is at least 8 bytes, so this loop runs at most total/8 times. */
    while (off + TAG_HDR <= total) {
        uint32_t type = rd32(p + off), size = rd32(p + off + 4);
        if (size < TAG_HDR || size > total - off)
            return fail(err, "multiboot2 tag size out of bounds");
        if (type == TAG_END)
            return 0;
        if (type <= TAG_TRACKED_MAX && type != TAG_MODULE) {
            if (seen & (1u << type))
                return fail(err, "multiboot2 duplicate tag");
            seen |= 1u << type;
        }
        if (parse_tag(type, p + off, size, out, err))
            return -1;
        off += ALIGN_UP((uint64_t)size, 8); /* tags are 8-byte aligned (3.6.1) */
    }
    return fail(err, "multiboot2 end tag missing");
}

static size_t first_word_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != ' ' && s[n] != '\t')
        n++;
    return n;
}

const struct mb2_module *mb2_next_module(const struct boot_info *bi,
                                         const struct mb2_module *prev,
                                         const char *first_word)
{
    unsigned i = prev ? (unsigned)(prev - bi->modules) + 1 : 0;
    size_t want = strlen(first_word);
    for (; i < bi->module_count; i++) {
        const char *c = bi->modules[i].cmdline;
        if (first_word_len(c) == want && memcmp(c, first_word, want) == 0)
            return &bi->modules[i];
    }
    return NULL;
}

const struct mb2_module *mb2_find_module(const struct boot_info *bi,
                                         const char *first_word)
{
    return mb2_next_module(bi, NULL, first_word);
}

const char *mb2_module_args(const struct mb2_module *mod)
{
    const char *s = mod->cmdline + first_word_len(mod->cmdline);
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Splits every available region overlapping [base, end) into up to three
 * pieces (before, inside, after). First counts the entries needed so a full
 * table fails without modifying anything. */
int memmap_exclude(struct mem_region *regions, unsigned *count, unsigned max,
                   uint64_t base, uint64_t len, uint32_t new_type)
{
    if (len == 0)
        return 0;
    if (len > UINT64_MAX - base)
        return -1;
    uint64_t end = base + len;
    unsigned n = *count, need = n;
    for (unsigned i = 0; i < n; i++) {
        const struct mem_region *r = &regions[i];
        uint64_t rend = r->base + r->len;
        if (r->type != MEM_AVAILABLE || rend <= base || r->base >= end)
            continue;
        need += (r->base < base) + (rend > end);
    }
    if (need > max)
        return -1;

    for (unsigned i = 0; i < n; i++) {
        struct mem_region r = regions[i];
        uint64_t rend = r.base + r.len;
        if (r.type != MEM_AVAILABLE || rend <= base || r.base >= end)
            continue;
        struct mem_region piece[3];
        unsigned k = 0;
        uint64_t lo = MAX(r.base, base), hi = MIN(rend, end);
        if (r.base < lo)
            piece[k++] = (struct mem_region){ r.base, lo - r.base, r.type };
        piece[k++] = (struct mem_region){ lo, hi - lo, new_type };
        if (hi < rend)
            piece[k++] = (struct mem_region){ hi, rend - hi, r.type };
        memmove(&regions[i + k], &regions[i + 1], (n - i - 1) * sizeof *regions);
        memcpy(&regions[i], piece, k * sizeof *piece);
        n += k - 1;
        i += k - 1;
    }
    /* Pieces stay within their region; re-sorting only matters for input
     * maps whose regions overlap. */
    sort_regions(regions, n);
    *count = n;
    return 0;
}
