/* smp-race: an AP writes an incrementing counter in a tight loop to a page that a memory
 * rule (policy: gpa 0x600000+4K, armed on the hypercall) protects from HC_ARM on. The boot
 * CPU arms while the writes fly, reads the counter as soon as ARM returns, waits, and
 * reads it again: once ARM has returned no write may land (enforce), though the AP keeps
 * trying. A write landing late — an AP whose view of guest memory was not updated before
 * ARM returned — fails the run. Command line: "enforce|audit cpus=2". */
#include "smp.h"

#define RACE_PA   0x00600000u /* the policy's gpa rule */
#define WAIT_MS   30000u
#define SETTLE_MS 200u
#define WARM_UP   1000u       /* writes that must land before arming */

static volatile uint32_t attempts, stop;

static void writer(unsigned cpu)
{
    volatile uint32_t *counter = (volatile uint32_t *)RACE_PA;
    uint64_t end = tsc_after_ms(WAIT_MS);
    for (uint32_t i = 1; !stop; i++) {
        *counter = i;
        attempts = i;
        if (rdtsc() > end)
            fail("cpu %u: the writer was never told to stop", cpu);
    }
}

void test_main(struct mb1_info *mbi)
{
    volatile uint32_t *counter = (volatile uint32_t *)RACE_PA;
    prot_init(mbi, "smp-race");
    smp_init(mbi);
    if (ncpus != 2)
        fail("smp-race runs on two CPUs, not %u", ncpus);
    *counter = 0;
    smp_start(1, writer);
    wait_ge(counter, WARM_UP, WAIT_MS, "the AP's writes to land");
    bool armed = prot_arm_quiet();   /* reported once the AP is quiet: records fly meanwhile */
    uint32_t at_arm = *counter, tried_at_arm = attempts;
    delay_us(SETTLE_MS * 1000);
    uint32_t later = *counter, tried_later = attempts;
    stop = 1;
    smp_wait_done(1, WAIT_MS);
    prot_report_arm(armed);
    printk("smp-race: counter 0x%x at ARM's return, 0x%x %u ms later; the AP tried %u more writes\n",
           at_arm, later, SETTLE_MS, tried_later - tried_at_arm);
    if (tried_later - tried_at_arm < 2)
        fail("the AP made only %u attempts after ARM", tried_later - tried_at_arm);
    prot_outcome("race-write", later != at_arm);
}
