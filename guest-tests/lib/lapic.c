/* The local APIC in the mode IA32_APIC_BASE shows for this CPU: xAPIC registers are MMIO
 * at the base address (paging.c maps it uncached); x2APIC registers are MSRs 800H +
 * offset/16, the ICR one 64-bit MSR (SDM Vol 3A 11.12.1). */
#include "smp.h"

#define IA32_APIC_BASE 0x1B
#define APIC_BASE_X2APIC (1u << 10)
#define APIC_BASE_ENABLE (1u << 11)
#define X2APIC_MSR(reg) (0x800u + (reg) / 16)
#define CPUID1_ECX_X2APIC (1u << 21)
#define REG_ID 0x20
#define REG_EOI 0xB0
#define REG_SVR 0xF0
#define REG_ICR_LO 0x300
#define REG_ICR_HI 0x310
#define REG_LVT_TIMER 0x320
#define REG_TIMER_INIT 0x380
#define REG_TIMER_DIV 0x3E0
#define ICR_PENDING (1u << 12)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define SVR_ENABLE (1u << 8)

static volatile uint32_t *apic;
static bool want_x2apic;

bool lapic_x2apic(void) { return rdmsr(IA32_APIC_BASE) & APIC_BASE_X2APIC; }

static uint32_t rd(unsigned reg)
{
    return lapic_x2apic() ? (uint32_t)rdmsr(X2APIC_MSR(reg)) : apic[reg / 4];
}

static void wr(unsigned reg, uint32_t v)
{
    if (lapic_x2apic())
        wrmsr(X2APIC_MSR(reg), v);
    else
        apic[reg / 4] = v;
}

void lapic_init(bool x2apic)
{
    uint32_t r[4];
    uint64_t base = rdmsr(IA32_APIC_BASE);
    if (!(base & APIC_BASE_ENABLE) || (base & APIC_BASE_X2APIC))
        fail("local APIC not in xAPIC mode: IA32_APIC_BASE 0x%llx", base);
    cpuid(1, 0, r);
    if (x2apic && !(r[2] & CPUID1_ECX_X2APIC))
        fail("x2APIC requested, but CPUID.1:ECX[21] is clear");
    apic = (volatile uint32_t *)((uint32_t)base & 0xFFFFF000u);
    want_x2apic = x2apic;
}

uint32_t lapic_id(void) { return lapic_x2apic() ? rd(REG_ID) : rd(REG_ID) >> 24; }

void lapic_enable(void)
{
    uint64_t base = rdmsr(IA32_APIC_BASE);
    if (want_x2apic && !(base & APIC_BASE_X2APIC)) {
        wrmsr(IA32_APIC_BASE, base | APIC_BASE_X2APIC); /* xAPIC -> x2APIC (11.12.5) */
        if (!lapic_x2apic())
            fail("IA32_APIC_BASE 0x%llx: x2APIC mode did not take", rdmsr(IA32_APIC_BASE));
    }
    wr(REG_SVR, SVR_ENABLE | VEC_APIC_SPURIOUS);
}

static void wait_idle(void)
{
    for (uint64_t end = tsc_after_ms(100); rd(REG_ICR_LO) & ICR_PENDING;)
        if (rdtsc() > end)
            fail("IPI still pending after 100 ms (ICR 0x%x)", rd(REG_ICR_LO));
}

/* x2APIC: one write, destination in bits 63:32, no delivery status to wait on (11.12.9). */
void lapic_send(uint32_t apic_id, uint32_t icr)
{
    if (lapic_x2apic()) {
        wrmsr(X2APIC_MSR(REG_ICR_LO), (uint64_t)apic_id << 32 | icr);
        return;
    }
    wait_idle();
    wr(REG_ICR_HI, apic_id << 24);
    wr(REG_ICR_LO, icr);
    wait_idle();
}

static void timer_tick(void)
{
    cpus[cpu_self()].ticks++;
    wr(REG_EOI, 0);
}

void lapic_timer_start(uint32_t count)
{
    apic_timer_set_handler(timer_tick);
    wr(REG_TIMER_DIV, 0xB); /* divide by 1 */
    wr(REG_LVT_TIMER, LVT_PERIODIC | VEC_APIC_TIMER);
    wr(REG_TIMER_INIT, count);
}

void lapic_timer_stop(void)
{
    wr(REG_LVT_TIMER, LVT_MASKED);
    wr(REG_TIMER_INIT, 0);
}
