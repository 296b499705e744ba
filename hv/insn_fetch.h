/* Fetch the bytes of a guest instruction from its linear address, translating
 * each page through the guest's paging structures. Shared code. */
#ifndef BULWARK_INSN_FETCH_H
#define BULWARK_INSN_FETCH_H

#include "hv/guest_walk.h"

/* Copy up to want (<= 15) bytes at linear address linear_rip (CS base + RIP)
 * into buf, as an instruction fetch at ctx->cpl (user-mode when 3). Each page
 * is translated separately, so an instruction may straddle two pages.
 * Returns 0 when all want bytes were read; otherwise the guest_walk code
 * (WALK_FAULT, ...) for the first unreadable byte, or WALK_UNBACKED when its
 * guest-physical page is not RAM. Either way *got bytes of buf are valid: the
 * fault address for a #PF is linear_rip + *got (re-walk it for the details). */
int insn_fetch(const struct phys_mem *mem, const struct guest_paging *ctx, uint64_t linear_rip,
               uint8_t *buf, size_t want, size_t *got);

#endif
