/* atk-lidt: after arming, an attacker loads IDTR with its own table (a copy of the
 * kernel's with one gate redirected). Enforce skips the LIDT; audit lets it load. */
#include "lib.h"

static struct idt_entry evil_idt[IDT_ENTRIES] __attribute__((aligned(8)));

static void evil_handler(void) { fail("evil handler ran"); }

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "atk-lidt");
    prot_arm();
    struct desc_ptr old = sidt();
    memcpy(evil_idt, (const void *)old.base, sizeof(evil_idt));
    evil_idt[40].off_lo = (uint16_t)(uint32_t)evil_handler;
    evil_idt[40].off_hi = (uint16_t)((uint32_t)evil_handler >> 16);
    struct desc_ptr p = { sizeof(evil_idt) - 1, (uint32_t)evil_idt };
    printk("atk-lidt: IDTR base 0x%x, loading 0x%x\n", old.base, p.base);
    int vec = TRAP_TRY("lidt %0", :: "m"(p));
    if (vec >= 0)
        fail("LIDT raised vector %d", vec);
    struct desc_ptr now = sidt();
    printk("atk-lidt: IDTR now base 0x%x limit 0x%x\n", now.base, now.limit);
    if (now.base != old.base && now.base != p.base)
        fail("IDTR holds neither base");
    prot_outcome("lidt", now.base == p.base);
    if (TRAP_TRY("ud2") != VEC_UD) /* whichever table is live still works */
        fail("ud2 raised vector %d", trap_vector);
}
