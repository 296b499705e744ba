/* atk-wp: with paging on and the text mapped read-only, the attacker clears CR0.WP and
 * then writes kernel code. Enforce refuses the CR0 write (WP stays set), so the code write
 * faults in the guest (#PF) before it reaches memory; audit lets both through. */
#include "lib.h"

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "atk-wp");
    prot_paging_text_ro();
    uint32_t t = (uint32_t)prot_target;
    if (poke32(t, PROT_PATCH) != VEC_PF)
        fail("write to read-only text with CR0.WP set did not fault (vector %d)", trap_vector);
    printk("atk-wp: target 0x%x read-only (#PF with WP set)\n", t);
    prot_arm();

    int vec = TRAP_TRY("mov %0, %%cr0", :: "r"(read_cr0() & ~CR0_WP) : "memory");
    printk("atk-wp: clear CR0.WP: vector %d, cr0 now 0x%08x\n", vec, read_cr0());
    if (vec >= 0)
        fail("clearing CR0.WP raised vector %d", vec);
    prot_outcome("cr0-wp-clear", !(read_cr0() & CR0_WP));

    vec = poke32(t, PROT_PATCH);
    printk("atk-wp: code write: vector %d\n", vec);
    if (vec != (prot_blocking() ? VEC_PF : -1))
        fail("code write raised vector %d", vec);
    prot_outcome("kernel-write", prot_target_patched());
}
