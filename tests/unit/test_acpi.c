/* acpi_find_cpus and acpi_scan_rsdp on tables built in a fake physical
 * memory image. The map callback hands out exact-size heap copies, so ASan
 * reports any read past the length the parser mapped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "hv/acpi.h"

#define MEM_SIZE 0x100000 /* physical 0 - 1 MiB */
#define RSDT 0x1000
#define XSDT 0x2000
#define MADT 0x3000
#define MADT2 0x6000

static uint8_t mem[MEM_SIZE];

struct copy {
    struct copy *next;
    void *p;
};
static struct copy *copies;
static uint64_t unmapped = UINT64_MAX; /* map returns NULL for this address */
static unsigned map_calls;

static const void *map(void *ctx, uint64_t phys, size_t len)
{
    (void)ctx;
    map_calls++;
    if (phys == unmapped || phys > MEM_SIZE || len > MEM_SIZE - phys)
        return NULL;
    struct copy *c = malloc(sizeof(*c));
    c->p = malloc(len ? len : 1);
    memcpy(c->p, mem + phys, len);
    c->next = copies;
    copies = c;
    return c->p;
}

static int setup(void **state)
{
    (void)state;
    memset(mem, 0, sizeof(mem));
    unmapped = UINT64_MAX;
    map_calls = 0;
    alarm(10); /* a parser loop that never ends kills the program */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    alarm(0);
    while (copies) {
        struct copy *c = copies;
        copies = c->next;
        free(c->p);
        free(c);
    }
    return 0;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    while (n--)
        s += *p++;
    return s;
}

/* A table under construction: 36-byte header, then the body. */
struct tbl {
    uint8_t b[4096];
    uint32_t len;
};

static void t_init(struct tbl *t, const char *sig)
{
    memset(t, 0, sizeof(*t));
    memcpy(t->b, sig, 4);
    memcpy(t->b + 10, "BULWRK", 6);
    t->len = 36;
}

static void t_bytes(struct tbl *t, const void *p, size_t n)
{
    memcpy(t->b + t->len, p, n);
    t->len += n;
}

static void t_u32(struct tbl *t, uint32_t v) { t_bytes(t, &v, 4); }
static void t_u64(struct tbl *t, uint64_t v) { t_bytes(t, &v, 8); }

/* Length and checksum filled in, copied to `phys`. */
static void t_place(struct tbl *t, uint64_t phys)
{
    put32(t->b + 4, t->len);
    t->b[9] = 0;
    t->b[9] = (uint8_t)-sum(t->b, t->len);
    memcpy(mem + phys, t->b, t->len);
}

static void madt_init(struct tbl *t, uint32_t lapic, uint32_t flags)
{
    t_init(t, "APIC");
    t_u32(t, lapic);
    t_u32(t, flags);
}

static void madt_lapic(struct tbl *t, uint8_t uid, uint8_t id, uint32_t flags)
{
    uint8_t e[8] = { 0, 8, uid, id };
    put32(e + 4, flags);
    t_bytes(t, e, sizeof(e));
}

static void madt_x2apic(struct tbl *t, uint32_t id, uint32_t uid, uint32_t flags)
{
    uint8_t e[16] = { 9, 16 };
    put32(e + 4, id);
    put32(e + 8, flags);
    put32(e + 12, uid);
    t_bytes(t, e, sizeof(e));
}

static void madt_override(struct tbl *t, uint64_t addr)
{
    uint8_t e[12] = { 5, 12 };
    put64(e + 4, addr);
    t_bytes(t, e, sizeof(e));
}

/* An RSDT or XSDT listing `n` tables. */
static void root_place(const char *sig, uint64_t phys, const uint64_t *tables, unsigned n)
{
    struct tbl t;
    t_init(&t, sig);
    for (unsigned i = 0; i < n; i++) {
        if (sig[0] == 'X')
            t_u64(&t, tables[i]);
        else
            t_u32(&t, (uint32_t)tables[i]);
    }
    t_place(&t, phys);
}

/* A table of another kind, for the root tables to list before the MADT. */
static void other_place(uint64_t phys)
{
    struct tbl t;
    t_init(&t, "FACP");
    t_u64(&t, 0x1122334455667788ull);
    t_place(&t, phys);
}

/* RSDP revision 0 (20 bytes) or 2 (36 bytes), checksums valid. */
static size_t rsdp_build(uint8_t *r, unsigned revision, uint32_t rsdt, uint64_t xsdt)
{
    size_t len = revision >= 2 ? 36 : 20;
    memset(r, 0, 36);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "BULWRK", 6);
    r[15] = (uint8_t)revision;
    put32(r + 16, rsdt);
    r[8] = (uint8_t)-sum(r, 20);
    if (revision >= 2) {
        put32(r + 20, 36);
        put64(r + 24, xsdt);
        r[32] = (uint8_t)-sum(r, 36);
    }
    return len;
}

static struct acpi_cpus cpus;

static int find(const uint8_t *rsdp, size_t len, const char **err)
{
    *err = NULL;
    memset(&cpus, 0xA5, sizeof(cpus)); /* the parser must reset everything */
    return acpi_find_cpus(rsdp, len, map, NULL, &cpus, err);
}

static void expect_failure(const uint8_t *rsdp, size_t len, const char *why)
{
    const char *err;
    assert_int_equal(find(rsdp, len, &err), -1);
    assert_non_null(err);
    assert_string_equal(err, why);
    assert_int_equal(cpus.count, 0);
}

static void expect_cpu(unsigned i, uint32_t apic_id, uint32_t uid, bool x2)
{
    assert_int_equal(cpus.cpu[i].apic_id, apic_id);
    assert_int_equal(cpus.cpu[i].acpi_uid, uid);
    assert_int_equal(cpus.cpu[i].x2apic_entry, x2);
}

/* Four enabled CPUs (UIDs 1-4), one disabled, one disabled but online
 * capable; an I/O APIC, an interrupt source override and an unknown entry
 * skipped by length. */
static void madt_four(uint64_t phys)
{
    struct tbl t;
    madt_init(&t, 0xFEE00000, 1);
    madt_lapic(&t, 1, 0, 1);
    static const uint8_t ioapic[12] = { 1, 12, 2, 0, 0, 0, 0xC0, 0xFE };
    t_bytes(&t, ioapic, sizeof(ioapic));
    madt_lapic(&t, 2, 1, 1);
    madt_lapic(&t, 9, 7, 0);
    static const uint8_t iso[10] = { 2, 10, 0, 0, 2 };
    t_bytes(&t, iso, sizeof(iso));
    madt_lapic(&t, 3, 2, 1);
    static const uint8_t unknown[5] = { 0x7F, 5, 0xFF, 0xFF, 0xFF };
    t_bytes(&t, unknown, sizeof(unknown));
    madt_lapic(&t, 10, 8, 2);
    madt_lapic(&t, 4, 3, 1);
    t_place(&t, phys);
}

static void test_rsdt(void **state)
{
    (void)state;
    uint8_t r[36];
    const char *err;
    other_place(0x5000);
    madt_four(MADT);
    root_place("RSDT", RSDT, (const uint64_t[]){ 0x5000, MADT }, 2);
    size_t len = rsdp_build(r, 0, RSDT, 0);

    assert_int_equal(find(r, len, &err), 0);
    assert_null(err);
    assert_int_equal(cpus.count, 4);
    assert_int_equal(cpus.dropped, 0);
    for (unsigned i = 0; i < 4; i++)
        expect_cpu(i, i, i + 1, false);
    assert_int_equal(cpus.lapic_phys, 0xFEE00000);
    assert_true(cpus.has_8259);
}

static void test_xsdt_preferred(void **state)
{
    (void)state;
    uint8_t r[36];
    const char *err;
    struct tbl t;
    madt_init(&t, 0xFEE00000, 0);
    madt_lapic(&t, 0, 5, 1);
    t_place(&t, MADT2);
    madt_four(MADT);
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT2 }, 1);
    root_place("XSDT", XSDT, (const uint64_t[]){ 0x5000, MADT }, 2);
    other_place(0x5000);
    size_t len = rsdp_build(r, 2, RSDT, XSDT);

    assert_int_equal(find(r, len, &err), 0);
    assert_int_equal(cpus.count, 4);
    expect_cpu(3, 3, 4, false);

    /* the same RSDP as an ACPI 1.0 one (20 readable bytes): RSDT */
    assert_int_equal(find(r, 20, &err), 0);
    assert_int_equal(cpus.count, 1);
    expect_cpu(0, 5, 0, false);
    assert_false(cpus.has_8259);
}

static void test_xsdt_fallbacks(void **state)
{
    (void)state;
    uint8_t r[36];
    const char *err;
    struct tbl t;
    madt_init(&t, 0xFEE00000, 0);
    madt_lapic(&t, 0, 5, 1);
    t_place(&t, MADT2);
    madt_four(MADT);
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT2 }, 1);
    root_place("XSDT", XSDT, (const uint64_t[]){ MADT }, 1);

    rsdp_build(r, 2, RSDT, XSDT);
    r[32]++; /* extended checksum wrong: XSDT not trusted */
    assert_int_equal(find(r, 36, &err), 0);
    assert_int_equal(cpus.count, 1);

    rsdp_build(r, 2, RSDT, XSDT);
    put32(r + 20, 40); /* Length past what the caller could read */
    r[32] = 0;
    r[32] = (uint8_t)-sum(r, 36);
    assert_int_equal(find(r, 36, &err), 0);
    assert_int_equal(cpus.count, 1);

    rsdp_build(r, 2, RSDT, XSDT);
    mem[XSDT + 36]++; /* XSDT checksum wrong */
    assert_int_equal(find(r, 36, &err), 0);
    assert_int_equal(cpus.count, 1);
    mem[XSDT + 36]--;

    unmapped = XSDT; /* XSDT unreadable */
    assert_int_equal(find(r, 36, &err), 0);
    assert_int_equal(cpus.count, 1);
    unmapped = UINT64_MAX;

    assert_int_equal(find(r, 36, &err), 0); /* all restored: XSDT again */
    assert_int_equal(cpus.count, 4);
}

static void test_bad_rsdp(void **state)
{
    (void)state;
    uint8_t r[36];
    madt_four(MADT);
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT }, 1);

    expect_failure(NULL, 0, "no RSDP");
    rsdp_build(r, 0, RSDT, 0);
    expect_failure(r, 19, "RSDP signature or checksum invalid");
    r[8]++;
    expect_failure(r, 20, "RSDP signature or checksum invalid");
    rsdp_build(r, 0, RSDT, 0);
    r[0] = 'r';
    r[8] += 'R' - 'r'; /* checksum still right, signature wrong */
    expect_failure(r, 20, "RSDP signature or checksum invalid");
    rsdp_build(r, 0, RSDT, 0);
    const char *err;
    assert_int_equal(find(r, 20, &err), 0);
}

static void test_bad_checksums(void **state)
{
    (void)state;
    uint8_t r[36];
    madt_four(MADT);
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT }, 1);
    size_t len = rsdp_build(r, 0, RSDT, 0);

    mem[RSDT + 20]++;
    expect_failure(r, len, "table checksum mismatch");
    mem[RSDT + 20]--;
    mem[MADT + 50]++;
    expect_failure(r, len, "table checksum mismatch");
    mem[MADT + 50]--;
    memcpy(mem + RSDT, "XSDT", 4);
    expect_failure(r, len, "table signature mismatch");
}

static void test_truncated_tables(void **state)
{
    (void)state;
    uint8_t r[36];
    struct tbl t;
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT }, 1);
    size_t len = rsdp_build(r, 0, RSDT, 0);

    madt_init(&t, 0xFEE00000, 0);
    t.len = 40; /* Flags missing */
    t_place(&t, MADT);
    expect_failure(r, len, "MADT too short");

    t_init(&t, "APIC");
    t.len = 30; /* shorter than the header */
    t_place(&t, MADT);
    expect_failure(r, len, "table length out of range");

    t_init(&t, "APIC");
    t_place(&t, MEM_SIZE - 36); /* header readable, 44 bytes claimed */
    put32(mem + MEM_SIZE - 32, 44);
    root_place("RSDT", RSDT, (const uint64_t[]){ MEM_SIZE - 36 }, 1);
    expect_failure(r, len, "table extends outside readable memory");

    madt_init(&t, 0xFEE00000, 0);
    madt_lapic(&t, 0, 0, 1);
    t.b[t.len - 7] = 9; /* entry claims 9 bytes, 8 remain */
    t_place(&t, MADT);
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT }, 1);
    expect_failure(r, len, "MADT entry length invalid");

    madt_init(&t, 0xFEE00000, 0);
    madt_lapic(&t, 0, 0, 1);
    t_bytes(&t, "\x01", 1); /* one trailing byte: no room for Length */
    t_place(&t, MADT);
    expect_failure(r, len, "MADT entry length invalid");

    madt_init(&t, 0xFEE00000, 0);
    static const uint8_t short_lapic[6] = { 0, 6, 0, 0, 1, 0 };
    t_bytes(&t, short_lapic, sizeof(short_lapic));
    t_place(&t, MADT);
    expect_failure(r, len, "MADT local APIC entry too short");

    madt_init(&t, 0xFEE00000, 0);
    static const uint8_t short_x2[12] = { 9, 12, 0, 0, 1, 0, 0, 0, 1 };
    t_bytes(&t, short_x2, sizeof(short_x2));
    t_place(&t, MADT);
    expect_failure(r, len, "MADT local x2APIC entry too short");

    madt_init(&t, 0xFEE00000, 0);
    static const uint8_t short_override[8] = { 5, 8 };
    t_bytes(&t, short_override, sizeof(short_override));
    t_place(&t, MADT);
    expect_failure(r, len, "MADT local APIC address override too short");

    /* RSDT with a partial trailing entry: ignored, never read */
    other_place(0x5000);
    t_init(&t, "RSDT");
    t_u32(&t, 0x5000);
    t_bytes(&t, "\x00\x30", 2);
    t_place(&t, RSDT);
    expect_failure(r, len, "no MADT");
}

static void test_zero_length_entry(void **state)
{
    (void)state;
    uint8_t r[36];
    struct tbl t;
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT }, 1);
    size_t len = rsdp_build(r, 0, RSDT, 0);
    static const uint8_t zero[4] = { 0x7F, 0 };
    static const uint8_t one[4] = { 0x7F, 1 };

    madt_init(&t, 0xFEE00000, 0);
    madt_lapic(&t, 0, 0, 1);
    t_bytes(&t, zero, sizeof(zero));
    t_place(&t, MADT);
    expect_failure(r, len, "MADT entry length invalid");

    madt_init(&t, 0xFEE00000, 0);
    t_bytes(&t, one, sizeof(one));
    t_place(&t, MADT);
    expect_failure(r, len, "MADT entry length invalid");
}

static void test_x2apic_entries(void **state)
{
    (void)state;
    uint8_t r[36];
    const char *err;
    struct tbl t;
    madt_init(&t, 0xFEE00000, 0);
    madt_lapic(&t, 0, 0, 1);
    madt_x2apic(&t, 0x100, 0x12345678, 1);
    madt_x2apic(&t, 0, 99, 1);          /* same ID as the xAPIC entry */
    madt_x2apic(&t, 0x101, 7, 0);       /* disabled */
    madt_x2apic(&t, 0xFFFFFFFF, 8, 1);  /* broadcast */
    madt_lapic(&t, 5, 0xFF, 1);         /* broadcast */
    madt_x2apic(&t, 0x10002, 9, 3);
    t_place(&t, MADT);
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT }, 1);
    size_t len = rsdp_build(r, 0, RSDT, 0);

    assert_int_equal(find(r, len, &err), 0);
    assert_int_equal(cpus.count, 3);
    expect_cpu(0, 0, 0, false);
    expect_cpu(1, 0x100, 0x12345678, true);
    expect_cpu(2, 0x10002, 9, true);
}

static void test_address_override(void **state)
{
    (void)state;
    uint8_t r[36];
    const char *err;
    struct tbl t;
    madt_init(&t, 0xFEE00000, 0);
    madt_lapic(&t, 0, 0, 1);
    madt_override(&t, 0x123456789000ull);
    t_place(&t, MADT);
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT }, 1);
    size_t len = rsdp_build(r, 0, RSDT, 0);

    assert_int_equal(find(r, len, &err), 0);
    assert_int_equal(cpus.lapic_phys, 0x123456789000ull);
    assert_int_equal(cpus.count, 1);
}

static void test_duplicate_ids(void **state)
{
    (void)state;
    uint8_t r[36];
    const char *err;
    struct tbl t;
    madt_init(&t, 0xFEE00000, 0);
    madt_lapic(&t, 0, 4, 1);
    madt_lapic(&t, 1, 6, 1);
    madt_lapic(&t, 2, 4, 1);
    madt_lapic(&t, 3, 6, 1);
    t_place(&t, MADT);
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT }, 1);
    size_t len = rsdp_build(r, 0, RSDT, 0);

    assert_int_equal(find(r, len, &err), 0);
    assert_int_equal(cpus.count, 2);
    expect_cpu(0, 4, 0, false); /* the first entry wins */
    expect_cpu(1, 6, 1, false);
}

static void test_too_many_cpus(void **state)
{
    (void)state;
    uint8_t r[36];
    const char *err;
    struct tbl t;
    madt_init(&t, 0xFEE00000, 0);
    for (unsigned i = 0; i < ACPI_MAX_CPUS + 6; i++)
        madt_lapic(&t, (uint8_t)i, (uint8_t)(i * 2), 1);
    madt_lapic(&t, 200, 0, 1); /* a duplicate past the limit is no drop */
    t_place(&t, MADT);
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT }, 1);
    size_t len = rsdp_build(r, 0, RSDT, 0);

    assert_int_equal(find(r, len, &err), 0);
    assert_int_equal(cpus.count, ACPI_MAX_CPUS);
    assert_int_equal(cpus.dropped, 6);
    expect_cpu(ACPI_MAX_CPUS - 1, (ACPI_MAX_CPUS - 1) * 2, ACPI_MAX_CPUS - 1, false);
}

static void test_no_madt_or_no_cpu(void **state)
{
    (void)state;
    uint8_t r[36];
    struct tbl t;
    other_place(0x5000);
    root_place("RSDT", RSDT, (const uint64_t[]){ 0x5000 }, 1);
    size_t len = rsdp_build(r, 0, RSDT, 0);
    expect_failure(r, len, "no MADT");

    madt_init(&t, 0xFEE00000, 0);
    madt_lapic(&t, 0, 0, 0);
    t_place(&t, MADT);
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT }, 1);
    expect_failure(r, len, "MADT lists no enabled processor");
}

static void test_map_null(void **state)
{
    (void)state;
    uint8_t r[36];
    const char *err;
    madt_four(MADT);
    other_place(0x5000);
    /* unreadable entries (one past the image, one refused) are skipped */
    root_place("RSDT", RSDT, (const uint64_t[]){ 0xFFFFFFF0, 0x5000, MADT }, 3);
    size_t len = rsdp_build(r, 0, RSDT, 0);
    unmapped = 0x5000;
    assert_int_equal(find(r, len, &err), 0);
    assert_int_equal(cpus.count, 4);

    unmapped = MADT;
    expect_failure(r, len, "no MADT");
    unmapped = RSDT;
    expect_failure(r, len, "table outside readable memory");
}

static void test_huge_length_bounded(void **state)
{
    (void)state;
    uint8_t r[36];
    struct tbl t;
    madt_init(&t, 0xFEE00000, 0);
    madt_lapic(&t, 0, 0, 1);
    t_place(&t, MADT);
    put32(mem + MADT + 4, ACPI_MAX_TABLE_LEN + 1);
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT }, 1);
    size_t len = rsdp_build(r, 0, RSDT, 0);
    expect_failure(r, len, "table length out of range");
    assert_int_equal(map_calls, 4); /* RSDT header and body, MADT header twice */
}

static void test_scan_rsdp(void **state)
{
    (void)state;
    size_t len = 0;
    const uint8_t *p;
    uint8_t r[36];
    const char *err;
    madt_four(MADT);
    root_place("RSDT", RSDT, (const uint64_t[]){ MADT }, 1);

    assert_null(acpi_scan_rsdp(map, NULL, &len)); /* nothing anywhere */

    rsdp_build(r, 2, RSDT, 0);
    memcpy(mem + 0xF0010, r, 36);
    rsdp_build(r, 0, RSDT, 0);
    memcpy(mem + 0xE0008, r, 20); /* not on a 16-byte boundary */
    p = acpi_scan_rsdp(map, NULL, &len);
    assert_non_null(p);
    assert_int_equal(p[15], 2);
    assert_int_equal(len, 0x100000 - 0xF0010);
    assert_int_equal(acpi_find_cpus(p, len, map, NULL, &cpus, &err), 0);
    assert_int_equal(cpus.count, 4);

    /* EBDA at segment 0x9FC0: searched first; a candidate with a bad
     * checksum is passed over */
    mem[0x40E] = 0xC0;
    mem[0x40F] = 0x9F;
    memcpy(mem + 0x9FC00 + 0x20, r, 20);
    mem[0x9FC00 + 0x28]++;
    memcpy(mem + 0x9FC00 + 0x3E0, r, 20);
    p = acpi_scan_rsdp(map, NULL, &len);
    assert_non_null(p);
    assert_int_equal(p[15], 0);
    assert_int_equal(len, 0x20); /* readable up to the end of the first KiB */

    /* one slot later it would cross the end of the first KiB: BIOS area */
    memset(mem + 0x9FC00 + 0x3E0, 0, 20);
    memcpy(mem + 0x9FC00 + 0x3F0, r, 20);
    p = acpi_scan_rsdp(map, NULL, &len);
    assert_non_null(p);
    assert_int_equal(p[15], 2);
    assert_int_equal(len, 0x100000 - 0xF0010);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_rsdt),
        T(test_xsdt_preferred),
        T(test_xsdt_fallbacks),
        T(test_bad_rsdp),
        T(test_bad_checksums),
        T(test_truncated_tables),
        T(test_zero_length_entry),
        T(test_x2apic_entries),
        T(test_address_override),
        T(test_duplicate_ids),
        T(test_too_many_cpus),
        T(test_no_madt_or_no_cpu),
        T(test_map_null),
        T(test_huge_length_bounded),
        T(test_scan_rsdp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
