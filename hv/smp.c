#include "hv/smp.h"
#include "hv/acpi.h"
#include "hv/enforce_dt.h"
#include "hv/gdt.h"
#include "hv/guest_ept.h"
#include "hv/idt.h"
#include "hv/lapic.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "hv/run_end.h"
#include "hv/tsc.h"
#include "hv/x86.h"
#include "vmx/caps.h"
#include "vmx/vmcs_init.h"

#define PAGE 4096u
#define LOW_MEMORY_END 0xA0000u   /* conventional memory; the SIPI vector is a page number below 1 MiB */
#define EFER_LMA (1ull << 10)

enum { AP_OFF, AP_RUNNING, AP_READY, AP_FAILED };

struct ap_params {
    uint64_t cr3, efer, stack, arg, entry;
};

extern const char ap_trampoline_start[], ap_trampoline_end[], ap_trampoline_params[];

void ap_entry(struct cpu *c);
void ap_entry(struct cpu *c)
{
    gdt_init(c);
    idt_load();
    __atomic_store_n(&c->boot_state, AP_RUNNING, __ATOMIC_RELEASE);   /* off the trampoline */
    enforce_dt_cpu_reset(c);   /* in the INIT state: pins at its first table loads */
    const char *bad = vmx_enable(c);
    if (!bad)
        bad = vmcs_init(c, ept_eptp(&guest_ept), NULL);
    if (bad) {
        hv_log("VMX setup on cpu %u: %s", c->index, bad);
        __atomic_store_n(&c->boot_state, AP_FAILED, __ATOMIC_RELEASE);
        cpu_halt_forever();
    }
    __atomic_store_n(&c->boot_state, AP_READY, __ATOMIC_RELEASE);
    vmx_launch(c);
}

/* A page of conventional memory, above the real-mode IVT and BIOS data. */
static uint64_t trampoline_page(const struct boot_info *bi)
{
    for (unsigned i = 0; i < bi->region_count; i++) {
        const struct mem_region *r = &bi->regions[i];
        if (r->type != MEM_AVAILABLE)
            continue;
        uint64_t lo = MAX(ALIGN_UP(r->base, PAGE), 0x1000), hi = MIN(r->base + r->len, LOW_MEMORY_END);
        if (lo + PAGE <= hi)
            return lo;
    }
    return 0;
}

static bool wait_state(struct cpu *c, int state, uint64_t us)
{
    uint64_t start = rdtsc(), ticks = tsc_hz() / 1000000 * us;
    while (__atomic_load_n(&c->boot_state, __ATOMIC_ACQUIRE) < state) {
        if (rdtsc() - start > ticks)
            return false;
        cpu_relax();
    }
    return true;
}

/* SDM Vol 3A 9.4.4.1: INIT, 10 ms, SIPI, 200 us, SIPI if the AP did not
 * answer. */
static void start_one(struct cpu *c, uint8_t vector)
{
    if (!lapic_send(c->apic_id, ICR_INIT | ICR_LEVEL_ASSERT))
        run_end_failure("cpu %u (APIC ID %u): INIT not sent", c->index, c->apic_id);
    tsc_delay_us(10000);
    for (unsigned sipi = 0; sipi < 2 && !wait_state(c, AP_RUNNING, sipi ? 200000 : 0); sipi++)
        lapic_send(c->apic_id, ICR_STARTUP | vector);
    if (!wait_state(c, AP_RUNNING, 200000))
        run_end_failure("cpu %u (APIC ID %u) did not answer INIT-SIPI-SIPI", c->index, c->apic_id);
    if (!wait_state(c, AP_READY, 1000000) || c->boot_state == AP_FAILED)
        run_end_failure("cpu %u (APIC ID %u) could not enter VMX operation", c->index, c->apic_id);
}

void smp_start_aps(const struct boot_info *bi)
{
    cpus[0].apic_id = lapic_id();
    unsigned aps = 0;
    for (unsigned i = 0; i < acpi_cpus.count; i++)
        aps += acpi_cpus.cpu[i].apic_id != cpus[0].apic_id;
    if (!aps)
        return;
    if (!vmx_caps.has_wait_for_sipi)
        run_end_failure("%u APs, but IA32_VMX_MISC offers no wait-for-SIPI state to hold them in", aps);
    if (aps >= MAX_CPUS)
        run_end_failure("%u CPUs, more than the %u Bulwark supports", aps + 1, MAX_CPUS);
    uint64_t page = trampoline_page(bi);
    if (!page)
        run_end_failure("no free page below 640 KiB for the AP start-up code");

    /* The page may hold guest data already (boot information): keep it. */
    static uint8_t saved[PAGE];
    uint8_t *tramp = phys_to_virt(page);
    size_t len = (size_t)(ap_trampoline_end - ap_trampoline_start);
    memcpy(saved, tramp, PAGE);
    memcpy(tramp, ap_trampoline_start, len);
    struct ap_params *params = (struct ap_params *)(tramp + (ap_trampoline_params - ap_trampoline_start));
    params->cr3 = read_cr3();
    params->efer = rdmsr(MSR_IA32_EFER) & ~EFER_LMA;
    params->entry = (uint64_t)ap_entry;

    for (unsigned i = 0; i < acpi_cpus.count; i++) {
        uint32_t id = acpi_cpus.cpu[i].apic_id;
        if (id == cpus[0].apic_id)
            continue;
        struct cpu *c = &cpus[cpu_count];
        c->self = c;
        c->index = cpu_count;
        c->apic_id = id;
        params->stack = (uint64_t)(c->host_stack + sizeof(c->host_stack));
        params->arg = (uint64_t)c;
        start_one(c, (uint8_t)(page >> 12));
        cpu_count++;
    }
    memcpy(tramp, saved, PAGE);
    hv_log("%u CPUs virtualized; APs wait for the guest's INIT-SIPI-SIPI", cpu_count);
}
