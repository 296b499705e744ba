/* Constants shared by the boot stub, the linker script and C. */
#ifndef BULWARK_BOOT_LAYOUT_H
#define BULWARK_BOOT_LAYOUT_H

#define HV_VIRT_BASE   0xFFFFFFFF80000000
#define HV_LINK_PHYS   0x200000
#define HV_MAX_IMAGE   0x800000          /* image + bss may not exceed 8 MiB */
#define HV_STACK_SIZE  0x4000            /* per-CPU host stack */
#define PHYS_MAP_BASE  0xFFFF800000000000 /* direct map of physical memory */

#endif
