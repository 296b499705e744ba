/* Extended page tables (EPT): identity maps with the largest uniform-memory-
 * type pages, per-4KiB permission changes that split large pages on demand.
 * Intel SDM Vol 3C ch. 29 "VMX Support for Address Translation", 29.3 "The
 * Extended Page Table Mechanism (EPT)". Shared code: compiled freestanding
 * into the hypervisor and for host unit tests; memory comes through
 * struct ept_mem_ops so tests can simulate physical memory.
 *
 * Not thread-safe: callers serialise updates to one struct ept. After
 * changing permissions of a live EPT the caller must INVEPT (ept/invept.h). */
#ifndef BULWARK_EPT_EPT_H
#define BULWARK_EPT_EPT_H

#include "hv/lib.h"

/* ---- EPT paging-structure entry bits (SDM 29.3.2, "EPT Translation
 * Mechanism", tables "Format of an EPT PML4 Entry" .. "Format of an EPT
 * Page-Table Entry"). Bits 7:3 are reserved (0) in entries that reference
 * another paging structure. */
#define EPT_E_READ         (1ULL << 0)  /* Read access */
#define EPT_E_WRITE        (1ULL << 1)  /* Write access */
#define EPT_E_EXEC         (1ULL << 2)  /* Execute access (supervisor-mode
                                         * linear addresses if mode-based
                                         * execute control is 1) */
#define EPT_E_PERM_MASK    (EPT_E_READ | EPT_E_WRITE | EPT_E_EXEC)
#define EPT_E_MEMTYPE_SHIFT 3           /* EPT memory type, bits 5:3 (leaf) */
#define EPT_E_MEMTYPE_MASK (7ULL << EPT_E_MEMTYPE_SHIFT)
#define EPT_E_IGNORE_PAT   (1ULL << 6)  /* Ignore PAT memory type (leaf) */
#define EPT_E_LARGE        (1ULL << 7)  /* PDPTE: maps 1 GiB, PDE: maps 2 MiB */
#define EPT_E_ACCESSED     (1ULL << 8)  /* Accessed (if EPTP A/D enabled) */
#define EPT_E_DIRTY        (1ULL << 9)  /* Dirty (leaf, if EPTP A/D enabled) */
#define EPT_E_USER_EXEC    (1ULL << 10) /* Execute access for user-mode linear
                                         * addresses (mode-based execute) */
#define EPT_E_SW_VALID     (1ULL << 11) /* Ignored by the CPU; set by this
                                         * module on every entry it writes, so
                                         * a leaf with no access (EPT_NONE)
                                         * stays distinguishable from empty */
#define EPT_E_ADDR_MASK    0x000FFFFFFFFFF000ULL /* bits 51:12 */

/* EPT memory types (SDM 29.3, "EPT and Memory Typing"); same encoding as
 * MTRR types. 2, 3 and 7 are reserved (EPT misconfiguration in a leaf). */
enum ept_memtype {
	EPT_MT_UC = 0,
	EPT_MT_WC = 1,
	EPT_MT_WT = 4,
	EPT_MT_WP = 5,
	EPT_MT_WB = 6,
};

/* EPTP fields (SDM 25.6.11 "Extended-Page-Table Pointer (EPTP)"). */
#define EPTP_MEMTYPE_WB       6ULL          /* bits 2:0: paging-structure type */
#define EPTP_WALK_LENGTH_4    (3ULL << 3)   /* bits 5:3: walk length minus 1 */
#define EPTP_ENABLE_AD        (1ULL << 6)   /* bit 6: A/D flags (left clear) */

enum ept_perm {
	EPT_NONE = 0,
	EPT_R = 1,
	EPT_W = 2,
	EPT_X = 4,
	EPT_RW = 3,
	EPT_RX = 5,
	EPT_RWX = 7,
};

enum ept_level { EPT_LEVEL_4K = 1, EPT_LEVEL_2M = 2, EPT_LEVEL_1G = 3 };

/* Error codes (negative); struct ept.err holds a static message. */
enum ept_err {
	EPT_OK = 0,
	EPT_ERR_INVAL = -1,     /* bad argument */
	EPT_ERR_NOMEM = -2,     /* alloc_page returned NULL */
	EPT_ERR_NOTMAPPED = -3, /* address not mapped */
	EPT_ERR_EXISTS = -4,    /* map_identity over an existing mapping */
	EPT_ERR_CORRUPT = -5,   /* table not reachable / malformed entry */
};

struct ept_mem_ops {
	void *ctx;
	/* A zeroed, 4 KiB-aligned page (virtual address) and its physical
	 * address in *phys_out, or NULL when out of memory. */
	void *(*alloc_page)(void *ctx, uint64_t *phys_out);
	/* Virtual address of physical page `phys`, or NULL if not reachable. */
	void *(*phys_to_virt)(void *ctx, uint64_t phys);
};

struct ept {
	uint64_t pml4_phys;
	uint64_t *pml4;
	struct ept_mem_ops ops;
	bool allow_1g;        /* IA32_VMX_EPT_VPID_CAP bit 17 */
	bool allow_2m;        /* IA32_VMX_EPT_VPID_CAP bit 16 */
	bool allow_exec_only; /* IA32_VMX_EPT_VPID_CAP bit 0; false after init */
	uint64_t table_pages; /* paging-structure pages allocated */
	uint64_t splits_2m;   /* 2 MiB pages split into 4 KiB pages */
	uint64_t splits_1g;   /* 1 GiB pages split into 2 MiB pages */
	const char *err;      /* static message for the last failure */
};

/* Allocates the PML4. allow_1g requires allow_2m (a split 1 GiB page
 * becomes 2 MiB pages). */
int ept_init(struct ept *e, const struct ept_mem_ops *ops, bool allow_1g,
	     bool allow_2m);

/* Identity-maps [0, ALIGN_UP(limit, 4 KiB)) RWX, limit <= 2^48, using the
 * largest allowed page whose whole range lies below the limit and has one
 * memory type. memtype() returns an enum ept_memtype for [base, base+size),
 * or -1 if the range is mixed (a smaller page is then tried; -1 for 4 KiB is
 * an error). Fails with EPT_ERR_EXISTS on an already mapped address. On
 * failure the mapped prefix stays valid and every entry is well formed. */
int ept_map_identity(struct ept *e, uint64_t limit,
		     int (*memtype)(void *ctx, uint64_t base, uint64_t size),
		     void *ctx);

/* Sets perm on exactly the 4 KiB pages covering [gpa, gpa+size), splitting
 * large pages that the range covers only partly. Write without read is
 * rejected (EPT misconfiguration); execute-only needs allow_exec_only.
 * Splits happen first and do not change any translation, so on failure
 * (NOMEM, NOTMAPPED) all permissions are as before. */
int ept_set_perm(struct ept *e, uint64_t gpa, uint64_t size,
		 enum ept_perm perm);

/* Looks up gpa: permission, memory type, level (1 = 4K, 2 = 2M, 3 = 1G).
 * Output pointers may be NULL. EPT_ERR_NOTMAPPED if not mapped. */
int ept_get(struct ept *e, uint64_t gpa, enum ept_perm *perm, int *memtype,
	    int *level);

/* EPTP for the VMCS: PML4 address, WB, 4-level walk, A/D disabled. */
uint64_t ept_eptp(const struct ept *e);

#endif
