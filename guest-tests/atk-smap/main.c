/* atk-smap: the kernel sets CR4.SMAP during boot (CPUID.7.0:EBX bit 20) and arms; an
 * attacker clears it. Enforce refuses the MOV to CR4 (CR4 unchanged, no exception). */
#include "lib.h"

void test_main(struct mb1_info *mbi)
{
    uint32_t r[4];
    prot_init(mbi, "atk-smap");
    cpuid(0, 0, r);
    uint32_t max = r[0];
    if (max >= 7)
        cpuid(7, 0, r);
    if (max < 7 || !(r[1] & (1u << 20)))
        fail("CPU without SMAP (CPUID.7.0:EBX bit 20)");
    write_cr4(read_cr4() | CR4_SMAP);
    printk("atk-smap: boot set cr4=0x%08x\n", read_cr4());
    if (!(read_cr4() & CR4_SMAP))
        fail("CR4.SMAP did not stick");
    prot_arm();
    prot_cr4_clear_attack("cr4-smap-clear", CR4_SMAP);
}
