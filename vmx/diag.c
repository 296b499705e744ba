/* Diagnostics for exits Bulwark did not expect and for failed VM entries:
 * never a silent reset. */
#include "vmx/diag.h"
#include "hv/log.h"
#include "hv/run_end.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_bits.h"
#include "vmx/vmx_insn.h"

static void dump_segment(const char *name, uint64_t sel, uint64_t base, uint64_t limit, uint64_t ar)
{
    hv_log("  %-4s sel %04lx base %016lx limit %08lx ar %05lx", name, vmread(sel), vmread(base),
           vmread(limit), vmread(ar));
}

void vmx_dump_guest_state(void)
{
    hv_log("  rip %016lx rsp %016lx rflags %016lx", vmread(GUEST_RIP), vmread(GUEST_RSP), vmread(GUEST_RFLAGS));
    hv_log("  cr0 %016lx cr3 %016lx cr4 %016lx efer %016lx", vmread(GUEST_CR0), vmread(GUEST_CR3),
           vmread(GUEST_CR4), vmread(GUEST_IA32_EFER));
    hv_log("  cr0 shadow %016lx mask %016lx; cr4 shadow %016lx mask %016lx", vmread(CR0_READ_SHADOW),
           vmread(CR0_GUEST_HOST_MASK), vmread(CR4_READ_SHADOW), vmread(CR4_GUEST_HOST_MASK));
    dump_segment("cs", GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES);
    dump_segment("ss", GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES);
    dump_segment("ds", GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES);
    dump_segment("es", GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES);
    dump_segment("fs", GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES);
    dump_segment("gs", GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES);
    dump_segment("tr", GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES);
    dump_segment("ldtr", GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES);
    hv_log("  gdtr %016lx/%04lx idtr %016lx/%04lx", vmread(GUEST_GDTR_BASE), vmread(GUEST_GDTR_LIMIT),
           vmread(GUEST_IDTR_BASE), vmread(GUEST_IDTR_LIMIT));
    hv_log("  interruptibility %lx activity %lx pending-dbg %lx dr7 %lx", vmread(GUEST_INTERRUPTIBILITY_INFO),
           vmread(GUEST_ACTIVITY_STATE), vmread(GUEST_PENDING_DBG_EXCEPTIONS), vmread(GUEST_DR7));
    hv_log("  controls pin %lx cpu %lx cpu2 %lx exit %lx entry %lx", vmread(PIN_BASED_VM_EXEC_CONTROL),
           vmread(CPU_BASED_VM_EXEC_CONTROL), vmread(SECONDARY_VM_EXEC_CONTROL), vmread(VM_EXIT_CONTROLS),
           vmread(VM_ENTRY_CONTROLS));
}

static void dump_gprs(const struct cpu *c)
{
    const uint64_t *r = c->regs.gpr;
    hv_log("  rax %016lx rcx %016lx rdx %016lx rbx %016lx", r[0], r[1], r[2], r[3]);
    hv_log("  rbp %016lx rsi %016lx rdi %016lx r8  %016lx", r[5], r[6], r[7], r[8]);
}

void vmx_unexpected_exit(struct cpu *c, const char *why)
{
    uint32_t reason = (uint32_t)vmread(VM_EXIT_REASON);
    hv_log("UNEXPECTED VM EXIT on cpu %u: %s", c->index, why);
    hv_log("  reason %u (%s) raw %08x qualification %016lx", reason & 0xFFFF,
           vmx_exit_reason_name(reason & 0xFFFF), reason, vmread(EXIT_QUALIFICATION));
    hv_log("  guest-physical %016lx guest-linear %016lx insn-len %lu insn-info %lx",
           vmread(GUEST_PHYSICAL_ADDRESS), vmread(GUEST_LINEAR_ADDRESS), vmread(VM_EXIT_INSTRUCTION_LEN),
           vmread(VMX_INSTRUCTION_INFO));
    hv_log("  exit-intr-info %lx error %lx idt-vectoring %lx error %lx", vmread(VM_EXIT_INTR_INFO),
           vmread(VM_EXIT_INTR_ERROR_CODE), vmread(IDT_VECTORING_INFO), vmread(IDT_VECTORING_ERROR_CODE));
    dump_gprs(c);
    vmx_dump_guest_state();
    run_end_failure("unexpected VM exit %u (%s)", reason & 0xFFFF, vmx_exit_reason_name(reason & 0xFFFF));
}

/* SDM 27.8: a VM entry that fails after loading guest state exits with
 * bit 31 of the exit reason set. */
void vmx_entry_failure_exit(struct cpu *c, uint32_t reason)
{
    hv_log("VM ENTRY FAILED on cpu %u: reason %u (%s), qualification %lx", c->index, reason & 0xFFFF,
           vmx_exit_reason_name(reason & 0xFFFF), vmread(EXIT_QUALIFICATION));
    vmx_dump_guest_state();
    run_end_failure("VM entry failed: %s", vmx_exit_reason_name(reason & 0xFFFF));
}

/* VMLAUNCH/VMRESUME itself failed (SDM 26.1-26.2 checks): VMfailValid
 * carries VM_INSTRUCTION_ERROR. */
void vmx_entry_failed(struct guest_regs *regs, uint64_t rflags);
void vmx_entry_failed(struct guest_regs *regs, uint64_t rflags)
{
    struct cpu *c = cpu_from_regs(regs);
    if (rflags & 1) {
        hv_log("VMLAUNCH/VMRESUME failed on cpu %u: VMfailInvalid (no current VMCS)", c->index);
        run_end_failure("VM entry failed: VMfailInvalid");
    }
    unsigned err = (unsigned)vmread(VM_INSTRUCTION_ERROR);
    hv_log("VMLAUNCH/VMRESUME failed on cpu %u: VM-instruction error %u: %s", c->index, err,
           vmx_instruction_error_name(err));
    vmx_dump_guest_state();
    run_end_failure("VM entry failed: error %u (%s)", err, vmx_instruction_error_name(err));
}
