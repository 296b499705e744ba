#include "hv/guest_ipi.h"
#include "hv/enforce.h"
#include "hv/event.h"
#include "hv/guest_ept.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "hv/rendezvous.h"
#include "hv/run_end.h"
#include "hv/x86.h"
#include "vmx/exit.h"
#include "vmx/guest_insn.h"
#include "vmx/guest_operand.h"

/* ICR fields (SDM Vol 3A 11.6.1, Figure 11-12) */
#define ICR_MODE(v)          (((v) >> 8) & 7)
#define ICR_MODE_INIT        5
#define ICR_DEST_LOGICAL     (1u << 11)
#define ICR_LEVEL_ASSERT     (1u << 14)
#define ICR_TRIGGER_LEVEL    (1u << 15)
#define ICR_SHORTHAND(v)     (((v) >> 18) & 3)
enum { TO_DEST, TO_SELF, TO_ALL, TO_ALL_BUT_SELF };

static uint64_t apic_page;

void guest_ipi_init(uint64_t apic_phys)
{
    apic_page = apic_phys & ~0xFFFull;
    if (ept_set_perm(&guest_ept, apic_page, 4096, EPT_RX))
        run_end_failure("EPT: cannot write-protect the local APIC page %lx: %s", apic_page, guest_ept.err);
}

/* An INIT after the guest armed restarts a CPU with its control registers
 * and table pins reset: allowed (CPU hot-plug does it) but reported. */
static void report_init(struct cpu *c, const struct cpu *t)
{
    if (!__atomic_load_n(&enforce.hypercall_armed, __ATOMIC_ACQUIRE))
        return;
    struct event e = { .kind = "cpu-init", .resource = "INIT", .value = t->index, .has_value = true,
                       .access = "write", .action = "log" };
    enforce_event_init(c, &e, NULL);
    event_emit(&e);
}

bool guest_ipi_intercept(struct cpu *c, uint32_t icr_low, uint32_t dest, bool x2apic)
{
    if (ICR_MODE(icr_low) != ICR_MODE_INIT)
        return false;
    /* INIT level de-assert only synchronised arbitration IDs on P6-era
     * processors; later ones ignore it (11.6.1). */
    if ((icr_low & ICR_TRIGGER_LEVEL) && !(icr_low & ICR_LEVEL_ASSERT))
        return true;
    unsigned to = ICR_SHORTHAND(icr_low);
    if (to == TO_DEST && (icr_low & ICR_DEST_LOGICAL)) {
        hv_log("cpu %u: INIT with a logical destination sent as written", c->index);
        return false;
    }
    uint32_t broadcast = x2apic ? 0xFFFFFFFFu : 0xFFu;
    for (unsigned i = 0; i < cpu_count; i++) {
        struct cpu *t = &cpus[i];
        bool hit = to == TO_SELF ? t == c
                 : to == TO_ALL ? true
                 : to == TO_ALL_BUT_SELF ? t != c
                 : dest == t->apic_id || dest == broadcast;
        if (hit) {
            report_init(c, t);
            cpu_request(c, t, CPU_REQ_INIT);
        }
    }
    return true;
}

/* APIC registers are written with a 32-bit MOV (11.4.1); anything else is
 * refused with #GP rather than guessed at. */
bool guest_ipi_apic_write(struct cpu *c, uint64_t gpa)
{
    if (!apic_page || (gpa & ~0xFFFull) != apic_page)
        return false;
    struct guest_insn gi;
    uint64_t value;
    if (guest_insn_current(&gi) || gi.insn.op != INSN_OP_MOV || gi.insn.mem_operand_size != 4 ||
        guest_store_value(c, &gi.insn, &value)) {
        hv_log("cpu %u: unsupported write to local APIC register %lx: #GP", c->index, gpa & 0xFFF);
        guest_inject_gp0();
        return true;
    }
    volatile uint32_t *apic = mmio_map(apic_page);
    unsigned off = (unsigned)(gpa & 0xFFC);
    /* The APIC ID is how the hypervisor reaches this CPU: it stays put
     * (writable only on some processors, SDM 11.4.6). */
    bool xapic_mode = !(rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_EXTD);   /* else MMIO reaches no register */
    if (off != XAPIC_ID && (off != XAPIC_ICR_LOW || !xapic_mode ||
                            !guest_ipi_intercept(c, (uint32_t)value, apic[XAPIC_ICR_HIGH / 4] >> 24, false)))
        apic[off / 4] = (uint32_t)value;
    guest_advance_rip(gi.insn.length);
    return true;
}
