/* Multiboot 1 header search and the a.out-kludge load plan (spec 0.6.96,
 * section 3.1). ELF images are planned by elf_load.c. */
#include "hv/guest_loader.h"
#include "hv/mb1.h"

/* Flag bits 0-2 are supported; any other requirement bit fails the load
 * (3.1.2: "If the boot loader does not understand all the bits in the first
 * sixteen, it must fail"). Bit 2 is accepted without providing a video mode:
 * a boot loader may be unable to set one, and the kernel learns that from
 * info flags 11/12 being clear (3.3). */
static const char *const unsupported_bit[16] = {
    [3] = "unsupported required flag bit 3",
    [4] = "unsupported required flag bit 4",
    [5] = "unsupported required flag bit 5",
    [6] = "unsupported required flag bit 6",
    [7] = "unsupported required flag bit 7",
    [8] = "unsupported required flag bit 8",
    [9] = "unsupported required flag bit 9",
    [10] = "unsupported required flag bit 10",
    [11] = "unsupported required flag bit 11",
    [12] = "unsupported required flag bit 12",
    [13] = "unsupported required flag bit 13",
    [14] = "unsupported required flag bit 14",
    [15] = "unsupported required flag bit 15",
};
#define SUPPORTED_REQUIRED (MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO | MB1_HF_VIDEO_MODE)

static int fail(const char **err, const char *msg)
{
    *err = msg;
    return -1;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Returns the header's offset, or -1. The first magic with a valid checksum
 * wins, as in GRUB; a magic with a bad checksum only shapes the message. */
static int64_t find_header(const uint8_t *img, uint64_t len, const char **err)
{
    uint64_t limit = MIN(len, (uint64_t)MB1_SEARCH_LEN);
    const char *why = "no multiboot1 header in the first 8192 bytes";
    for (uint64_t off = 0; off + 4 <= limit; off += MB1_HEADER_ALIGN) {
        if (rd32(img + off) != MB1_HEADER_MAGIC)
            continue;
        if (off + MB1_HEADER_BASE_LEN > limit) {
            why = "multiboot1 header truncated";
            continue;
        }
        uint32_t sum = MB1_HEADER_MAGIC + rd32(img + off + 4) + rd32(img + off + 8);
        if (sum == 0)
            return (int64_t)off;
        why = "multiboot1 header checksum mismatch";
    }
    *err = why;
    return -1;
}

/* 3.1.3: the file offset of load_addr is the header's offset minus
 * (header_addr - load_addr); load_end_addr 0 loads up to the end of the file;
 * bss_end_addr 0 means no bss. */
static int plan_aout(const uint8_t *img, uint64_t len, uint64_t off,
                     struct gl_image *out, const char **err)
{
    struct mb1_header h;
    memcpy(&h, img + off, MB1_HEADER_AOUT_LEN);
    if (h.load_addr > h.header_addr)
        return fail(err, "a.out kludge: load_addr above header_addr");
    uint64_t back = h.header_addr - h.load_addr;
    if (back > off)
        return fail(err, "a.out kludge: load_addr lies before the start of the image");
    uint64_t src_off = off - back;
    uint64_t filesz;
    if (h.load_end_addr == 0) {
        filesz = len - src_off;
    } else {
        if (h.load_end_addr <= h.load_addr)
            return fail(err, "a.out kludge: load_end_addr not above load_addr");
        filesz = h.load_end_addr - h.load_addr;
        if (filesz > len - src_off)
            return fail(err, "a.out kludge: load_end_addr past the end of the image");
    }
    uint64_t memsz = filesz;
    if (h.bss_end_addr != 0) {
        if (h.bss_end_addr < h.load_addr + filesz)
            return fail(err, "a.out kludge: bss_end_addr below the loaded data");
        memsz = h.bss_end_addr - h.load_addr;
    }
    out->seg[0] = (struct gl_segment){ h.load_addr, src_off, filesz, memsz, 0 };
    out->nseg = 1;
    out->entry = h.entry_addr;
    return 0;
}

int gl_parse_image(const uint8_t *img, uint64_t len, struct gl_image *out,
                   const char **err)
{
    memset(out, 0, sizeof *out);
    int64_t found = find_header(img, len, err);
    if (found < 0)
        return -1;
    uint64_t off = (uint64_t)found;
    uint32_t flags = rd32(img + off + 4);
    uint32_t unknown = flags & MB1_HF_REQUIRED_MASK & ~SUPPORTED_REQUIRED;
    if (unknown)
        return fail(err, unsupported_bit[__builtin_ctz(unknown)]);

    uint64_t need = MB1_HEADER_BASE_LEN;
    if (flags & MB1_HF_AOUT_KLUDGE)
        need = MB1_HEADER_AOUT_LEN;
    if (flags & MB1_HF_VIDEO_MODE)
        need = MB1_HEADER_VIDEO_LEN;
    if (off + need > MIN(len, (uint64_t)MB1_SEARCH_LEN))
        return fail(err, "multiboot1 header truncated");
    out->header_flags = flags;

    int rc = (flags & MB1_HF_AOUT_KLUDGE) ? plan_aout(img, len, off, out, err)
                                          : gl_parse_elf(img, len, out, err);
    if (rc)
        return rc;
    if (out->entry >= GL_4G)
        return fail(err, "entry point above 4 GiB");
    for (unsigned i = 0; i < out->nseg; i++) {
        const struct gl_segment *s = &out->seg[i];
        if (s->dst >= GL_4G || s->memsz > GL_4G - s->dst)
            return fail(err, "segment extends above 4 GiB");
    }
    return 0;
}
