/* Host unit tests for ept/ept.c on simulated physical memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ept/ept.h"

#define KiB 1024ULL
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)
#define SIM_BASE 0x7650000000ULL /* fake physical address of page 0 */
#define SIM_PAGES 64

/* Simulated physical memory: page i is at SIM_BASE + i * 4096. */
static uint8_t sim_mem[SIM_PAGES][4096] __attribute__((aligned(4096)));
static struct sim { unsigned used, cap; } g_sim; /* pages handed out; limit */
static struct ept g_ept;

static void *sim_alloc(void *ctx, uint64_t *phys)
{
	struct sim *s = ctx;
	if (s->used >= s->cap)
		return NULL;
	memset(sim_mem[s->used], 0, 4096);
	*phys = SIM_BASE + (uint64_t)s->used * 4096;
	return sim_mem[s->used++];
}

static void *sim_p2v(void *ctx, uint64_t phys)
{
	struct sim *s = ctx;
	if (phys < SIM_BASE || phys >= SIM_BASE + (uint64_t)s->used * 4096)
		return NULL;
	return sim_mem[(phys - SIM_BASE) / 4096] + phys % 4096;
}

static void *bad_alloc(void *ctx, uint64_t *phys) /* misaligned phys */
{
	void *p = sim_alloc(ctx, phys);
	*phys |= 0x800;
	return p;
}

static int setup(void **state)
{
	(void)state;
	g_sim = (struct sim){ 0, SIM_PAGES };
	return 0;
}

static const struct ept_mem_ops g_ops = { &g_sim, sim_alloc, sim_p2v };

struct span { uint64_t start, end; int type; };
struct layout { const struct span *spans; unsigned n; unsigned calls; };

/* Type of [base, base+size): WB outside spans, -1 if not uniform. */
static int layout_type(void *ctx, uint64_t base, uint64_t size)
{
	struct layout *l = ctx;
	uint64_t end = base + size;
	int type = EPT_MT_WB;
	l->calls++;
	for (unsigned i = 0; i < l->n; i++) {
		const struct span *s = &l->spans[i];
		if (s->end <= base || s->start >= end)
			continue;
		if (s->start > base || s->end < end)
			return -1;
		type = s->type;
	}
	return type;
}

/* Returns (int)ctx for every range. */
static int const_type(void *ctx, uint64_t base, uint64_t size)
{
	(void)base; (void)size;
	return (int)(intptr_t)ctx;
}

/* Fresh simulated memory, identity map of [0, limit) all WB. */
static void map_wb(uint64_t limit, bool g1, bool m2)
{
	g_sim.used = 0;
	assert_int_equal(ept_init(&g_ept, &g_ops, g1, m2), EPT_OK);
	assert_int_equal(ept_map_identity(&g_ept, limit, const_type, (void *)EPT_MT_WB), 0);
}

/* ---- independent checks on the raw tables: entry for gpa at level ---- */
static uint64_t *raw(uint64_t gpa, int level)
{
	uint64_t *t = g_ept.pml4;
	for (int l = 4;; l--) {
		uint64_t *ent = &t[(gpa >> (12 + 9 * (l - 1))) & 511];
		if (l == level)
			return ent;
		assert_int_equal(*ent & (EPT_E_SW_VALID | EPT_E_LARGE), EPT_E_SW_VALID);
		t = sim_p2v(&g_sim, *ent & EPT_E_ADDR_MASK);
		assert_non_null(t);
	}
}

/* Every entry well formed; returns the number of tables reached. */
static unsigned check_table(const uint64_t *t, int level, uint64_t base)
{
	unsigned tables = 1;
	assert_non_null(t);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t v = t[i], gpa = base + ((uint64_t)i << (12 + 9 * (level - 1)));
		if (v == 0)
			continue;
		assert_true(v & EPT_E_SW_VALID);
		bool leaf = level == 1 || (level < 4 && (v & EPT_E_LARGE));
		if (!leaf) {
			assert_int_equal(v & 0xFF, 7); /* RWX, bits 7:3 zero */
			tables += check_table(sim_p2v(&g_sim, v & EPT_E_ADDR_MASK), level - 1, gpa);
			continue;
		}
		assert_int_equal(v & EPT_E_ADDR_MASK, gpa); /* identity */
		assert_true((0x73 >> ((v >> 3) & 7)) & 1); /* UC WC WT WP WB */
		assert_false((v & EPT_E_WRITE) && !(v & EPT_E_READ));
		assert_int_equal(!!(v & EPT_E_LARGE), level > 1);
		assert_false(v & EPT_E_USER_EXEC);
	}
	return tables;
}

static void check_tables(void)
{
	assert_int_equal(check_table(g_ept.pml4, 4, 0), g_ept.table_pages);
}

#define get_rc(gpa) ept_get(&g_ept, (gpa), NULL, NULL, NULL)

static void expect(uint64_t gpa, enum ept_perm perm, int memtype, int level)
{
	enum ept_perm p;
	int mt, l;
	assert_int_equal(ept_get(&g_ept, gpa, &p, &mt, &l), EPT_OK);
	assert_int_equal(p, perm);
	assert_int_equal(mt, memtype);
	assert_int_equal(l, level);
}

/* All of gpas[] map RWX with memory type mt at level lvl. */
#define EXPECT_RWX(mt, lvl, ...)                                              \
	do {                                                                  \
		const uint64_t gpas_[] = { __VA_ARGS__ };                     \
		for (size_t i_ = 0; i_ < sizeof(gpas_) / 8; i_++)             \
			expect(gpas_[i_], EPT_RWX, mt, lvl);                  \
	} while (0)

#define TEST(name) static void name(void **state __attribute__((unused)))

TEST(test_init)
{
	struct ept_mem_ops bad = { &g_sim, NULL, sim_p2v };
	assert_int_equal(ept_init(NULL, &g_ops, true, true), EPT_ERR_INVAL);
	assert_int_equal(ept_init(&g_ept, NULL, true, true), EPT_ERR_INVAL);
	assert_int_equal(ept_init(&g_ept, &bad, true, true), EPT_ERR_INVAL);
	bad.alloc_page = bad_alloc;
	assert_int_equal(ept_init(&g_ept, &bad, true, true), EPT_ERR_INVAL);
	assert_int_equal(ept_init(&g_ept, &g_ops, true, false), EPT_ERR_INVAL);
	g_sim.cap = 0;
	assert_int_equal(ept_init(&g_ept, &g_ops, true, true), EPT_ERR_NOMEM);
	g_sim = (struct sim){ 0, SIM_PAGES };
	assert_int_equal(ept_init(&g_ept, &g_ops, true, true), EPT_OK);
	assert_int_equal(g_ept.table_pages, 1);
	assert_int_equal(g_ept.pml4_phys, SIM_BASE);
	/* SDM 25.6.11: WB (6) in 2:0, walk length 4-1 in 5:3, A/D off. */
	assert_int_equal(ept_eptp(&g_ept), SIM_BASE | 0x1E);
	assert_int_equal(get_rc(0), EPT_ERR_NOTMAPPED);
}

TEST(test_identity_1g)
{
	map_wb(5 * GiB + 4 * KiB + 100, true, true); /* rounds to 5G + 8K */
	assert_int_equal(g_ept.table_pages, 4); /* PML4, PDPT, PD, PT */
	for (uint64_t g = 0; g < 5; g++)
		expect(g * GiB + 12345, EPT_RWX, EPT_MT_WB, 3);
	EXPECT_RWX(EPT_MT_WB, 1, 5 * GiB, 5 * GiB + 4 * KiB);
	assert_int_equal(get_rc(5 * GiB + 8 * KiB), EPT_ERR_NOTMAPPED);
	assert_int_equal(get_rc(6 * GiB), EPT_ERR_NOTMAPPED);
	/* PDPTE[1]: 1G | bit 11 | large | WB << 3 | RWX */
	assert_int_equal(*raw(1 * GiB, 3), 1 * GiB | 0x8B7);
	check_tables();
	assert_int_equal(ept_map_identity(&g_ept, 1 * GiB, const_type, (void *)EPT_MT_WB),
			 EPT_ERR_EXISTS);
}

static const struct span mixed_spans[] = {
	{ 0xA0000, 0xC0000, EPT_MT_UC },         /* legacy VGA */
	{ 0xE0000000, 0xE1000000, EPT_MT_WC },   /* 16 MiB frame buffer */
};

TEST(test_identity_mixed)
{
	struct layout l = { mixed_spans, 2, 0 };
	assert_int_equal(ept_init(&g_ept, &g_ops, true, true), EPT_OK);
	assert_int_equal(ept_map_identity(&g_ept, 4 * GiB, layout_type, &l), 0);
	EXPECT_RWX(EPT_MT_WB, 1, 0, 0x9F000, 0xC0000, 2 * MiB - 4 * KiB);
	EXPECT_RWX(EPT_MT_UC, 1, 0xA0000, 0xBF000);
	EXPECT_RWX(EPT_MT_WB, 2, 2 * MiB, 3 * GiB, 0xE1000000, 4 * GiB - 2 * MiB);
	EXPECT_RWX(EPT_MT_WC, 2, 0xE0000000, 0xE0FFF000);
	EXPECT_RWX(EPT_MT_WB, 3, 1 * GiB, 2 * GiB + 5);
	/* PML4, PDPT, PD[0-1G), PT[0-2M), PD[3G-4G) */
	assert_int_equal(g_ept.table_pages, 5);
	/* 4 x 1G + 512 x 2M (first and fourth GiB) + 512 x 4K */
	assert_int_equal(l.calls, 4 + 1024 + 512);
	check_tables();
}

TEST(test_identity_small_pages)
{
	map_wb(4 * GiB, false, true);
	EXPECT_RWX(EPT_MT_WB, 2, 0, 4 * GiB - 1);
	assert_int_equal(g_ept.table_pages, 1 + 1 + 4);
	check_tables();
	map_wb(8 * MiB, false, false);
	expect(8 * MiB - 1, EPT_RWX, EPT_MT_WB, 1);
	assert_int_equal(g_ept.table_pages, 1 + 1 + 1 + 4);
	check_tables();
	map_wb(1, true, true); /* a single 4 KiB page */
	expect(0xFFF, EPT_RWX, EPT_MT_WB, 1);
	assert_int_equal(get_rc(4 * KiB), EPT_ERR_NOTMAPPED);
}

TEST(test_set_perm_16_bytes)
{
	map_wb(8 * GiB, true, true);
	uint64_t before = g_ept.table_pages, gpa = 0x123456788ULL;
	assert_int_equal(ept_set_perm(&g_ept, gpa, 16, EPT_R), EPT_OK);
	assert_int_equal(g_ept.splits_1g, 1);
	assert_int_equal(g_ept.splits_2m, 1);
	assert_int_equal(g_ept.table_pages, before + 2);
	expect(gpa, EPT_R, EPT_MT_WB, 1);
	expect(0x123456000ULL, EPT_R, EPT_MT_WB, 1);
	EXPECT_RWX(EPT_MT_WB, 1, 0x123455000ULL, 0x123457000ULL, 0x123400000ULL);
	EXPECT_RWX(EPT_MT_WB, 2, 0x123200000ULL, 0x123600000ULL);
	EXPECT_RWX(EPT_MT_WB, 3, 3 * GiB, 5 * GiB);
	/* Every child of both splits keeps WB and maps its own slice. */
	const uint64_t *pd = sim_p2v(&g_sim, *raw(4 * GiB, 3) & EPT_E_ADDR_MASK);
	const uint64_t *pt = sim_p2v(&g_sim, *raw(gpa, 2) & EPT_E_ADDR_MASK);
	for (unsigned i = 0; i < 512; i++) {
		if (i != ((gpa >> 21) & 511))
			assert_int_equal(pd[i], (4 * GiB + i * 2 * MiB) | 0x8B7);
		uint64_t page = 0x123400000ULL + i * 4 * KiB, perm = page == 0x123456000ULL ? 1 : 7;
		assert_int_equal(pt[i], page | 0x830 | perm);
	}
	check_tables();
	/* Same 4K page again, and a 16-byte range crossing into the next. */
	assert_int_equal(ept_set_perm(&g_ept, gpa + 0x800, 16, EPT_RW), 0);
	assert_int_equal(ept_set_perm(&g_ept, 0x123457FF8ULL, 16, EPT_RX), 0);
	assert_int_equal(g_ept.table_pages, before + 2);
	expect(gpa, EPT_RW, EPT_MT_WB, 1);
	expect(0x123457000ULL, EPT_RX, EPT_MT_WB, 1);
	expect(0x123458000ULL, EPT_RX, EPT_MT_WB, 1);
	expect(0x123459000ULL, EPT_RWX, EPT_MT_WB, 1);
}

TEST(test_whole_large_pages_not_split)
{
	map_wb(8 * GiB, true, true);
	assert_int_equal(ept_set_perm(&g_ept, 1 * GiB, 1 * GiB, EPT_RW), 0);
	assert_int_equal(g_ept.splits_1g, 0);
	expect(1 * GiB, EPT_RW, EPT_MT_WB, 3);
	expect(2 * GiB, EPT_RWX, EPT_MT_WB, 3);
	assert_int_equal(ept_set_perm(&g_ept, 4 * GiB + 2 * MiB, 2 * MiB, EPT_RX), 0);
	assert_int_equal(g_ept.splits_1g, 1);
	assert_int_equal(g_ept.splits_2m, 0);
	EXPECT_RWX(EPT_MT_WB, 2, 4 * GiB, 4 * GiB + 4 * MiB);
	expect(4 * GiB + 2 * MiB, EPT_RX, EPT_MT_WB, 2);
	/* Unaligned start, but the covering 4K pages are exactly one 2M. */
	assert_int_equal(ept_set_perm(&g_ept, 4 * GiB + 16 * MiB + 1, 2 * MiB - 1, EPT_R), 0);
	expect(4 * GiB + 16 * MiB, EPT_R, EPT_MT_WB, 2);
	assert_int_equal(g_ept.splits_2m, 0);
	/* 2M + 4K: one whole 2M page plus one split. */
	assert_int_equal(ept_set_perm(&g_ept, 4 * GiB + 8 * MiB, 2 * MiB + 4 * KiB, EPT_R), 0);
	assert_int_equal(g_ept.splits_2m, 1);
	expect(4 * GiB + 8 * MiB, EPT_R, EPT_MT_WB, 2);
	expect(4 * GiB + 10 * MiB, EPT_R, EPT_MT_WB, 1);
	expect(4 * GiB + 10 * MiB + 4 * KiB, EPT_RWX, EPT_MT_WB, 1);
	check_tables();
}

TEST(test_none_keeps_memtype)
{
	const struct span spans[] = { { 0, 0x1000, EPT_MT_UC },
				      { 0x40000000, 0x40200000, EPT_MT_WC } };
	struct layout l = { spans, 2, 0 };
	assert_int_equal(ept_init(&g_ept, &g_ops, true, true), EPT_OK);
	assert_int_equal(ept_map_identity(&g_ept, 2 * GiB, layout_type, &l), 0);
	/* gpa 0 with UC: the entry must still read as mapped. */
	assert_int_equal(ept_set_perm(&g_ept, 0, 4096, EPT_NONE), 0);
	assert_int_equal(*raw(0, 1) & EPT_E_PERM_MASK, 0);
	expect(0, EPT_NONE, EPT_MT_UC, 1);
	assert_int_equal(ept_set_perm(&g_ept, 0x40000000, 2 * MiB, EPT_NONE), 0);
	uint64_t v = *raw(0x40000000, 2);
	assert_int_equal(v & (EPT_E_PERM_MASK | EPT_E_USER_EXEC), 0); /* not present */
	assert_int_equal((v & EPT_E_MEMTYPE_MASK) >> 3, EPT_MT_WC);
	expect(0x40100000, EPT_NONE, EPT_MT_WC, 2);
	assert_int_equal(ept_set_perm(&g_ept, 0x40000000, 2 * MiB, EPT_RWX), 0);
	assert_int_equal(ept_set_perm(&g_ept, 0, 1, EPT_RWX), 0);
	expect(0x40000000, EPT_RWX, EPT_MT_WC, 2);
	expect(0, EPT_RWX, EPT_MT_UC, 1);
	check_tables();
}

TEST(test_oom)
{
	map_wb(4 * GiB, true, true);
	uint64_t gpa = 2 * GiB + 0x345678;
	g_sim.cap = g_sim.used; /* no pages left */
	assert_int_equal(ept_set_perm(&g_ept, gpa, 16, EPT_R), EPT_ERR_NOMEM);
	expect(gpa, EPT_RWX, EPT_MT_WB, 3);
	g_sim.cap = g_sim.used + 1; /* enough for 1G -> 2M only */
	assert_int_equal(ept_set_perm(&g_ept, gpa, 16, EPT_R), EPT_ERR_NOMEM);
	assert_int_equal(g_ept.splits_1g, 1);
	expect(gpa, EPT_RWX, EPT_MT_WB, 2); /* split, translation unchanged */
	expect(2 * GiB, EPT_RWX, EPT_MT_WB, 2);
	check_tables();
	g_sim.cap = g_sim.used + 1;
	assert_int_equal(ept_set_perm(&g_ept, gpa, 16, EPT_R), EPT_OK);
	expect(gpa, EPT_R, EPT_MT_WB, 1);
	check_tables();

	/* Identity map running out of tables: the prefix stays usable. */
	g_sim = (struct sim){ 0, 4 }; /* PML4, PDPT, PD, PT: the mixed 3G-4G PD does not fit */
	struct layout l = { mixed_spans, 2, 0 };
	assert_int_equal(ept_init(&g_ept, &g_ops, true, true), EPT_OK);
	assert_int_equal(ept_map_identity(&g_ept, 4 * GiB, layout_type, &l), EPT_ERR_NOMEM);
	assert_non_null(g_ept.err);
	expect(0xA0000, EPT_RWX, EPT_MT_UC, 1);
	expect(2 * GiB, EPT_RWX, EPT_MT_WB, 3);
	assert_int_equal(get_rc(3 * GiB), EPT_ERR_NOTMAPPED);
	check_tables();
}

TEST(test_invalid)
{
	map_wb(1 * GiB, true, true);
	assert_int_equal(ept_set_perm(&g_ept, 0, 0, EPT_R), EPT_ERR_INVAL);
	assert_int_equal(ept_set_perm(&g_ept, ~0ULL - 10, 100, EPT_R), EPT_ERR_INVAL);
	assert_int_equal(ept_set_perm(&g_ept, 1ULL << 48, 1, EPT_R), EPT_ERR_INVAL);
	assert_int_equal(ept_set_perm(&g_ept, 0, 1, EPT_W), EPT_ERR_INVAL);
	assert_int_equal(ept_set_perm(&g_ept, 0, 1, (enum ept_perm)6), EPT_ERR_INVAL);
	assert_int_equal(ept_set_perm(&g_ept, 0, 1, (enum ept_perm)8), EPT_ERR_INVAL);
	assert_int_equal(ept_set_perm(&g_ept, 0, 1, EPT_X), EPT_ERR_INVAL);
	assert_int_equal(g_ept.splits_1g, 0);
	g_ept.allow_exec_only = true;
	assert_int_equal(ept_set_perm(&g_ept, 0, 1, EPT_X), EPT_OK);
	expect(0, EPT_X, EPT_MT_WB, 1);
	/* Range running past the mapping: nothing changes permission. */
	assert_int_equal(ept_set_perm(&g_ept, 1 * GiB - 4 * KiB, 8 * KiB, EPT_R),
			 EPT_ERR_NOTMAPPED);
	expect(1 * GiB - 4 * KiB, EPT_RWX, EPT_MT_WB, 1);
	assert_int_equal(get_rc(1ULL << 48), EPT_ERR_INVAL);
	check_tables();

	g_sim.used = 0;
	assert_int_equal(ept_init(&g_ept, &g_ops, true, true), EPT_OK);
	assert_int_equal(ept_map_identity(&g_ept, 0, layout_type, NULL), EPT_ERR_INVAL);
	assert_int_equal(ept_map_identity(&g_ept, (1ULL << 48) + 1, layout_type, NULL),
			 EPT_ERR_INVAL);
	assert_int_equal(ept_map_identity(&g_ept, 4096, NULL, NULL), EPT_ERR_INVAL);
	assert_int_equal(ept_map_identity(&g_ept, 4096, const_type, (void *)2), EPT_ERR_INVAL);
	assert_int_equal(ept_map_identity(&g_ept, 4096, const_type, (void *)-1), EPT_ERR_INVAL);
	assert_int_equal(ept_set_perm(NULL, 0, 1, EPT_R), EPT_ERR_INVAL);
	assert_int_equal(ept_get(NULL, 0, NULL, NULL, NULL), EPT_ERR_INVAL);
	assert_int_equal(g_ept.table_pages, 1);
}

TEST(test_corrupt)
{
	map_wb(4 * GiB, true, true);
	uint64_t saved = g_ept.pml4[0];
	g_ept.pml4[0] = (saved & ~EPT_E_ADDR_MASK) | 0x1000; /* unreachable */
	assert_int_equal(get_rc(0), EPT_ERR_CORRUPT);
	g_ept.pml4[0] = saved | EPT_E_LARGE; /* bit 7 must be 0 in a PML4E */
	assert_int_equal(get_rc(0), EPT_ERR_CORRUPT);
	assert_int_equal(ept_set_perm(&g_ept, 0, 1, EPT_R), EPT_ERR_CORRUPT);
	g_ept.pml4[0] = saved;
	expect(0, EPT_RWX, EPT_MT_WB, 3);
}

#define T(f) cmocka_unit_test_setup(f, setup)
int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init), T(test_identity_1g), T(test_identity_mixed),
		T(test_identity_small_pages), T(test_set_perm_16_bytes),
		T(test_whole_large_pages_not_split), T(test_none_keeps_memtype),
		T(test_oom), T(test_invalid), T(test_corrupt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
