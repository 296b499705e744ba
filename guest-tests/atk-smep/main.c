/* atk-smep: the kernel sets CR4.SMEP during boot (CPUID.7.0:EBX bit 7) and arms; an
 * attacker clears it. Enforce refuses the MOV to CR4 (CR4 unchanged, no exception). */
#include "lib.h"

void test_main(struct mb1_info *mbi)
{
    uint32_t r[4];
    prot_init(mbi, "atk-smep");
    cpuid(0, 0, r);
    uint32_t max = r[0];
    if (max >= 7)
        cpuid(7, 0, r);
    if (max < 7 || !(r[1] & (1u << 7)))
        fail("CPU without SMEP (CPUID.7.0:EBX bit 7)");
    write_cr4(read_cr4() | CR4_SMEP);
    printk("atk-smep: boot set cr4=0x%08x\n", read_cr4());
    if (!(read_cr4() & CR4_SMEP))
        fail("CR4.SMEP did not stick");
    prot_arm();
    prot_cr4_clear_attack("cr4-smep-clear", CR4_SMEP);
}
