/* MSR reads that must exit so VMX stays hidden: IA32_FEATURE_CONTROL and
 * the VMX capability MSRs. Write exits come from the policy (hv/enforce.c). */
#include "hv/x86.h"
#include "vmx/bitmaps.h"
#include "vmx/msr_policy.h"

void msr_intercepts_init(void)
{
    msr_intercept(MSR_IA32_FEATURE_CONTROL, true, true);
    for (uint32_t m = MSR_IA32_VMX_BASIC; m <= 0x493; m++)
        msr_intercept(m, true, true);
}
