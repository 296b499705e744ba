/* MOV to CR0/CR4 emulation. Exits only happen when the guest changes a bit
 * in the guest/host mask; the full architectural effect of the write is
 * then applied here: fixed bits, IA-32e mode transitions (SDM 10.8.5) and
 * PAE PDPTE loading (SDM 4.4.1, 28.3.2.4 — with EPT the CPU takes PDPTEs
 * from the VMCS, so the hypervisor loads them when it performs the write). */
#include "vmx/guest_cr.h"
#include "hv/enforce.h"
#include "hv/mm.h"
#include "hv/x86.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"
#include "vmx/vpid.h"

#define CR0_ARCH_BITS 0xE005003Full   /* PE MP EM TS ET NE WP AM NW CD PG */

static uint64_t cr0_forced_on(void) { return vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG); }
static uint64_t cr4_forced_on(void) { return vmx_caps.cr4_fixed0; }

void guest_cr_init(struct cpu *c, uint64_t cr0)
{
    c->cr0_mask = cr0_forced_on() | enforce_cr_mask(0);
    c->cr4_mask = cr4_forced_on() | enforce_cr_mask(4);
    vmwrite(CR0_GUEST_HOST_MASK, c->cr0_mask);
    vmwrite(CR4_GUEST_HOST_MASK, c->cr4_mask);
    vmwrite(CR0_READ_SHADOW, cr0);
    vmwrite(CR4_READ_SHADOW, 0);
    vmwrite(GUEST_CR0, (cr0 | cr0_forced_on()) & (vmx_caps.cr0_fixed1 | CR0_PE | CR0_PG));
    vmwrite(GUEST_CR4, cr4_forced_on());
}

uint64_t guest_cr0_view(void)
{
    uint64_t mask = vmread(CR0_GUEST_HOST_MASK);
    return (vmread(GUEST_CR0) & ~mask) | (vmread(CR0_READ_SHADOW) & mask);
}

uint64_t guest_cr4_view(void)
{
    uint64_t mask = vmread(CR4_GUEST_HOST_MASK);
    return (vmread(GUEST_CR4) & ~mask) | (vmread(CR4_READ_SHADOW) & mask);
}

/* PAE paging without IA-32e: the four PDPTEs come from CR3 (32-byte
 * aligned). A present PDPTE with reserved bits set makes the load #GP. */
static bool load_pdptes(uint64_t cr3)
{
    uint64_t base = cr3 & 0xFFFFFFE0ull;
    uint64_t maxphys_mask = ~((1ull << vmx_caps.phys_addr_bits) - 1);
    const uint64_t *p = phys_to_virt(base);
    uint64_t e[4];
    for (int i = 0; i < 4; i++) {
        e[i] = p[i];
        if ((e[i] & 1) && (e[i] & (0x1E6ull | maxphys_mask)))
            return false;
    }
    vmwrite(GUEST_PDPTE0, e[0]);
    vmwrite(GUEST_PDPTE1, e[1]);
    vmwrite(GUEST_PDPTE2, e[2]);
    vmwrite(GUEST_PDPTE3, e[3]);
    return true;
}

static void set_long_mode_active(bool on)
{
    uint64_t efer = vmread(GUEST_IA32_EFER);
    uint64_t entry = vmread(VM_ENTRY_CONTROLS);
    vmwrite(GUEST_IA32_EFER, on ? efer | EFER_LMA : efer & ~EFER_LMA);
    vmwrite(VM_ENTRY_CONTROLS, on ? entry | ENTRY_IA32E_MODE_GUEST : entry & ~ENTRY_IA32E_MODE_GUEST);
}

/* Paging-mode bookkeeping common to CR0 and CR4 writes. */
static bool apply_paging(uint64_t cr0, uint64_t cr4)
{
    uint64_t efer = vmread(GUEST_IA32_EFER);
    bool lma = (cr0 & CR0_PG) && (efer & EFER_LME);
    if (lma != !!(efer & EFER_LMA))
        set_long_mode_active(lma);
    if ((cr0 & CR0_PG) && (cr4 & CR4_PAE) && !lma && !load_pdptes(vmread(GUEST_CR3)))
        return false;
    vpid_flush_current();
    return true;
}

bool guest_cr0_write(uint64_t v, uint64_t keep_set)
{
    uint64_t old = guest_cr0_view(), cr4 = guest_cr4_view();
    uint64_t efer = vmread(GUEST_IA32_EFER);
    if (v >> 32)
        return false;
    if ((v & CR0_PG) && !(v & CR0_PE))
        return false;
    if ((v & CR0_NW) && !(v & CR0_CD))
        return false;
    if ((v & CR0_PG) && !(old & CR0_PG) && (efer & EFER_LME) && !(cr4 & CR4_PAE))
        return false;
    v = (v & CR0_ARCH_BITS) | CR0_ET;
    vmwrite(CR0_READ_SHADOW, v);
    uint64_t actual = (v | keep_set | cr0_forced_on()) & (vmx_caps.cr0_fixed1 | CR0_PE | CR0_PG);
    vmwrite(GUEST_CR0, actual);
    if ((old ^ actual) & (CR0_PG | CR0_PE | CR0_WP | CR0_CD))
        return apply_paging(actual, cr4);
    return true;
}

bool guest_cr4_write(uint64_t v, uint64_t keep_set)
{
    uint64_t old = guest_cr4_view(), cr0 = guest_cr0_view();
    uint64_t allowed = vmx_caps.cr4_fixed1 & ~CR4_VMXE;   /* VMX is hidden */
    if (v & ~allowed)
        return false;
    if ((vmread(GUEST_IA32_EFER) & EFER_LMA) && !(v & CR4_PAE))
        return false;
    vmwrite(CR4_READ_SHADOW, v);
    vmwrite(GUEST_CR4, v | keep_set | cr4_forced_on());
    if ((old ^ v) & 0xB0ull && (cr0 & CR0_PG))   /* PSE, PAE, PGE: SDM 4.10.4.1 */
        return apply_paging(cr0, v | keep_set);
    return true;
}
