/* Effective MTRR memory type of a physical range: Intel SDM Vol 3A 12.11.
 *
 * Precedence (12.11.4.1 "MTRR Precedences"): MTRRs disabled (E = 0) -> UC;
 * below 1 MiB with fixed ranges enabled -> the fixed-range type; else the
 * matching variable ranges: one -> its type, all identical -> that type, any
 * UC -> UC, only WT and WB -> WT, any other overlap is undefined (-> UC);
 * no match -> the default type.
 *
 * Variable ranges match when (addr & PHYSMASK) == (PHYSBASE & PHYSMASK)
 * (12.11.2.3). The query is cut into naturally aligned power-of-two blocks;
 * a block is matched by a range wholly, not at all, or partly, decided from
 * the mask bits above and below the block size. Partly matched blocks are
 * halved. With contiguous masks only blocks straddling a range boundary are
 * halved, so a 1 GiB query costs a few hundred steps, not 262144 pages. */
#include "ept/mtrr.h"

#define MTRR_PAGE_SIZE   4096ULL
#define FIXED_LIMIT      0x100000ULL /* fixed ranges cover the first 1 MiB */
#define FIX64K_END       0x80000ULL  /* FIX64K_00000: 8 x 64 KiB */
#define FIX16K_END       0xC0000ULL  /* FIX16K_80000/A0000: 2 x 8 x 16 KiB */
#define FIX16K_SPAN      0x20000ULL
#define FIX4K_SPAN       0x8000ULL   /* FIX4K_C0000..F8000: 8 x 8 x 4 KiB */
#define SCAN_BUDGET      4096u       /* block halvings per query */
#define TYPE_NONE        (-3)

_Static_assert(FIX16K_END + 8 * FIX4K_SPAN == FIXED_LIMIT,
	       "fixed-range MTRRs end at 1 MiB");
_Static_assert(3 + 8 == MTRR_NUM_FIXED, "1 x 64K, 2 x 16K, 8 x 4K MSRs");

struct scan {
	unsigned nvar;               /* valid variable ranges, compacted */
	uint64_t base[MTRR_MAX_VAR]; /* PHYSBASE address bits */
	uint64_t mask[MTRR_MAX_VAR]; /* PHYSMASK bits (phys_bits-1):12 */
	int vtype[MTRR_MAX_VAR];
	int def;                     /* default type */
	int type;                    /* type seen so far, or TYPE_NONE */
	unsigned budget;
};

/* Reserved encodings cannot be written to the MSRs (#GP); a state built
 * from untrusted input gets UC for them, the safe choice. */
static int sanitize(uint64_t t)
{
	switch (t) {
	case MTRR_TYPE_UC:
	case MTRR_TYPE_WC:
	case MTRR_TYPE_WT:
	case MTRR_TYPE_WP:
	case MTRR_TYPE_WB:
		return (int)t;
	default:
		return MTRR_TYPE_UC;
	}
}

/* Records type t; false once two different types have been seen. */
static bool note(struct scan *s, int t)
{
	if (s->type == TYPE_NONE)
		s->type = t;
	return s->type == t;
}

/* Type of the fixed sub-range holding addr (< 1 MiB, 12.11.2.2);
 * *next = end of that sub-range. */
static int fixed_type(const struct mtrr_state *st, uint64_t addr,
		      uint64_t *next)
{
	uint64_t start, unit;
	unsigned msr;

	if (addr < FIX64K_END) {
		msr = 0;
		start = 0;
		unit = 0x10000;
	} else if (addr < FIX16K_END) {
		msr = 1 + (unsigned)((addr - FIX64K_END) / FIX16K_SPAN);
		start = FIX64K_END + (msr - 1) * FIX16K_SPAN;
		unit = 0x4000;
	} else {
		msr = 3 + (unsigned)((addr - FIX16K_END) / FIX4K_SPAN);
		start = FIX16K_END + (msr - 3) * FIX4K_SPAN;
		unit = 0x1000;
	}
	unsigned sub = (unsigned)((addr - start) / unit);
	*next = start + (sub + 1) * unit;
	return sanitize((st->fixed[msr] >> (8 * sub)) & 0xFF);
}

/* Combined type of the variable ranges in `hits` (bit i = range i). */
static int var_type(const struct scan *s, uint32_t hits)
{
	int first = TYPE_NONE;
	bool same = true, wt_wb_only = true;

	if (!hits)
		return s->def;
	for (unsigned i = 0; i < s->nvar; i++) {
		if (!(hits & (1u << i)))
			continue;
		int t = s->vtype[i];
		if (t == MTRR_TYPE_UC)
			return MTRR_TYPE_UC;
		if (first == TYPE_NONE)
			first = t;
		else if (t != first)
			same = false;
		if (t != MTRR_TYPE_WT && t != MTRR_TYPE_WB)
			wt_wb_only = false;
	}
	if (same)
		return first;
	return wt_wb_only ? MTRR_TYPE_WT : MTRR_TYPE_UC;
}

/* Block [x, x + 2^k), x aligned, k >= 12. Recursion depth <= 52 - 12. */
static bool scan_block(struct scan *s, uint64_t x, unsigned k)
{
	uint64_t low = (1ULL << k) - 1;
	uint32_t hits = 0;
	bool partial = false;

	for (unsigned i = 0; i < s->nvar; i++) {
		if ((x ^ s->base[i]) & s->mask[i] & ~low)
			continue; /* an address bit above the block differs */
		if (s->mask[i] & low)
			partial = true; /* mask bits inside the block */
		else
			hits |= 1u << i;
	}
	if (!partial)
		return note(s, var_type(s, hits));
	/* Masks have no bits below 12, so partial implies k > 12. */
	if (s->budget == 0)
		return false;
	s->budget--;
	return scan_block(s, x, k - 1) &&
	       scan_block(s, x + (1ULL << (k - 1)), k - 1);
}

/* [start, end), both 4 KiB aligned, as at most ~2 x 52 aligned blocks. */
static bool scan_range(struct scan *s, uint64_t start, uint64_t end)
{
	while (start < end) {
		unsigned k = 63u - (unsigned)__builtin_clzll(end - start);

		if (start)
			k = MIN(k, (unsigned)__builtin_ctzll(start));
		if (!scan_block(s, start, k))
			return false;
		start += 1ULL << k;
	}
	return true;
}

int mtrr_range_type(const struct mtrr_state *st, uint64_t base, uint64_t size)
{
	if (!st || st->phys_bits < 36 || st->phys_bits > 52)
		return MTRR_ERR_INVAL;
	unsigned vcnt = (unsigned)(st->cap & MTRRCAP_VCNT_MASK);
	uint64_t top = 1ULL << st->phys_bits;

	if (vcnt > MTRR_MAX_VAR || size == 0 || base >= top ||
	    size > top - base)
		return MTRR_ERR_INVAL;
	if (!(st->def_type & MTRR_DEF_E))
		return MTRR_TYPE_UC;

	struct scan s = {
		.def = sanitize(st->def_type & MTRR_DEF_TYPE_MASK),
		.type = TYPE_NONE,
		.budget = SCAN_BUDGET,
	};
	uint64_t addr_mask = (top - 1) & ~(MTRR_PAGE_SIZE - 1);
	for (unsigned i = 0; i < vcnt; i++) {
		if (!(st->var[i].mask & MTRR_PHYSMASK_VALID))
			continue;
		s.mask[s.nvar] = st->var[i].mask & addr_mask;
		s.base[s.nvar] = st->var[i].base & addr_mask;
		s.vtype[s.nvar] =
			sanitize(st->var[i].base & MTRR_PHYSBASE_TYPE_MASK);
		s.nvar++;
	}

	uint64_t start = ALIGN_DOWN(base, MTRR_PAGE_SIZE);
	uint64_t end = ALIGN_UP(base + size, MTRR_PAGE_SIZE);
	if ((st->def_type & MTRR_DEF_FE) && (st->cap & MTRRCAP_FIX)) {
		/* At most 88 fixed sub-ranges. */
		while (start < end && start < FIXED_LIMIT) {
			uint64_t next;
			if (!note(&s, fixed_type(st, start, &next)))
				return MTRR_MIXED;
			start = next;
		}
	}
	if (!scan_range(&s, start, end))
		return MTRR_MIXED;
	return s.type;
}

int mtrr_memtype_cb(void *ctx, uint64_t base, uint64_t size)
{
	return mtrr_range_type((const struct mtrr_state *)ctx, base, size);
}
