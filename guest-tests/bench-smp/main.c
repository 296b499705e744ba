/* bench-smp: guest-tests/bench's exit costs measured on the boot CPU while every AP runs
 * busy work that causes no exits, then the latency of VMCALL ARM, which write-protects the
 * policy's ranges, one page each, and so costs the hypervisor one EPT shootdown per range
 * (its exit summary reports their count and cost). Same loops, rounds and output lines as
 * guest-tests/bench ("bench <what> ticks=<N>"). Command line: "cpus=N". */
#include "smp.h"

#define WAIT_MS 10000u

static uint32_t data[MAX_CPUS][4096] __attribute__((aligned(4096))); /* 16 KiB per CPU */
static volatile uint32_t busy, stop;

/* Writes and sums the CPU's own data until the boot CPU says stop: no exits. */
static void ap_main(unsigned cpu)
{
    uint32_t x = cpu, passes = 0, sum = 0;
    atomic_inc(&busy);
    while (!stop) {
        for (uint32_t i = 0; i < 4096; i++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            data[cpu][i] = x;
        }
        for (uint32_t i = 0; i < 4096; i++)
            sum += data[cpu][i];
        passes++;
    }
    printk("cpu %u: %u busy passes, checksum 0x%08x\n", cpu, passes, sum);
}

static void bench(bool hv)
{
    bench_exit_costs(hv);
    if (hv)
        TIMED("arm", 1, bench_arm(hv));
    else
        printk("bench arm ticks=n/a\n");
}

void test_main(struct mb1_info *mbi)
{
    bool hv = hv_present();
    smp_init(mbi);
    printk("bench-smp: %u CPUs, hypervisor %s\n", ncpus, hv ? "present" : "absent");
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        smp_start(cpu, ap_main);
    wait_ge(&busy, ncpus - 1, WAIT_MS, "every AP to start its busy work");
    printk("bench-smp: %u APs busy\n", ncpus - 1);
    bench(hv);
    stop = 1;
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        smp_wait_done(cpu, WAIT_MS);
}
