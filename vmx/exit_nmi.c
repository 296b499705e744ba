/* NMIs. NMI exiting is on so the hypervisor can kick a CPU out of guest
 * mode (hv/rendezvous.c); with virtual NMIs the guest's own NMIs are then
 * delivered by injection, respecting the guest's NMI blocking (SDM 25.3,
 * 26.6.1.2). An NMI that finds the CPU in root mode arrives through the
 * host IDT (vector 2) and is handled the same way. */
#include "hv/rendezvous.h"
#include "hv/idt.h"
#include "vmx/diag.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

/* IRET unblocks NMIs (SDM Vol 3A 6.7.1); this one returns to the next
 * instruction. After an NMI exit NMIs stay blocked in root mode until an
 * IRET (or the next entry); Bochs 2.7 also leaves them masked after a SIPI
 * that caused a VM exit, and there only an IRET in root mode unmasks them. */
void host_nmi_unblock(void)
{
    __asm__ volatile("mov %%rsp, %%rax\n\t"
                     "pushq %0\n\t"
                     "pushq %%rax\n\t"
                     "pushfq\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "iretq\n"
                     "1:"
                     :
                     : "i"(HOST_DATA_SEL), "i"(HOST_CODE_SEL)
                     : "rax", "memory", "cc");
}

static void set_nmi_window(bool on)
{
    uint64_t ctl = vmread(CPU_BASED_VM_EXEC_CONTROL);
    vmwrite(CPU_BASED_VM_EXEC_CONTROL, on ? ctl | CPU_NMI_WINDOW_EXITING : ctl & ~(uint64_t)CPU_NMI_WINDOW_EXITING);
}

void host_nmi(void);
void host_nmi(void)
{
    struct cpu *c = this_cpu();
    if (!cpu_nmi(c))
        return;
    c->guest_nmi_pending = true;
    /* About to enter: the entry will not look again, so make it exit at
     * once when the guest can take the NMI. */
    if (__atomic_load_n(&c->in_guest, __ATOMIC_SEQ_CST))
        set_nmi_window(true);
}

void exit_exception_nmi(struct cpu *c, uint64_t q)
{
    (void)q;
    uint32_t info = (uint32_t)vmread(VM_EXIT_INTR_INFO);
    if (INTR_INFO_TYPE(info) != INTR_TYPE_NMI)
        vmx_unexpected_exit(c, "exception exit with an empty exception bitmap");
    /* Whose NMI it was is settled before NMIs are unblocked: a second kick
     * taken in root mode must not steal this one's mark. */
    bool guests = cpu_nmi(c);
    host_nmi_unblock();
    if (guests)
        c->guest_nmi_pending = true;
}

void exit_nmi_window(struct cpu *c, uint64_t q)
{
    (void)c;
    (void)q;
    set_nmi_window(false);
}

/* Last step of the entry path, after cpu_enter_guest: an NMI for the guest
 * that arrived since nmi_prepare_entry gets its window (the NMI handler
 * does the same from now on). */
void nmi_recheck_entry(struct cpu *c)
{
    if (c->guest_nmi_pending && !c->waiting_sipi)
        set_nmi_window(true);
}

/* Entry path: inject a pending guest NMI, or wait for a window. Some
 * processors refuse NMI injection under blocking by STI (26.3.1.5), so
 * every kind of blocking defers it. An NMI that reaches a CPU in
 * wait-for-SIPI is dropped, as the hardware would. */
void nmi_prepare_entry(struct cpu *c)
{
    if (!c->guest_nmi_pending)
        return;
    if (c->waiting_sipi) {
        c->guest_nmi_pending = false;
        return;
    }
    uint64_t blocking = INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS | INTERRUPTIBILITY_NMI;
    if ((vmread(VM_ENTRY_INTR_INFO) & INTR_INFO_VALID) || (vmread(GUEST_INTERRUPTIBILITY_INFO) & blocking)) {
        set_nmi_window(true);
        return;
    }
    vmwrite(VM_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | VECTOR_NMI);
    c->guest_nmi_pending = false;
    set_nmi_window(false);
}
