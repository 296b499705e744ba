/* xAPIC registers are MMIO at the IA32_APIC_BASE address; x2APIC registers
 * are MSRs 800H + offset/16 and the ICR is one 64-bit MSR (SDM Vol 3A
 * 11.12.1, 11.12.9). */
#include "hv/lapic.h"
#include "hv/mm.h"
#include "hv/x86.h"

#define ICR_SEND_PENDING   (1u << 12)
#define SEND_SPINS         1000000

static volatile uint32_t *xapic(uint64_t base)
{
    return mmio_map(base & APIC_BASE_ADDR);
}

uint32_t lapic_id(void)
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
    if (base & APIC_BASE_EXTD)
        return (uint32_t)rdmsr(MSR_X2APIC_ID);
    volatile uint32_t *r = xapic(base);
    return r ? r[XAPIC_ID / 4] >> 24 : cpuid(1, 0).ebx >> 24;
}

static bool xapic_idle(volatile uint32_t *r)
{
    for (unsigned i = 0; i < SEND_SPINS; i++) {
        if (!(r[XAPIC_ICR_LOW / 4] & ICR_SEND_PENDING))
            return true;
        cpu_relax();
    }
    return false;
}

bool lapic_send(uint32_t apic_id, uint32_t icr_low)
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
    if (!(base & APIC_BASE_EN) || (!(base & APIC_BASE_EXTD) && apic_id > 0xFF))
        return false;
    if (base & APIC_BASE_EXTD) {
        wrmsr(MSR_X2APIC_ICR, (uint64_t)apic_id << 32 | icr_low);
        return true;
    }
    /* The guest may be between its own ICR-high and ICR-low writes: put
     * its destination back afterwards. */
    volatile uint32_t *r = xapic(base);
    if (!r || !xapic_idle(r))
        return false;
    uint32_t guest_high = r[XAPIC_ICR_HIGH / 4];
    r[XAPIC_ICR_HIGH / 4] = apic_id << 24;
    r[XAPIC_ICR_LOW / 4] = icr_low;
    bool sent = xapic_idle(r);
    r[XAPIC_ICR_HIGH / 4] = guest_high;
    return sent;
}
