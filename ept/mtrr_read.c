/* Snapshot of this CPU's MTRR MSRs (Intel SDM Vol 3A 12.11.1 "MTRR Feature
 * Identification", 12.11.2 "Setting Memory Ranges with MTRRs"). Hypervisor
 * only: reads only the MSRs that CPUID and IA32_MTRRCAP say exist. */
#include "ept/mtrr.h"

#define CPUID_1_EDX_MTRR     (1u << 12)
#define CPUID_EXT_MAX        0x80000000u
#define CPUID_ADDR_SIZES     0x80000008u
#define DEFAULT_PHYS_BITS    36 /* when CPUID leaf 0x80000008 is absent */

/* In the order documented for struct mtrr_state.fixed. */
static const uint32_t fixed_msrs[] = {
	0x250,                                         /* FIX64K_00000 */
	0x258, 0x259,                                  /* FIX16K_80000, A0000 */
	0x268, 0x269, 0x26A, 0x26B, 0x26C, 0x26D, 0x26E, 0x26F, /* FIX4K_* */
};
_Static_assert(ARRAY_SIZE(fixed_msrs) == MTRR_NUM_FIXED,
	       "one MSR per fixed-range slot");

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *d)
{
	uint32_t b, c;

	__asm__ volatile("cpuid"
			 : "=a"(*a), "=b"(b), "=c"(c), "=d"(*d)
			 : "a"(leaf), "c"(0));
}

int mtrr_read(struct mtrr_state *st)
{
	uint32_t a, d;

	if (!st)
		return MTRR_ERR_INVAL;
	memset(st, 0, sizeof(*st)); /* def_type.E = 0: all UC */
	st->phys_bits = DEFAULT_PHYS_BITS;
	cpuid(CPUID_EXT_MAX, &a, &d);
	if (a >= CPUID_ADDR_SIZES) {
		cpuid(CPUID_ADDR_SIZES, &a, &d);
		st->phys_bits = a & 0xFF;
	}
	cpuid(1, &a, &d);
	if (!(d & CPUID_1_EDX_MTRR))
		return MTRR_ERR_INVAL;

	st->cap = rdmsr(MSR_IA32_MTRRCAP);
	st->def_type = rdmsr(MSR_IA32_MTRR_DEF_TYPE);
	if (st->cap & MTRRCAP_FIX)
		for (unsigned i = 0; i < MTRR_NUM_FIXED; i++)
			st->fixed[i] = rdmsr(fixed_msrs[i]);
	unsigned vcnt = (unsigned)(st->cap & MTRRCAP_VCNT_MASK);
	for (unsigned i = 0; i < vcnt && i < MTRR_MAX_VAR; i++) {
		st->var[i].base = rdmsr(MSR_IA32_MTRR_PHYSBASE0 + 2 * i);
		st->var[i].mask = rdmsr(MSR_IA32_MTRR_PHYSMASK0 + 2 * i);
	}
	return vcnt > MTRR_MAX_VAR ? MTRR_ERR_INVAL : 0;
}
