/* What GRUB hands the hypervisor: the Multiboot2 boot information structure
 * (Multiboot2 spec 1.0, section 3.6), parsed and validated into boot_info,
 * and the E820-style memory map helpers shared with the guest loader. */
#ifndef BULWARK_MULTIBOOT2_H
#define BULWARK_MULTIBOOT2_H

#include "hv/lib.h"

#define MB2_BOOTLOADER_MAGIC 0x36D76289u /* EAX on entry from GRUB */

#define MB2_MAX_MODULES 16
#define MB2_MAX_REGIONS 128

/* Memory map region types (shared by Multiboot1, Multiboot2 and E820). */
#define MEM_AVAILABLE 1
#define MEM_RESERVED 2
#define MEM_ACPI_RECLAIMABLE 3
#define MEM_ACPI_NVS 4
#define MEM_BAD 5

struct mem_region {
    uint64_t base;
    uint64_t len;
    uint32_t type;
};

struct mb2_module {
    uint32_t start; /* physical, [start, end) */
    uint32_t end;
    const char *cmdline; /* NUL-terminated, points into the info structure */
};

/* Everything Bulwark uses from the info structure. Pointers point into the
 * parsed structure, which must stay mapped while they are used. */
struct boot_info {
    const char *cmdline; /* NULL when there is no command-line tag */

    bool has_meminfo;
    uint32_t mem_lower_kib;
    uint32_t mem_upper_kib;

    bool has_load_base;
    uint32_t load_base; /* physical address the image was loaded at */

    unsigned module_count;
    unsigned modules_dropped; /* modules past MB2_MAX_MODULES, ignored */
    struct mb2_module modules[MB2_MAX_MODULES];

    unsigned region_count;    /* sorted by base; zero-length entries dropped */
    unsigned regions_dropped; /* entries past MB2_MAX_REGIONS, ignored */
    struct mem_region regions[MB2_MAX_REGIONS];

    const void *rsdp; /* copy of the ACPI RSDP; NULL when absent */
    uint32_t rsdp_len;
    unsigned rsdp_revision; /* 1 = ACPI 1.0 tag (14), 2 = ACPI 2.0+ tag (15) */
};

/* Parses the info structure at `info`, of which `avail` bytes are readable.
 * Returns 0, or -1 with *err set to a static message. */
int mb2_parse(const void *info, size_t avail, struct boot_info *out,
              const char **err);

/* A module's role is the first word of its command line ("guest",
 * "guest-module", "policy"). mb2_next_module returns the module after `prev`
 * (the first one when prev is NULL) whose first word is `first_word`, or NULL. */
const struct mb2_module *mb2_find_module(const struct boot_info *bi,
                                         const char *first_word);
const struct mb2_module *mb2_next_module(const struct boot_info *bi,
                                         const struct mb2_module *prev,
                                         const char *first_word);
/* The module's command line after its first word and following blanks. */
const char *mb2_module_args(const struct mb2_module *mod);

/* Carves [base, base+len) out of the available (MEM_AVAILABLE) regions of a
 * map sorted by base, retyping the covered parts as new_type. Other regions
 * and holes are left alone; the map stays sorted. Returns 0, or -1 (map left
 * unchanged) when the result would need more than `max` entries or the range
 * wraps around. */
int memmap_exclude(struct mem_region *regions, unsigned *count, unsigned max,
                   uint64_t base, uint64_t len, uint32_t new_type);

#endif
