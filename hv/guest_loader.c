/* guest_load: the steps of a Multiboot 1 boot loader, ordered so no byte is
 * overwritten before it has been read. The image and modules are sources
 * somewhere in guest RAM (GRUB typically puts the first module at 1 MiB,
 * where kernels load): sources in the kernel's way move to free RAM first,
 * then the segments are copied, then the boot information is written. */
#include "hv/guest_loader.h"
#include "hv/mb1.h"

#define MOVE_PREFERRED_LO 0x100000u /* keep low memory for the info block */
#define MOVE_FALLBACK_LO 0x1000u

static int fail(const char **err, const char *msg)
{
    *err = msg;
    return -1;
}

static bool wraps(struct phys_range r)
{
    return r.len > UINT64_MAX - r.base;
}

static int check_req(const struct guest_load_req *r, const char **err)
{
    if (!r->mem.ptr)
        return fail(err, "no guest memory accessor");
    if (r->image.len == 0 || wraps(r->image))
        return fail(err, "kernel image range is empty or wraps around");
    if (r->module_count > GL_MAX_MODULES || (r->module_count && !r->modules))
        return fail(err, "too many guest modules");
    for (unsigned i = 0; i < r->module_count; i++)
        if (wraps(r->modules[i].src))
            return fail(err, "guest module range wraps around");
    if (r->preserve_count > GL_MAX_PRESERVE || (r->preserve_count && !r->preserve))
        return fail(err, "too many preserved ranges");
    for (unsigned i = 0; i < r->preserve_count; i++)
        if (wraps(r->preserve[i]))
            return fail(err, "preserved range wraps around");
    if (r->map_count == 0 || r->map_count > GL_MAX_REGIONS || !r->map)
        return fail(err, "guest memory map empty or too large");
    if (wraps(r->hv))
        return fail(err, "hypervisor range wraps around");
    for (unsigned i = 0; i < r->map_count; i++) {
        const struct mem_region *m = &r->map[i];
        if (m->len > UINT64_MAX - m->base)
            return fail(err, "guest memory map region wraps around");
        if (m->type == MEM_AVAILABLE &&
            gl_overlaps(m->base, m->len, r->hv.base, r->hv.len))
            return fail(err, "guest memory map reports hypervisor memory as available");
    }
    return 0;
}

static bool hits_preserved(const struct guest_load_req *r, uint64_t base, uint64_t len)
{
    for (unsigned i = 0; i < r->preserve_count; i++)
        if (gl_overlaps(base, len, r->preserve[i].base, r->preserve[i].len))
            return true;
    return false;
}

/* Every segment must land in available guest RAM; the footprint is the
 * span from the lowest to the highest segment byte. */
static int check_segments(const struct guest_load_req *r, const struct gl_image *im,
                          uint64_t *lo, uint64_t *hi, const char **err)
{
    *lo = UINT64_MAX;
    *hi = 0;
    for (unsigned i = 0; i < im->nseg; i++) {
        const struct gl_segment *s = &im->seg[i];
        if (gl_overlaps(s->dst, s->memsz, r->hv.base, r->hv.len))
            return fail(err, "kernel segment overlaps the hypervisor's memory");
        if (hits_preserved(r, s->dst, s->memsz))
            return fail(err, "kernel segment overlaps a preserved range");
        if (gl_avail_end(r->map, r->map_count, s->dst) < s->dst + s->memsz)
            return fail(err, "kernel segment outside available guest RAM");
        *lo = MIN(*lo, s->dst);
        *hi = MAX(*hi, s->dst + s->memsz);
    }
    return 0;
}

/* A module may stay where it is when the kernel can use it there. */
static bool module_in_place_ok(const struct guest_load_req *r, uint32_t hflags,
                               struct phys_range src, uint64_t lo, uint64_t hi)
{
    uint64_t size = MAX(src.len, 1);
    if (src.base >= GL_4G || size > GL_4G - src.base)
        return false;
    if ((hflags & MB1_HF_PAGE_ALIGN) && src.base % GL_PAGE)
        return false;
    if (gl_overlaps(src.base, size, lo, hi - lo) || hits_preserved(r, src.base, size))
        return false;
    return gl_avail_end(r->map, r->map_count, src.base) >= src.base + size;
}

/* Copies the source in busy slot `slot` to free RAM below `limit`. The
 * destination avoids every busy range, including all sources not yet read,
 * so the copy never clobbers anything still needed. */
static int move_source(const struct guest_load_req *r, struct gl_placer *pl,
                       int slot, uint64_t limit, const char **err)
{
    struct phys_range *b = &pl->busy[slot];
    uint64_t size = MAX(b->len, 1), dst;
    if (gl_find_free(pl, size, GL_PAGE, MOVE_PREFERRED_LO, limit, &dst) &&
        gl_find_free(pl, size, GL_PAGE, MOVE_FALLBACK_LO, limit, &dst))
        return fail(err, "no free guest memory to move a module out of the kernel's way");
    if (b->len) {
        void *d = r->mem.ptr(r->mem.ctx, dst, b->len);
        const void *s = r->mem.ptr(r->mem.ctx, b->base, b->len);
        if (!d || !s)
            return fail(err, "guest memory for a module move is not accessible");
        memcpy(d, s, b->len);
    }
    b->base = dst;
    return 0;
}

static int load_segments(const struct guest_load_req *r, const struct gl_image *im,
                         struct phys_range image, const char **err)
{
    const uint8_t *img = r->mem.ptr(r->mem.ctx, image.base, image.len);
    if (!img)
        return fail(err, "kernel image is not accessible");
    for (unsigned i = 0; i < im->nseg; i++) {
        const struct gl_segment *s = &im->seg[i];
        uint8_t *d = r->mem.ptr(r->mem.ctx, s->dst, s->memsz);
        if (!d)
            return fail(err, "guest memory for a kernel segment is not accessible");
        memcpy(d, img + s->src_off, s->filesz);
        memset(d + s->filesz, 0, s->memsz - s->filesz);
    }
    return 0;
}

int guest_load(const struct guest_load_req *req, struct guest_boot *out,
               const char **err)
{
    memset(out, 0, sizeof *out);
    if (check_req(req, err))
        return -1;
    const uint8_t *img = req->mem.ptr(req->mem.ctx, req->image.base, req->image.len);
    if (!img)
        return fail(err, "kernel image is not accessible");
    struct gl_image im;
    if (gl_parse_image(img, req->image.len, &im, err))
        return -1;
    uint64_t lo, hi;
    if (check_segments(req, &im, &lo, &hi, err))
        return -1;

    /* Busy: footprint, preserved ranges, then every source. The list has
     * room for all of them (GL_MAX_BUSY), so gl_busy_add cannot fail. */
    struct gl_placer pl = { .map = req->map, .map_count = req->map_count };
    gl_busy_add(&pl, lo, hi - lo);
    for (unsigned i = 0; i < req->preserve_count; i++)
        gl_busy_add(&pl, req->preserve[i].base, req->preserve[i].len);
    int image_slot = gl_busy_add(&pl, req->image.base, req->image.len);
    int mod_slot[GL_MAX_MODULES];
    for (unsigned i = 0; i < req->module_count; i++)
        mod_slot[i] = gl_busy_add(&pl, req->modules[i].src.base, req->modules[i].src.len);

    if (gl_overlaps(req->image.base, req->image.len, lo, hi - lo) &&
        move_source(req, &pl, image_slot, UINT64_MAX, err))
        return -1;
    for (unsigned i = 0; i < req->module_count; i++)
        if (!module_in_place_ok(req, im.header_flags, req->modules[i].src, lo, hi) &&
            move_source(req, &pl, mod_slot[i], GL_4G, err))
            return -1;

    if (load_segments(req, &im, pl.busy[image_slot], err))
        return -1;
    pl.busy[image_slot].len = 0; /* the image's bytes are no longer needed */

    for (unsigned i = 0; i < req->module_count; i++) {
        out->mod_start[i] = (uint32_t)pl.busy[mod_slot[i]].base;
        out->mod_end[i] = (uint32_t)(pl.busy[mod_slot[i]].base + req->modules[i].src.len);
    }
    if (gl_build_info(req, &pl, out, err))
        return -1;
    out->entry = (uint32_t)im.entry;
    out->eax = MB1_BOOTLOADER_MAGIC;
    out->image_lo = lo;
    out->image_hi = hi;
    out->header_flags = im.header_flags;
    out->video_unavailable = (im.header_flags & MB1_HF_VIDEO_MODE) != 0;
    for (unsigned i = 0; i < im.nseg && out->text_count < GL_MAX_TEXT; i++)
        if ((im.seg[i].flags & (GL_PF_X | GL_PF_W)) == GL_PF_X)
            out->text[out->text_count++] = (struct phys_range){ im.seg[i].dst, im.seg[i].memsz };
    return 0;
}
