/* EPT paging structures: SDM Vol 3C 29.3.2 "EPT Translation Mechanism".
 * A 4-level walk: PML4 (gpa bits 47:39), PDPT (38:30), PD (29:21), PT (20:12).
 * Levels are numbered as in enum ept_level: 4 = PML4 .. 1 = PT. */
#include "ept/ept.h"

#define EPT_ENTRIES    512
#define EPT_LEVELS     4
#define EPT_PAGE_SIZE  4096ULL
#define EPT_GPA_BITS   48

/* Entry written for a table reference: full access, bits 7:3 reserved 0;
 * the leaves decide the effective permissions. */
#define EPT_TABLE_BITS (EPT_E_PERM_MASK | EPT_E_SW_VALID)

static inline unsigned level_shift(int level)
{
	return 12u + 9u * (unsigned)(level - 1);
}

static inline uint64_t level_size(int level)
{
	return 1ULL << level_shift(level);
}

static inline unsigned level_index(uint64_t gpa, int level)
{
	return (unsigned)(gpa >> level_shift(level)) & (EPT_ENTRIES - 1);
}

_Static_assert(EPT_ENTRIES * sizeof(uint64_t) == EPT_PAGE_SIZE,
	       "an EPT paging structure is one 4 KiB page of 512 entries");
_Static_assert((1ULL << (12 + 9 * 0)) == EPT_PAGE_SIZE, "PTE maps 4 KiB");
_Static_assert((1ULL << (12 + 9 * 1)) == 2ULL * 1024 * 1024, "PDE maps 2 MiB");
_Static_assert((1ULL << (12 + 9 * 2)) == 1024ULL * 1024 * 1024,
	       "PDPTE maps 1 GiB");
_Static_assert(12 + 9 * EPT_LEVELS == EPT_GPA_BITS,
	       "4-level EPT translates 48-bit guest-physical addresses");
_Static_assert(EPT_E_MEMTYPE_MASK == 0x38, "memory type is bits 5:3");
_Static_assert((EPT_TABLE_BITS & (EPT_E_MEMTYPE_MASK | EPT_E_IGNORE_PAT |
				  EPT_E_LARGE)) == 0,
	       "bits 7:3 must be 0 in an entry referencing a table");
_Static_assert((EPT_E_ADDR_MASK & 0xFFF) == 0 && (EPT_E_ADDR_MASK >> 52) == 0,
	       "address field is bits 51:12");

static int fail(struct ept *e, int code, const char *msg)
{
	e->err = msg;
	return code;
}

static bool memtype_valid(int t)
{
	return t == EPT_MT_UC || t == EPT_MT_WC || t == EPT_MT_WT ||
	       t == EPT_MT_WP || t == EPT_MT_WB;
}

/* One 64-bit store, ordered after the stores that filled a new table, so a
 * concurrent hardware walk sees either the old or the new entry. */
static inline void store_entry(uint64_t *slot, uint64_t val)
{
	__asm__ volatile("" ::: "memory");
	*(volatile uint64_t *)slot = val;
}

static int alloc_table(struct ept *e, uint64_t *phys, uint64_t **virt)
{
	uint64_t p = 0;
	void *v = e->ops.alloc_page(e->ops.ctx, &p);

	if (!v)
		return fail(e, EPT_ERR_NOMEM, "ept: out of memory for a table");
	if ((p & ~EPT_E_ADDR_MASK) != 0 || ((uintptr_t)v & 0xFFF) != 0)
		return fail(e, EPT_ERR_INVAL,
			    "ept: allocator returned a misaligned page");
	memset(v, 0, EPT_PAGE_SIZE);
	e->table_pages++;
	*phys = p;
	*virt = v;
	return EPT_OK;
}

static uint64_t *table_of(struct ept *e, uint64_t entry)
{
	return e->ops.phys_to_virt(e->ops.ctx, entry & EPT_E_ADDR_MASK);
}

/* Walks to the leaf that maps gpa: *slot, *level. A walk visits at most
 * EPT_LEVELS entries. */
static int walk(struct ept *e, uint64_t gpa, uint64_t **slot, int *level)
{
	uint64_t *table = e->pml4;

	for (int l = EPT_LEVELS; l >= EPT_LEVEL_4K; l--) {
		uint64_t *ent = &table[level_index(gpa, l)];
		uint64_t v = *ent;

		if (!(v & EPT_E_SW_VALID))
			return fail(e, EPT_ERR_NOTMAPPED,
				    "ept: address not mapped");
		if (l == EPT_LEVEL_4K ||
		    (l <= EPT_LEVEL_1G && (v & EPT_E_LARGE))) {
			*slot = ent;
			*level = l;
			return EPT_OK;
		}
		if (v & (EPT_E_MEMTYPE_MASK | EPT_E_IGNORE_PAT | EPT_E_LARGE))
			return fail(e, EPT_ERR_CORRUPT,
				    "ept: reserved bits set in table entry");
		table = table_of(e, v);
		if (!table)
			return fail(e, EPT_ERR_CORRUPT,
				    "ept: table not reachable");
	}
	return fail(e, EPT_ERR_CORRUPT, "ept: walk ran past the page table");
}

int ept_init(struct ept *e, const struct ept_mem_ops *ops, bool allow_1g,
	     bool allow_2m)
{
	if (!e)
		return EPT_ERR_INVAL;
	memset(e, 0, sizeof(*e));
	if (!ops || !ops->alloc_page || !ops->phys_to_virt)
		return fail(e, EPT_ERR_INVAL, "ept: missing memory ops");
	if (allow_1g && !allow_2m)
		return fail(e, EPT_ERR_INVAL,
			    "ept: 1 GiB pages require 2 MiB pages");
	e->ops = *ops;
	e->allow_1g = allow_1g;
	e->allow_2m = allow_2m;
	return alloc_table(e, &e->pml4_phys, &e->pml4);
}

static bool ready(const struct ept *e)
{
	return e && e->pml4 && e->ops.alloc_page && e->ops.phys_to_virt;
}

/* Installs a leaf for gpa at `level`, creating tables on the way. */
static int install_leaf(struct ept *e, uint64_t gpa, int level, uint64_t leaf)
{
	uint64_t *table = e->pml4;

	for (int l = EPT_LEVELS; l > level; l--) {
		uint64_t *ent = &table[level_index(gpa, l)];

		if (!(*ent & EPT_E_SW_VALID)) {
			uint64_t phys;
			int rc = alloc_table(e, &phys, &table);

			if (rc)
				return rc;
			store_entry(ent, phys | EPT_TABLE_BITS);
			continue;
		}
		if (*ent & EPT_E_LARGE)
			return fail(e, EPT_ERR_EXISTS,
				    "ept: address already mapped by a large page");
		table = table_of(e, *ent);
		if (!table)
			return fail(e, EPT_ERR_CORRUPT,
				    "ept: table not reachable");
	}
	uint64_t *slot = &table[level_index(gpa, level)];
	if (*slot & EPT_E_SW_VALID)
		return fail(e, EPT_ERR_EXISTS, "ept: address already mapped");
	store_entry(slot, leaf);
	return EPT_OK;
}

static bool level_allowed(const struct ept *e, int level)
{
	return level == EPT_LEVEL_4K ||
	       (level == EPT_LEVEL_2M && e->allow_2m) ||
	       (level == EPT_LEVEL_1G && e->allow_1g);
}

int ept_map_identity(struct ept *e, uint64_t limit,
		     int (*memtype)(void *ctx, uint64_t base, uint64_t size),
		     void *ctx)
{
	if (!ready(e))
		return EPT_ERR_INVAL;
	if (!memtype || limit == 0 || limit > (1ULL << EPT_GPA_BITS))
		return fail(e, EPT_ERR_INVAL, "ept: bad identity-map limit");
	uint64_t end = ALIGN_UP(limit, EPT_PAGE_SIZE);

	/* Each iteration maps one page and advances by its size (>= 4 KiB),
	 * so the loop runs at most end / 4 KiB times. */
	for (uint64_t gpa = 0; gpa < end;) {
		int level = EPT_LEVEL_4K, type = -1;

		for (int l = EPT_LEVEL_1G; l >= EPT_LEVEL_4K; l--) {
			uint64_t sz = level_size(l);

			if (!level_allowed(e, l) || (gpa & (sz - 1)) ||
			    end - gpa < sz)
				continue;
			type = memtype(ctx, gpa, sz);
			if (type == -1 && l > EPT_LEVEL_4K)
				continue; /* mixed: try a smaller page */
			level = l;
			break;
		}
		if (!memtype_valid(type))
			return fail(e, EPT_ERR_INVAL,
				    "ept: invalid memory type from callback");
		uint64_t leaf = gpa | EPT_E_PERM_MASK | EPT_E_SW_VALID |
				((uint64_t)type << EPT_E_MEMTYPE_SHIFT);
		if (level > EPT_LEVEL_4K)
			leaf |= EPT_E_LARGE;
		int rc = install_leaf(e, gpa, level, leaf);
		if (rc)
			return rc;
		gpa += level_size(level);
	}
	return EPT_OK;
}

/* Replaces the large leaf *slot (level 2 or 3) by a table of 512 leaves one
 * level down, each with the parent's bits (permissions, memory type, ignore
 * PAT, A/D, user-execute, bits 63:52) and its slice of the address. The
 * translation of every address is unchanged. */
static int split(struct ept *e, uint64_t *slot, int level)
{
	uint64_t phys, *t;
	int rc = alloc_table(e, &phys, &t);

	if (rc)
		return rc;
	uint64_t old = *slot, child_size = level_size(level - 1);
	uint64_t base = old & EPT_E_ADDR_MASK, keep = old & ~EPT_E_ADDR_MASK;

	if (level - 1 == EPT_LEVEL_4K)
		keep &= ~EPT_E_LARGE; /* bit 7 is ignored in a PTE; keep 0 */
	for (unsigned i = 0; i < EPT_ENTRIES; i++)
		t[i] = (base + i * child_size) | keep;
	store_entry(slot, phys | EPT_TABLE_BITS);
	if (level == EPT_LEVEL_1G)
		e->splits_1g++;
	else
		e->splits_2m++;
	return EPT_OK;
}

int ept_set_perm(struct ept *e, uint64_t gpa, uint64_t size,
		 enum ept_perm perm)
{
	if (!ready(e))
		return EPT_ERR_INVAL;
	unsigned p = (unsigned)perm;
	if (p > EPT_RWX || ((p & EPT_W) && !(p & EPT_R)))
		return fail(e, EPT_ERR_INVAL,
			    "ept: invalid permission (write needs read)");
	if (p == EPT_X && !e->allow_exec_only)
		return fail(e, EPT_ERR_INVAL,
			    "ept: execute-only not supported");
	if (size == 0 || gpa >= (1ULL << EPT_GPA_BITS) ||
	    size > (1ULL << EPT_GPA_BITS) - gpa)
		return fail(e, EPT_ERR_INVAL, "ept: bad range");
	uint64_t start = ALIGN_DOWN(gpa, EPT_PAGE_SIZE);
	uint64_t end = ALIGN_UP(gpa + size, EPT_PAGE_SIZE);
	uint64_t *slot;
	int level, rc;

	/* Pass 1: split until every leaf touching the range lies inside it.
	 * Each iteration either advances or moves a leaf one level down. */
	for (uint64_t pos = start; pos < end;) {
		rc = walk(e, pos, &slot, &level);
		if (rc)
			return rc;
		uint64_t sz = level_size(level);
		if ((pos & (sz - 1)) || end - pos < sz) {
			rc = split(e, slot, level);
			if (rc)
				return rc;
			continue;
		}
		pos += sz;
	}
	/* Pass 2: the structure is final; only permission bits change. */
	for (uint64_t pos = start; pos < end; pos += level_size(level)) {
		rc = walk(e, pos, &slot, &level);
		if (rc)
			return rc;
		store_entry(slot, (*slot & ~EPT_E_PERM_MASK) | p);
	}
	return EPT_OK;
}

int ept_get(struct ept *e, uint64_t gpa, enum ept_perm *perm, int *memtype,
	    int *level)
{
	if (!ready(e))
		return EPT_ERR_INVAL;
	if (gpa >= (1ULL << EPT_GPA_BITS))
		return fail(e, EPT_ERR_INVAL, "ept: address beyond 48 bits");
	uint64_t *slot;
	int l, rc = walk(e, gpa, &slot, &l);

	if (rc)
		return rc;
	if (perm)
		*perm = (enum ept_perm)(*slot & EPT_E_PERM_MASK);
	if (memtype)
		*memtype = (int)((*slot & EPT_E_MEMTYPE_MASK) >>
				 EPT_E_MEMTYPE_SHIFT);
	if (level)
		*level = l;
	return EPT_OK;
}

uint64_t ept_eptp(const struct ept *e)
{
	if (!e)
		return 0;
	return (e->pml4_phys & EPT_E_ADDR_MASK) | EPTP_WALK_LENGTH_4 |
	       EPTP_MEMTYPE_WB;
}
