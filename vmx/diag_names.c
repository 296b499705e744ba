/* Names for diagnostics: exit reasons (SDM Appendix C), VM-instruction
 * errors (SDM 31.4), VMCS fields (Appendix B). */
#include "vmx/diag.h"
#include "vmx/vmcs_fields.h"

static const char *const reason_names[] = {
    [0] = "exception or NMI", [1] = "external interrupt", [2] = "triple fault", [3] = "INIT signal",
    [4] = "SIPI", [5] = "I/O SMI", [6] = "other SMI", [7] = "interrupt window", [8] = "NMI window",
    [9] = "task switch", [10] = "CPUID", [11] = "GETSEC", [12] = "HLT", [13] = "INVD", [14] = "INVLPG",
    [15] = "RDPMC", [16] = "RDTSC", [17] = "RSM", [18] = "VMCALL", [19] = "VMCLEAR", [20] = "VMLAUNCH",
    [21] = "VMPTRLD", [22] = "VMPTRST", [23] = "VMREAD", [24] = "VMRESUME", [25] = "VMWRITE",
    [26] = "VMXOFF", [27] = "VMXON", [28] = "control-register access", [29] = "MOV DR",
    [30] = "I/O instruction", [31] = "RDMSR", [32] = "WRMSR", [33] = "VM-entry failure: invalid guest state",
    [34] = "VM-entry failure: MSR loading", [36] = "MWAIT", [37] = "monitor trap flag", [39] = "MONITOR",
    [40] = "PAUSE", [41] = "VM-entry failure: machine-check event", [43] = "TPR below threshold",
    [44] = "APIC access", [45] = "virtualized EOI", [46] = "GDTR/IDTR access", [47] = "LDTR/TR access",
    [48] = "EPT violation", [49] = "EPT misconfiguration", [50] = "INVEPT", [51] = "RDTSCP",
    [52] = "VMX-preemption timer expired", [53] = "INVVPID", [54] = "WBINVD", [55] = "XSETBV",
    [56] = "APIC write", [57] = "RDRAND", [58] = "INVPCID", [59] = "VMFUNC", [60] = "ENCLS",
    [61] = "RDSEED", [62] = "page-modification log full", [63] = "XSAVES", [64] = "XRSTORS",
};

const char *vmx_exit_reason_name(unsigned r)
{
    return r < sizeof(reason_names) / sizeof(reason_names[0]) && reason_names[r] ? reason_names[r] : "unknown";
}

static const char *const error_names[] = {
    [1] = "VMCALL executed in VMX root operation", [2] = "VMCLEAR with invalid physical address",
    [3] = "VMCLEAR with VMXON pointer", [4] = "VMLAUNCH with non-clear VMCS",
    [5] = "VMRESUME with non-launched VMCS", [6] = "VMRESUME after VMXOFF",
    [7] = "VM entry with invalid control field(s)", [8] = "VM entry with invalid host-state field(s)",
    [9] = "VMPTRLD with invalid physical address", [10] = "VMPTRLD with VMXON pointer",
    [11] = "VMPTRLD with incorrect VMCS revision identifier",
    [12] = "VMREAD/VMWRITE from/to unsupported VMCS component", [13] = "VMWRITE to read-only VMCS component",
    [15] = "VMXON executed in VMX root operation", [16] = "VM entry with invalid executive-VMCS pointer",
    [17] = "VM entry with non-launched executive VMCS", [18] = "VM entry with executive-VMCS pointer not VMXON pointer",
    [19] = "VMCALL with non-clear VMCS", [20] = "VMCALL with invalid VM-exit control fields",
    [22] = "VMCALL with incorrect MSEG revision identifier", [23] = "VMXOFF under dual-monitor treatment",
    [24] = "VMCALL with invalid SMM-monitor features", [25] = "VM entry with invalid VM-execution control fields in executive VMCS",
    [26] = "VM entry with events blocked by MOV SS", [28] = "invalid operand to INVEPT/INVVPID",
};

const char *vmx_instruction_error_name(unsigned e)
{
    return e < sizeof(error_names) / sizeof(error_names[0]) && error_names[e] ? error_names[e] : "unknown error";
}

static const struct {
    uint32_t field;
    const char *name;
} field_names[] = {
#define F(x) { x, #x }
    F(VIRTUAL_PROCESSOR_ID), F(GUEST_ES_SELECTOR), F(GUEST_CS_SELECTOR), F(GUEST_SS_SELECTOR),
    F(GUEST_DS_SELECTOR), F(GUEST_FS_SELECTOR), F(GUEST_GS_SELECTOR), F(GUEST_LDTR_SELECTOR),
    F(GUEST_TR_SELECTOR), F(HOST_ES_SELECTOR), F(HOST_CS_SELECTOR), F(HOST_SS_SELECTOR),
    F(HOST_DS_SELECTOR), F(HOST_FS_SELECTOR), F(HOST_GS_SELECTOR), F(HOST_TR_SELECTOR),
    F(IO_BITMAP_A), F(IO_BITMAP_B), F(MSR_BITMAP), F(TSC_OFFSET), F(EPT_POINTER),
    F(VMCS_LINK_POINTER), F(GUEST_IA32_DEBUGCTL), F(GUEST_IA32_PAT), F(GUEST_IA32_EFER),
    F(HOST_IA32_PAT), F(HOST_IA32_EFER), F(PIN_BASED_VM_EXEC_CONTROL), F(CPU_BASED_VM_EXEC_CONTROL),
    F(EXCEPTION_BITMAP), F(PAGE_FAULT_ERROR_CODE_MASK), F(PAGE_FAULT_ERROR_CODE_MATCH),
    F(CR3_TARGET_COUNT), F(VM_EXIT_CONTROLS), F(VM_EXIT_MSR_STORE_COUNT), F(VM_EXIT_MSR_LOAD_COUNT),
    F(VM_ENTRY_CONTROLS), F(VM_ENTRY_MSR_LOAD_COUNT), F(VM_ENTRY_INTR_INFO),
    F(SECONDARY_VM_EXEC_CONTROL), F(GUEST_ES_LIMIT), F(GUEST_CS_LIMIT), F(GUEST_SS_LIMIT),
    F(GUEST_DS_LIMIT), F(GUEST_FS_LIMIT), F(GUEST_GS_LIMIT), F(GUEST_LDTR_LIMIT), F(GUEST_TR_LIMIT),
    F(GUEST_GDTR_LIMIT), F(GUEST_IDTR_LIMIT), F(GUEST_ES_AR_BYTES), F(GUEST_CS_AR_BYTES),
    F(GUEST_SS_AR_BYTES), F(GUEST_DS_AR_BYTES), F(GUEST_FS_AR_BYTES), F(GUEST_GS_AR_BYTES),
    F(GUEST_LDTR_AR_BYTES), F(GUEST_TR_AR_BYTES), F(GUEST_INTERRUPTIBILITY_INFO),
    F(GUEST_ACTIVITY_STATE), F(GUEST_SYSENTER_CS), F(HOST_IA32_SYSENTER_CS), F(CR0_GUEST_HOST_MASK),
    F(CR4_GUEST_HOST_MASK), F(CR0_READ_SHADOW), F(CR4_READ_SHADOW), F(GUEST_CR0), F(GUEST_CR3),
    F(GUEST_CR4), F(GUEST_ES_BASE), F(GUEST_CS_BASE), F(GUEST_SS_BASE), F(GUEST_DS_BASE),
    F(GUEST_FS_BASE), F(GUEST_GS_BASE), F(GUEST_LDTR_BASE), F(GUEST_TR_BASE), F(GUEST_GDTR_BASE),
    F(GUEST_IDTR_BASE), F(GUEST_DR7), F(GUEST_RSP), F(GUEST_RIP), F(GUEST_RFLAGS),
    F(GUEST_PENDING_DBG_EXCEPTIONS), F(GUEST_SYSENTER_ESP), F(GUEST_SYSENTER_EIP), F(HOST_CR0),
    F(HOST_CR3), F(HOST_CR4), F(HOST_FS_BASE), F(HOST_GS_BASE), F(HOST_TR_BASE), F(HOST_GDTR_BASE),
    F(HOST_IDTR_BASE), F(HOST_IA32_SYSENTER_ESP), F(HOST_IA32_SYSENTER_EIP), F(HOST_RSP), F(HOST_RIP),
#undef F
};

const char *vmx_field_name(uint64_t field)
{
    for (unsigned i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
        if (field_names[i].field == field)
            return field_names[i].name;
    return "unnamed VMCS field";
}
