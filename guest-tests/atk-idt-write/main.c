/* atk-idt-write: after the kernel loaded its IDT and armed, an attacker rewrites the
 * low half of one gate (offset and selector) to point at its own handler. */
#include "lib.h"

#define VICTIM 40 /* IRQ 8: masked, never raised */

static void evil_handler(void) { fail("evil handler ran"); }

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "atk-idt-write");
    prot_arm();
    struct desc_ptr idtr = sidt();
    volatile uint32_t *gate = (volatile uint32_t *)(idtr.base + VICTIM * 8);
    uint32_t before = *gate, evil = (uint32_t)evil_handler;
    uint32_t value = SEL_KCODE << 16 | (evil & 0xFFFF);
    printk("atk-idt-write: gate %u at 0x%x = 0x%08x, writing 0x%08x\n", VICTIM, (uint32_t)gate,
           before, value);
    int vec = poke32((uint32_t)gate, value);
    if (vec >= 0)
        fail("the write raised vector %d", vec);
    printk("atk-idt-write: gate now 0x%08x\n", *gate);
    if (*gate != before && *gate != value)
        fail("gate holds neither value");
    prot_outcome("idt-write", *gate == value);
    if (sidt().base != idtr.base)
        fail("IDTR moved");
}
