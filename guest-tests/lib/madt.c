/* CPU discovery: the RSDP (EBDA, then the BIOS area), the RSDT, and the processor
 * local APIC entries (type 0) of the MADT ("APIC"). */
#include "smp.h"

struct acpi_header {
    char sig[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_revision, creator, creator_revision;
} __attribute__((packed));

#define MADT_ENTRIES 44 /* header, local APIC address, flags */
#define MADT_LAPIC 0
#define LAPIC_ENABLED 1u

static bool sums_to_zero(uint32_t addr, uint32_t len)
{
    uint8_t sum = 0;
    for (const volatile uint8_t *p = (const volatile uint8_t *)addr; len; len--)
        sum += *p++;
    return sum == 0;
}

static uint32_t rsdp_in(uint32_t from, uint32_t to)
{
    for (uint32_t a = from; a + 20 <= to; a += 16)
        if (!memcmp((const void *)a, "RSD PTR ", 8) && sums_to_zero(a, 20))
            return a;
    return 0;
}

static uint32_t find_madt(void)
{
    uint32_t ebda_ptr = 0x40E; /* BIOS data area: EBDA segment */
    asm("" : "+r"(ebda_ptr));  /* a variable, not a constant near address 0 */
    uint32_t ebda = (uint32_t)*(const volatile uint16_t *)ebda_ptr << 4;
    uint32_t rsdp = ebda ? rsdp_in(ebda, ebda + 1024) : 0;
    if (!rsdp)
        rsdp = rsdp_in(0xE0000, 0x100000);
    if (!rsdp)
        fail("ACPI: no RSDP");
    const struct acpi_header *rsdt = (const void *)*(const uint32_t *)(rsdp + 16);
    if (memcmp(rsdt->sig, "RSDT", 4) || !sums_to_zero((uint32_t)rsdt, rsdt->length))
        fail("ACPI: bad RSDT at 0x%x", (uint32_t)rsdt);
    const uint32_t *entry = (const uint32_t *)(rsdt + 1);
    for (uint32_t i = 0; i < (rsdt->length - sizeof(*rsdt)) / 4; i++) {
        const struct acpi_header *t = (const void *)entry[i];
        if (!memcmp(t->sig, "APIC", 4) && sums_to_zero(entry[i], t->length))
            return entry[i];
    }
    fail("ACPI: no MADT");
}

unsigned madt_apic_ids(uint32_t *ids, unsigned max)
{
    uint32_t madt = find_madt(), end = madt + ((const struct acpi_header *)madt)->length;
    unsigned n = 0;
    for (uint32_t e = madt + MADT_ENTRIES; e + 2 <= end && *(const uint8_t *)(e + 1) >= 2;
         e += *(const uint8_t *)(e + 1)) {
        const uint8_t *p = (const uint8_t *)e;
        if (p[0] != MADT_LAPIC || !(*(const uint32_t *)(p + 4) & LAPIC_ENABLED))
            continue;
        if (n == max)
            fail("ACPI: more than %u enabled CPUs", max);
        ids[n++] = p[3];
    }
    return n;
}
