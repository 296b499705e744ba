#ifndef BULWARK_VPID_H
#define BULWARK_VPID_H

#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

/* Drop the current VPID's cached linear translations, as the emulated
 * instruction would have (SDM 29.4.3.1). VPID 0 means VPIDs are off and
 * every VM entry already flushes. INVVPID type 1 = single context. */
static inline void vpid_flush_current(void)
{
    uint64_t vpid = vmread(VIRTUAL_PROCESSOR_ID);
    if (!vpid)
        return;
    struct invvpid_desc d = { vpid, 0 };
    __asm__ volatile("invvpid %0, %1" ::"m"(d), "r"(1ull) : "cc", "memory");
}

#endif
