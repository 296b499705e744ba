/* atk-kernel-write: the kernel's own code is written directly (paging off). The
 * kernel-image rule covers the R-X segment: enforce skips the write, audit lets it land. */
#include "lib.h"

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "atk-kernel-write");
    uint32_t t = (uint32_t)prot_target;
    printk("atk-kernel-write: target 0x%x\n", t);
    prot_arm();
    int vec = poke32(t, PROT_PATCH);
    if (vec >= 0)
        fail("the write raised vector %d", vec);
    prot_outcome("kernel-write", prot_target_patched());
}
