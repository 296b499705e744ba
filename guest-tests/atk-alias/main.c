/* atk-alias: the text is read-only in the kernel's page tables, so the attacker maps a
 * second, writable virtual address onto the physical page and writes through it. The
 * protection is on the physical page: enforce skips the write, audit lets it land. */
#include "lib.h"

#define ALIAS_PAGE 0x00300000u /* unused 4 KiB page of the split first 4 MiB */

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "atk-alias");
    prot_paging_text_ro();
    uint32_t t = (uint32_t)prot_target, alias = ALIAS_PAGE | (t & 0xFFF);
    prot_arm();
    paging_map4k(ALIAS_PAGE, t);
    printk("atk-alias: target 0x%x alias 0x%x\n", t, alias);
    int vec = poke32(alias, PROT_PATCH);
    if (vec >= 0)
        fail("the write through the alias raised vector %d", vec);
    prot_outcome("alias-write", prot_target_patched());
}
