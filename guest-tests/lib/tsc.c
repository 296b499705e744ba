/* TSC delays, calibrated once against a 10 ms one-shot of PIT channel 2. */
#include "smp.h"

#define PIT_HZ 1193182u
#define CAL_MS 10u

uint32_t tsc_per_ms;

void tsc_calibrate(void)
{
    uint32_t count = PIT_HZ * CAL_MS / 1000;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate of channel 2 on, speaker off */
    outb(0x43, 0xB0);                       /* channel 2, lo/hi byte, mode 0 */
    outb(0x42, (uint8_t)count);
    outb(0x42, (uint8_t)(count >> 8));
    uint64_t start = rdtsc();
    for (uint32_t i = 0; !(inb(0x61) & 0x20); i++) /* OUT2: high at terminal count */
        if (i == 1u << 26)
            fail("PIT channel 2 never reached its terminal count");
    tsc_per_ms = (uint32_t)(rdtsc() - start) / CAL_MS;
    if (!tsc_per_ms)
        fail("TSC does not advance");
}

uint64_t tsc_after_ms(uint32_t ms) { return rdtsc() + (uint64_t)tsc_per_ms * ms; }

void delay_us(uint32_t us)
{
    uint64_t end = rdtsc() + (uint64_t)(tsc_per_ms / 1000 + 1) * us;
    while (rdtsc() < end)
        asm volatile("pause");
}
