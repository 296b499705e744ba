/* CPU discovery from the ACPI MADT: the list of processors the hypervisor
 * must start. Firmware tables are untrusted input; every byte is read through
 * the caller's map callback, within the length it mapped, after the table's
 * checksum has been verified. Freestanding: also built for host tests. */
#ifndef BULWARK_ACPI_H
#define BULWARK_ACPI_H

#include "hv/lib.h"

#define ACPI_MAX_CPUS 64
/* Largest table (RSDT, XSDT, MADT) accepted; bounds every mapping. */
#define ACPI_MAX_TABLE_LEN (1u << 20)

struct acpi_cpu {
    uint32_t apic_id;  /* local APIC ID (x2APIC ID for type 9 entries) */
    uint32_t acpi_uid; /* ACPI Processor UID */
    bool x2apic_entry; /* listed by a Processor Local x2APIC entry (type 9) */
};

struct acpi_cpus {
    unsigned count;      /* distinct enabled processors listed in cpu[], MADT order */
    unsigned dropped;    /* enabled entries past ACPI_MAX_CPUS whose ID is not in cpu[]
                          * (not deduplicated among themselves) */
    bool has_8259;       /* MADT Flags.PCAT_COMPAT: dual 8259 PICs installed */
    uint64_t lapic_phys; /* local APIC registers (with the Address Override applied) */
    struct acpi_cpu cpu[ACPI_MAX_CPUS];
};

/* Returns a pointer to `len` readable bytes at physical address `phys`, or
 * NULL. Pointers must stay valid until the acpi_* call that obtained them
 * returns. */
typedef const void *(*acpi_map_fn)(void *ctx, uint64_t phys, size_t len);

/* Follows the RSDP (rsdp_len readable bytes at `rsdp`, NULL when there is
 * none) to the XSDT — or the RSDT when the RSDP is ACPI 1.0, its extended
 * checksum fails, or the XSDT is unreadable or invalid — then to the first
 * table with signature "APIC" (the MADT), and lists its processors.
 *
 * A processor is listed when its Enabled flag is set. Disabled entries are
 * ignored, including Online Capable ones (hot-pluggable later: the hypervisor
 * only starts processors present at boot). Entries with the broadcast ID
 * (0xFF for xAPIC, 0xFFFFFFFF for x2APIC) are ignored: INIT/SIPI cannot target
 * them. A second entry with an APIC ID already listed is ignored.
 *
 * Returns 0, or -1 with *err set to a static message and out->count 0: no
 * RSDP, no valid root table, no MADT, a malformed MADT, or one without an
 * enabled processor. */
int acpi_find_cpus(const void *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
                   struct acpi_cpus *out, const char **err);

/* Legacy-BIOS search for the RSDP, for when the boot loader passed none:
 * 16-byte boundaries in the first KiB of the EBDA (real-mode segment at
 * 0x40E), then 0xE0000-0xFFFFF. A candidate needs the signature and a valid
 * ACPI 1.0 checksum. Returns it with *len = the bytes readable from it to the
 * end of its area, or NULL. */
const void *acpi_scan_rsdp(acpi_map_fn map, void *ctx, size_t *len);

/* The hypervisor's result of discovery (hv/main.c). */
extern struct acpi_cpus acpi_cpus;

#endif
