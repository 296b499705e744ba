/* Loading a Multiboot 1 (spec 0.6.96) guest kernel into guest-physical
 * memory, the way a Multiboot 1 boot loader would: kernel image, modules,
 * boot information structure. Guest memory is reached only through a
 * phys_mem accessor, so host tests run the loader on simulated memory. */
#ifndef BULWARK_GUEST_LOADER_H
#define BULWARK_GUEST_LOADER_H

#include "hv/lib.h"
#include "hv/multiboot2.h"

#define GL_MAX_MODULES 16
#define GL_MAX_PRESERVE 8
#define GL_MAX_REGIONS MB2_MAX_REGIONS
#define GL_MAX_SEGMENTS 64  /* program headers accepted in an ELF image */
#define GL_MAX_STRING 4096  /* longest command line, including the NUL */
#define GL_PAGE 4096u
#define GL_4G 0x100000000ull
#define GL_MAX_TEXT 8       /* executable, non-writable segments reported */
#define GL_PF_X 1u          /* ELF p_flags */
#define GL_PF_W 2u

/* ptr returns a pointer through which [phys, phys+len) can be read and
 * written, or NULL when that range is not backed. */
struct phys_mem {
    void *ctx;
    void *(*ptr)(void *ctx, uint64_t phys, uint64_t len);
};

struct phys_range {
    uint64_t base;
    uint64_t len;
};

struct guest_module_src {
    struct phys_range src; /* where the module's bytes are now */
    const char *cmdline;   /* the module's string, verbatim; NULL means "" */
};

/* All strings must stay readable for the whole call: keep them outside guest
 * RAM (in hypervisor memory) or inside a `preserve` range. */
struct guest_load_req {
    struct phys_mem mem;
    struct phys_range image;  /* the kernel image file's bytes */
    const char *cmdline;      /* the guest's command line; NULL means "" */
    const struct guest_module_src *modules;
    unsigned module_count;
    /* The guest's memory map, as the guest will see it: the hypervisor's
     * memory must already be non-available (memmap_exclude). */
    const struct mem_region *map;
    unsigned map_count;
    struct phys_range hv;     /* the hypervisor's reserved memory */
    /* Guest RAM that must not be overwritten and cannot be moved. */
    const struct phys_range *preserve;
    unsigned preserve_count;
};

/* Machine state for the kernel's entry (3.2): 32-bit protected mode, flat
 * segments, paging off, EIP = entry, EAX = eax, EBX = ebx. */
struct guest_boot {
    uint32_t entry;
    uint32_t eax;             /* MB1_BOOTLOADER_MAGIC */
    uint32_t ebx;             /* physical address of the mb1_info */
    uint64_t image_lo;        /* kernel footprint [image_lo, image_hi) */
    uint64_t image_hi;
    uint64_t info_lo;         /* info structure, memory map, module list and */
    uint64_t info_hi;         /* strings: one block [info_lo, info_hi) */
    uint32_t mod_start[GL_MAX_MODULES]; /* final module places, [start, end) */
    uint32_t mod_end[GL_MAX_MODULES];
    uint32_t header_flags;    /* the kernel's Multiboot header flags */
    /* Header flag 2 (video mode) was set: Bulwark sets no video mode and
     * leaves info flags 11 and 12 clear, which the kernel must check (3.3). */
    bool video_unavailable;
    /* The kernel's executable, non-writable segments (ELF PF_X without
     * PF_W): what a `kernel-image` policy rule protects. */
    unsigned text_count;
    struct phys_range text[GL_MAX_TEXT];
};

/* Loads the kernel: moves modules (and the image) out of the kernel's way,
 * copies its segments, zeroes its bss, writes the boot information. Returns
 * 0, or -1 with *err a static message. Validation happens before anything is
 * written; after a later failure guest memory may be partly modified. */
int guest_load(const struct guest_load_req *req, struct guest_boot *out,
               const char **err);

/* ---- internals shared by hv/guest_loader.c, mb1_header.c, elf_load.c,
 * placement.c and mb1_info.c (also exercised by the unit tests) ---------- */

struct gl_segment {
    uint64_t dst;     /* physical load address */
    uint64_t src_off; /* offset in the image file */
    uint64_t filesz;  /* bytes copied; the rest up to memsz is zeroed */
    uint64_t memsz;
    uint32_t flags;   /* ELF p_flags (GL_PF_*); 0 for the a.out kludge */
};


struct gl_image {
    uint32_t header_flags;
    uint64_t entry;
    unsigned nseg;
    struct gl_segment seg[GL_MAX_SEGMENTS];
};

/* Finds and checks the Multiboot header, then plans the load from the
 * a.out-kludge address fields or from the ELF program headers. Every
 * segment lies in the file and below 4 GiB; the entry is below 4 GiB. */
int gl_parse_image(const uint8_t *img, uint64_t len, struct gl_image *out,
                   const char **err);
int gl_parse_elf(const uint8_t *img, uint64_t len, struct gl_image *out,
                 const char **err);

#define GL_MAX_BUSY (2 + GL_MAX_PRESERVE + GL_MAX_MODULES)

/* Free-space finder over the available regions of a memory map, minus the
 * map's other regions and a list of busy ranges. */
struct gl_placer {
    const struct mem_region *map;
    unsigned map_count;
    unsigned nbusy;
    struct phys_range busy[GL_MAX_BUSY];
};

/* End of the run of available memory starting at `start` (start itself when
 * start is not available). */
uint64_t gl_avail_end(const struct mem_region *map, unsigned n, uint64_t start);
bool gl_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen);
/* Returns the busy slot index, or -1 when the list is full. */
int gl_busy_add(struct gl_placer *pl, uint64_t base, uint64_t len);
/* [base, base+len) is available and overlaps no busy range. */
bool gl_is_free(const struct gl_placer *pl, uint64_t base, uint64_t len);
/* Lowest `align`-aligned free range of `size` bytes inside [lo, hi). */
int gl_find_free(const struct gl_placer *pl, uint64_t size, uint64_t align,
                 uint64_t lo, uint64_t hi, uint64_t *out);

/* Writes the boot information block into free memory (below 1 MiB when it
 * fits) using out->mod_start/mod_end, and sets out->ebx, info_lo, info_hi. */
int gl_build_info(const struct guest_load_req *req, struct gl_placer *pl,
                  struct guest_boot *out, const char **err);

#endif
