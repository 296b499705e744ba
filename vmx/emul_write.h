/* Emulation of the guest instruction whose write EPT write-protection
 * stopped (hv/enforce_mem.c): MOV, STOS and MOVS (one page of REP
 * iterations per exit), and the read-modify-write instructions of
 * hv/emulate.h, LOCK'd or not. The write goes through the guest's paging
 * to its RAM by the direct map; EPT permissions never change. */
#ifndef BULWARK_EMUL_WRITE_H
#define BULWARK_EMUL_WRITE_H

#include "vmx/emul_mem.h"

/* Emulate the decoded instruction at the guest's RIP, updating memory,
 * registers, RFLAGS and RIP as the processor would, or injecting the fault
 * it would raise. `judged_page`: the policy allowed this write to
 * protected bytes on that page (log, audit), so there it may touch them;
 * EMUL_NO_PAGE for none. */
enum emul_rc emul_write(struct cpu *c, const struct insn *in, uint64_t judged_page, struct emul_hit *hit);

#endif
