/* Which MSR accesses exit. Reads exit only where VMX must stay hidden;
 * writes exit for the MSRs a kernel-protection policy guards. */
#include "hv/x86.h"
#include "vmx/bitmaps.h"
#include "vmx/msr_policy.h"

static const uint32_t guarded_writes[] = {
    MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
    MSR_IA32_STAR, MSR_IA32_LSTAR, MSR_IA32_CSTAR, MSR_IA32_FMASK,
    MSR_IA32_EFER, MSR_IA32_PAT,
};

void msr_intercepts_init(void)
{
    msr_intercept(MSR_IA32_FEATURE_CONTROL, true, true);
    for (uint32_t m = MSR_IA32_VMX_BASIC; m <= 0x493; m++)
        msr_intercept(m, true, true);
    for (unsigned i = 0; i < sizeof(guarded_writes) / sizeof(guarded_writes[0]); i++)
        msr_intercept(guarded_writes[i], false, true);
}
