/* bench: TSC ticks per round trip of operations a hypervisor intercepts, and of a fixed
 * compute loop. Bochs advances the TSC once per emulated instruction, so the figures are
 * instruction counts and repeat exactly. Lines: "bench <what> ticks=<N>" (or "n/a").
 * With the argument "benign" it runs only a kernel-like workload instead (boot steps, ARM,
 * data writes, page-table churn, timer interrupts), timed from start to end. */
#include "lib.h"

#define LOGGED 20u /* denied attempts per kind whose records the policy's burst prints */
#define COMPUTE_ITERS 1000000u
#define ATTACK 0x41414141u
/* ./policy protects the first 64 bytes of this page; the rest is unprotected neighbour. */
#define PROTECTED ((volatile uint32_t *)0x400000)
#define NEIGHBOUR ((volatile uint32_t *)0x400800)

#define BENIGN_ROUNDS 32u

/* After ARM: denied writes (records printed while the burst lasts, then suppressed) and
 * writes to unprotected bytes of the protected page. Bare, all of them simply land. */
static void protected_ops(bool hv)
{
    uint32_t before = *PROTECTED;
    TIMED("msr-deny-logged", LOGGED, wrmsr(IA32_SYSENTER_EIP, ATTACK));
    TIMED("mem-deny-logged", LOGGED, *PROTECTED = ATTACK);
    TIMED("msr-deny", BENCH_ROUNDS, wrmsr(IA32_SYSENTER_EIP, ATTACK));
    TIMED("mem-deny", BENCH_ROUNDS, *PROTECTED = ATTACK);
    TIMED("mem-neighbour-first", 1, *NEIGHBOUR = i);
    TIMED("mem-neighbour", BENCH_ROUNDS, *NEIGHBOUR = i);
    uint32_t want_mem = hv ? before : ATTACK, want_msr = hv ? 0 : ATTACK;
    if (*PROTECTED != want_mem || rdmsr(IA32_SYSENTER_EIP) != want_msr || *NEIGHBOUR != BENCH_ROUNDS - 1)
        fail("after the protected writes: memory 0x%x (want 0x%x), SYSENTER_EIP 0x%llx (want 0x%x), "
             "neighbour %u", *PROTECTED, want_mem, rdmsr(IA32_SYSENTER_EIP), want_msr, *NEIGHBOUR);
    /* The neighbour writes are emulated: the page must still be protected. */
    *PROTECTED = ATTACK;
    bool landed = *PROTECTED == ATTACK;
    printk("bench protected write after neighbour writes: %s\n", landed ? "landed" : "blocked");
    if (hv && landed)
        fail("the protected write landed after the neighbour writes");
}

static void bench(bool hv)
{
    bench_exit_costs(hv);

    uint32_t x = 0x12345678, sum = 0;
    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < COMPUTE_ITERS; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        sum += x ^ i;
    }
    bench_report("compute", t0, rdtsc(), 1);
    printk("bench compute checksum=0x%08x\n", sum);

    bench_arm(hv);
    protected_ops(hv);
}

static uint32_t data[16384]; /* 64 KiB of kernel data */


/* No HLT: Bochs advances the TSC over halted time too, and ticks must stay instructions. */
static void benign(bool hv)
{
    uint64_t t0 = rdtsc();
    gdt_install();
    wrmsr(IA32_SYSENTER_CS, SEL_KCODE);
    wrmsr(IA32_SYSENTER_EIP, (uint32_t)benign);
    paging_enable();
    write_cr0(read_cr0() | CR0_WP);
    bench_arm(hv);
    timer_start(1000);
    uint32_t sum = 0;
    for (uint32_t round = 0; round < BENIGN_ROUNDS; round++) {
        sum += work_data_pass(data, ARRAY_SIZE(data), round + 1);
        work_churn(round);
    }
    timer_stop();
    bench_report("benign", t0, rdtsc(), 1);
    printk("bench benign checksum=0x%08x, %u timer ticks\n", sum, timer_ticks);
    if (!timer_ticks)
        fail("no timer interrupt during the benign workload");
}

void test_main(struct mb1_info *mbi)
{
    bool hv = hv_present();
    printk("bench: hypervisor %s\n", hv ? "present" : "absent");
    if (!strcmp(cmdline_args(mbi), "benign"))
        benign(hv);
    else
        bench(hv);
}
