/* atk-lgdt: after arming, an attacker loads GDTR with its own table (a copy of the
 * kernel's with a DPL 0 descriptor made DPL 3). Enforce skips the LGDT. */
#include "lib.h"

static uint64_t evil_gdt[6] __attribute__((aligned(8)));

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "atk-lgdt");
    gdt_install();
    prot_arm();
    struct desc_ptr old = sgdt();
    if (old.limit + 1u != sizeof(evil_gdt))
        fail("GDT limit 0x%x", old.limit);
    memcpy(evil_gdt, (const void *)old.base, sizeof(evil_gdt));
    evil_gdt[SEL_KDATA / 8] |= 3ull << 45;
    struct desc_ptr p = { sizeof(evil_gdt) - 1, (uint32_t)evil_gdt };
    printk("atk-lgdt: GDTR base 0x%x, loading 0x%x\n", old.base, p.base);
    int vec = TRAP_TRY("lgdt %0", :: "m"(p));
    if (vec >= 0)
        fail("LGDT raised vector %d", vec);
    struct desc_ptr now = sgdt();
    printk("atk-lgdt: GDTR now base 0x%x limit 0x%x\n", now.base, now.limit);
    if (now.base != old.base && now.base != p.base)
        fail("GDTR holds neither base");
    prot_outcome("lgdt", now.base == p.base);
}
