/* libFuzzer: guest_load with the kernel image bytes from the fuzzer, on
 * 4 MiB of simulated guest memory laid out like GRUB leaves it (modules and
 * image at 1 MiB, where kernels load). On success it checks that no byte was
 * lost: segments hold the image's bytes, modules their own, and nothing
 * overlaps the kernel, the hypervisor or each other. */
#include <stdlib.h>

#include "hv/guest_loader.h"
#include "hv/mb1.h"

#define RAM 0x400000u
#define HV_BASE 0x3F0000u
#define IMAGE_AT 0x106000u
#define IMAGE_MAX 0x80000u

static uint8_t ram[RAM];
static uint8_t canary[RAM - HV_BASE];

static const struct mem_region map[] = {
    { 0, 0x9FC00, MEM_AVAILABLE },          { 0x9FC00, 0x400, MEM_RESERVED },
    { 0xF0000, 0x10000, MEM_RESERVED },     { 0x100000, HV_BASE - 0x100000, MEM_AVAILABLE },
    { HV_BASE, RAM - HV_BASE, MEM_RESERVED },
};

static const struct guest_module_src mods[] = {
    { { 0x100000, 0x3000 }, "guest-module first" },
    { { 0x103010, 0x2345 }, "guest-module unaligned" },
};

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

static void *sim_ptr(void *ctx, uint64_t phys, uint64_t len)
{
    (void)ctx;
    return phys > RAM || len > RAM - phys ? NULL : ram + phys;
}

static uint8_t mod_byte(unsigned i, uint64_t k)
{
    return (uint8_t)(k * 7 + i * 101 + 1);
}

static void check_segments(const uint8_t *data, const struct gl_image *im)
{
    for (unsigned i = 0; i < im->nseg; i++) {
        const struct gl_segment *s = &im->seg[i];
        bool alone = true;
        for (unsigned j = 0; j < im->nseg; j++)
            if (j != i && gl_overlaps(s->dst, s->memsz, im->seg[j].dst, im->seg[j].memsz))
                alone = false;
        if (!alone)
            continue;
        check(memcmp(ram + s->dst, data + s->src_off, s->filesz) == 0);
        for (uint64_t k = s->filesz; k < s->memsz; k++)
            check(ram[s->dst + k] == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool init;
    if (!init) {
        memset(canary, 0x5A, sizeof canary);
        memcpy(ram + HV_BASE, canary, sizeof canary);
        init = true;
    }
    if (size == 0 || size > IMAGE_MAX)
        return 0;
    for (unsigned i = 0; i < ARRAY_SIZE(mods); i++)
        for (uint64_t k = 0; k < mods[i].src.len; k++)
            ram[mods[i].src.base + k] = mod_byte(i, k);
    memcpy(ram + IMAGE_AT, data, size);

    struct guest_load_req req = {
        .mem = { NULL, sim_ptr }, .image = { IMAGE_AT, size }, .cmdline = "fuzz",
        .modules = mods, .module_count = ARRAY_SIZE(mods),
        .map = map, .map_count = ARRAY_SIZE(map), .hv = { HV_BASE, RAM - HV_BASE },
    };
    static struct guest_boot gb;
    const char *err = NULL;
    if (guest_load(&req, &gb, &err) != 0) {
        check(err != NULL);
        return 0;
    }

    static struct gl_image im;
    check(gl_parse_image(data, size, &im, &err) == 0);
    check_segments(data, &im);
    check(gb.eax == MB1_BOOTLOADER_MAGIC && gb.ebx == gb.info_lo && gb.entry == im.entry);
    uint64_t foot = gb.image_hi - gb.image_lo;
    check(!gl_overlaps(gb.info_lo, gb.info_hi - gb.info_lo, gb.image_lo, foot));
    check(gb.info_hi <= HV_BASE && gb.image_hi <= HV_BASE);
    for (unsigned i = 0; i < ARRAY_SIZE(mods); i++) {
        uint64_t start = gb.mod_start[i], len = gb.mod_end[i] - start;
        check(len == mods[i].src.len && gb.mod_end[i] <= HV_BASE);
        check(!gl_overlaps(start, len, gb.image_lo, foot));
        check(!gl_overlaps(start, len, gb.info_lo, gb.info_hi - gb.info_lo));
        check(!(gb.header_flags & MB1_HF_PAGE_ALIGN) || start % GL_PAGE == 0);
        for (uint64_t k = 0; k < len; k++)
            check(ram[start + k] == mod_byte(i, k));
    }
    check(memcmp(ram + HV_BASE, canary, sizeof canary) == 0);
    return 0;
}
