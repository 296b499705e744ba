/* Bounded waits between CPUs: a counter reaching a value, and a reusable barrier. */
#include "smp.h"

void wait_ge(volatile uint32_t *p, uint32_t v, uint32_t ms, const char *what)
{
    for (uint64_t end = tsc_after_ms(ms); *p < v; cpu_relax())
        if (rdtsc() > end)
            fail("timed out after %u ms waiting for %s (%u, want %u)", ms, what, *p, v);
}

void barrier_wait(struct barrier *b, unsigned n, uint32_t ms, const char *what)
{
    uint32_t phase = b->phase;
    if (atomic_inc(&b->count) == n) {
        __atomic_store_n(&b->count, 0, __ATOMIC_SEQ_CST);
        atomic_inc(&b->phase);
        return;
    }
    for (uint64_t end = tsc_after_ms(ms); b->phase == phase; cpu_relax())
        if (rdtsc() > end)
            fail("timed out after %u ms at barrier %s (%u of %u CPUs)", ms, what, b->count, n);
}
