/* Keeping every CPU's view of the shared EPT current, and stopping the
 * other CPUs for the few instructions that must run alone. No lock on the
 * exit path: each CPU publishes in_guest/ept_gen/parked in its struct cpu
 * and an initiator waits on those, kicking CPUs in guest mode with an NMI.
 * The ordering argument is in docs/architecture.md ("EPT shootdown"). */
#ifndef BULWARK_RENDEZVOUS_H
#define BULWARK_RENDEZVOUS_H

#include "hv/cpu.h"

/* After an EPT permission change: every CPU has flushed its cached
 * translations (INVEPT) or is outside guest mode and flushes before it
 * enters again, when this returns. */
void ept_shootdown(struct cpu *me);
/* Every other CPU is held outside guest mode until world_resume(). */
void world_stop(struct cpu *me);
void world_resume(struct cpu *me);

/* Send c an NMI so it leaves guest mode (and its next entry looks at its
 * flags); the NMI is marked as the hypervisor's, not forwarded. */
void cpu_kick(struct cpu *c);
/* Work a CPU must do itself, on its own VMCS, at its next VM entry. */
enum {
    CPU_REQ_INIT = 1u << 0,        /* the guest sent it an INIT (hv/guest_ipi.c) */
    CPU_REQ_ARM_TABLES = 1u << 1,  /* protect the descriptor tables it has loaded */
};
/* Ask t for `req`, kick it out of guest mode and wait until it is done and
 * back in guest mode. A CPU waiting for SIPI has nothing loaded and nothing
 * to reset: the request is dropped. A request to oneself is only recorded. */
void cpu_request(struct cpu *from, struct cpu *t, uint32_t req);
/* Do the requests in `which` pending for c, on its own VMCS: the entry
 * path serves all; a CPU waiting for another serves CPU_REQ_ARM_TABLES
 * meanwhile, so two CPUs asking each other never wait in a circle
 * (vmx/exit_dispatch.c). */
void cpu_serve_requests(struct cpu *c, uint32_t which);
/* Entry path: c finished `req`. */
void cpu_requests_done(struct cpu *c, uint32_t req);
/* Exit path: this CPU has left guest mode. */
static inline void cpu_left_guest(struct cpu *c) { __atomic_store_n(&c->in_guest, false, __ATOMIC_SEQ_CST); }
/* Entry path, last step before VMLAUNCH/VMRESUME: wait while another CPU
 * holds the world stopped, then flush stale EPT translations. The common
 * case — nothing to wait for or flush — is inline. */
extern volatile uint64_t ept_generation;
extern volatile int world_owner;
extern volatile bool run_stopping;
void cpu_enter_guest_slow(struct cpu *c);
static inline void cpu_enter_guest(struct cpu *c)
{
    __atomic_store_n(&c->in_guest, true, __ATOMIC_SEQ_CST);
    int owner = __atomic_load_n(&world_owner, __ATOMIC_SEQ_CST);
    if (__builtin_expect(__atomic_load_n(&run_stopping, __ATOMIC_SEQ_CST) || (owner >= 0 && owner != (int)c->index) ||
                         __atomic_load_n(&ept_generation, __ATOMIC_SEQ_CST) != c->ept_gen, 0))
        cpu_enter_guest_slow(c);
}
/* An NMI that reached the hypervisor (in root mode, or as an NMI exit).
 * Returns true when it was the guest's and must be delivered to it. */
bool cpu_nmi(struct cpu *c);

/* End of the run: every other CPU halts (kicked by NMI, or at its next
 * entry or wait) and never enters the guest again. */
void cpu_stop_others(void);

/* Log how many shootdowns and stops there were and what they cost. */
void rendezvous_report(void);

static inline struct cpu *this_cpu(void)
{
    struct cpu *c;
    __asm__ volatile("mov %%gs:%c1, %0" : "=r"(c) : "i"(__builtin_offsetof(struct cpu, self)));
    return c;
}

#endif
