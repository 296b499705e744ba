/* The local APIC in xAPIC mode: MMIO at the IA32_APIC_BASE address (paging.c maps it
 * uncached). */
#include "smp.h"

#define IA32_APIC_BASE 0x1B
#define APIC_BASE_X2APIC (1u << 10)
#define APIC_BASE_ENABLE (1u << 11)
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

static uint32_t rd(unsigned reg) { return apic[reg / 4]; }
static void wr(unsigned reg, uint32_t v) { apic[reg / 4] = v; }

void lapic_init(void)
{
    uint64_t base = rdmsr(IA32_APIC_BASE);
    if (!(base & APIC_BASE_ENABLE) || (base & APIC_BASE_X2APIC))
        fail("local APIC not in xAPIC mode: IA32_APIC_BASE 0x%llx", base);
    apic = (volatile uint32_t *)((uint32_t)base & 0xFFFFF000u);
}

uint32_t lapic_id(void) { return rd(REG_ID) >> 24; }

void lapic_enable(void) { wr(REG_SVR, SVR_ENABLE | VEC_APIC_SPURIOUS); }

static void wait_idle(void)
{
    for (uint64_t end = tsc_after_ms(100); rd(REG_ICR_LO) & ICR_PENDING;)
        if (rdtsc() > end)
            fail("IPI still pending after 100 ms (ICR 0x%x)", rd(REG_ICR_LO));
}

void lapic_send(uint32_t apic_id, uint32_t icr)
{
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
