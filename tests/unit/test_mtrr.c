/* Host unit tests for ept/mtrr.c (SDM Vol 3A 12.11) and its use as the
 * ept_map_identity() memory-type callback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ept/ept.h"
#include "ept/mtrr.h"

#define KiB 1024ULL
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)
#define PHYS_BITS 39
#define UC MTRR_TYPE_UC
#define WC MTRR_TYPE_WC
#define WT MTRR_TYPE_WT
#define WP MTRR_TYPE_WP
#define WB MTRR_TYPE_WB

static struct mtrr_state mk(int def)
{
	struct mtrr_state st;
	memset(&st, 0, sizeof(st));
	st.cap = 8 | MTRRCAP_FIX;
	st.def_type = MTRR_DEF_E | MTRR_DEF_FE | (uint64_t)def;
	st.phys_bits = PHYS_BITS;
	return st;
}

/* Variable range n = [base, base + size), size a power of two. */
static void var(struct mtrr_state *st, unsigned n, uint64_t base,
		uint64_t size, int type)
{
	uint64_t width = (1ULL << PHYS_BITS) - 1;
	st->var[n].base = base | (uint64_t)type;
	st->var[n].mask = (~(size - 1) & width & ~0xFFFULL) | MTRR_PHYSMASK_VALID;
}

static void fixed_all(struct mtrr_state *st, int type)
{
	for (unsigned i = 0; i < MTRR_NUM_FIXED; i++)
		st->fixed[i] = 0x0101010101010101ULL * (uint64_t)type;
}

static void set_fixed_byte(struct mtrr_state *st, unsigned msr, unsigned sub,
			   int type)
{
	st->fixed[msr] &= ~(0xFFULL << (8 * sub));
	st->fixed[msr] |= (uint64_t)type << (8 * sub);
}

static int rt(const struct mtrr_state *st, uint64_t base, uint64_t size)
{
	return mtrr_range_type(st, base, size);
}

static void test_disabled(void **state)
{
	(void)state;
	struct mtrr_state st = mk(WB);
	fixed_all(&st, WB);
	var(&st, 0, 0, 4 * GiB, WB);
	assert_int_equal(rt(&st, 0, 1 * GiB), WB);
	st.def_type &= ~MTRR_DEF_E; /* E clear: everything UC */
	assert_int_equal(rt(&st, 0, 4096), UC);
	assert_int_equal(rt(&st, 0, 1 * GiB), UC);
	assert_int_equal(rt(&st, 4 * GiB, 4 * GiB), UC);
}

static void test_fixed(void **state)
{
	(void)state;
	struct mtrr_state st = mk(UC);
	var(&st, 0, 0, 4 * GiB, WB);
	fixed_all(&st, WB);
	st.fixed[2] = 0; /* A0000-BFFFF UC */
	for (unsigned i = 3; i < MTRR_NUM_FIXED; i++)
		st.fixed[i] = 0x0101010101010101ULL * WP; /* C0000-FFFFF WP */
	set_fixed_byte(&st, 0, 3, WT);   /* 30000-3FFFF */
	set_fixed_byte(&st, 1, 5, WC);   /* 94000-97FFF */
	set_fixed_byte(&st, 10, 7, UC);  /* FF000-FFFFF */
	assert_int_equal(rt(&st, 0, 0x30000), WB);
	assert_int_equal(rt(&st, 0x30000, 0x10000), WT);
	assert_int_equal(rt(&st, 0x30000, 0x10001), MTRR_MIXED);
	assert_int_equal(rt(&st, 0x2FFFF, 2), MTRR_MIXED);
	assert_int_equal(rt(&st, 0x94000, 0x4000), WC);
	assert_int_equal(rt(&st, 0x90000, 0x4000), WB);
	assert_int_equal(rt(&st, 0x98000, 0x8000), WB);
	assert_int_equal(rt(&st, 0xA0000, 0x20000), UC);
	assert_int_equal(rt(&st, 0x9F000, 0x2000), MTRR_MIXED);
	assert_int_equal(rt(&st, 0xC0000, 0x3F000), WP);
	assert_int_equal(rt(&st, 0xFE000, 0x1000), WP);
	assert_int_equal(rt(&st, 0xFF000, 0x1000), UC);
	assert_int_equal(rt(&st, 0xFF800, 0x1000), MTRR_MIXED); /* into 1 MiB */
	assert_int_equal(rt(&st, 0, 2 * MiB), MTRR_MIXED);

	/* Fixed ranges disabled (FE clear, or no FIX capability): the
	 * variable WB range rules below 1 MiB too. */
	st.def_type &= ~MTRR_DEF_FE;
	assert_int_equal(rt(&st, 0, 2 * MiB), WB);
	st.def_type |= MTRR_DEF_FE;
	st.cap &= ~MTRRCAP_FIX;
	assert_int_equal(rt(&st, 0xA0000, 4096), WB);
	st.cap |= MTRRCAP_FIX;

	/* Uniform fixed ranges merge with the variable ranges above 1 MiB. */
	fixed_all(&st, WB);
	assert_int_equal(rt(&st, 0, 1 * GiB), WB);
	assert_int_equal(rt(&st, 0, 8 * GiB), MTRR_MIXED); /* default UC above 4G */
}

static void test_uc_precedence(void **state)
{
	(void)state;
	struct mtrr_state st = mk(UC);
	var(&st, 0, 0, 8 * GiB, WB);
	var(&st, 1, 3 * GiB, 1 * GiB, UC);
	var(&st, 2, 2 * GiB + 4 * KiB, 4 * KiB, UC);
	assert_int_equal(rt(&st, 3 * GiB, 1 * GiB), UC);
	assert_int_equal(rt(&st, 3 * GiB + 123, 5), UC);
	assert_int_equal(rt(&st, 1 * GiB, 1 * GiB), WB);
	assert_int_equal(rt(&st, 2 * GiB, 2 * MiB), MTRR_MIXED);
	assert_int_equal(rt(&st, 2 * GiB, 4 * KiB), WB);
	assert_int_equal(rt(&st, 2 * GiB + 4 * KiB, 4 * KiB), UC);
	assert_int_equal(rt(&st, 2 * GiB + 8 * KiB, 1 * GiB - 8 * KiB), WB);
	assert_int_equal(rt(&st, 2 * GiB + 2 * MiB, 2 * GiB - 2 * MiB), MTRR_MIXED);
	assert_int_equal(rt(&st, 4 * GiB, 4 * GiB), WB);
	assert_int_equal(rt(&st, 8 * GiB, 8 * GiB), UC); /* default */
	assert_int_equal(rt(&st, 0, 16 * GiB), MTRR_MIXED);
	/* A range without the valid bit is ignored. */
	st.var[1].mask &= ~MTRR_PHYSMASK_VALID;
	assert_int_equal(rt(&st, 3 * GiB, 1 * GiB), WB);
}

static void test_overlap_rules(void **state)
{
	(void)state;
	struct mtrr_state st = mk(UC);
	fixed_all(&st, WB);
	var(&st, 0, 0, 4 * GiB, WB);
	var(&st, 1, 1 * GiB, 1 * GiB, WT);
	assert_int_equal(rt(&st, 1 * GiB, 1 * GiB), WT); /* WT + WB -> WT */
	assert_int_equal(rt(&st, 0, 1 * GiB), WB);
	var(&st, 2, 1 * GiB, 512 * MiB, WT);
	assert_int_equal(rt(&st, 1 * GiB, 1 * GiB), WT); /* WT+WT+WB */
	var(&st, 3, 1 * GiB, 2 * MiB, UC);
	assert_int_equal(rt(&st, 1 * GiB, 2 * MiB), UC); /* WB+WT+WT+UC */
	memset(st.var, 0, sizeof(st.var));
	var(&st, 0, 0, 4 * GiB, WB);
	var(&st, 1, 2 * GiB, 256 * MiB, WC);
	assert_int_equal(rt(&st, 2 * GiB, 256 * MiB), UC); /* undefined -> UC */
	var(&st, 1, 2 * GiB, 256 * MiB, WP);
	assert_int_equal(rt(&st, 2 * GiB, 4096), UC);
	var(&st, 1, 2 * GiB, 256 * MiB, WB);
	assert_int_equal(rt(&st, 2 * GiB, 256 * MiB), WB); /* identical */
	/* Reserved encodings (2, 3, 7) count as UC. */
	var(&st, 1, 2 * GiB, 256 * MiB, 7);
	assert_int_equal(rt(&st, 2 * GiB, 4096), UC);
	st.def_type = MTRR_DEF_E | 3;
	assert_int_equal(rt(&st, 8 * GiB, 4096), UC);
}

static void test_noncontiguous_masks(void **state)
{
	(void)state;
	struct mtrr_state st = mk(WB);
	st.def_type &= ~MTRR_DEF_FE;
	/* All mask bits but bit 20: matches pages 0 and 0x100000 only. */
	st.var[0].base = UC;
	st.var[0].mask = (((1ULL << PHYS_BITS) - 1) & ~0xFFFULL & ~(1ULL << 20)) |
			 MTRR_PHYSMASK_VALID;
	assert_int_equal(rt(&st, 0, 4096), UC);
	assert_int_equal(rt(&st, 4096, 4096), WB);
	assert_int_equal(rt(&st, 0x100000, 4096), UC);
	assert_int_equal(rt(&st, 0x101000, 0xFF000), WB);
	assert_int_equal(rt(&st, 0, 2 * MiB), MTRR_MIXED);
	/* Only bit 30 in the mask: every odd GiB. */
	st.var[0].base = (1ULL << 30) | UC;
	st.var[0].mask = (1ULL << 30) | MTRR_PHYSMASK_VALID;
	assert_int_equal(rt(&st, 1 * GiB, 1 * GiB), UC);
	assert_int_equal(rt(&st, 5 * GiB, 1 * GiB), UC);
	assert_int_equal(rt(&st, 2 * GiB, 1 * GiB), WB);
	assert_int_equal(rt(&st, 0, 4 * GiB), MTRR_MIXED);
	/* Odd and even pages both WB: uniform, but a 1 GiB answer would need
	 * 262144 blocks: conservative MIXED; 2 MiB is decided exactly. */
	st.def_type = MTRR_DEF_E | UC;
	st.var[0].base = 0x1000 | WB;
	st.var[0].mask = 0x1000 | MTRR_PHYSMASK_VALID;
	st.var[1].base = WB;
	st.var[1].mask = 0x1000 | MTRR_PHYSMASK_VALID;
	assert_int_equal(rt(&st, 2 * MiB, 2 * MiB), WB);
	assert_int_equal(rt(&st, 0, 1 * GiB), MTRR_MIXED);
	st.var[1].mask = 0; /* invalid: even pages fall back to UC */
	assert_int_equal(rt(&st, 4096, 4096), WB);
	assert_int_equal(rt(&st, 8192, 4096), UC);
}

static void test_invalid(void **state)
{
	(void)state;
	struct mtrr_state st = mk(WB);
	fixed_all(&st, WB);
	assert_int_equal(rt(NULL, 0, 4096), MTRR_ERR_INVAL);
	assert_int_equal(rt(&st, 0, 0), MTRR_ERR_INVAL);
	assert_int_equal(rt(&st, ~0ULL - 100, 4096), MTRR_ERR_INVAL);
	assert_int_equal(rt(&st, 1ULL << PHYS_BITS, 4096), MTRR_ERR_INVAL);
	assert_int_equal(rt(&st, (1ULL << PHYS_BITS) - 4096, 8192), MTRR_ERR_INVAL);
	assert_int_equal(rt(&st, 0, 1ULL << PHYS_BITS), WB); /* whole space */
	st.phys_bits = 20;
	assert_int_equal(rt(&st, 0, 4096), MTRR_ERR_INVAL);
	st.phys_bits = PHYS_BITS;
	st.cap = 17;
	assert_int_equal(rt(&st, 0, 4096), MTRR_ERR_INVAL);
}

/* ---- end to end: MTRR layout -> EPT identity map ---------------------- */
#define POOL_PAGES 16
static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned pool_used;

static void *pool_alloc(void *ctx, uint64_t *phys)
{
	(void)ctx;
	if (pool_used >= POOL_PAGES)
		return NULL;
	*phys = 0x100000000ULL + pool_used * 4096ULL;
	memset(pool[pool_used], 0, 4096);
	return pool[pool_used++];
}

static void *pool_p2v(void *ctx, uint64_t phys)
{
	(void)ctx;
	uint64_t i = (phys - 0x100000000ULL) / 4096;
	return phys >= 0x100000000ULL && i < pool_used ? pool[i] : NULL;
}

static void expect(struct ept *e, uint64_t gpa, int memtype, int level)
{
	enum ept_perm p;
	int mt, l;
	assert_int_equal(ept_get(e, gpa, &p, &mt, &l), EPT_OK);
	assert_int_equal(p, EPT_RWX);
	assert_int_equal(mt, memtype);
	assert_int_equal(l, level);
}

static void test_ept_from_mtrr(void **state)
{
	(void)state;
	struct mtrr_state st = mk(UC);
	fixed_all(&st, WB);
	st.fixed[2] = 0;                                /* A0000-BFFFF UC */
	for (unsigned i = 3; i < MTRR_NUM_FIXED; i++)
		st.fixed[i] = 0x0101010101010101ULL * WP; /* C0000-FFFFF WP */
	var(&st, 0, 0, 8 * GiB, WB);
	var(&st, 1, 3 * GiB, 1 * GiB, UC);
	var(&st, 2, 4 * GiB + 2 * MiB, 2 * MiB, WT);
	struct ept_mem_ops ops = { NULL, pool_alloc, pool_p2v };
	struct ept e;
	pool_used = 0;
	assert_int_equal(ept_init(&e, &ops, true, true), EPT_OK);
	assert_int_equal(ept_map_identity(&e, 9 * GiB, mtrr_memtype_cb, &st), 0);
	expect(&e, 0, WB, 1);
	expect(&e, 0xA0000, UC, 1);
	expect(&e, 0xC0000, WP, 1);
	expect(&e, 0x100000, WB, 1);
	expect(&e, 2 * MiB, WB, 2);
	expect(&e, 1 * GiB, WB, 3);
	expect(&e, 3 * GiB, UC, 3);
	expect(&e, 4 * GiB, WB, 2);
	expect(&e, 4 * GiB + 2 * MiB, WT, 2);
	expect(&e, 4 * GiB + 4 * MiB, WB, 2);
	expect(&e, 5 * GiB, WB, 3);
	expect(&e, 8 * GiB, UC, 3);
	/* PML4, PDPT, PD + PT for the first GiB, PD for 4G-5G */
	assert_int_equal(e.table_pages, 5);
	/* A state mtrr_range_type rejects makes the identity map fail. */
	st.phys_bits = 0;
	assert_int_equal(ept_init(&e, &ops, true, true), EPT_OK);
	assert_int_equal(ept_map_identity(&e, 1 * GiB, mtrr_memtype_cb, &st),
			 EPT_ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_uc_precedence),
		cmocka_unit_test(test_overlap_rules),
		cmocka_unit_test(test_noncontiguous_masks),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_ept_from_mtrr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
