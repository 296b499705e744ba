/* guest_load on simulated 64 MiB guest memory with real ELF32, ELF64 and
 * a.out-kludge images built here; the hypervisor holds the top 4 MiB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "hv/guest_loader.h"
#include "hv/mb1.h"

#define RAM (64ull << 20)
#define HV_BASE (RAM - (4u << 20))
#define HDR_OFF 0x100u /* where the builders put the Multiboot header */

static uint8_t *ram;
static uint8_t img[0x6000];
static struct mem_region map[8];
static struct guest_module_src mods[GL_MAX_MODULES + 1];
static struct guest_load_req req;
static struct guest_boot gb;
static const char *err;

static void *sim_ptr(void *ctx, uint64_t phys, uint64_t len)
{
    (void)ctx;
    return phys > RAM || len > RAM - phys ? NULL : ram + phys;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get32(uint64_t phys) { uint32_t v; memcpy(&v, ram + phys, 4); return v; }
static uint64_t get64(uint64_t phys) { uint64_t v; memcpy(&v, ram + phys, 8); return v; }

static int setup(void **state)
{
    (void)state;
    ram = malloc(RAM);
    memset(ram, 0xCC, RAM); /* so bss zeroing is visible */
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (uint8_t)(i * 31 + 7);
    map[0] = (struct mem_region){ 0, 0x9FC00, MEM_AVAILABLE };
    map[1] = (struct mem_region){ 0x9FC00, 0x400, MEM_RESERVED };
    map[2] = (struct mem_region){ 0xF0000, 0x10000, MEM_RESERVED };
    map[3] = (struct mem_region){ 0x100000, RAM - 0x100000, MEM_AVAILABLE };
    unsigned n = 4;
    assert_int_equal(memmap_exclude(map, &n, 8, HV_BASE, RAM - HV_BASE, MEM_RESERVED), 0);
    memset(mods, 0, sizeof mods);
    req = (struct guest_load_req){
        .mem = { NULL, sim_ptr }, .image = { 0x2000000, sizeof img },
        .cmdline = "kernel console=ttyS0", .modules = mods, .map = map,
        .map_count = n, .hv = { HV_BASE, RAM - HV_BASE },
    };
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(ram);
    return 0;
}

static void mb_header(uint32_t off, uint32_t flags)
{
    put32(img + off, MB1_HEADER_MAGIC);
    put32(img + off + 4, flags);
    put32(img + off + 8, -(MB1_HEADER_MAGIC + flags));
}

struct seg { uint64_t vaddr, paddr, off, filesz, memsz; };

/* ELF executable with the Multiboot header at HDR_OFF and program headers
 * at 0x40 (ELF32 and ELF64 differ in field widths and offsets). */
static void build_elf(bool is64, uint64_t entry, const struct seg *s, unsigned n,
                      uint32_t mbflags)
{
    static const unsigned ph32[5] = { 4, 8, 12, 16, 20 }, ph64[5] = { 8, 16, 24, 32, 40 };
    unsigned w = is64 ? 8 : 4, phsz = is64 ? 56 : 32, e = 24 + 3 * w + 4;
    uint64_t phoff = 0x40;
    memset(img, 0, 0x100);
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = is64 ? 2 : 1;
    img[5] = img[6] = 1;
    put16(img + 16, 2);
    put16(img + 18, is64 ? 62 : 3);
    put32(img + 20, 1);
    memcpy(img + 24, &entry, w);
    memcpy(img + 24 + w, &phoff, w);
    put16(img + e, (uint16_t)(is64 ? 64 : 52)); /* e_ehsize, e_phentsize, e_phnum */
    put16(img + e + 2, (uint16_t)phsz);
    put16(img + e + 4, (uint16_t)n);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *p = img + phoff + i * phsz;
        const uint64_t f[5] = { s[i].off, s[i].vaddr, s[i].paddr, s[i].filesz, s[i].memsz };
        put32(p, 1); /* PT_LOAD */
        for (unsigned k = 0; k < 5; k++)
            memcpy(p + (is64 ? ph64 : ph32)[k], &f[k], w);
    }
    mb_header(HDR_OFF, mbflags);
}

static const struct seg two_segs[] = {
    { 0x100000, 0x100000, 0x1000, 0x2000, 0x5000 }, /* text + bss */
    { 0x106000, 0x106000, 0x3000, 0x0800, 0x0800 }, /* data */
};

/* Loads put the image into guest memory at req.image.base first. */
static void copy_image(void)
{
    memcpy(ram + req.image.base, img, sizeof img);
}

static void place_module(unsigned i, uint64_t at, uint64_t len, const char *cmd)
{
    for (uint64_t k = 0; k < len; k++)
        ram[at + k] = (uint8_t)(0xA5 ^ (k * 13) ^ i);
    mods[i] = (struct guest_module_src){ { at, len }, cmd };
    req.module_count = MAX(req.module_count, i + 1);
}

static void assert_module_intact(unsigned i)
{
    assert_int_equal(gb.mod_end[i] - gb.mod_start[i], mods[i].src.len);
    for (uint64_t k = 0; k < mods[i].src.len; k++)
        assert_int_equal(ram[gb.mod_start[i] + k], (uint8_t)(0xA5 ^ (k * 13) ^ i));
}

static void assert_loaded(const struct seg *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        assert_memory_equal(ram + s[i].paddr, img + s[i].off, s[i].filesz);
        for (uint64_t k = s[i].filesz; k < s[i].memsz; k++)
            assert_int_equal(ram[s[i].paddr + k], 0);
    }
}

static void load_ok(void)
{
    copy_image();
    err = NULL;
    int rc = guest_load(&req, &gb, &err);
    if (rc)
        fail_msg("guest_load: %s", err);
}

static void load_fails(const char *msg)
{
    copy_image();
    err = NULL;
    assert_int_equal(guest_load(&req, &gb, &err), -1);
    assert_string_equal(err, msg);
}

static void test_elf32_module_at_kernel_address(void **state)
{
    (void)state;
    build_elf(false, 0x100010, two_segs, 2, MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO);
    place_module(0, 0x100000, 0x5000, "guest-module initrd.img");
    place_module(1, 0x1800000, 0x1234, "guest-module extra");
    load_ok();

    assert_int_equal(gb.entry, 0x100010);
    assert_int_equal(gb.eax, 0x2BADB002);
    assert_int_equal(gb.image_lo, 0x100000);
    assert_int_equal(gb.image_hi, 0x106800);
    assert_loaded(two_segs, 2);
    /* Module 0 sat on the kernel: moved to the first free page above it. */
    assert_int_equal(gb.mod_start[0], 0x107000);
    assert_module_intact(0);
    assert_int_equal(gb.mod_start[1], 0x1800000); /* not in the way: stays */
    assert_module_intact(1);
    assert_false(gb.video_unavailable);

    /* Info block: lowest free memory above the first page. */
    uint32_t info = gb.ebx;
    assert_int_equal(info, 0x1000);
    assert_int_equal(gb.info_lo, 0x1000);
    assert_true(gb.info_hi < 0x9FC00);
    assert_int_equal(get32(info + 0), 0x24D); /* flags 0, 2, 3, 6, 9 */
    assert_int_equal(get32(info + 4), 639);
    assert_int_equal(get32(info + 8), (HV_BASE - 0x100000) / 1024);
    assert_string_equal((char *)ram + get32(info + 16), "kernel console=ttyS0");
    assert_string_equal((char *)ram + get32(info + 64), "Bulwark");

    assert_int_equal(get32(info + 44), 5 * 24);
    uint32_t mm = get32(info + 48);
    for (unsigned i = 0; i < 5; i++, mm += 24) {
        assert_int_equal(get32(mm), 20);
        assert_int_equal(get64(mm + 4), map[i].base);
        assert_int_equal(get64(mm + 12), map[i].len);
        assert_int_equal(get32(mm + 20), map[i].type);
    }

    assert_int_equal(get32(info + 20), 2);
    uint32_t ml = get32(info + 24);
    uint32_t s0 = get32(ml + 8), s1 = get32(ml + 24);
    uint32_t expect[8] = { 0x107000, 0x10C000, s0, 0, 0x1800000, 0x1801234, s1, 0 };
    assert_memory_equal(ram + ml, expect, sizeof expect);
    assert_string_equal((char *)ram + s0, "guest-module initrd.img");
    assert_string_equal((char *)ram + s1, "guest-module extra");
    assert_true(s1 + sizeof "guest-module extra" <= gb.info_hi);
}

static void test_image_on_its_own_load_address(void **state)
{
    (void)state;
    const struct seg s[] = { { 0x100000, 0x100000, 0x1000, 0x5000, 0x8000 } };
    build_elf(true, 0x100000, s, 1, 0);
    req.image.base = 0x100000; /* GRUB put the kernel file where it loads */
    place_module(0, 0x106000, 0x3000, "guest-module m");
    load_ok();
    assert_loaded(s, 1);
    assert_int_equal(gb.image_hi, 0x108000);
    assert_true(gb.mod_start[0] >= 0x108000);
    assert_module_intact(0);
}

static void test_elf64_higher_half_entry(void **state)
{
    (void)state;
    const struct seg s[] = {
        { 0xFFFFFFFF80100000ull, 0x100000, 0x1000, 0x1000, 0x1000 },
        { 0x300000, 0x300000, 0x2000, 0x1000, 0x1000 },
    };
    build_elf(true, 0xFFFFFFFF80100040ull, s, 2, 0);
    load_ok();
    assert_int_equal(gb.entry, 0x100040);
    assert_loaded(s, 2);

    build_elf(true, 0x300010, s, 2, 0); /* vaddr == paddr: as-is */
    load_ok();
    assert_int_equal(gb.entry, 0x300010);

    build_elf(false, 0x500000, two_segs, 2, 0); /* outside any segment */
    load_ok();
    assert_int_equal(gb.entry, 0x500000);

    build_elf(true, 0x100000000ull, s, 2, 0);
    load_fails("entry point above 4 GiB");
}

static void aout(uint32_t load, uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
    mb_header(HDR_OFF, MB1_HF_AOUT_KLUDGE);
    uint32_t f[5] = { 0x200000 + HDR_OFF, load, load_end, bss_end, entry };
    memcpy(img + HDR_OFF + 12, f, sizeof f);
}

static void test_aout_kludge(void **state)
{
    (void)state;
    aout(0x200000, 0, 0, 0x200200); /* whole file, no bss */
    load_ok();
    assert_int_equal(gb.entry, 0x200200);
    assert_int_equal(gb.image_lo, 0x200000);
    assert_int_equal(gb.image_hi, 0x200000 + sizeof img);
    assert_memory_equal(ram + 0x200000, img, sizeof img);
    assert_int_equal(gb.header_flags, MB1_HF_AOUT_KLUDGE);

    aout(0x200040, 0x201000, 0x204000, 0x200100); /* starts at file offset 0x40 */
    load_ok();
    assert_memory_equal(ram + 0x200040, img + 0x40, 0x1000 - 0x40);
    for (uint32_t a = 0x201000; a < 0x204000; a++)
        assert_int_equal(ram[a], 0);
    assert_int_equal(gb.image_hi, 0x204000);
}

static void test_aout_errors(void **state)
{
    (void)state;
    aout(0x200000 + HDR_OFF + 4, 0, 0, 0);
    load_fails("a.out kludge: load_addr above header_addr");
    aout(0x200000 - 4, 0, 0, 0);
    load_fails("a.out kludge: load_addr lies before the start of the image");
    aout(0x200000, 0x200000, 0, 0);
    load_fails("a.out kludge: load_end_addr not above load_addr");
    aout(0x200000, 0x200000 + sizeof img + 1, 0, 0);
    load_fails("a.out kludge: load_end_addr past the end of the image");
    aout(0x200000, 0x201000, 0x200FFF, 0);
    load_fails("a.out kludge: bss_end_addr below the loaded data");
    aout(0x200000, 0, 0, 0);
    req.image.len = HDR_OFF + 20; /* address fields cut off */
    load_fails("multiboot1 header truncated");
}

static void test_header_search(void **state)
{
    (void)state;
    memset(img, 0, sizeof img);
    load_fails("no multiboot1 header in the first 8192 bytes");

    build_elf(false, 0x100000, two_segs, 2, 0);
    put32(img + HDR_OFF + 8, 0);
    load_fails("multiboot1 header checksum mismatch");

    memset(img, 0, sizeof img);
    mb_header(8192, MB1_HF_AOUT_KLUDGE); /* past the search window */
    load_fails("no multiboot1 header in the first 8192 bytes");
    mb_header(8184, MB1_HF_AOUT_KLUDGE); /* a.out fields past 8192 */
    load_fails("multiboot1 header truncated");
    memset(img, 0, sizeof img);
    mb_header(8188, 0); /* only the magic fits */
    load_fails("multiboot1 header truncated");

    build_elf(false, 0x100000, two_segs, 2, 1u << 3);
    load_fails("unsupported required flag bit 3");
    build_elf(false, 0x100000, two_segs, 2, (1u << 15) | (1u << 20) | 3);
    load_fails("unsupported required flag bit 15");

    /* Video mode requested: loaded, but no video information given. */
    build_elf(false, 0x100000, two_segs, 2, MB1_HF_VIDEO_MODE);
    load_ok();
    assert_true(gb.video_unavailable);
    assert_int_equal(get32(gb.ebx) & ((1u << 11) | (1u << 12)), 0);
}

static void elf_fails(bool is64, const struct seg *s, unsigned n, const char *msg)
{
    build_elf(is64, 0x100000, s, n, 0);
    load_fails(msg);
}

/* A valid two-segment ELF with one header field overwritten. */
static void patched_fails(bool is64, unsigned off, unsigned width, uint64_t v,
                          const char *msg)
{
    build_elf(is64, 0x100000, two_segs, 2, 0);
    memcpy(img + off, &v, width);
    load_fails(msg);
}

static void test_elf_errors(void **state)
{
    (void)state;
    patched_fails(false, 18, 2, 62, "ELF32 image is not for EM_386");
    patched_fails(true, 18, 2, 3, "ELF64 image is not for EM_X86_64");
    patched_fails(false, 16, 2, 3, "ELF image is not an executable (ET_EXEC)");
    patched_fails(true, 4, 1, 3, "unsupported ELF class");
    patched_fails(true, 5, 1, 2, "ELF image is not little-endian");
    patched_fails(true, 56, 2, 65, "ELF image has more than 64 program headers");
    patched_fails(true, 54, 2, 32, "ELF program header entry size too small");
    patched_fails(false, 28, 4, sizeof img - 40, "ELF program headers outside the image");
    patched_fails(false, 44, 2, 0, "ELF image has no loadable segments");
    patched_fails(false, 0, 1, 0, "not an ELF image and the a.out kludge flag is clear");

    struct seg s = { 0x100000, 0x100000, 0x1000, 0x2000, 0x1000 };
    elf_fails(false, &s, 1, "ELF segment file size exceeds its memory size");
    s = (struct seg){ 0x100000, 0x100000, 0x5000, 0x2000, 0x2000 };
    elf_fails(false, &s, 1, "ELF segment extends past the end of the image");
    s = (struct seg){ 0xFFFFF000, 0xFFFFF000, 0x1000, 0x1000, 0x2000 };
    elf_fails(false, &s, 1, "segment extends above 4 GiB");
    s = (struct seg){ 0x100000000ull, 0x100000000ull, 0x1000, 0x1000, 0x1000 };
    elf_fails(true, &s, 1, "segment extends above 4 GiB");
}

static void test_segment_placement_errors(void **state)
{
    (void)state;
    struct seg s = { 0x5000000, 0x5000000, 0x1000, 0x1000, 0x1000 };
    elf_fails(false, &s, 1, "kernel segment outside available guest RAM");
    s.paddr = 0x9F000; /* runs into the EBDA */
    elf_fails(false, &s, 1, "kernel segment outside available guest RAM");
    s.paddr = HV_BASE - 0x800;
    elf_fails(false, &s, 1, "kernel segment overlaps the hypervisor's memory");
    const struct phys_range keep = { 0x101000, 0x10 };
    req.preserve = &keep;
    req.preserve_count = 1;
    elf_fails(false, two_segs, 2, "kernel segment overlaps a preserved range");
    req.preserve_count = 0;

    map[3].len += 0x1000; /* hypervisor memory reported as available */
    elf_fails(false, two_segs, 2, "guest memory map reports hypervisor memory as available");
    map[3].len -= 0x1000;
}

static void test_page_align_and_preserve(void **state)
{
    (void)state;
    build_elf(false, 0x100000, two_segs, 2, 0);
    place_module(0, 0x1800010, 0x100, "guest-module a");
    load_ok();
    assert_int_equal(gb.mod_start[0], 0x1800010); /* alignment not required */

    build_elf(false, 0x100000, two_segs, 2, MB1_HF_PAGE_ALIGN);
    place_module(0, 0x1800010, 0x100, "guest-module a");
    const struct phys_range keep[] = { { 0x1000, 0x2000 }, { 0x107000, 0x3000 } };
    req.preserve = keep;
    req.preserve_count = 2;
    load_ok();
    assert_int_equal(gb.mod_start[0], 0x10A000); /* after the preserved range */
    assert_module_intact(0);
    assert_int_equal(gb.ebx, 0x3000); /* info skips the preserved low range */
}

static void test_no_room_and_limits(void **state)
{
    (void)state;
    static char longcmd[GL_MAX_STRING + 1];
    build_elf(false, 0x100000, two_segs, 2, 0);
    memset(longcmd, 'x', GL_MAX_STRING);
    req.cmdline = longcmd;
    load_fails("guest command line too long");
    req.cmdline = NULL; /* empty command line */
    load_ok();
    assert_string_equal((char *)ram + get32(gb.ebx + 16), "");

    place_module(GL_MAX_MODULES, 0x1800000, 0x10, "m");
    load_fails("too many guest modules");
    req.module_count = 0;

    /* Only 1 MiB..1 MiB+64 KiB is RAM: nowhere to move the module to. */
    const struct mem_region tiny[] = { { 0x100000, 0x10000, MEM_AVAILABLE } };
    req.map = tiny;
    req.map_count = 1;
    const struct seg s = { 0x100000, 0x100000, 0x200, 0x200, 0x800 };
    build_elf(false, 0x100000, &s, 1, 0);
    place_module(0, 0x100000, 0x9000, "big");
    req.image.len = 0x1000;
    req.image.base = 0x10A000;
    load_fails("no free guest memory to move a module out of the kernel's way");
}

static void test_placer_lowest_fit(void **state)
{
    (void)state;
    const struct mem_region m[] = {
        { 0x10000, 0x10000, MEM_AVAILABLE }, { 0x18000, 0x1000, MEM_RESERVED },
        { 0x30000, 0x8000, MEM_AVAILABLE }, { 0x38000, 0x8000, MEM_AVAILABLE },
    };
    struct gl_placer pl = { .map = m, .map_count = 4 };
    uint64_t at;
    assert_int_equal(gl_busy_add(&pl, 0x10000, 0x123), 0);
    assert_int_equal(gl_find_free(&pl, 0x1000, 0x1000, 0, UINT64_MAX, &at), 0);
    assert_int_equal(at, 0x11000);
    assert_int_equal(gl_find_free(&pl, 0x8000, 0x1000, 0, UINT64_MAX, &at), 0);
    assert_int_equal(at, 0x30000); /* the reserved page splits the first region */
    assert_int_equal(gl_find_free(&pl, 0x10000, 0x10, 0, UINT64_MAX, &at), 0);
    assert_int_equal(at, 0x30000); /* spans two adjacent available regions */
    assert_int_equal(gl_find_free(&pl, 0x10001, 1, 0, UINT64_MAX, &at), -1);
    assert_int_equal(gl_find_free(&pl, 0x1000, 1, 0, 0x11100, &at), -1);
    assert_int_equal(gl_avail_end(m, 4, 0x30000), 0x40000);
    assert_int_equal(gl_avail_end(m, 4, 0x12000), 0x18000);
    assert_int_equal(gl_avail_end(m, 4, 0x18000), 0x18000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_elf32_module_at_kernel_address),
        T(test_image_on_its_own_load_address),
        T(test_elf64_higher_half_entry),
        T(test_aout_kludge),
        T(test_aout_errors),
        T(test_header_search),
        T(test_elf_errors),
        T(test_segment_placement_errors),
        T(test_page_align_and_preserve),
        T(test_no_room_and_limits),
        T(test_placer_lowest_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
