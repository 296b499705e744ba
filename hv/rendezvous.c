/* EPT shootdown and stop-the-world, built on per-CPU flags.
 *
 * Entry: a CPU sets in_guest (sequentially consistent), then reads the
 * world owner and the EPT generation. An initiator writes the generation
 * (or the owner), then reads in_guest. Of two such store-then-load pairs at
 * least one sees the other's store, so either the entering CPU sees the
 * new generation and flushes, or the initiator sees in_guest and kicks it
 * with an NMI. The NMI either exits the guest (in_guest drops) or lands in
 * root mode before VMRESUME, where the NMI handler itself flushes or parks. */
#include "hv/rendezvous.h"
#include "ept/invept.h"
#include "hv/guest_ept.h"
#include "hv/lapic.h"
#include "hv/log.h"
#include "hv/run_end.h"
#include "hv/tsc.h"
#include "hv/x86.h"


volatile uint64_t ept_generation;
volatile int world_owner = -1;
volatile bool run_stopping;   /* the run is over: halt instead of entering the guest */

static void halt_if_stopping(void)
{
    if (__atomic_load_n(&run_stopping, __ATOMIC_SEQ_CST))
        cpu_halt_forever();
}

void cpu_stop_others(void)
{
    if (__atomic_exchange_n(&run_stopping, true, __ATOMIC_SEQ_CST))
        return;
    struct cpu *me = this_cpu();
    for (unsigned i = 0; i < cpu_count; i++)
        if (&cpus[i] != me)
            lapic_send(cpus[i].apic_id, ICR_NMI);
}

/* Cost of the shootdowns and stops, in TSC ticks, for the exit summary. */
static struct wait_stats {
    volatile uint64_t count, ticks, max;
} shootdowns, stops;

static void account(struct wait_stats *w, uint64_t start)
{
    uint64_t t = rdtsc() - start, max = w->max;
    __atomic_fetch_add(&w->count, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&w->ticks, t, __ATOMIC_RELAXED);
    while (t > max && !__atomic_compare_exchange_n(&w->max, &max, t, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
}

static void report(const char *what, const struct wait_stats *w)
{
    if (w->count)
        hv_log("%s: %lu, mean %lu max %lu TSC ticks with %u CPUs", what, w->count, w->ticks / w->count, w->max,
               cpu_count);
}

void rendezvous_report(void)
{
    report("EPT shootdowns", &shootdowns);
    report("world stops", &stops);
}

static void flush_if_stale(struct cpu *c)
{
    uint64_t gen = __atomic_load_n(&ept_generation, __ATOMIC_SEQ_CST);
    uint64_t seen = __atomic_load_n(&c->ept_gen, __ATOMIC_ACQUIRE);
    if (seen >= gen)
        return;
    invept_single_context(ept_eptp(&guest_ept));
    /* Never move backwards: an NMI may have flushed for a later generation
     * between the load and this store. */
    while (seen < gen && !__atomic_compare_exchange_n(&c->ept_gen, &seen, gen, false, __ATOMIC_RELEASE,
                                                      __ATOMIC_ACQUIRE))
        ;
}

static bool owned_by_other(const struct cpu *c)
{
    int owner = __atomic_load_n(&world_owner, __ATOMIC_SEQ_CST);
    return owner >= 0 && owner != (int)c->index;
}

void cpu_kick(struct cpu *c)
{
    /* One NMI per mark: a second NMI while one is in flight would reach
     * the guest unmarked. */
    if (__atomic_exchange_n(&c->kicked, true, __ATOMIC_SEQ_CST))
        return;
    if (!lapic_send(c->apic_id, ICR_NMI)) {
        __atomic_store_n(&c->kicked, false, __ATOMIC_SEQ_CST);
        hv_log("cpu %u: cannot send an NMI to cpu %u (local APIC disabled or busy)", this_cpu()->index, c->index);
    }
}

/* Wait until `done(c)` holds for every other CPU, kicking those that run
 * guest code. A CPU that never answers ends the run: protection can no
 * longer be guaranteed. */
static void wait_others(struct cpu *me, bool (*done)(const struct cpu *, uint64_t), uint64_t arg, const char *what)
{
    for (unsigned i = 0; i < cpu_count; i++)
        if (&cpus[i] != me && !done(&cpus[i], arg))
            cpu_kick(&cpus[i]);
    for (unsigned i = 0; i < cpu_count; i++) {
        struct cpu *c = &cpus[i];
        uint64_t start = rdtsc();
        while (c != me && !done(c, arg)) {
            halt_if_stopping();
            if (rdtsc() - start > tsc_hz())   /* a second */
                run_end_failure("cpu %u did not answer %s from cpu %u", c->index, what, me->index);
            cpu_relax();
        }
    }
}

static bool outside_guest(const struct cpu *c)
{
    return !__atomic_load_n(&c->in_guest, __ATOMIC_SEQ_CST) || c->waiting_sipi;
}

/* A parked CPU runs no guest code and flushes before it leaves the park. */
static bool flushed(const struct cpu *c, uint64_t gen)
{
    return outside_guest(c) || __atomic_load_n(&c->parked, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&c->ept_gen, __ATOMIC_ACQUIRE) >= gen;
}

static bool stopped(const struct cpu *c, uint64_t unused)
{
    (void)unused;
    return outside_guest(c) || __atomic_load_n(&c->parked, __ATOMIC_ACQUIRE);
}

void ept_shootdown(struct cpu *me)
{
    uint64_t start = rdtsc();
    uint64_t gen = __atomic_add_fetch(&ept_generation, 1, __ATOMIC_SEQ_CST);
    flush_if_stale(me);
    wait_others(me, flushed, gen, "an EPT shootdown");
    account(&shootdowns, start);
}

void world_stop(struct cpu *me)
{
    uint64_t start = rdtsc();
    int none = -1;
    while (!__atomic_compare_exchange_n(&world_owner, &none, (int)me->index, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST)) {
        none = -1;
        cpu_relax();
    }
    wait_others(me, stopped, 0, "a stop request");
    account(&stops, start);
}

void world_resume(struct cpu *me)
{
    (void)me;
    __atomic_store_n(&world_owner, -1, __ATOMIC_SEQ_CST);
}

void cpu_request(struct cpu *from, struct cpu *t, uint32_t req)
{
    __atomic_fetch_or(&t->requests, req, __ATOMIC_SEQ_CST);
    if (t == from)
        return;
    for (uint64_t start = rdtsc();; cpu_relax()) {
        /* Waiting for SIPI in guest mode (not merely reset in root mode,
         * where a SIPI would be lost). */
        if (t->waiting_sipi && __atomic_load_n(&t->in_guest, __ATOMIC_SEQ_CST)) {
            __atomic_fetch_and(&t->requests, ~req, __ATOMIC_SEQ_CST);
            return;
        }
        halt_if_stopping();
        /* Two CPUs asking each other: the sender is reset anyway (INIT), or
         * protects its tables now. */
        if (__atomic_load_n(&from->requests, __ATOMIC_SEQ_CST) & CPU_REQ_INIT)
            return;
        if (!from->stepping)
            cpu_serve_requests(from, CPU_REQ_ARM_TABLES);
        bool pending = __atomic_load_n(&t->requests, __ATOMIC_SEQ_CST) & req;
        bool running = __atomic_load_n(&t->in_guest, __ATOMIC_SEQ_CST);
        if (!pending && running)
            return;
        if (rdtsc() - start > tsc_hz())   /* a second */
            run_end_failure("cpu %u did not answer a request from cpu %u", t->index, from->index);
        if (pending && running && !__atomic_load_n(&t->kicked, __ATOMIC_SEQ_CST))
            cpu_kick(t);
    }
}

void cpu_requests_done(struct cpu *c, uint32_t req) { __atomic_fetch_and(&c->requests, ~req, __ATOMIC_SEQ_CST); }


static void park(struct cpu *c)
{
    __atomic_store_n(&c->parked, true, __ATOMIC_SEQ_CST);
    while (owned_by_other(c)) {
        halt_if_stopping();
        cpu_relax();
    }
    flush_if_stale(c);
    __atomic_store_n(&c->parked, false, __ATOMIC_SEQ_CST);
}

void cpu_enter_guest_slow(struct cpu *c)
{
    for (;;) {
        halt_if_stopping();
        __atomic_store_n(&c->in_guest, true, __ATOMIC_SEQ_CST);
        if (!owned_by_other(c))
            break;
        __atomic_store_n(&c->in_guest, false, __ATOMIC_SEQ_CST);
        while (owned_by_other(c)) {
            halt_if_stopping();
            cpu_relax();
        }
    }
    flush_if_stale(c);
}

bool cpu_nmi(struct cpu *c)
{
    halt_if_stopping();
    bool ours = __atomic_exchange_n(&c->kicked, false, __ATOMIC_SEQ_CST);
    /* Between cpu_enter_guest and VMRESUME: act here, the entry will not
     * look again. */
    if (__atomic_load_n(&c->in_guest, __ATOMIC_SEQ_CST)) {
        flush_if_stale(c);
        if (owned_by_other(c))
            park(c);
    }
    return !ours;
}
