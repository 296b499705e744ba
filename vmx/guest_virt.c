/* Guest-linear memory access for handlers, always through the guest's own
 * page tables (hv/guest_walk.c) and the bounds-checked guest memory
 * accessor: guest-controlled pointers never reach the hypervisor raw. The
 * hypervisor writes only where the guest itself could: never into a page
 * EPT write-protects, so a hypercall cannot be a confused deputy. */
#include "vmx/guest_virt.h"
#include "hv/enforce_mem.h"
#include "hv/guest_ept.h"
#include "hv/guest_mem.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

#define MAX_COPY (64 * 1024)

void guest_paging_current(struct guest_paging *pg)
{
    *pg = (struct guest_paging){
        .cr0 = vmread(GUEST_CR0), .cr3 = vmread(GUEST_CR3), .cr4 = vmread(GUEST_CR4),
        .efer = vmread(GUEST_IA32_EFER), .maxphyaddr = (uint8_t)vmx_caps.phys_addr_bits,
        .cpl = (uint8_t)guest_cpl(), .use_pdptes = true,
        .pdpte = { vmread(GUEST_PDPTE0), vmread(GUEST_PDPTE1), vmread(GUEST_PDPTE2), vmread(GUEST_PDPTE3) },
    };
}

int guest_translate(uint64_t gva, unsigned access, uint64_t *gpa)
{
    struct guest_paging pg;
    guest_paging_current(&pg);
    return guest_walk(&guest_phys_mem, &pg, gva, access, gpa, NULL) == WALK_OK ? 0 : -1;
}

/* Two passes: validate every page, then copy, so a bad pointer never
 * leaves a half-written buffer. */
static int copy_to_virt(uint64_t gva, const uint8_t *buf, size_t len, int passes)
{
    if (len > MAX_COPY || gva + len < gva)
        return -1;
    for (int pass = 0; pass < passes; pass++) {
        for (size_t done = 0; done < len;) {
            uint64_t gpa;
            size_t chunk = MIN(len - done, 4096 - ((gva + done) & 0xFFF));
            if (guest_translate(gva + done, WALK_WRITE, &gpa))
                return -1;
            uint8_t *p = guest_phys_mem.ptr(guest_phys_mem.ctx, gpa, chunk);
            if (!p || !guest_ept_writable(gpa) || enforce_mem_check(gpa, chunk) >= 0)
                return -1;
            if (pass == 1)
                memcpy(p, buf + done, chunk);
            done += chunk;
        }
    }
    return 0;
}

int guest_write_virt(uint64_t gva, const void *src, size_t len) { return copy_to_virt(gva, src, len, 2); }
int guest_check_writable_virt(uint64_t gva, size_t len) { return copy_to_virt(gva, NULL, len, 1); }
