/* INVEPT (Intel SDM Vol 3C 31.3 "VMX Instructions", INVEPT; 29.4.3.1
 * "Operations that Invalidate Cached Mappings"). Hypervisor only. Type 1
 * (single-context) drops mappings tagged with one EPTP, type 2 (all-context)
 * all EPT-derived mappings; IA32_VMX_EPT_VPID_CAP bits 25/26 say which types
 * are supported (an unsupported type fails with VMfailValid). */
#ifndef BULWARK_EPT_INVEPT_H
#define BULWARK_EPT_INVEPT_H

#ifndef BULWARK_HV
#error "ept/invept.h is hypervisor-only"
#endif

#include "hv/lib.h"

enum invept_type {
	INVEPT_SINGLE_CONTEXT = 1,
	INVEPT_ALL_CONTEXT = 2,
};

#define INVEPT_OK           0
#define INVEPT_FAIL_INVALID (-1) /* CF = 1: VMfailInvalid */
#define INVEPT_FAIL_VALID   (-2) /* ZF = 1: VMfailValid (VM-instruction
                                  * error field holds the reason) */

struct invept_desc {
	uint64_t eptp;
	uint64_t reserved; /* must be 0 */
};
_Static_assert(sizeof(struct invept_desc) == 16, "INVEPT descriptor is m128");

static inline int invept(enum invept_type type, uint64_t eptp)
{
	struct invept_desc desc = { .eptp = eptp, .reserved = 0 };
	bool cf, zf;

	__asm__ volatile("invept %2, %3"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : "m"(desc), "r"((uint64_t)type)
			 : "memory");
	if (cf)
		return INVEPT_FAIL_INVALID;
	return zf ? INVEPT_FAIL_VALID : INVEPT_OK;
}

static inline int invept_single_context(uint64_t eptp)
{
	return invept(INVEPT_SINGLE_CONTEXT, eptp);
}

static inline int invept_all_context(void)
{
	return invept(INVEPT_ALL_CONTEXT, 0);
}

#endif
