/* Time-stamp counter: the hypervisor's clock for rate limits and waits. */
#ifndef BULWARK_TSC_H
#define BULWARK_TSC_H

#include "hv/lib.h"

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* TSC ticks per second (CPUID leaf 15H or 16H; 1 GHz when neither says). */
uint64_t tsc_hz(void);
void tsc_delay_us(uint64_t us);

#endif
