/* ACPI processor discovery: RSDP -> XSDT/RSDT -> MADT -> enabled processors.
 * Section numbers are ACPI 6.5. Table bytes are read unaligned (memcpy):
 * XSDT entries, for one, sit at offset 36. */
#include "hv/acpi.h"

/* 5.2.5.3 RSDP structure */
#define RSDP_SIG "RSD PTR "
#define RSDP_V1_LEN 20     /* ACPI 1.0 part, covered by Checksum */
#define RSDP_V2_LEN 36     /* up to Reserved; Length covers the extended checksum */
#define RSDP_REVISION 15
#define RSDP_RSDT 16       /* 32-bit RSDT address */
#define RSDP_LENGTH 20
#define RSDP_XSDT 24       /* 64-bit XSDT address */

/* 5.2.6 system description table header: Signature[4], Length[4],
 * Revision, Checksum, OEM fields; 36 bytes. */
#define SDT_HDR_LEN 36
#define SDT_LENGTH 4

/* 5.2.12 MADT: header, Local Interrupt Controller Address[4], Flags[4], then
 * interrupt controller structures, each starting Type[1] Length[1]. */
#define MADT_LAPIC_ADDR 36
#define MADT_FLAGS 40
#define MADT_PCAT_COMPAT 1u
#define MADT_ENTRIES 44

#define MADT_LAPIC 0          /* 5.2.12.2: UID[1] @2, APIC ID[1] @3, Flags[4] @4 */
#define MADT_LAPIC_LEN 8
#define MADT_LAPIC_OVERRIDE 5 /* 5.2.12.8: Reserved[2] @2, Address[8] @4 */
#define MADT_LAPIC_OVERRIDE_LEN 12
#define MADT_X2APIC 9         /* 5.2.12.12: Reserved[2] @2, x2APIC ID[4] @4, Flags[4] @8, UID[4] @12 */
#define MADT_X2APIC_LEN 16
#define LAPIC_ENABLED 1u      /* 5.2.12.2 Local APIC Flags; bit 1 Online Capable is not used */

/* 5.2.5.1: where legacy BIOS systems keep the RSDP */
#define BDA_EBDA_SEGMENT 0x40E
#define EBDA_SEARCH_LEN 1024
#define BIOS_ROM_BASE 0xE0000
#define BIOS_ROM_LEN 0x20000

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static bool checksum_ok(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;
    while (n--)
        sum += *p++;
    return sum == 0;
}

static int fail(const char **err, const char *why)
{
    *err = why;
    return -1;
}

/* Maps the whole table at `phys` after reading its header: signature `sig`,
 * 36 <= Length <= ACPI_MAX_TABLE_LEN, checksum over Length bytes. */
static const uint8_t *map_table(acpi_map_fn map, void *ctx, uint64_t phys, const char *sig,
                                uint32_t *len, const char **err)
{
    const uint8_t *hdr = map(ctx, phys, SDT_HDR_LEN);
    if (!hdr) {
        *err = "table outside readable memory";
        return NULL;
    }
    uint32_t n = rd32(hdr + SDT_LENGTH);
    const uint8_t *t = NULL;
    if (memcmp(hdr, sig, 4))
        *err = "table signature mismatch";
    else if (n < SDT_HDR_LEN || n > ACPI_MAX_TABLE_LEN)
        *err = "table length out of range";
    else if (!(t = map(ctx, phys, n)))
        *err = "table extends outside readable memory";
    else if (!checksum_ok(t, n)) {
        *err = "table checksum mismatch";
        t = NULL;
    }
    *len = n;
    return t;
}

/* 5.2.5.3: the XSDT is used when the RSDP is revision 2 or later, its
 * Length lies within what the caller could read and its extended checksum
 * holds; otherwise — or if the XSDT itself is unusable — the RSDT. */
static const uint8_t *root_table(const uint8_t *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
                                 unsigned *entry_size, uint32_t *len, const char **err)
{
    if (rsdp[RSDP_REVISION] >= 2 && rsdp_len >= RSDP_V2_LEN) {
        uint32_t n = rd32(rsdp + RSDP_LENGTH);
        uint64_t xsdt = rd64(rsdp + RSDP_XSDT);
        if (n >= RSDP_V2_LEN && n <= rsdp_len && checksum_ok(rsdp, n) && xsdt) {
            const uint8_t *t = map_table(map, ctx, xsdt, "XSDT", len, err);
            if (t) {
                *entry_size = 8;
                return t;
            }
        }
    }
    *entry_size = 4;
    return map_table(map, ctx, rd32(rsdp + RSDP_RSDT), "RSDT", len, err);
}

/* 5.2.7 RSDT / 5.2.8 XSDT: header, then 4- or 8-byte table addresses. A
 * trailing partial entry is ignored; unreadable entries are skipped. */
static const uint8_t *find_madt(const uint8_t *root, uint32_t root_len, unsigned entry_size,
                                acpi_map_fn map, void *ctx, uint32_t *len, const char **err)
{
    for (uint32_t off = SDT_HDR_LEN; root_len - off >= entry_size; off += entry_size) {
        uint64_t phys = entry_size == 8 ? rd64(root + off) : rd32(root + off);
        const uint8_t *hdr = map(ctx, phys, SDT_HDR_LEN);
        if (hdr && !memcmp(hdr, "APIC", 4))
            return map_table(map, ctx, phys, "APIC", len, err);
    }
    *err = "no MADT";
    return NULL;
}

static void add_cpu(struct acpi_cpus *out, uint32_t apic_id, uint32_t uid, bool x2apic_entry)
{
    for (unsigned i = 0; i < out->count; i++)
        if (out->cpu[i].apic_id == apic_id)
            return;
    if (out->count == ACPI_MAX_CPUS)
        out->dropped++;
    else
        out->cpu[out->count++] = (struct acpi_cpu){ apic_id, uid, x2apic_entry };
}

/* One interrupt controller structure of `len` >= 2 bytes. */
static int parse_entry(const uint8_t *e, uint8_t len, struct acpi_cpus *out, const char **err)
{
    switch (e[0]) {
    case MADT_LAPIC:
        if (len < MADT_LAPIC_LEN)
            return fail(err, "MADT local APIC entry too short");
        if ((rd32(e + 4) & LAPIC_ENABLED) && e[3] != 0xFF)
            add_cpu(out, e[3], e[2], false);
        return 0;
    case MADT_LAPIC_OVERRIDE:
        if (len < MADT_LAPIC_OVERRIDE_LEN)
            return fail(err, "MADT local APIC address override too short");
        out->lapic_phys = rd64(e + 4);
        return 0;
    case MADT_X2APIC:
        if (len < MADT_X2APIC_LEN)
            return fail(err, "MADT local x2APIC entry too short");
        if ((rd32(e + 8) & LAPIC_ENABLED) && rd32(e + 4) != 0xFFFFFFFFu)
            add_cpu(out, rd32(e + 4), rd32(e + 12), true);
        return 0;
    default:
        return 0; /* other controllers (I/O APIC, overrides, NMI, ...): skipped by length */
    }
}

static int parse_madt(const uint8_t *m, uint32_t len, struct acpi_cpus *out, const char **err)
{
    if (len < MADT_ENTRIES)
        return fail(err, "MADT too short");
    out->lapic_phys = rd32(m + MADT_LAPIC_ADDR);
    out->has_8259 = rd32(m + MADT_FLAGS) & MADT_PCAT_COMPAT;
    for (uint32_t off = MADT_ENTRIES; off < len; off += m[off + 1]) {
        if (len - off < 2 || m[off + 1] < 2 || m[off + 1] > len - off)
            return fail(err, "MADT entry length invalid");
        if (parse_entry(m + off, m[off + 1], out, err))
            return -1;
    }
    return 0;
}

int acpi_find_cpus(const void *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
                   struct acpi_cpus *out, const char **err)
{
    const uint8_t *r = rsdp;
    memset(out, 0, sizeof(*out));
    if (!r)
        return fail(err, "no RSDP");
    if (rsdp_len < RSDP_V1_LEN || memcmp(r, RSDP_SIG, 8) || !checksum_ok(r, RSDP_V1_LEN))
        return fail(err, "RSDP signature or checksum invalid");

    unsigned entry_size;
    uint32_t root_len, madt_len;
    const uint8_t *root = root_table(r, rsdp_len, map, ctx, &entry_size, &root_len, err);
    if (!root)
        return -1;
    const uint8_t *madt = find_madt(root, root_len, entry_size, map, ctx, &madt_len, err);
    if (!madt || parse_madt(madt, madt_len, out, err) ||
        (out->count == 0 && fail(err, "MADT lists no enabled processor"))) {
        memset(out, 0, sizeof(*out));
        return -1;
    }
    return 0;
}

static const void *scan_area(acpi_map_fn map, void *ctx, uint64_t base, size_t size, size_t *len)
{
    const uint8_t *a = map(ctx, base, size);
    if (!a)
        return NULL;
    for (size_t off = 0; size - off >= RSDP_V1_LEN; off += 16) {
        if (!memcmp(a + off, RSDP_SIG, 8) && checksum_ok(a + off, RSDP_V1_LEN)) {
            *len = size - off;
            return a + off;
        }
    }
    return NULL;
}

const void *acpi_scan_rsdp(acpi_map_fn map, void *ctx, size_t *len)
{
    const uint8_t *seg = map(ctx, BDA_EBDA_SEGMENT, 2);
    if (seg) {
        uint64_t ebda = (uint64_t)(seg[0] | seg[1] << 8) << 4;
        const void *r = ebda ? scan_area(map, ctx, ebda, EBDA_SEARCH_LEN, len) : NULL;
        if (r)
            return r;
    }
    return scan_area(map, ctx, BIOS_ROM_BASE, BIOS_ROM_LEN, len);
}
