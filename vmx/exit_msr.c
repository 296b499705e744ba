/* RDMSR/WRMSR exits. The MSR bitmap makes only these exit: reads and
 * writes of IA32_FEATURE_CONTROL and the VMX capability MSRs (VMX is
 * hidden), writes of the MSRs the policy guards (hv/enforce_regs.c judges
 * them first), and any MSR outside the bitmap's two ranges (always exits,
 * SDM 25.6.9). Values are checked before they reach hardware. */
#include "hv/enforce.h"
#include "hv/guest_ipi.h"
#include "hv/lapic.h"
#include "hv/safe_msr.h"
#include "hv/x86.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

static bool is_vmx_msr(uint32_t msr) { return msr >= MSR_IA32_VMX_BASIC && msr <= 0x493; }

static bool canonical(uint64_t v) { return (uint64_t)(((int64_t)v << 16) >> 16) == v; }

static bool pat_valid(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        uint8_t t = (uint8_t)(v >> (i * 8));
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

/* SDM Vol 4 table 2-2: EFER bits a guest may write; LMA is read-only. */
static bool efer_write(uint64_t v)
{
    uint64_t allowed = EFER_LMA;
    struct cpuid_regs ext = cpuid(0x80000001, 0);
    if (ext.edx & (1u << 11))
        allowed |= EFER_SCE;
    if (ext.edx & (1u << 29))
        allowed |= EFER_LME;
    if (ext.edx & (1u << 20))
        allowed |= EFER_NXE;
    if (v & ~allowed)
        return false;
    uint64_t old = vmread(GUEST_IA32_EFER);
    /* changing LME while paging is on faults (SDM 10.8.5) */
    if (((old ^ v) & EFER_LME) && (vmread(GUEST_CR0) & CR0_PG))
        return false;
    vmwrite(GUEST_IA32_EFER, (v & ~EFER_LMA) | (old & EFER_LMA));
    return true;
}

/* The value a write would change: VMCS-held MSRs from the VMCS. */
static uint64_t current_value(uint32_t msr)
{
    uint64_t v = 0;
    switch (msr) {
    case MSR_IA32_SYSENTER_CS: return vmread(GUEST_SYSENTER_CS);
    case MSR_IA32_SYSENTER_ESP: return vmread(GUEST_SYSENTER_ESP);
    case MSR_IA32_SYSENTER_EIP: return vmread(GUEST_SYSENTER_EIP);
    case MSR_IA32_EFER: return vmread(GUEST_IA32_EFER);
    case MSR_IA32_PAT: return vmread(GUEST_IA32_PAT);
    default: return safe_rdmsr(msr, &v) == 0 ? v : 0;
    }
}

void exit_msr_read(struct cpu *c, uint64_t q)
{
    (void)q;
    uint64_t *r = c->regs.gpr;
    uint32_t msr = (uint32_t)r[REG_RCX];
    uint64_t v;
    if (msr == MSR_IA32_FEATURE_CONTROL)
        v = FEATURE_CONTROL_LOCK;   /* locked, VMX off: what a VT-x-less CPU shows */
    else if (is_vmx_msr(msr) || safe_rdmsr(msr, &v) != 0) {
        guest_inject_gp0();
        return;
    }
    r[REG_RAX] = v & 0xFFFFFFFF;
    r[REG_RDX] = v >> 32;
    guest_skip_instruction();
}

static bool msr_write(uint32_t msr, uint64_t v)
{
    switch (msr) {
    case MSR_IA32_FEATURE_CONTROL:
        return false;               /* locked */
    case MSR_IA32_SYSENTER_CS:
        vmwrite(GUEST_SYSENTER_CS, v & 0xFFFFFFFF);
        return true;
    case MSR_IA32_SYSENTER_ESP:
    case MSR_IA32_SYSENTER_EIP:
        if (!canonical(v))
            return false;
        vmwrite(msr == MSR_IA32_SYSENTER_ESP ? GUEST_SYSENTER_ESP : GUEST_SYSENTER_EIP, v);
        return true;
    case MSR_IA32_EFER:
        return efer_write(v);
    case MSR_IA32_PAT:
        if (!pat_valid(v))
            return false;
        vmwrite(GUEST_IA32_PAT, v);
        return true;
    case MSR_IA32_LSTAR:
    case MSR_IA32_CSTAR:
        if (!canonical(v))
            return false;
        return safe_wrmsr(msr, v) == 0;
    default:
        /* STAR, FMASK and MSRs outside the bitmap: the CPU checks them. */
        return !is_vmx_msr(msr) && safe_wrmsr(msr, v) == 0;
    }
}

void exit_msr_write(struct cpu *c, uint64_t q)
{
    (void)q;
    uint64_t *r = c->regs.gpr;
    uint32_t msr = (uint32_t)r[REG_RCX];
    uint64_t v = ((r[REG_RDX] & 0xFFFFFFFF) << 32) | (r[REG_RAX] & 0xFFFFFFFF);
    bool gp;
    /* Only MSRs a live rule watches pay for reading the current value. */
    if (enforce_msr_watched(msr) && !enforce_msr_write(c, msr, current_value(msr), v, &gp)) {
        if (gp)
            guest_inject_gp0();
        else
            guest_skip_instruction();   /* dropped: the write silently does nothing */
        return;
    }
    if (msr == MSR_IA32_APIC_BASE && ((v ^ rdmsr(MSR_IA32_APIC_BASE)) & APIC_BASE_ADDR)) {
        guest_inject_gp0();   /* moving the APIC would hide the guest's ICR writes (docs/architecture.md) */
        return;
    }
    if (msr == MSR_X2APIC_ICR && !(rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_EXTD)) {
        guest_inject_gp0();   /* x2APIC MSRs #GP outside x2APIC mode (SDM 11.12.1.2) */
        return;
    }
    if (msr == MSR_X2APIC_ICR && guest_ipi_intercept(c, (uint32_t)v, (uint32_t)(v >> 32), true)) {
        guest_skip_instruction();
        return;
    }
    if (!msr_write(msr, v)) {
        guest_inject_gp0();
        return;
    }
    guest_skip_instruction();
}
