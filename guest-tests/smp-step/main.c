/* smp-step: after arming, an AP makes writes the hypervisor cannot emulate (SETcc) beside
 * 16 protected bytes, while the boot CPU works on. Each is single-stepped with every other
 * CPU held outside guest mode and must land; then a write to the protected bytes must
 * still be blocked, from either CPU (the step gave the page back its protection).
 * Command line: "enforce cpus=2". */
#include "smp.h"

#define PAGE_PA   0x00600000u /* the policy's gpa rule covers its first 16 bytes */
#define BESIDE    (PAGE_PA + 0x800u)
#define WRITES    8u
#define WAIT_MS   30000u

static volatile uint32_t go, written;

static void stepper(unsigned cpu)
{
    wait_ge(&go, 1, WAIT_MS, "the boot CPU to arm");
    volatile uint8_t *b = (volatile uint8_t *)BESIDE;
    for (uint32_t i = 0; i < WRITES; i++) {
        *b = 0;
        __asm__ volatile("stc; setc %0" : "=m"(*b) :: "cc");
        if (*b != 1)
            fail("cpu %u: SETC beside the protected bytes left 0x%x", cpu, *b);
        written = i + 1;
    }
}

void test_main(struct mb1_info *mbi)
{
    volatile uint32_t *guarded = (volatile uint32_t *)PAGE_PA;
    prot_init(mbi, "smp-step");
    smp_init(mbi);
    if (ncpus != 2)
        fail("smp-step runs on two CPUs, not %u", ncpus);
    *guarded = 0x600DF00D;
    smp_start(1, stepper);
    prot_arm();
    go = 1;
    uint32_t rounds = 0;
    for (uint64_t end = tsc_after_ms(WAIT_MS); written < WRITES; rounds++) {
        work_data_pass((uint32_t *)(PAGE_PA + 0x100000u), 1024, rounds + 1);
        if (rdtsc() > end)
            fail("the AP made %u of %u stepped writes", written, WRITES);
    }
    smp_wait_done(1, WAIT_MS);
    printk("smp-step: %u stepped writes landed on cpu 1 while cpu 0 worked (%u rounds)\n", written, rounds);
    *guarded = 0xBAD;
    prot_outcome("guarded-write", *guarded != 0x600DF00D);
}
