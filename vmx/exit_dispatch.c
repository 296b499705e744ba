/* One table from basic exit reason to handler (SDM Appendix C). An empty
 * slot, or a reason beyond the table, is an exit Bulwark did not ask for:
 * it prints the full diagnostic and stops this CPU. */
#include "hv/enforce_mem.h"
#include "hv/enforce_step.h"
#include "hv/log.h"
#include "hv/rendezvous.h"
#include "vmx/diag.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

static const exit_handler_fn exit_handlers[EXIT_REASON_MAX] = {
    [EXIT_REASON_EXCEPTION_NMI] = exit_exception_nmi,
    [EXIT_REASON_TRIPLE_FAULT] = exit_triple_fault,
    [EXIT_REASON_INIT] = exit_init,
    [EXIT_REASON_SIPI] = exit_sipi,
    [EXIT_REASON_NMI_WINDOW] = exit_nmi_window,
    [EXIT_REASON_CPUID] = exit_cpuid,
    [EXIT_REASON_GETSEC] = exit_vmx_instruction,
    [EXIT_REASON_INVD] = exit_invd_wbinvd,
    [EXIT_REASON_WBINVD] = exit_invd_wbinvd,
    [EXIT_REASON_VMCALL] = exit_vmcall,
    [EXIT_REASON_VMCLEAR] = exit_vmx_instruction,
    [EXIT_REASON_VMLAUNCH] = exit_vmx_instruction,
    [EXIT_REASON_VMPTRLD] = exit_vmx_instruction,
    [EXIT_REASON_VMPTRST] = exit_vmx_instruction,
    [EXIT_REASON_VMREAD] = exit_vmx_instruction,
    [EXIT_REASON_VMRESUME] = exit_vmx_instruction,
    [EXIT_REASON_VMWRITE] = exit_vmx_instruction,
    [EXIT_REASON_VMXOFF] = exit_vmx_instruction,
    [EXIT_REASON_VMXON] = exit_vmx_instruction,
    [EXIT_REASON_INVEPT] = exit_vmx_instruction,
    [EXIT_REASON_INVVPID] = exit_vmx_instruction,
    [EXIT_REASON_VMFUNC] = exit_vmx_instruction,
    [EXIT_REASON_CR_ACCESS] = exit_cr_access,
    [EXIT_REASON_IO_INSTRUCTION] = exit_io,
    [EXIT_REASON_MSR_READ] = exit_msr_read,
    [EXIT_REASON_MSR_WRITE] = exit_msr_write,
    [EXIT_REASON_GDTR_IDTR] = exit_gdtr_idtr,
    [EXIT_REASON_LDTR_TR] = exit_ldtr_tr,
    [EXIT_REASON_EPT_VIOLATION] = exit_ept_violation,
    [EXIT_REASON_EPT_MISCONFIG] = exit_ept_misconfig,
    [EXIT_REASON_XSETBV] = exit_xsetbv,
    [EXIT_REASON_MONITOR_TRAP_FLAG] = exit_monitor_trap,
    [EXIT_REASON_PREEMPTION_TIMER] = exit_monitor_trap,
};

/* An exit during event delivery (e.g. an EPT violation while the CPU
 * pushes an exception frame or sets a descriptor's accessed bit) loses the
 * event unless it is injected again on the next entry (SDM 28.2.4, 27.2.4).
 * A handler that injects its own event overrides this. */
static void reinject_interrupted_event(void)
{
    uint32_t info = (uint32_t)vmread(IDT_VECTORING_INFO);
    if (!(info & INTR_INFO_VALID))
        return;
    vmwrite(VM_ENTRY_INTR_INFO, info & ~(1u << 12));
    if (info & INTR_INFO_DELIVER_CODE)
        vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, vmread(IDT_VECTORING_ERROR_CODE));
    unsigned type = (info >> 8) & 7;
    if (type >= 4)   /* software interrupt/exception: needs the instruction length */
        vmwrite(VM_ENTRY_INSTRUCTION_LEN, vmread(VM_EXIT_INSTRUCTION_LEN));
}

/* Blocking by SMI exists only in SMM, where Bulwark never runs the guest.
 * Bochs 2.7 reports it on every exit of a CPU started by a SIPI that
 * exited (it leaves SMIs masked), and VM entry then fails (26.3.1.5). */
static void clear_smi_blocking(void)
{
    uint64_t intr = vmread(GUEST_INTERRUPTIBILITY_INFO);
    if (intr & INTERRUPTIBILITY_SMI)
        vmwrite(GUEST_INTERRUPTIBILITY_INFO, intr & ~(uint64_t)INTERRUPTIBILITY_SMI);
}

void vmx_exit_handler(struct guest_regs *regs);
void vmx_exit_handler(struct guest_regs *regs)
{
    struct cpu *c = cpu_from_regs(regs);
    cpu_left_guest(c);
    uint32_t reason = (uint32_t)vmread(VM_EXIT_REASON);
    uint32_t basic = reason & 0xFFFF;
    c->exits_total++;
    if (reason & EXIT_REASON_FAILED_VMENTRY)
        vmx_entry_failure_exit(c, reason);
    exit_handler_fn h = basic < EXIT_REASON_MAX ? exit_handlers[basic] : NULL;
    if (!h)
        vmx_unexpected_exit(c, "no handler for this exit reason");
    c->exit_count[basic]++;
    clear_smi_blocking();
    reinject_interrupted_event();
    h(c, vmread(EXIT_QUALIFICATION));
}

void cpu_serve_requests(struct cpu *c, uint32_t which)
{
    uint32_t req = __atomic_load_n(&c->requests, __ATOMIC_SEQ_CST) & which;
    if (!req)
        return;
    if (req & CPU_REQ_INIT)
        guest_init_signal(c);
    if (req & CPU_REQ_ARM_TABLES)
        enforce_mem_arm_tables();
    cpu_requests_done(c, req);
}

/* Called by the entry path right before VMLAUNCH/VMRESUME. */
int vmx_prepare_entry(struct guest_regs *regs);
int vmx_prepare_entry(struct guest_regs *regs)
{
    struct cpu *c = cpu_from_regs(regs);
    /* An exit during a step that completed or skipped the instruction
     * (a deny, an emulation) brings no MTF exit (SDM 26.5.2): end the
     * step here, or the next instruction would run with the page writable. */
    if (c->stepping && vmread(GUEST_RIP) != c->step_rip)
        enforce_mem_step_done(c);
    /* The common entry tests flags and calls nothing but cpu_enter_guest. */
    if (c->requests && !c->stepping)
        cpu_serve_requests(c, CPU_REQ_INIT | CPU_REQ_ARM_TABLES);
    if (c->guest_nmi_pending)
        nmi_prepare_entry(c);
    cpu_enter_guest(c);
    if (c->guest_nmi_pending)
        nmi_recheck_entry(c);
    if (c->launched)
        return 0;
    c->launched = true;
    return 1;
}
