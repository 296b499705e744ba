/* mb2_parse on hand-built Multiboot2 info blobs (well-formed and broken),
 * module lookup by role, and memmap_exclude. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "hv/multiboot2.h"

struct blob {
    _Alignas(8) uint8_t buf[16384];
    uint32_t len;
};

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void b_init(struct blob *b)
{
    memset(b, 0, sizeof *b);
    b->len = 8;
}

static uint8_t *b_tag(struct blob *b, uint32_t type, uint32_t size)
{
    uint8_t *t = b->buf + b->len;
    put32(t, type);
    put32(t + 4, size);
    b->len += (size + 7) & ~7u;
    return t;
}

static void b_end(struct blob *b)
{
    b_tag(b, 0, 8);
    put32(b->buf, b->len);
}

static void b_string(struct blob *b, uint32_t type, const char *s)
{
    uint32_t n = (uint32_t)strlen(s) + 1;
    memcpy(b_tag(b, type, 8 + n) + 8, s, n);
}

static void b_module(struct blob *b, uint32_t start, uint32_t end, const char *s)
{
    uint32_t n = (uint32_t)strlen(s) + 1;
    uint8_t *t = b_tag(b, 3, 16 + n);
    put32(t + 8, start);
    put32(t + 12, end);
    memcpy(t + 16, s, n);
}

static void b_mmap(struct blob *b, const struct mem_region *r, unsigned n, uint32_t esize)
{
    uint8_t *t = b_tag(b, 6, 16 + n * esize);
    put32(t + 8, esize);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = t + 16 + i * esize;
        put64(e, r[i].base);
        put64(e + 8, r[i].len);
        put32(e + 16, r[i].type);
    }
}

static uint8_t *b_rsdp(struct blob *b, uint32_t type, uint32_t len, uint8_t fill)
{
    uint8_t *t = b_tag(b, type, 8 + len);
    memset(t + 8, fill, len);
    return t + 8;
}

static int parse(struct blob *b, struct boot_info *bi, const char **err)
{
    *err = NULL;
    return mb2_parse(b->buf, sizeof b->buf, bi, err);
}

static struct boot_info bi;

static void test_parse_full(void **state)
{
    (void)state;
    struct blob b;
    const char *err;
    b_init(&b);
    b_string(&b, 1, "bulwark serial=0x3f8");
    b_module(&b, 0x100000, 0x180000, "guest /boot/kernel.elf root=/dev/sda");
    b_module(&b, 0x180000, 0x181000, "policy");
    b_module(&b, 0x181000, 0x181000, "guest-module initrd");
    uint8_t *t = b_tag(&b, 4, 16);
    put32(t + 8, 639);
    put32(t + 12, 130048);
    b_tag(&b, 99, 13); /* unknown tag with unaligned size: skipped */
    const struct mem_region map[] = {
        { 0x100000, 0x7EF0000, 1 }, { 0, 0x9FC00, 1 }, { 0x5000, 0, 2 },
        { 0xF0000, 0x10000, 2 }, { 0xFFFC0000, 0x40000, 2 },
    };
    b_mmap(&b, map, 5, 24);
    t = b_tag(&b, 21, 12);
    put32(t + 8, 0x7E000000);
    uint8_t *v2 = b_rsdp(&b, 15, 36, 0x22);
    b_rsdp(&b, 14, 20, 0x11); /* the newer RSDP wins even when it comes first */
    b_end(&b);

    assert_int_equal(parse(&b, &bi, &err), 0);
    assert_string_equal(bi.cmdline, "bulwark serial=0x3f8");
    assert_int_equal(bi.module_count, 3);
    assert_int_equal(bi.modules[0].start, 0x100000);
    assert_int_equal(bi.modules[0].end, 0x180000);
    assert_string_equal(bi.modules[1].cmdline, "policy");
    assert_int_equal(bi.modules[2].start, 0x181000);
    assert_true(bi.has_meminfo);
    assert_int_equal(bi.mem_lower_kib, 639);
    assert_int_equal(bi.mem_upper_kib, 130048);
    assert_true(bi.has_load_base);
    assert_int_equal(bi.load_base, 0x7E000000);
    assert_int_equal(bi.region_count, 4); /* zero-length entry dropped */
    assert_int_equal(bi.regions[0].base, 0);
    assert_int_equal(bi.regions[0].len, 0x9FC00);
    assert_int_equal(bi.regions[1].base, 0xF0000);
    assert_int_equal(bi.regions[1].type, 2);
    assert_int_equal(bi.regions[2].base, 0x100000);
    assert_int_equal(bi.regions[2].len, 0x7EF0000);
    assert_int_equal(bi.regions[3].base, 0xFFFC0000);
    assert_ptr_equal(bi.rsdp, v2);
    assert_int_equal(bi.rsdp_len, 36);
    assert_int_equal(bi.rsdp_revision, 2);
    assert_int_equal(bi.modules_dropped + bi.regions_dropped, 0);
}

static void test_minimal_and_rsdp_v1(void **state)
{
    (void)state;
    struct blob b;
    const char *err;
    b_init(&b);
    b_end(&b);
    assert_int_equal(parse(&b, &bi, &err), 0);
    assert_null(bi.cmdline);
    assert_null(bi.rsdp);
    assert_false(bi.has_meminfo);
    assert_int_equal(bi.module_count + bi.region_count, 0);

    b_init(&b);
    uint8_t *v1 = b_rsdp(&b, 14, 20, 0x11);
    b_end(&b);
    assert_int_equal(parse(&b, &bi, &err), 0);
    assert_ptr_equal(bi.rsdp, v1);
    assert_int_equal(bi.rsdp_len, 20);
    assert_int_equal(bi.rsdp_revision, 1);
}

static void test_module_roles(void **state)
{
    (void)state;
    struct blob b;
    const char *err;
    b_init(&b);
    b_module(&b, 0x1000, 0x2000, "guest-module first arg");
    b_module(&b, 0x2000, 0x3000, "guest  \tkernel.elf console=ttyS0");
    b_module(&b, 0x3000, 0x4000, "policy");
    b_module(&b, 0x4000, 0x5000, "guest-module\tsecond");
    b_module(&b, 0x5000, 0x6000, "guests");
    b_end(&b);
    assert_int_equal(parse(&b, &bi, &err), 0);

    const struct mb2_module *g = mb2_find_module(&bi, "guest");
    assert_ptr_equal(g, &bi.modules[1]);
    assert_string_equal(mb2_module_args(g), "kernel.elf console=ttyS0");
    assert_null(mb2_next_module(&bi, g, "guest")); /* "guests" is no match */
    assert_ptr_equal(mb2_find_module(&bi, "policy"), &bi.modules[2]);
    assert_string_equal(mb2_module_args(&bi.modules[2]), "");
    const struct mb2_module *m = mb2_find_module(&bi, "guest-module");
    assert_ptr_equal(m, &bi.modules[0]);
    assert_string_equal(mb2_module_args(m), "first arg");
    m = mb2_next_module(&bi, m, "guest-module");
    assert_ptr_equal(m, &bi.modules[3]);
    assert_string_equal(mb2_module_args(m), "second");
    assert_null(mb2_next_module(&bi, m, "guest-module"));
    assert_null(mb2_find_module(&bi, "gues"));
}

static void test_limits_drop_extras(void **state)
{
    (void)state;
    static struct blob b;
    const char *err;
    b_init(&b);
    for (unsigned i = 0; i < 18; i++)
        b_module(&b, i * 0x1000, i * 0x1000 + 0x800, "guest-module x");
    struct mem_region map[130];
    for (unsigned i = 0; i < 130; i++) /* descending bases: parser sorts */
        map[i] = (struct mem_region){ (129 - i) * 0x10000ull, 0x8000, 1 + i % 2 };
    b_mmap(&b, map, 130, 32); /* entries larger than 24 bytes are fine */
    b_end(&b);
    assert_int_equal(parse(&b, &bi, &err), 0);
    assert_int_equal(bi.module_count, 16);
    assert_int_equal(bi.modules_dropped, 2);
    assert_int_equal(bi.modules[15].start, 15 * 0x1000);
    assert_int_equal(bi.region_count, 128);
    assert_int_equal(bi.regions_dropped, 2);
    for (unsigned i = 1; i < 128; i++)
        assert_true(bi.regions[i - 1].base < bi.regions[i].base);
    assert_int_equal(bi.regions[0].base, 0x20000); /* the last two were dropped */
}

static void test_unaligned_buffer(void **state)
{
    (void)state;
    struct blob b;
    static uint8_t shifted[sizeof b.buf + 1];
    const char *err;
    b_init(&b);
    b_string(&b, 1, "x");
    b_end(&b);
    memcpy(shifted + 1, b.buf, b.len);
    assert_int_equal(mb2_parse(shifted + 1, b.len, &bi, &err), 0);
    assert_string_equal(bi.cmdline, "x");
}

static void expect_error(struct blob *b, size_t avail, const char *msg)
{
    const char *err = NULL;
    assert_int_equal(mb2_parse(b->buf, avail, &bi, &err), -1);
    assert_string_equal(err, msg);
}

static void test_malformed_structure(void **state)
{
    (void)state;
    struct blob b;
    b_init(&b);
    b_end(&b);
    expect_error(&b, 4, "multiboot2 info missing or shorter than its header");
    expect_error(&b, 15, "multiboot2 total_size exceeds the readable area");
    put32(b.buf, 8);
    expect_error(&b, sizeof b.buf, "multiboot2 total_size too small");

    b_init(&b);
    b_string(&b, 1, "abc");
    put32(b.buf, b.len); /* no end tag */
    expect_error(&b, sizeof b.buf, "multiboot2 end tag missing");

    b_init(&b);
    b_tag(&b, 1, 4); /* size below the tag header */
    b_end(&b);
    expect_error(&b, sizeof b.buf, "multiboot2 tag size out of bounds");

    b_init(&b);
    b_string(&b, 1, "abc");
    b_end(&b);
    put32(b.buf + 12, 0xFFFFFFF8u); /* runs past total_size */
    expect_error(&b, sizeof b.buf, "multiboot2 tag size out of bounds");

    b_init(&b);
    b_end(&b);
    put32(b.buf + 12, 16); /* end tag overruns the structure */
    expect_error(&b, sizeof b.buf, "multiboot2 tag size out of bounds");

    b_init(&b);
    b_string(&b, 1, "a");
    b_string(&b, 1, "b");
    b_end(&b);
    expect_error(&b, sizeof b.buf, "multiboot2 duplicate tag");
}

static void test_malformed_tags(void **state)
{
    (void)state;
    struct blob b;
    b_init(&b);
    memset(b_tag(&b, 1, 12) + 8, 'a', 4);
    b_end(&b);
    expect_error(&b, sizeof b.buf, "multiboot2 command line not terminated");

    b_init(&b);
    b_module(&b, 0x2000, 0x1000, "guest");
    b_end(&b);
    expect_error(&b, sizeof b.buf, "multiboot2 module ends before it starts");

    b_init(&b);
    b_tag(&b, 3, 16);
    b_end(&b);
    expect_error(&b, sizeof b.buf, "multiboot2 module tag too short");

    b_init(&b);
    uint8_t *t = b_tag(&b, 3, 20);
    memset(t + 16, 'x', 4);
    b_end(&b);
    expect_error(&b, sizeof b.buf, "multiboot2 module command line not terminated");

    struct mem_region r[2] = { { 0, 0x1000, 1 }, { 0x1000, 0x1000, 1 } };
    b_init(&b);
    b_mmap(&b, r, 2, 16);
    b_end(&b);
    expect_error(&b, sizeof b.buf, "multiboot2 memory map entry_size below 24");

    b_init(&b);
    t = b_tag(&b, 6, 16 + 30);
    put32(t + 8, 24);
    b_end(&b);
    expect_error(&b, sizeof b.buf,
                 "multiboot2 memory map size not a multiple of entry_size");

    b_init(&b);
    b_tag(&b, 6, 12);
    b_end(&b);
    expect_error(&b, sizeof b.buf, "multiboot2 memory map tag too short");

    r[1] = (struct mem_region){ 0xFFFFFFFFFFFFF000ull, 0x2000, 1 };
    b_init(&b);
    b_mmap(&b, r, 2, 24);
    b_end(&b);
    expect_error(&b, sizeof b.buf, "multiboot2 memory map region wraps around");

    b_init(&b);
    b_tag(&b, 4, 12);
    b_end(&b);
    expect_error(&b, sizeof b.buf, "multiboot2 basic meminfo tag too short");

    b_init(&b);
    b_rsdp(&b, 15, 20, 0); /* ACPI 2.0 RSDP is 36 bytes */
    b_end(&b);
    expect_error(&b, sizeof b.buf, "multiboot2 ACPI RSDP tag too short");

    b_init(&b);
    b_tag(&b, 21, 8);
    b_end(&b);
    expect_error(&b, sizeof b.buf, "multiboot2 load base tag too short");
}

/* ---- memmap_exclude ---------------------------------------------------- */

static struct mem_region mm[8];
static unsigned mmn;

static void mm_reset(void)
{
    mm[0] = (struct mem_region){ 0, 0x9FC00, 1 };
    mm[1] = (struct mem_region){ 0xF0000, 0x10000, 2 };
    mm[2] = (struct mem_region){ 0x100000, 0x3F00000, 1 };
    mmn = 3;
}

static void expect_region(unsigned i, uint64_t base, uint64_t len, uint32_t type)
{
    assert_int_equal(mm[i].base, base);
    assert_int_equal(mm[i].len, len);
    assert_int_equal(mm[i].type, type);
}

static void test_exclude_middle_and_top(void **state)
{
    (void)state;
    mm_reset();
    assert_int_equal(memmap_exclude(mm, &mmn, 8, 0x2000000, 0x100000, 2), 0);
    assert_int_equal(mmn, 5);
    expect_region(1, 0xF0000, 0x10000, 2);
    expect_region(2, 0x100000, 0x1F00000, 1);
    expect_region(3, 0x2000000, 0x100000, 2);
    expect_region(4, 0x2100000, 0x1F00000, 1);

    mm_reset();
    assert_int_equal(memmap_exclude(mm, &mmn, 8, 0x3C00000, 0x400000, 2), 0);
    assert_int_equal(mmn, 4);
    expect_region(2, 0x100000, 0x3B00000, 1);
    expect_region(3, 0x3C00000, 0x400000, 2);
}

static void test_exclude_spanning(void **state)
{
    (void)state;
    mm_reset();
    /* Covers the end of low RAM, the hole, the ROM area and the start of
     * high RAM; the hole and the existing reserved region stay as they are. */
    assert_int_equal(memmap_exclude(mm, &mmn, 8, 0x90000, 0x170000, 4), 0);
    assert_int_equal(mmn, 5);
    expect_region(0, 0, 0x90000, 1);
    expect_region(1, 0x90000, 0xFC00, 4);
    expect_region(2, 0xF0000, 0x10000, 2);
    expect_region(3, 0x100000, 0x100000, 4);
    expect_region(4, 0x200000, 0x3E00000, 1);

    mm_reset();
    assert_int_equal(memmap_exclude(mm, &mmn, 8, 0x100000, 0x3F00000, 2), 0);
    assert_int_equal(mmn, 3); /* exact region: retyped in place */
    expect_region(2, 0x100000, 0x3F00000, 2);
}

static void test_exclude_noop_and_errors(void **state)
{
    (void)state;
    struct mem_region before[8];
    mm_reset();
    memcpy(before, mm, sizeof mm);
    assert_int_equal(memmap_exclude(mm, &mmn, 8, 0xA0000, 0x50000, 2), 0);
    assert_int_equal(memmap_exclude(mm, &mmn, 8, 0x5000000, 0x1000, 2), 0);
    assert_int_equal(memmap_exclude(mm, &mmn, 8, 0x1000, 0, 2), 0);
    assert_int_equal(mmn, 3);
    assert_memory_equal(mm, before, sizeof mm);

    assert_int_equal(memmap_exclude(mm, &mmn, 8, 0xFFFFFFFFFFFFF000ull, 0x2000, 2), -1);
    assert_int_equal(memmap_exclude(mm, &mmn, 4, 0x2000000, 0x1000, 2), -1);
    assert_int_equal(mmn, 3); /* full table: unchanged */
    assert_memory_equal(mm, before, sizeof mm);
    assert_int_equal(memmap_exclude(mm, &mmn, 5, 0x2000000, 0x1000, 2), 0);
    assert_int_equal(mmn, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_full),
        cmocka_unit_test(test_minimal_and_rsdp_v1),
        cmocka_unit_test(test_module_roles),
        cmocka_unit_test(test_limits_drop_extras),
        cmocka_unit_test(test_unaligned_buffer),
        cmocka_unit_test(test_malformed_structure),
        cmocka_unit_test(test_malformed_tags),
        cmocka_unit_test(test_exclude_middle_and_top),
        cmocka_unit_test(test_exclude_spanning),
        cmocka_unit_test(test_exclude_noop_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
