/* The Multiboot 1 boot information block (spec 0.6.96, section 3.3): info
 * structure, memory map, module list and strings, written as one block into
 * free guest RAM, below 1 MiB (above the first page) when it fits, like
 * GRUB. */
#include "hv/guest_loader.h"
#include "hv/mb1.h"

#define LOW_MEM_START 0x1000u
#define LOW_MEM_END 0x100000u
#define LOWER_MEM_MAX (640u * 1024)
#define BLOCK_ALIGN 16
#define BOOT_LOADER_NAME "Bulwark"

/* Length including the NUL, or 0 when longer than GL_MAX_STRING. */
static uint64_t str_size(const char *s)
{
    for (uint64_t n = 0; n < GL_MAX_STRING; n++)
        if (s[n] == 0)
            return n + 1;
    return 0;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* Offsets of the parts inside the block, and its size. */
struct layout {
    uint64_t mmap, mods, name, cmdline, strings, size;
    unsigned nmmap;
};

static int plan_layout(const struct guest_load_req *req, struct layout *l,
                       const char **err)
{
    l->nmmap = 0;
    for (unsigned i = 0; i < req->map_count; i++)
        l->nmmap += req->map[i].len != 0;
    l->mmap = ALIGN_UP(sizeof(struct mb1_info), 8);
    l->mods = l->mmap + l->nmmap * sizeof(struct mb1_mmap_entry);
    l->name = l->mods + req->module_count * sizeof(struct mb1_module);
    l->cmdline = l->name + sizeof BOOT_LOADER_NAME;
    uint64_t n = str_size(or_empty(req->cmdline));
    if (n == 0) {
        *err = "guest command line too long";
        return -1;
    }
    l->strings = l->cmdline + n;
    l->size = l->strings;
    for (unsigned i = 0; i < req->module_count; i++) {
        n = str_size(or_empty(req->modules[i].cmdline));
        if (n == 0) {
            *err = "guest module command line too long";
            return -1;
        }
        l->size += n;
    }
    return 0;
}

static void fill(const struct guest_load_req *req, const struct layout *l,
                 uint64_t base, uint8_t *p, const struct guest_boot *boot)
{
    struct mb1_info info;
    memset(&info, 0, sizeof info);
    info.flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS |
                 MB1_INFO_MEM_MAP | MB1_INFO_BOOT_LOADER_NAME;
    /* mem_lower: KiB from 0 (at most 640); mem_upper: KiB of the contiguous
     * available memory starting at 1 MiB (3.3). */
    uint64_t low = gl_avail_end(req->map, req->map_count, 0);
    info.mem_lower = (uint32_t)(MIN(low, (uint64_t)LOWER_MEM_MAX) / 1024);
    uint64_t up = gl_avail_end(req->map, req->map_count, LOW_MEM_END);
    info.mem_upper = (uint32_t)MIN((up - LOW_MEM_END) / 1024, (uint64_t)UINT32_MAX);
    info.cmdline = (uint32_t)(base + l->cmdline);
    info.mods_count = req->module_count;
    info.mods_addr = (uint32_t)(base + l->mods);
    info.mmap_length = (uint32_t)(l->nmmap * sizeof(struct mb1_mmap_entry));
    info.mmap_addr = (uint32_t)(base + l->mmap);
    info.boot_loader_name = (uint32_t)(base + l->name);
    memcpy(p, &info, sizeof info);

    uint8_t *e = p + l->mmap;
    for (unsigned i = 0; i < req->map_count; i++) {
        const struct mem_region *r = &req->map[i];
        if (r->len == 0)
            continue;
        struct mb1_mmap_entry me = { sizeof me - sizeof me.size, r->base,
                                     r->len, r->type };
        memcpy(e, &me, sizeof me);
        e += sizeof me;
    }

    memcpy(p + l->name, BOOT_LOADER_NAME, sizeof BOOT_LOADER_NAME);
    const char *cmd = or_empty(req->cmdline);
    memcpy(p + l->cmdline, cmd, str_size(cmd));
    uint64_t s = l->strings;
    for (unsigned i = 0; i < req->module_count; i++) {
        const char *str = or_empty(req->modules[i].cmdline);
        struct mb1_module m = { boot->mod_start[i], boot->mod_end[i],
                                (uint32_t)(base + s), 0 };
        memcpy(p + l->mods + i * sizeof m, &m, sizeof m);
        memcpy(p + s, str, str_size(str));
        s += str_size(str);
    }
}

int gl_build_info(const struct guest_load_req *req, struct gl_placer *pl,
                  struct guest_boot *out, const char **err)
{
    struct layout l;
    if (plan_layout(req, &l, err))
        return -1;
    uint64_t base;
    if (gl_find_free(pl, l.size, BLOCK_ALIGN, LOW_MEM_START, LOW_MEM_END, &base) &&
        gl_find_free(pl, l.size, BLOCK_ALIGN, LOW_MEM_START, GL_4G, &base)) {
        *err = "no free guest memory for the boot information";
        return -1;
    }
    uint8_t *p = req->mem.ptr(req->mem.ctx, base, l.size);
    if (!p) {
        *err = "guest memory for the boot information is not accessible";
        return -1;
    }
    memset(p, 0, l.size);
    fill(req, &l, base, p, out);
    out->ebx = (uint32_t)base;
    out->info_lo = base;
    out->info_hi = base + l.size;
    return 0;
}
