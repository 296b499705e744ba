/* MTRR memory types: Intel SDM Vol 3A 12.11 "Memory Type Range Registers
 * (MTRRs)". struct mtrr_state is a snapshot of the MSRs (filled by
 * mtrr_read() in the hypervisor, by hand in tests); mtrr_range_type() gives
 * the effective type of a physical range. Shared code. */
#ifndef BULWARK_EPT_MTRR_H
#define BULWARK_EPT_MTRR_H

#include "hv/lib.h"

/* MSR numbers (SDM Vol 4, and 12.11.1/12.11.2). */
#define MSR_IA32_MTRRCAP         0xFE
#define MSR_IA32_MTRR_DEF_TYPE   0x2FF
#define MSR_IA32_MTRR_PHYSBASE0  0x200 /* PHYSBASEn = 0x200 + 2n */
#define MSR_IA32_MTRR_PHYSMASK0  0x201 /* PHYSMASKn = 0x201 + 2n */

/* IA32_MTRRCAP (12.11.1) */
#define MTRRCAP_VCNT_MASK  0xFFULL     /* number of variable ranges */
#define MTRRCAP_FIX        (1ULL << 8) /* fixed-range MTRRs supported */
/* IA32_MTRR_DEF_TYPE (12.11.2.1) */
#define MTRR_DEF_TYPE_MASK 0xFFULL     /* default memory type */
#define MTRR_DEF_FE        (1ULL << 10) /* fixed-range MTRRs enable */
#define MTRR_DEF_E         (1ULL << 11) /* MTRR enable */
/* IA32_MTRR_PHYSBASEn / PHYSMASKn (12.11.2.3) */
#define MTRR_PHYSBASE_TYPE_MASK 0xFFULL
#define MTRR_PHYSMASK_VALID     (1ULL << 11)

/* Memory type encodings (12.11.2, "Memory Types That Can Be Encoded in
 * MTRRs"); identical to the EPT memory-type encoding. */
enum mtrr_type {
	MTRR_TYPE_UC = 0,
	MTRR_TYPE_WC = 1,
	MTRR_TYPE_WT = 4,
	MTRR_TYPE_WP = 5,
	MTRR_TYPE_WB = 6,
};

/* Results of mtrr_range_type() besides a type. */
#define MTRR_MIXED     (-1) /* the range holds more than one type */
#define MTRR_ERR_INVAL (-2) /* bad range or state */

#define MTRR_NUM_FIXED 11
#define MTRR_MAX_VAR   16

struct mtrr_state {
	uint64_t cap;      /* IA32_MTRRCAP */
	uint64_t def_type; /* IA32_MTRR_DEF_TYPE */
	/* Fixed-range MTRRs in this order: 0x250 FIX64K_00000,
	 * 0x258 FIX16K_80000, 0x259 FIX16K_A0000, 0x268..0x26F
	 * FIX4K_C0000..FIX4K_F8000. One type byte per sub-range. */
	uint64_t fixed[MTRR_NUM_FIXED];
	struct {
		uint64_t base; /* IA32_MTRR_PHYSBASEn */
		uint64_t mask; /* IA32_MTRR_PHYSMASKn */
	} var[MTRR_MAX_VAR];
	unsigned phys_bits; /* MAXPHYADDR (CPUID 0x80000008 EAX[7:0]), 36..52 */
};

/* Effective memory type of the 4 KiB pages covering [base, base+size) if it
 * is the same for all of them (SDM 12.11.4.1 "MTRR Precedences"), else
 * MTRR_MIXED. Reasons about range boundaries, never iterates pages; if a
 * pathological layout (non-contiguous masks) exceeds a fixed work bound the
 * answer is MTRR_MIXED, which a caller handles by asking for smaller ranges.
 * Undefined overlaps and reserved type encodings are treated as UC.
 * MTRR_ERR_INVAL if size is 0, the range wraps or passes 2^phys_bits, or the
 * state is invalid (phys_bits outside 36..52, VCNT > 16). */
int mtrr_range_type(const struct mtrr_state *st, uint64_t base, uint64_t size);

/* ept_map_identity() memtype callback; ctx is a const struct mtrr_state *. */
int mtrr_memtype_cb(void *ctx, uint64_t base, uint64_t size);

#ifdef BULWARK_HV
/* Reads the MTRR MSRs of this CPU (ept/mtrr_read.c). Returns 0, or
 * MTRR_ERR_INVAL if the CPU has no MTRRs (state then says "disabled": all
 * UC) or reports more than MTRR_MAX_VAR variable ranges. */
int mtrr_read(struct mtrr_state *st);
#endif

#endif
