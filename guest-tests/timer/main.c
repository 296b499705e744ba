/* timer: PIT interrupts reach the guest through its own IDT, and HLT wakes on them. */
#include "lib.h"

#define WAIT_LIMIT 200000000ull /* TSC ticks (instructions under Bochs) */

void test_main(struct mb1_info *mbi)
{
    (void)mbi;
    timer_start(100);
    uint64_t t0 = rdtsc();
    while (timer_ticks < 3 && rdtsc() - t0 < WAIT_LIMIT)
        asm volatile("pause");
    if (timer_ticks < 3)
        fail("only %u timer interrupts arrived", timer_ticks);
    for (uint32_t seen = timer_ticks; timer_ticks < seen + 3;)
        asm volatile("sti; hlt");
    timer_stop();
    printk("timer: %u interrupts\n", timer_ticks);
}
