/* atk-gdt-write: after the kernel loaded its GDT and armed, an attacker rewrites a
 * descriptor (the user data segment becomes DPL 0). */
#include "lib.h"

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "atk-gdt-write");
    gdt_install();
    prot_arm();
    struct desc_ptr gdtr = sgdt();
    volatile uint32_t *hi = (volatile uint32_t *)(gdtr.base + SEL_UDATA / 8 * 8 + 4);
    uint32_t before = *hi, value = before & ~(3u << 13);
    printk("atk-gdt-write: descriptor 0x%x high dword at 0x%x = 0x%08x, writing 0x%08x\n",
           SEL_UDATA, (uint32_t)hi, before, value);
    int vec = poke32((uint32_t)hi, value);
    if (vec >= 0)
        fail("the write raised vector %d", vec);
    printk("atk-gdt-write: now 0x%08x\n", *hi);
    if (*hi != before && *hi != value)
        fail("descriptor holds neither value");
    prot_outcome("gdt-write", *hi == value);
}
