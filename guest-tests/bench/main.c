/* bench: TSC ticks per round trip of operations a hypervisor intercepts, and of a fixed
 * compute loop. Bochs advances the TSC once per emulated instruction, so the figures are
 * instruction counts and repeat exactly. Lines: "bench <what> ticks=<N>" (or "n/a"). */
#include "lib.h"

#define ROUNDS 2000u
#define COMPUTE_ITERS 1000000u

static void report(const char *what, uint64_t t0, uint64_t t1, uint32_t n)
{
    printk("bench %s ticks=%u\n", what, (uint32_t)(t1 - t0) / n);
}

void test_main(struct mb1_info *mbi)
{
    (void)mbi;
    bool hv = hv_present();
    printk("bench: hypervisor %s\n", hv ? "present" : "absent");
    uint32_t r[4];
    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < ROUNDS; i++)
        cpuid(0, 0, r);
    report("cpuid", t0, rdtsc(), ROUNDS);

    t0 = rdtsc();
    for (uint32_t i = 0; i < ROUNDS; i++)
        wrmsr(IA32_SYSENTER_EIP, i);
    report("wrmsr", t0, rdtsc(), ROUNDS);
    wrmsr(IA32_SYSENTER_EIP, 0);

    if (hv) {
        t0 = rdtsc();
        for (uint32_t i = 0; i < ROUNDS; i++) {
            struct vmcall_regs v = { VMCALL_PING, 0, 0, 0 };
            vmcall(&v);
        }
        report("vmcall", t0, rdtsc(), ROUNDS);
    } else {
        printk("bench vmcall ticks=n/a\n");
    }

    uint32_t x = 0x12345678, sum = 0;
    t0 = rdtsc();
    for (uint32_t i = 0; i < COMPUTE_ITERS; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        sum += x ^ i;
    }
    report("compute", t0, rdtsc(), 1);
    printk("bench compute checksum=0x%08x\n", sum);
}
