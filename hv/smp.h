/* Every CPU virtualized: the BSP starts each application processor listed
 * in the ACPI MADT, which enables VMX with its own VMXON region, VMCS and
 * stack and enters the guest in the wait-for-SIPI state, so the guest
 * starts its CPUs with INIT-SIPI-SIPI as on bare metal. */
#ifndef BULWARK_SMP_H
#define BULWARK_SMP_H

#include "hv/multiboot2.h"

/* Returns when every listed AP waits in the guest; ends the run when one
 * cannot be virtualized (a CPU left outside would run unprotected). */
void smp_start_aps(const struct boot_info *bi);

#endif
