#include "hv/tsc.h"
#include "hv/x86.h"

/* SDM Vol 3B 19.7.3: crystal clock times the TSC/crystal ratio (leaf 15H),
 * else the processor base frequency in MHz (leaf 16H). */
uint64_t tsc_hz(void)
{
    static uint64_t hz;
    if (hz)
        return hz;
    uint64_t f = 1000000000;
    if (cpuid(0, 0).eax >= 0x15) {
        struct cpuid_regs r = cpuid(0x15, 0);
        if (r.eax && r.ebx && r.ecx)
            f = (uint64_t)r.ecx * r.ebx / r.eax;
        else if (cpuid(0, 0).eax >= 0x16 && (cpuid(0x16, 0).eax & 0xFFFF))
            f = (uint64_t)(cpuid(0x16, 0).eax & 0xFFFF) * 1000000;
    }
    hz = f;
    return f;
}

void tsc_delay_us(uint64_t us)
{
    uint64_t start = rdtsc(), ticks = tsc_hz() / 1000000 * us;
    while (rdtsc() - start < ticks)
        cpu_relax();
}
