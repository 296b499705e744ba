/* The guest's INIT IPIs, emulated. A real INIT is unusable against a CPU
 * in VMX non-root operation: the wait-for-SIPI state holds it back until
 * the next SIPI has started the CPU (SDM 25.2), and Bochs 2.7 never clears
 * an INIT that caused a VM exit. So the hypervisor sees every ICR write
 * (xAPIC page write-protected in EPT, x2APIC ICR MSR in the MSR bitmap) and
 * performs INIT itself on each target; every other IPI is sent as written. */
#ifndef BULWARK_GUEST_IPI_H
#define BULWARK_GUEST_IPI_H

#include "hv/cpu.h"
#include "hv/lapic.h"


/* An ICR write by the guest on CPU c (dest: the destination field, APIC ID
 * bits 31:24 of ICR-high in xAPIC mode, bits 63:32 in x2APIC mode).
 * Returns true when it was an INIT and has been performed; false when the
 * caller must write the ICR itself. */
bool guest_ipi_intercept(struct cpu *c, uint32_t icr_low, uint32_t dest, bool x2apic);
/* A guest xAPIC register write (EPT violation at gpa on the APIC page):
 * performed on the real APIC, INIT emulated. Returns false when the page
 * is not the APIC's. */
bool guest_ipi_apic_write(struct cpu *c, uint64_t gpa);
/* Write-protect the local APIC page while the EPT is built (before any
 * CPU uses it) so ICR writes exit. */
void guest_ipi_init(uint64_t apic_phys);

#endif
