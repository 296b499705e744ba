/* hv/guest_walk and hv/insn_fetch over simulated guest memory, every paging mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/guest_walk.h"
#include "hv/insn_fetch.h"

#define UNUSED __attribute__((unused))
#define RAM_SIZE 0x40000ull   /* guest RAM at GPA 0; nothing else is backed */
static uint8_t ram[RAM_SIZE];

static void *ram_ptr(void *ctx, uint64_t phys, uint64_t len)
{
    (void)ctx;
    return phys < RAM_SIZE && len <= RAM_SIZE - phys ? ram + phys : NULL;
}
static const struct phys_mem mem = { NULL, ram_ptr };

static void put64(uint64_t gpa, uint64_t v) { memcpy(ram + gpa, &v, 8); }
static void put32(uint64_t gpa, uint32_t v) { memcpy(ram + gpa, &v, 4); }

/* Entry flags and control-register bits (SDM 4.3-4.5, 2.5, 2.2.1). */
#define P 0x1ull
#define RW 0x2ull
#define US 0x4ull
#define PS 0x80ull
#define XD (1ull << 63)
#define CR0_PE 0x1ull
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
enum { CR4_PSE = 1 << 4, CR4_PAE = 1 << 5, CR4_LA57 = 1 << 12, CR4_SMEP = 1 << 20, CR4_SMAP = 1 << 21 };
enum { EFER_LME = 1 << 8, EFER_LMA = 1 << 10, EFER_NXE = 1 << 11 };

static int reset(void **state UNUSED)
{
    memset(ram, 0, sizeof(ram));
    return 0;
}

static int walk(const struct guest_paging *g, uint64_t gva, unsigned access, uint64_t *gpa,
                struct walk_info *info)
{
    *gpa = 0xDEAD;
    return guest_walk(&mem, g, gva, access, gpa, info);
}

static void test_no_paging(void **state UNUSED)
{
    struct guest_paging g = { .cr0 = CR0_PE, .maxphyaddr = 36 };
    struct walk_info info;
    uint64_t gpa;
    assert_int_equal(walk(&g, 0x123456789ABCull, WALK_WRITE, &gpa, &info), WALK_OK);
    assert_true(gpa == 0x56789ABCull);
    assert_true(info.writable && info.user && info.executable);
    g.maxphyaddr = 20;
    assert_int_equal(walk(&g, 0, 0, &gpa, &info), WALK_INVAL);
}

/* 32-bit paging (SDM 4.3): PD at 0x1000, PT at 0x2000. */
static void test_32bit(void **state UNUSED)
{
    struct guest_paging g = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1000, .maxphyaddr = 36 };
    struct walk_info info;
    uint64_t gpa;
    put32(0x1000 + 3 * 4, 0x2000 | P | RW | US);
    put32(0x2000 + 1 * 4, 0xABC000 | P | US);
    assert_int_equal(walk(&g, 0xC01234, WALK_USER, &gpa, &info), WALK_OK);
    assert_true(gpa == 0xABC234);
    assert_int_equal(info.page_size, 0x1000);
    assert_int_equal(info.level, 1);
    assert_true(info.entry_gpa == 0x2004);
    assert_false(info.writable);
    /* Upper gva bits are not part of a 32-bit linear address. */
    assert_int_equal(walk(&g, 0xF00000000C01234ull, 0, &gpa, &info), WALK_OK);
    assert_true(gpa == 0xABC234);
    /* User write to a read-only page: P|W|U. No I/D bit without NX or SMEP. */
    assert_int_equal(walk(&g, 0xC01234, WALK_USER | WALK_WRITE, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_W | PF_U);
    assert_int_equal(walk(&g, 0xC01234, WALK_FETCH | WALK_USER, &gpa, &info), WALK_OK);
    /* Supervisor write: allowed unless CR0.WP (4.6.1). */
    assert_int_equal(walk(&g, 0xC01234, WALK_WRITE, &gpa, &info), WALK_OK);
    g.cr0 |= CR0_WP;
    assert_int_equal(walk(&g, 0xC01234, WALK_WRITE, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_W);
    /* Not-present PDE. */
    assert_int_equal(walk(&g, 0x400000, WALK_WRITE, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_W);
    assert_int_equal(info.level, 2);
    assert_true(info.entry_gpa == 0x1004);
}

static void test_32bit_4mib_pages(void **state UNUSED)
{
    struct guest_paging g = { .cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PSE, .cr3 = 0x1000,
                              .maxphyaddr = 36 };
    struct walk_info info;
    uint64_t gpa;
    /* PDE bits 20:13 hold physical-address bits 39:32 (Table 4-4). */
    put32(0x1000 + 5 * 4, 0xFFC00000u | (3u << 13) | PS | P | RW);
    assert_int_equal(walk(&g, (5u << 22) | 0x12345, WALK_WRITE, &gpa, &info), WALK_OK);
    assert_true(gpa == 0x3FFC12345ull);
    assert_int_equal(info.page_size, 4u << 20);
    assert_int_equal(info.level, 2);
    /* With MAXPHYADDR 36, bits 21:17 are reserved. */
    put32(0x1000 + 5 * 4, 0xFFC00000u | (1u << 17) | PS | P);
    assert_int_equal(walk(&g, 5u << 22, 0, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_RSVD);
    g.maxphyaddr = 40;   /* now bit 17 is address bit 36 */
    assert_int_equal(walk(&g, 5u << 22, 0, &gpa, &info), WALK_OK);
    assert_true(gpa == 0x10FFC00000ull);
    /* Without CR4.PSE the PS flag is ignored: the PDE names a page table,
     * here outside guest RAM. */
    g.cr4 = 0;
    assert_int_equal(walk(&g, 5u << 22, 0, &gpa, &info), WALK_UNBACKED);
    assert_true(info.entry_gpa == 0xFFC20000ull);
}

/* Self-map: the last PDE points at the PD itself. */
static void test_32bit_self_map(void **state UNUSED)
{
    struct guest_paging g = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1000, .maxphyaddr = 36 };
    uint64_t gpa;
    put32(0x1000 + 1023 * 4, 0x1000 | P | RW);
    assert_int_equal(walk(&g, 0xFFFFF010, 0, &gpa, NULL), WALK_OK);
    assert_true(gpa == 0x1010);
}

/* PAE paging (SDM 4.4): PDPTEs at CR3 0x3020, PD 0x4000, PT 0x5000. */
static void test_pae(void **state UNUSED)
{
    struct guest_paging g = { .cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PAE, .cr3 = 0x3020,
                              .efer = EFER_NXE, .maxphyaddr = 36 };
    struct walk_info info;
    uint64_t gpa;
    const uint64_t gva = (1u << 30) | (2u << 21) | (3u << 12) | 0x45;
    put64(0x3020 + 8, 0x4000 | P);
    put64(0x4000 + 2 * 8, 0x5000 | P | RW);
    put64(0x5000 + 3 * 8, 0x876543000ull | XD | P | RW);
    assert_int_equal(walk(&g, gva, WALK_WRITE, &gpa, &info), WALK_OK);
    assert_true(gpa == 0x876543045ull);
    assert_false(info.executable);
    assert_int_equal(walk(&g, gva, WALK_FETCH, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_I);
    /* Without EFER.NXE, bit 63 is reserved. */
    g.efer = 0;
    assert_int_equal(walk(&g, gva, 0, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_RSVD);
    assert_int_equal(info.level, 1);
    /* PAE reserves bits 62:M of a PTE. */
    g.efer = EFER_NXE;
    put64(0x5000 + 3 * 8, 0x876543000ull | (1ull << 40) | P);
    assert_int_equal(walk(&g, gva, 0, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_RSVD);
    /* 2 MiB page; bit 12 is PAT, not an address bit. */
    put64(0x4000 + 2 * 8, 0x12600000ull | (1u << 12) | PS | P);
    assert_int_equal(walk(&g, gva, 0, &gpa, &info), WALK_OK);
    assert_true(gpa == 0x12603045ull);
    assert_int_equal(info.page_size, 2u << 20);
    put64(0x4000 + 2 * 8, 0x12600000ull | (1u << 13) | PS | P);
    assert_int_equal(walk(&g, gva, 0, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_RSVD);
    /* PDPTE bits 2:1 are reserved (Table 4-8). */
    put64(0x3020 + 8, 0x4000 | RW | P);
    assert_int_equal(walk(&g, gva, 0, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_RSVD);
    assert_int_equal(info.level, 3);
    /* The VMCS PDPTE copies take precedence over memory at CR3. */
    g.use_pdptes = true;
    g.pdpte[1] = 0x4000 | P;
    put64(0x4000 + 2 * 8, 0x12600000ull | PS | P);
    assert_int_equal(walk(&g, gva, 0, &gpa, &info), WALK_OK);
    assert_true(gpa == 0x12603045ull);
    g.pdpte[1] = 0;
    assert_int_equal(walk(&g, gva, WALK_USER, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_U);
}

/* 4-level tables: PML4 0x6000, PDPT 0x7000, PD 0x8000, PT 0x9000, mapping
 * the upper-half address returned. */
static uint64_t build_4level(uint64_t pte_flags)
{
    put64(0x6000 + 256 * 8, 0x7000 | P | RW | US);
    put64(0x7000 + 0 * 8, 0x8000 | P | RW | US);
    put64(0x8000 + 1 * 8, 0x9000 | P | RW | US);
    put64(0x9000 + 3 * 8, 0x12345000ull | pte_flags);
    return 0xFFFF800000000000ull | (1u << 21) | (3u << 12) | 0x456;
}

static const struct guest_paging long_mode = {
    .cr0 = CR0_PE | CR0_PG | CR0_WP, .cr4 = CR4_PAE, .cr3 = 0x6000,
    .efer = EFER_LME | EFER_LMA | EFER_NXE, .maxphyaddr = 46,
};

static void test_4level(void **state UNUSED)
{
    struct guest_paging g = long_mode;
    struct walk_info info;
    uint64_t gpa;
    uint64_t gva = build_4level(P | RW);
    assert_int_equal(walk(&g, gva, WALK_WRITE, &gpa, &info), WALK_OK);
    assert_true(gpa == 0x12345456ull);
    assert_int_equal(info.level, 1);
    assert_true(info.entry_gpa == 0x9018);
    /* Address bits at or above MAXPHYADDR are reserved. */
    put64(0x9018, 0x12345000ull | (1ull << 50) | P);
    assert_int_equal(walk(&g, gva, 0, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_RSVD);
    g.maxphyaddr = 52;
    assert_int_equal(walk(&g, gva, 0, &gpa, &info), WALK_OK);
    assert_true(gpa == 0x4000012345456ull);
    /* PS is reserved in a PML4E. */
    put64(0x6000 + 256 * 8, 0x7000 | PS | P);
    assert_int_equal(walk(&g, gva, 0, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_RSVD);
    assert_int_equal(info.level, 4);
    /* Non-canonical addresses never reach the tables. */
    assert_int_equal(walk(&g, 0x0000800000000000ull, 0, &gpa, &info), WALK_NONCANONICAL);
}

static void test_4level_large_pages(void **state UNUSED)
{
    struct walk_info info;
    uint64_t gpa;
    put64(0x6000, 0x7000 | P | RW);
    put64(0x7000 + 1 * 8, 0xC0000000ull | PS | P | RW);   /* 1 GiB at 1 GiB */
    assert_int_equal(walk(&long_mode, 0x7654321Full, 0, &gpa, &info), WALK_OK);
    assert_true(gpa == 0xF654321Full);
    assert_true(info.page_size == 1ull << 30);
    put64(0x7000 + 1 * 8, 0xC0000000ull | (1u << 20) | PS | P);   /* bits 29:13 reserved */
    assert_int_equal(walk(&long_mode, 0x7654321Full, 0, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_RSVD);
    put64(0x7000 + 2 * 8, 0x8000 | P | RW);
    put64(0x8000 + 3 * 8, 0x3FE00000ull | PS | P);   /* 2 MiB */
    assert_int_equal(walk(&long_mode, 0x80712345ull, 0, &gpa, &info), WALK_OK);
    assert_true(gpa == 0x3FF12345ull);
    assert_int_equal(info.page_size, 2u << 20);
}

static void test_4level_rights(void **state UNUSED)
{
    struct guest_paging g = long_mode;
    struct walk_info info;
    uint64_t gpa;
    uint64_t gva = build_4level(P | US | XD);   /* user, read-only, no-execute */
    assert_int_equal(walk(&g, gva, WALK_USER, &gpa, &info), WALK_OK);
    assert_true(info.user && !info.writable && !info.executable);
    assert_int_equal(walk(&g, gva, WALK_USER | WALK_WRITE, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_W | PF_U);
    assert_int_equal(walk(&g, gva, WALK_USER | WALK_FETCH, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_U | PF_I);
    /* SMAP: supervisor data access to a user page needs EFLAGS.AC. */
    g.cr4 |= CR4_SMAP;
    assert_int_equal(walk(&g, gva, 0, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P);
    assert_int_equal(walk(&g, gva, WALK_AC, &gpa, &info), WALK_OK);
    /* SMEP: supervisor fetch from a user page. */
    build_4level(P | US);
    g.cr4 = CR4_PAE | CR4_SMEP;
    assert_int_equal(walk(&g, gva, WALK_FETCH, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_I);
    assert_int_equal(walk(&g, gva, WALK_USER | WALK_FETCH, &gpa, &info), WALK_OK);
    /* U/S must be set at every level: clear it in the PDE. */
    put64(0x8000 + 1 * 8, 0x9000 | P | RW);
    assert_int_equal(walk(&g, gva, WALK_USER, &gpa, &info), WALK_FAULT);
    assert_int_equal(info.error_code, PF_P | PF_U);
    assert_int_equal(walk(&g, gva, 0, &gpa, &info), WALK_OK);
    assert_false(info.user);
}

static void test_5level(void **state UNUSED)
{
    struct guest_paging g = long_mode;
    uint64_t gpa;
    g.cr4 |= CR4_LA57;
    g.cr3 = 0xA000;
    put64(0xA000 + 1 * 8, 0x6000 | P | RW);   /* PML5E 1 -> the 4-level tables */
    uint64_t gva4 = build_4level(P);
    uint64_t gva5 = (1ull << 48) | (gva4 & 0x0000FFFFFFFFFFFFull);
    assert_int_equal(walk(&g, gva5, 0, &gpa, NULL), WALK_OK);
    assert_true(gpa == 0x12345456ull);
    /* Canonical in 4-level terms is not enough: bits 63:57 must copy bit 56. */
    assert_int_equal(walk(&g, gva4, 0, &gpa, NULL), WALK_FAULT);
    assert_int_equal(walk(&g, 0x0100000000000000ull, 0, &gpa, NULL), WALK_NONCANONICAL);
}

/* PML4E 511 points at the PML4: every level re-enters the same table and the
 * walk still stops after four levels, at the PML4 page itself. */
static void test_self_referencing_loop(void **state UNUSED)
{
    struct walk_info info;
    uint64_t gpa;
    put64(0x6000 + 511 * 8, 0x6000 | P | RW);
    assert_int_equal(walk(&long_mode, 0xFFFFFFFFFFFFF123ull, 0, &gpa, &info), WALK_OK);
    assert_true(gpa == 0x6123);
    assert_int_equal(info.level, 1);
}

static void test_table_outside_ram(void **state UNUSED)
{
    struct walk_info info;
    uint64_t gpa;
    put64(0x6000, 0x7000 | P | RW);
    put64(0x7000, 0x7FFF0000000ull | P | RW);
    assert_int_equal(walk(&long_mode, 0x5000, 0, &gpa, &info), WALK_UNBACKED);
    assert_true(info.entry_gpa == 0x7FFF0000000ull);
    assert_int_equal(info.level, 2);
    assert_true(gpa == 0xDEAD);
    assert_non_null(info.err);
}

/* A 4-level mapping of 0x400000-0x401FFF for instruction fetch tests:
 * the first page maps GPA 0x10000, the second (when present) GPA 0x20000. */
static const uint64_t fetch_page = 0x400000;
static void map_fetch_pages(uint64_t second_pte)
{
    put64(0x6000, 0x7000 | P | RW | US);
    put64(0x7000, 0x8000 | P | RW | US);
    put64(0x8000 + 2 * 8, 0x9000 | P | RW | US);
    put64(0x9000, 0x10000 | P | US);
    put64(0x9008, second_pte);
    for (int i = 0; i < 16; i++) {
        ram[0x10000 + i] = (uint8_t)(0xC0 + i);
        ram[0x10FF0 + i] = (uint8_t)(0xA0 + i);
        ram[0x20000 + i] = (uint8_t)(0xB0 + i);
    }
}

static void test_fetch_across_pages(void **state UNUSED)
{
    struct guest_paging g = long_mode;
    uint8_t buf[15];
    size_t got;
    map_fetch_pages(0x20000 | P | US);
    assert_int_equal(insn_fetch(&mem, &g, fetch_page + 0xFFD, buf, 8, &got), 0);
    assert_int_equal(got, 8);
    static const uint8_t want[8] = { 0xAD, 0xAE, 0xAF, 0xB0, 0xB1, 0xB2, 0xB3, 0xB4 };
    assert_memory_equal(buf, want, 8);
    /* User-mode fetch (CPL 3) from a user page; SMEP does not matter. */
    g.cpl = 3;
    g.cr4 |= CR4_SMEP;
    assert_int_equal(insn_fetch(&mem, &g, fetch_page, buf, 15, &got), 0);
    assert_int_equal(got, 15);
    assert_int_equal(buf[0], 0xC0);
    assert_int_equal(buf[14], 0xCE);
    g.cpl = 0;
    assert_int_equal(insn_fetch(&mem, &g, fetch_page, buf, 15, &got), WALK_FAULT);
    assert_int_equal(got, 0);
    assert_int_equal(insn_fetch(&mem, &g, fetch_page, buf, 16, &got), WALK_INVAL);
}

static void test_fetch_second_page_unmapped(void **state UNUSED)
{
    uint8_t buf[15];
    size_t got;
    struct walk_info info;
    uint64_t gpa;
    map_fetch_pages(0);
    assert_int_equal(insn_fetch(&mem, &long_mode, fetch_page + 0xFFD, buf, 15, &got),
                     WALK_FAULT);
    assert_int_equal(got, 3);
    static const uint8_t want[3] = { 0xAD, 0xAE, 0xAF };
    assert_memory_equal(buf, want, 3);
    /* The caller re-walks linear_rip + got for the #PF to inject. */
    assert_int_equal(walk(&long_mode, fetch_page + 0xFFD + got, WALK_FETCH, &gpa, &info),
                     WALK_FAULT);
    assert_int_equal(info.error_code, PF_I);
    /* Mapped, but to guest-physical memory that is not RAM. */
    map_fetch_pages(0x7000000 | P);
    assert_int_equal(insn_fetch(&mem, &long_mode, fetch_page + 0xFFD, buf, 15, &got),
                     WALK_UNBACKED);
    assert_int_equal(got, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_no_paging, reset),
        cmocka_unit_test_setup(test_32bit, reset),
        cmocka_unit_test_setup(test_32bit_4mib_pages, reset),
        cmocka_unit_test_setup(test_32bit_self_map, reset),
        cmocka_unit_test_setup(test_pae, reset),
        cmocka_unit_test_setup(test_4level, reset),
        cmocka_unit_test_setup(test_4level_large_pages, reset),
        cmocka_unit_test_setup(test_4level_rights, reset),
        cmocka_unit_test_setup(test_5level, reset),
        cmocka_unit_test_setup(test_self_referencing_loop, reset),
        cmocka_unit_test_setup(test_table_outside_ram, reset),
        cmocka_unit_test_setup(test_fetch_across_pages, reset),
        cmocka_unit_test_setup(test_fetch_second_page_unmapped, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
