#include "hv/run_end.h"
#include "hv/cpu.h"
#include "hv/event.h"
#include "hv/guest_ept.h"
#include "hv/idt.h"
#include "hv/log.h"
#include "hv/rendezvous.h"
#include "vmx/diag.h"

static void exit_summary(void)
{
    event_flush_suppressed();
    hv_log("EPT at exit: %lu table pages, %lu 1G and %lu 2M pages split since boot",
           guest_ept.table_pages, guest_ept.splits_1g, guest_ept.splits_2m);
    rendezvous_report();
    for (unsigned i = 0; i < MAX_CPUS; i++) {
        const struct cpu *c = &cpus[i];
        if (!c->launched)
            continue;
        hv_log("cpu %u intercepted %lu exits:", i, c->exits_total);
        for (unsigned r = 0; r < EXIT_REASON_MAX; r++)
            if (c->exit_count[r])
                hv_log("  %-26s %lu", vmx_exit_reason_name(r), c->exit_count[r]);
    }
}

void run_end_guest_exit(uint32_t value)
{
    exit_summary();
    hv_log("RESULT guest-exit value=%u status=%u", value, (value << 1) | 1);
    hv_shutdown();
}

void run_end_triple_fault(void)
{
    exit_summary();
    hv_log("RESULT triple-fault");
    hv_shutdown();
}

void run_end_failure(const char *fmt, ...)
{
    char why[160];
    va_list ap;
    va_start(ap, fmt);
    bw_vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    exit_summary();
    hv_log("RESULT hv-failure %s", why);
    hv_shutdown();
}
