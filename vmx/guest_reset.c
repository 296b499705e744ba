#include "vmx/guest_reset.h"
#include "hv/x86.h"
#include "vmx/guest_cr.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"
#include "vmx/vpid.h"

#define AR_CODE_REAL  0x9B            /* present, S, execute/read, accessed */
#define AR_DATA_REAL  0x93            /* present, S, read/write, accessed */
#define AR_LDT        0x82
#define AR_TSS_BUSY   0x8B

/* Segment registers in VMCS order: ES CS SS DS FS GS LDTR TR; the
 * selector, limit, access-rights and base fields of register i are at
 * the ES field + 2i (SDM Appendix B). */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

static void set_segment(unsigned i, uint16_t sel, uint64_t base, uint32_t ar)
{
    vmwrite(GUEST_ES_SELECTOR + 2 * i, sel);
    vmwrite(GUEST_ES_BASE + 2 * i, base);
    vmwrite(GUEST_ES_LIMIT + 2 * i, 0xFFFF);
    vmwrite(GUEST_ES_AR_BYTES + 2 * i, ar);
}

void guest_reset_init_state(struct cpu *c, bool bsp)
{
    for (unsigned i = SEG_ES; i <= SEG_GS; i++)
        set_segment(i, 0, 0, AR_DATA_REAL);
    set_segment(SEG_CS, 0xF000, 0xFFFF0000, AR_CODE_REAL);
    set_segment(SEG_LDTR, 0, 0, AR_LDT);
    set_segment(SEG_TR, 0, 0, AR_TSS_BUSY);
    const uint64_t fields[][2] = {
        { GUEST_GDTR_BASE, 0 }, { GUEST_GDTR_LIMIT, 0xFFFF },
        { GUEST_IDTR_BASE, 0 }, { GUEST_IDTR_LIMIT, 0xFFFF },
        { GUEST_RIP, 0xFFF0 }, { GUEST_RSP, 0 }, { GUEST_RFLAGS, RFLAGS_FIXED },
        { GUEST_CR3, 0 }, { GUEST_DR7, 0x400 }, { GUEST_IA32_DEBUGCTL, 0 },
        { GUEST_IA32_EFER, 0 },
        { GUEST_INTERRUPTIBILITY_INFO, 0 }, { GUEST_PENDING_DBG_EXCEPTIONS, 0 },
        { VM_ENTRY_INTR_INFO, 0 },
        { VM_ENTRY_CONTROLS, vmread(VM_ENTRY_CONTROLS) & ~(uint64_t)ENTRY_IA32E_MODE_GUEST },
        { GUEST_ACTIVITY_STATE, bsp ? ACTIVITY_ACTIVE : ACTIVITY_WAIT_FOR_SIPI },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(fields); i++)
        vmwrite(fields[i][0], fields[i][1]);
    /* Table 10-1: INIT leaves CR0.CD and CR0.NW as they were and sets ET
     * (NW without CD is no valid state to keep). */
    uint64_t cache = vmread(GUEST_CR0) & (CR0_CD | CR0_NW);
    guest_cr_init(c, CR0_ET | (cache & CR0_CD ? cache : 0));
    memset(&c->regs, 0, sizeof(c->regs));
    c->regs.gpr[REG_RDX] = cpuid(1, 0).eax;   /* processor signature */
    c->guest_nmi_pending = false;
    c->waiting_sipi = !bsp;
    vpid_flush_current();
}

void guest_reset_sipi(struct cpu *c, uint8_t vector)
{
    set_segment(SEG_CS, (uint16_t)(vector << 8), (uint64_t)vector << 12, AR_CODE_REAL);
    vmwrite(GUEST_RIP, 0);
    vmwrite(GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
    vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);   /* nothing is blocked in a fresh processor */
    c->guest_nmi_pending = false;              /* NMIs are blocked while waiting for SIPI */
    c->waiting_sipi = false;
}
