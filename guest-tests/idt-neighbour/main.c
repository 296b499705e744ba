/* idt-neighbour: the IDT shares its 4 KiB page with ordinary data. After arming, writes
 * to the bytes right before and after the table (and elsewhere in the page) must land
 * and raise no record; the table itself keeps working. */
#include "lib.h"

static struct {
    uint8_t before[1024];
    struct idt_entry idt[IDT_ENTRIES];
    uint8_t after[4096 - 1024 - IDT_ENTRIES * sizeof(struct idt_entry)];
} page __attribute__((aligned(4096)));

static void check(const char *what, volatile uint32_t *p, uint32_t v)
{
    *p = v;
    if (*p != v)
        fail("%s write at 0x%x did not land (reads 0x%x)", what, (uint32_t)p, *p);
}

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "idt-neighbour");
    idt_install(page.idt);
    struct idt_entry copy[IDT_ENTRIES];
    memcpy(copy, page.idt, sizeof(copy));
    printk("idt-neighbour: IDT at 0x%x-0x%x in page 0x%x\n", (uint32_t)page.idt,
           (uint32_t)page.idt + (uint32_t)sizeof(page.idt) - 1, (uint32_t)&page);
    prot_arm();
    for (uint32_t round = 0; round < 100; round++) {
        check("before", (volatile uint32_t *)&page.before[1020], round);
        check("after", (volatile uint32_t *)&page.after[0], ~round);
        check("page start", (volatile uint32_t *)&page.before[0], round * 3);
        check("page end", (volatile uint32_t *)&page.after[sizeof(page.after) - 4], round * 5);
        page.after[1] = (uint8_t)round; /* byte-sized, right after the last gate */
        if (page.after[1] != (uint8_t)round)
            fail("byte write after the IDT did not land");
    }
    if (memcmp(copy, page.idt, sizeof(copy)))
        fail("IDT changed");
    if (TRAP_TRY("ud2") != VEC_UD)
        fail("ud2 raised vector %d through the IDT", trap_vector);
    printk("idt-neighbour: 500 writes around the IDT landed, IDT intact\n");
}
