/* Timing helpers of the bench kernels: "bench <what> ticks=<N>" lines, and the
 * exit round trips every bench measures the same way. */
#include "lib.h"

void bench_report(const char *what, uint64_t t0, uint64_t t1, uint32_t n)
{
    printk("bench %s ticks=%u\n", what, (uint32_t)(t1 - t0) / n);
}

void bench_arm(bool hv)
{
    struct vmcall_regs v = { VMCALL_ARM, 0, 0, 0 };
    if (hv && (vmcall(&v) >= 0 || v.ax))
        fail("VMCALL ARM: status 0x%x", v.ax);
}

void bench_exit_costs(bool hv)
{
    uint32_t r[4];
    TIMED("cpuid", BENCH_ROUNDS, cpuid(0, 0, r));
    TIMED("wrmsr", BENCH_ROUNDS, wrmsr(IA32_SYSENTER_EIP, i)); /* guarded, not armed yet */
    wrmsr(IA32_SYSENTER_EIP, 0);
    if (hv) {
        struct vmcall_regs v;
        TIMED("vmcall", BENCH_ROUNDS, (v = (struct vmcall_regs){ VMCALL_PING, 0, 0, 0 }, vmcall(&v)));
    } else {
        printk("bench vmcall ticks=n/a\n");
    }
}
