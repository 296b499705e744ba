#include "hv/enforce_step.h"
#include "hv/enforce_mem.h"
#include "hv/guest_ept.h"
#include "hv/guest_mem.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "hv/run_end.h"
#include "hv/rendezvous.h"
#include "hv/spinlock.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

#define PAGE 4096ull
#define MAX_LOGGED 64

static uint64_t logged_rip[MAX_LOGGED];
static unsigned nlogged;
static struct spinlock logged_lock;

/* True the first time rip falls back (up to MAX_LOGGED RIPs, then never). */
static bool first_at(uint64_t rip)
{
    spin_lock(&logged_lock);
    unsigned i = 0;
    while (i < nlogged && logged_rip[i] != rip)
        i++;
    bool first = i == nlogged && nlogged < MAX_LOGGED;
    if (first)
        logged_rip[nlogged++] = rip;
    spin_unlock(&logged_lock);
    return first;
}

/* Every other CPU stays outside guest mode while the page is writable, so
 * only this CPU's one instruction can use the permission (and only its
 * TLB can hold it). */
static void single_step(struct cpu *c, uint64_t page, const struct guest_insn *gi)
{
    if (c->stepping && c->step_count == ARRAY_SIZE(c->step_pages)) {
        guest_inject_gp0();   /* a third page for one instruction: no such x86 write */
        return;
    }
    if (!c->stepping)
        world_stop(c);
    c->step_rip = vmread(GUEST_RIP);
    if (gi)
        c->step_insn = *gi;
    else
        c->step_insn.status = -1;   /* the processor's own write (event delivery) */
    uint64_t phys;
    uint8_t **before = &c->step_before[c->step_count];
    const uint8_t *now = guest_phys_mem.ptr(guest_phys_mem.ctx, page, PAGE);
    if (!*before)
        *before = page_alloc(&phys);
    if (!*before || !now)
        run_end_failure("cpu %u: no memory to keep page %lx while it is stepped", c->index, page);
    memcpy(*before, now, PAGE);
    c->step_pages[c->step_count++] = page;
    c->stepping = true;
    guest_ept_set_local(page, PAGE, EPT_RWX);
    vmwrite(CPU_BASED_VM_EXEC_CONTROL, vmread(CPU_BASED_VM_EXEC_CONTROL) | CPU_MONITOR_TRAP_FLAG);
    /* A watchdog in case the MTF exit never comes (Bochs 2.7 does not
     * deliver it): the VMX-preemption timer, counting 2^IA32_VMX_MISC[4:0]
     * TSC ticks per unit (SDM 26.5.1), ends the step. It starts at two
     * units (one expires before the instruction in Bochs) and doubles each
     * time it fires before the instruction retired — with several CPUs
     * Bochs' TSC runs on while the others execute. On hardware MTF comes
     * first. */
    if (vmx_caps.has_preemption_timer) {
        vmwrite(VMX_PREEMPTION_TIMER_VALUE, MAX(c->step_timer, 2u));
        vmwrite(PIN_BASED_VM_EXEC_CONTROL, vmread(PIN_BASED_VM_EXEC_CONTROL) | PIN_ACTIVATE_PREEMPTION_TIMER);
    }
    /* Hold off interrupts for the one step so no handler runs with the page
     * writable (blocking by STI needs RFLAGS.IF = 1, SDM 26.3.1.5). */
    uint64_t intr = vmread(GUEST_INTERRUPTIBILITY_INFO);
    if ((vmread(GUEST_RFLAGS) & (1u << 9)) && !(intr & INTERRUPTIBILITY_MOV_SS))
        vmwrite(GUEST_INTERRUPTIBILITY_INFO, intr | INTERRUPTIBILITY_STI);
}

void enforce_mem_step_done(struct cpu *c)
{
    vmwrite(CPU_BASED_VM_EXEC_CONTROL, vmread(CPU_BASED_VM_EXEC_CONTROL) & ~CPU_MONITOR_TRAP_FLAG);
    vmwrite(PIN_BASED_VM_EXEC_CONTROL, vmread(PIN_BASED_VM_EXEC_CONTROL) & ~(uint64_t)PIN_ACTIVATE_PREEMPTION_TIMER);
    if (!c->stepping)
        return;
    for (unsigned i = 0; i < c->step_count; i++) {
        guest_ept_set_local(c->step_pages[i], PAGE, EPT_RX);
        enforce_mem_after_step(c, c->step_pages[i], c->step_before[i]);
    }
    c->step_count = 0;
    c->stepping = false;
    world_resume(c);
}

void enforce_step(struct cpu *c, uint64_t gpa, const struct guest_insn *gi)
{
    uint64_t rip = vmread(GUEST_RIP);
    if (first_at(rip))
        hv_log("cpu %u: write to protected page %lx at rip %lx (%s) not emulated: single-stepped%s", c->index,
               ALIGN_DOWN(gpa, PAGE), rip, !gi ? "event delivery" : gi->status ? "undecoded" : insn_mnemonic(&gi->insn),
               nlogged == MAX_LOGGED ? "; further RIPs not logged" : "");
    single_step(c, ALIGN_DOWN(gpa, PAGE), gi);
}
