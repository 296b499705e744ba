/* VMX capability discovery, SDM Vol 3C 24.6 "Discovering support for VMX"
 * and Vol 3D Appendix A. Nothing is assumed: every control Bulwark relies
 * on is checked here, with a message naming what is missing. */
#include "vmx/caps.h"
#include "hv/x86.h"
#include "vmx/vmx_bits.h"

struct vmx_caps vmx_caps;

bool vmx_adjust_controls(uint64_t cap, uint32_t want, uint32_t need, uint32_t *out)
{
    uint32_t allowed0 = (uint32_t)cap;          /* bits that must be 1 */
    uint32_t allowed1 = (uint32_t)(cap >> 32);  /* bits that may be 1 */
    *out = (want & allowed1) | allowed0;
    return (need & ~allowed1) == 0;
}

static bool allowed1(uint64_t cap, uint32_t bits) { return ((uint32_t)(cap >> 32) & bits) == bits; }

static void read_feature_control(void)
{
    /* 24.7: IA32_FEATURE_CONTROL must be locked with VMX-outside-SMX on.
     * Firmware normally locks it; if it did not (OVMF), we set and lock it. */
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
    if (!(fc & FEATURE_CONTROL_LOCK))
        wrmsr(MSR_IA32_FEATURE_CONTROL, fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX);
}

const char *vmx_check_support(void)
{
    if (!(cpuid(1, 0).ecx & (1u << 5)))
        return "no VMX: CPUID.1:ECX.VMX[bit 5] is 0";
    read_feature_control();
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
    if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX))
        return "VMX locked off: IA32_FEATURE_CONTROL is locked with VMX-outside-SMX clear (enable VT-x in firmware)";

    struct vmx_caps *c = &vmx_caps;
    c->basic = rdmsr(MSR_IA32_VMX_BASIC);
    if (!(c->basic & VMX_BASIC_TRUE_CONTROLS))
        return "IA32_VMX_BASIC lacks TRUE_* control MSRs (bit 55)";
    c->pinbased = rdmsr(MSR_IA32_VMX_TRUE_PINBASED_CTLS);
    c->procbased = rdmsr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
    c->exit = rdmsr(MSR_IA32_VMX_TRUE_EXIT_CTLS);
    c->entry = rdmsr(MSR_IA32_VMX_TRUE_ENTRY_CTLS);
    c->misc = rdmsr(MSR_IA32_VMX_MISC);
    c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
    c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
    c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
    c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
    if (!allowed1(c->procbased, CPU_ACTIVATE_SECONDARY_CONTROLS))
        return "no secondary processor-based controls (needed for EPT)";
    c->procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
    if (!allowed1(c->procbased2, SECONDARY_ENABLE_EPT))
        return "no EPT: secondary control 'enable EPT' not allowed";
    if (!allowed1(c->procbased2, SECONDARY_UNRESTRICTED_GUEST))
        return "no unrestricted guest: secondary control not allowed";
    if (!allowed1(c->procbased2, SECONDARY_DESCRIPTOR_TABLE_EXITING))
        return "no descriptor-table exiting: secondary control not allowed (needed by the table rules)";
    if (!allowed1(c->procbased, CPU_USE_MSR_BITMAPS | CPU_USE_IO_BITMAPS))
        return "no MSR or I/O bitmaps";
    c->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
    if (!(c->ept_vpid & EPT_CAP_WALK_LENGTH_4) || !(c->ept_vpid & EPT_CAP_WB))
        return "EPT lacks 4-level walks or write-back paging structures";
    if (!(c->ept_vpid & EPT_CAP_INVEPT) ||
        !(c->ept_vpid & (EPT_CAP_INVEPT_ALL_CONTEXT | EPT_CAP_INVEPT_SINGLE_CONTEXT)))
        return "no INVEPT: stale EPT permissions could survive a change";
    c->has_1g_pages = c->ept_vpid & EPT_CAP_1GB_PAGES;
    c->has_2m_pages = c->ept_vpid & EPT_CAP_2MB_PAGES;
    c->has_vpid = allowed1(c->procbased2, SECONDARY_ENABLE_VPID) && (c->ept_vpid & VPID_CAP_INVVPID);
    c->has_wait_for_sipi = c->misc & VMX_MISC_ACTIVITY_WAIT_SIPI;
    c->has_preemption_timer = allowed1(c->pinbased, PIN_ACTIVATE_PREEMPTION_TIMER);
    c->phys_addr_bits = cpuid(0x80000000, 0).eax >= 0x80000008 ? (cpuid(0x80000008, 0).eax & 0xFF) : 36;
    return NULL;
}
