/* MSR reads that must exit so VMX stays hidden: IA32_FEATURE_CONTROL and
 * the VMX capability MSRs; writes to the x2APIC ICR, so the guest's INIT
 * IPIs are performed by the hypervisor (hv/guest_ipi.c), and to
 * IA32_APIC_BASE, so the APIC stays where the hypervisor watches it. Other write
 * exits come from the policy (hv/enforce.c). */
#include "hv/guest_ipi.h"
#include "hv/x86.h"
#include "vmx/bitmaps.h"
#include "vmx/msr_policy.h"

void msr_intercepts_init(void)
{
    msr_intercept(MSR_IA32_FEATURE_CONTROL, true, true);
    for (uint32_t m = MSR_IA32_VMX_BASIC; m <= 0x493; m++)
        msr_intercept(m, true, true);
    msr_intercept(MSR_X2APIC_ICR, false, true);
    msr_intercept(MSR_IA32_APIC_BASE, false, true);
}
