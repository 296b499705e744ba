#ifndef BULWARK_VMX_CAPS_H
#define BULWARK_VMX_CAPS_H

#include "hv/lib.h"

/* What the processor offers, read once from the VMX capability MSRs
 * (SDM Vol 3D Appendix A) and used for every VMCS. */
struct vmx_caps {
    uint64_t basic, misc, ept_vpid;
    uint64_t pinbased, procbased, procbased2, exit, entry;  /* allowed-0 | allowed-1 << 32 */
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    bool has_1g_pages, has_2m_pages, has_vpid, has_wait_for_sipi, has_preemption_timer;
    unsigned phys_addr_bits;
};

extern struct vmx_caps vmx_caps;

/* Checks VMX, IA32_FEATURE_CONTROL, and the controls Bulwark needs (EPT,
 * unrestricted guest, ...); fills vmx_caps. Returns NULL or what is missing. */
const char *vmx_check_support(void);

/* A control value: `want` bits that the CPU allows, plus every bit the CPU
 * requires (allowed-0 settings), SDM A.3-A.5. Returns false and names the
 * first wanted-but-unsupported bit in *missing when `need` bits are absent. */
bool vmx_adjust_controls(uint64_t cap_msr_value, uint32_t want, uint32_t need, uint32_t *out);

#endif
