#ifndef BULWARK_GUEST_CR_H
#define BULWARK_GUEST_CR_H

#include "hv/cpu.h"

/* Guest CR0/CR4 ownership (SDM 25.6.6 guest/host masks and read shadows):
 * bits the VMX fixed-bit MSRs force (CR0.NE, CR4.VMXE) are owned by the
 * hypervisor; the guest sees and writes its own view through the shadow.
 * Starts the guest with CR0 = `cr0` (as it sees it) and CR4 = 0. */
void guest_cr_init(struct cpu *c, uint64_t cr0);
/* Emulate MOV to CR0/CR4 with the architectural #GP checks; returns false
 * when the write must fault (caller injects #GP). The guest sees `value`;
 * `keep_set` bits (pinned by the policy) stay set in the real register. */
bool guest_cr0_write(uint64_t value, uint64_t keep_set);
bool guest_cr4_write(uint64_t value, uint64_t keep_set);
/* What the guest believes CRn holds (shadow for owned bits). */
uint64_t guest_cr0_view(void);
uint64_t guest_cr4_view(void);

#endif
