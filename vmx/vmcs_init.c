/* VMCS construction (SDM Vol 3C ch. 25 "VMCS format", 26 "VM entries"
 * checks). Every control value goes through vmx_adjust_controls so the
 * allowed-0/allowed-1 settings of the TRUE_* MSRs are honoured. */
#include "vmx/vmcs_init.h"
#include "hv/gdt.h"
#include "hv/idt.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "hv/x86.h"
#include "vmx/bitmaps.h"
#include "vmx/caps.h"
#include "vmx/diag.h"
#include "vmx/exit.h"
#include "vmx/guest_cr.h"
#include "vmx/guest_reset.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

extern void vmx_exit_stub(void);

static const char *write_all(const uint64_t (*fields)[2], unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (vmwrite_checked(fields[i][0], fields[i][1]) != VMX_OK)
            return vmx_field_name(fields[i][0]);
    return NULL;
}

const char *vmx_enable(struct cpu *c)
{
    c->vmxon_region = page_alloc(&c->vmxon_phys);
    c->vmcs = page_alloc(&c->vmcs_phys);
    if (!c->vmxon_region || !c->vmcs)
        return "out of hypervisor memory for VMXON/VMCS regions";
    uint32_t revision = (uint32_t)(vmx_caps.basic & VMX_BASIC_REVISION_MASK);
    *(uint32_t *)c->vmxon_region = revision;
    *(uint32_t *)c->vmcs = revision;

    /* 24.8: CR0 and CR4 must satisfy the fixed-bit MSRs before VMXON. */
    write_cr0((read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1);
    write_cr4((read_cr4() | vmx_caps.cr4_fixed0 | CR4_VMXE) & vmx_caps.cr4_fixed1);
    if (cpuid(1, 0).ecx & (1u << 26))   /* XSAVE: host must be able to XSETBV for the guest */
        write_cr4(read_cr4() | CR4_OSXSAVE);
    if (vmxon(c->vmxon_phys) != VMX_OK)
        return "VMXON failed";
    if (vmclear(c->vmcs_phys) != VMX_OK || vmptrld(c->vmcs_phys) != VMX_OK)
        return "VMCLEAR/VMPTRLD of the VMCS failed";
    return NULL;
}

static const char *init_controls(struct cpu *c, uint64_t eptp)
{
    const struct vmx_caps *k = &vmx_caps;
    uint32_t pin, cpu, cpu2, exit_ctl, entry_ctl;
    /* No interrupt exiting: the guest owns its devices. NMIs exit so the
     * hypervisor can reach a CPU in guest mode (EPT shootdown); virtual
     * NMIs keep the guest's own NMIs exact (vmx/exit_nmi.c). */
    if (!vmx_adjust_controls(k->pinbased, PIN_NMI_EXITING | PIN_VIRTUAL_NMIS, PIN_NMI_EXITING | PIN_VIRTUAL_NMIS,
                             &pin))
        return "pin-based controls (NMI exiting, virtual NMIs)";
    /* Only what a protection or the run needs: MSR and I/O bitmaps. The
     * TRUE_* MSR lets CR3-load/store exiting be cleared. NMI-window
     * exiting is switched on when a guest NMI waits. */
    uint32_t need = CPU_USE_MSR_BITMAPS | CPU_USE_IO_BITMAPS | CPU_ACTIVATE_SECONDARY_CONTROLS;
    if (!vmx_adjust_controls(k->procbased, need, need | CPU_NMI_WINDOW_EXITING, &cpu))
        return "primary processor-based controls";
    /* EPT + unrestricted guest (Multiboot starts the guest with paging off);
     * VPID avoids TLB flushes on every transition; RDTSCP, INVPCID and
     * XSAVES are enabled when offered so the guest does not get #UD for
     * instructions its CPUID advertises; WBINVD exits so it is handled.
     * Descriptor-table exiting (SDM 25.6.2 Table 25-7, bit 2) makes
     * LGDT/LIDT/LLDT/LTR and their stores exit: the table rules need it;
     * those instructions are rare, so it is always on. */
    uint32_t want2 = SECONDARY_ENABLE_EPT | SECONDARY_UNRESTRICTED_GUEST | SECONDARY_ENABLE_RDTSCP |
                     SECONDARY_ENABLE_INVPCID | SECONDARY_ENABLE_XSAVES_XRSTORS | SECONDARY_WBINVD_EXITING |
                     SECONDARY_DESCRIPTOR_TABLE_EXITING | (k->has_vpid ? SECONDARY_ENABLE_VPID : 0);
    uint32_t need2 = SECONDARY_ENABLE_EPT | SECONDARY_UNRESTRICTED_GUEST | SECONDARY_DESCRIPTOR_TABLE_EXITING;
    if (!vmx_adjust_controls(k->procbased2, want2, need2, &cpu2))
        return "secondary processor-based controls";
    /* EFER and PAT are switched by the CPU on every transition. */
    uint32_t efer_pat_exit = EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER | EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT;
    if (!vmx_adjust_controls(k->exit, EXIT_HOST_ADDR_SPACE_SIZE | efer_pat_exit,
                             EXIT_HOST_ADDR_SPACE_SIZE | efer_pat_exit, &exit_ctl))
        return "VM-exit controls (64-bit host, EFER/PAT switching)";
    if (!vmx_adjust_controls(k->entry, ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_IA32_PAT,
                             ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_IA32_PAT, &entry_ctl))
        return "VM-entry controls (EFER/PAT loading)";
    entry_ctl &= ~ENTRY_IA32E_MODE_GUEST;

    const uint64_t fields[][2] = {
        { PIN_BASED_VM_EXEC_CONTROL, pin },
        { CPU_BASED_VM_EXEC_CONTROL, cpu },
        { SECONDARY_VM_EXEC_CONTROL, cpu2 },
        { VM_EXIT_CONTROLS, exit_ctl },
        { VM_ENTRY_CONTROLS, entry_ctl },
        { EXCEPTION_BITMAP, 0 },
        { PAGE_FAULT_ERROR_CODE_MASK, 0 },
        { PAGE_FAULT_ERROR_CODE_MATCH, 0 },
        { CR3_TARGET_COUNT, 0 },
        { VM_EXIT_MSR_STORE_COUNT, 0 },
        { VM_EXIT_MSR_LOAD_COUNT, 0 },
        { VM_ENTRY_MSR_LOAD_COUNT, 0 },
        { VM_ENTRY_INTR_INFO, 0 },
        { MSR_BITMAP, vmx_bitmaps.msr_phys },
        { IO_BITMAP_A, vmx_bitmaps.io_a_phys },
        { IO_BITMAP_B, vmx_bitmaps.io_b_phys },
        { EPT_POINTER, eptp },
        { VIRTUAL_PROCESSOR_ID, k->has_vpid ? c->index + 1 : 0 },
        { TSC_OFFSET, 0 },
    };
    return write_all(fields, ARRAY_SIZE(fields));
}

static const char *init_host_state(struct cpu *c)
{
    struct desc_ptr gdtr, idtr;
    __asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
    const uint64_t fields[][2] = {
        { HOST_CR0, read_cr0() },
        { HOST_CR3, read_cr3() },
        { HOST_CR4, read_cr4() },
        { HOST_CS_SELECTOR, HOST_CODE_SEL },
        { HOST_SS_SELECTOR, HOST_DATA_SEL },
        { HOST_DS_SELECTOR, HOST_DATA_SEL },
        { HOST_ES_SELECTOR, HOST_DATA_SEL },
        { HOST_FS_SELECTOR, 0 },
        { HOST_GS_SELECTOR, 0 },
        { HOST_TR_SELECTOR, HOST_TSS_SEL },
        { HOST_FS_BASE, 0 },
        { HOST_GS_BASE, (uint64_t)c },
        { HOST_TR_BASE, (uint64_t)&c->tss },
        { HOST_GDTR_BASE, gdtr.base },
        { HOST_IDTR_BASE, idtr.base },
        { HOST_IA32_SYSENTER_CS, 0 },
        { HOST_IA32_SYSENTER_ESP, 0 },
        { HOST_IA32_SYSENTER_EIP, 0 },
        { HOST_IA32_EFER, rdmsr(MSR_IA32_EFER) },
        { HOST_IA32_PAT, rdmsr(MSR_IA32_PAT) },
        { HOST_RSP, (uint64_t)(&c->regs + 1) },
        { HOST_RIP, (uint64_t)vmx_exit_stub },
    };
    return write_all(fields, ARRAY_SIZE(fields));
}

/* Flat 32-bit protected mode as Multiboot 1 section 3.2 requires: CS a
 * 32-bit read/execute segment, data segments read/write, base 0, limit
 * 4 GiB; CR0.PE set, paging off; EFLAGS.IF and VM clear. */
static const char *init_multiboot_state(struct cpu *c, const struct guest_start *s)
{
    const uint32_t code_ar = 0xC09B, data_ar = 0xC093;  /* G, D/B, P, S, type */
    guest_cr_init(c, CR0_PE | CR0_ET);
    const uint64_t fields[][2] = {
        { GUEST_CS_SELECTOR, 0x08 }, { GUEST_CS_BASE, 0 }, { GUEST_CS_LIMIT, 0xFFFFFFFF }, { GUEST_CS_AR_BYTES, code_ar },
        { GUEST_SS_SELECTOR, 0x10 }, { GUEST_SS_BASE, 0 }, { GUEST_SS_LIMIT, 0xFFFFFFFF }, { GUEST_SS_AR_BYTES, data_ar },
        { GUEST_DS_SELECTOR, 0x10 }, { GUEST_DS_BASE, 0 }, { GUEST_DS_LIMIT, 0xFFFFFFFF }, { GUEST_DS_AR_BYTES, data_ar },
        { GUEST_ES_SELECTOR, 0x10 }, { GUEST_ES_BASE, 0 }, { GUEST_ES_LIMIT, 0xFFFFFFFF }, { GUEST_ES_AR_BYTES, data_ar },
        { GUEST_FS_SELECTOR, 0x10 }, { GUEST_FS_BASE, 0 }, { GUEST_FS_LIMIT, 0xFFFFFFFF }, { GUEST_FS_AR_BYTES, data_ar },
        { GUEST_GS_SELECTOR, 0x10 }, { GUEST_GS_BASE, 0 }, { GUEST_GS_LIMIT, 0xFFFFFFFF }, { GUEST_GS_AR_BYTES, data_ar },
        /* 26.3.1.2: TR must be a usable busy TSS even before the guest loads one */
        { GUEST_TR_SELECTOR, 0 }, { GUEST_TR_BASE, 0 }, { GUEST_TR_LIMIT, 0xFFFF }, { GUEST_TR_AR_BYTES, 0x8B },
        { GUEST_LDTR_SELECTOR, 0 }, { GUEST_LDTR_BASE, 0 }, { GUEST_LDTR_LIMIT, 0 }, { GUEST_LDTR_AR_BYTES, AR_UNUSABLE },
        { GUEST_GDTR_BASE, 0 }, { GUEST_GDTR_LIMIT, 0 },
        { GUEST_IDTR_BASE, 0 }, { GUEST_IDTR_LIMIT, 0 },
        { GUEST_CR3, 0 },
        { GUEST_DR7, 0x400 },
        { GUEST_RSP, 0 },
        { GUEST_RIP, s->rip },
        { GUEST_RFLAGS, RFLAGS_FIXED },
        { GUEST_PENDING_DBG_EXCEPTIONS, 0 },
        { GUEST_INTERRUPTIBILITY_INFO, 0 },
        { GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE },
        { GUEST_IA32_DEBUGCTL, 0 },
        { GUEST_IA32_EFER, 0 },
    };
    memset(&c->regs, 0, sizeof(c->regs));
    c->regs.gpr[REG_RAX] = s->eax;
    c->regs.gpr[REG_RBX] = s->ebx;
    return write_all(fields, ARRAY_SIZE(fields));
}

/* State no start mode sets: power-up MSR values and the link pointer. */
static const char *init_guest_common(void)
{
    const uint64_t fields[][2] = {
        { GUEST_SYSENTER_CS, 0 }, { GUEST_SYSENTER_ESP, 0 }, { GUEST_SYSENTER_EIP, 0 },
        { GUEST_IA32_PAT, 0x0007040600070406ull },  /* power-up value, SDM 13.12.4 */
        { VMCS_LINK_POINTER, ~0ull },
    };
    return write_all(fields, ARRAY_SIZE(fields));
}

const char *vmcs_init(struct cpu *c, uint64_t eptp, const struct guest_start *s)
{
    const char *bad;
    if ((bad = init_controls(c, eptp)) || (bad = init_host_state(c)) || (bad = init_guest_common()))
        return bad;
    if (s)
        return init_multiboot_state(c, s);
    guest_reset_init_state(c, false);
    return NULL;
}

__attribute__((noreturn)) void vmx_enter(struct guest_regs *regs);

void vmx_launch(struct cpu *c)
{
    host_nmi_unblock();   /* firmware SMM may have left NMIs blocked: the hypervisor's kicks need them */
    vmx_enter(&c->regs);
}
