/* INVD exits unconditionally, WBINVD because Bulwark sets WBINVD exiting.
 * INVD would discard the hypervisor's own dirty lines too, so both are
 * carried out as WBINVD (SDM 26.1.2; INVD semantics permit write-back). */
#include "vmx/exit.h"

void exit_invd_wbinvd(struct cpu *c, uint64_t q)
{
    (void)c;
    (void)q;
    __asm__ volatile("wbinvd" ::: "memory");
    guest_skip_instruction();
}
