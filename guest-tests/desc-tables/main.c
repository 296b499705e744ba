/* desc-tables: descriptor-table instructions behave as on hardware — SGDT/SIDT/SLDT/STR
 * store exactly what LGDT/LIDT/LLDT/LTR loaded (memory and register forms, 16-bit
 * register writes keep the upper bits), LTR marks the TSS busy, LDT selectors work after
 * LLDT, invalid selectors raise #GP(selector), CPL 3 may store, a store to an unmapped
 * page raises #PF. Bare runs check the same expectations on the CPU. */
#include "lib.h"

#define SEL_LDT  0x30
#define SEL_TSS2 0x38
#define LDT_DATA 0x04      /* LDT entry 0, TI = 1, RPL 0 */
#define SLOT     0x00C00000u /* paging slot split into 4 KiB pages */

struct tss { uint32_t link, esp0, ss0, unused[22], iomap; };

static uint64_t gdt[8] __attribute__((aligned(8)));
static uint64_t ldt[1] __attribute__((aligned(8)));
static struct tss tss2;
static uint8_t tss2_stack[2048] __attribute__((aligned(16))); /* esp0 for ring3() */
static struct idt_entry idt2[IDT_ENTRIES] __attribute__((aligned(8)));
static volatile uint32_t ldt_word = 0x5EED1234u;
static struct desc_ptr user_gdtr, user_idtr;
static uint16_t user_ldtr, user_tr;

static uint64_t system_desc(uint32_t base, uint32_t limit, unsigned type)
{
    return (uint64_t)(limit & 0xFFFF) | (uint64_t)(base & 0xFFFFFF) << 16 | (uint64_t)(0x80 | type) << 40 |
           (uint64_t)(limit >> 16 & 0xF) << 48 | (uint64_t)(base >> 24) << 56;
}

static void expect(bool ok, const char *what)
{
    if (!ok)
        fail("%s", what);
}

static void check_same(struct desc_ptr got, struct desc_ptr want, const char *what)
{
    printk("%s: base 0x%x limit 0x%x\n", what, got.base, got.limit);
    if (got.base != want.base || got.limit != want.limit)
        fail("%s: want base 0x%x limit 0x%x", what, want.base, want.limit);
}

static uint16_t str_mem(void) { uint16_t s; asm volatile("str %0" : "=m"(s)); return s; }
static uint16_t sldt_mem(void) { uint16_t s; asm volatile("sldt %0" : "=m"(s)); return s; }

static void tables(void)
{
    struct desc_ptr idtr = sidt();
    struct desc_ptr p = { sizeof(idt2) - 1, (uint32_t)idt2 };
    memcpy(idt2, (const void *)idtr.base, sizeof(idt2));
    asm volatile("lidt %0" :: "m"(p));
    check_same(sidt(), p, "sidt after lidt");
    asm volatile("lidt %0" :: "m"(idtr));
    check_same(sidt(), idtr, "sidt restored");

    gdt_install();
    struct desc_ptr g = sgdt();
    expect(g.limit == 0x2F, "library GDT limit");
    memcpy(gdt, (const void *)g.base, 48);
    gdt[SEL_LDT / 8] = system_desc((uint32_t)ldt, sizeof(ldt) - 1, 0x2);
    tss2 = (struct tss){ .esp0 = (uint32_t)tss2_stack + sizeof(tss2_stack), .ss0 = SEL_KDATA,
                         .iomap = sizeof(tss2) };
    gdt[SEL_TSS2 / 8] = system_desc((uint32_t)&tss2, sizeof(tss2) - 1, 0x9);
    ldt[0] = 0x00CF93000000FFFFull | (uint64_t)0 << 16;   /* flat data, accessed */
    struct desc_ptr ng = { sizeof(gdt) - 1, (uint32_t)gdt };
    asm volatile("lgdt %0" :: "m"(ng));
    check_same(sgdt(), ng, "sgdt after lgdt");
}

static void task_register(void)
{
    uint32_t r = 0xAAAA5555u;
    expect(str_mem() == SEL_TSS, "str (memory) after gdt_install");
    asm volatile("str %w0" : "+r"(r));
    printk("str %%ax: 0x%08x\n", r);
    expect(r == 0xAAAA0000u + SEL_TSS, "16-bit STR keeps bits 31:16");
    r = 0xAAAA5555u;
    asm volatile("str %0" : "+r"(r));
    expect(r == SEL_TSS, "32-bit STR zero-extends");
    asm volatile("ltr %w0" :: "r"(SEL_TSS2) : "memory");
    expect(str_mem() == SEL_TSS2, "str after ltr");
    expect((gdt[SEL_TSS2 / 8] >> 40 & 0xF) == 0xB, "LTR marks the TSS descriptor busy");
    int vec = TRAP_TRY("ltr %w0", :: "r"(SEL_TSS2));
    printk("ltr busy TSS: vector %d error 0x%x\n", vec, trap_error);
    expect(vec == VEC_GP && trap_error == SEL_TSS2, "LTR of a busy TSS: #GP(selector)");
    vec = TRAP_TRY("ltr %w0", :: "r"(SEL_LDT));
    expect(vec == VEC_GP && trap_error == SEL_LDT, "LTR of an LDT descriptor: #GP(selector)");
    vec = TRAP_TRY("ltr %w0", :: "r"(0));
    expect(vec == VEC_GP && trap_error == 0, "LTR of the null selector: #GP(0)");
}

static void ldt_register(void)
{
    expect(sldt_mem() == 0, "no LDT at start");
    asm volatile("lldt %w0" :: "r"(SEL_LDT) : "memory");
    uint32_t r = 0xBBBB7777u;
    asm volatile("sldt %w0" : "+r"(r));
    expect(r == 0xBBBB0000u + SEL_LDT, "16-bit SLDT after lldt");
    uint32_t got;
    asm volatile("mov %w1, %%fs\n\tmov %%fs:(%2), %0\n\tmov %w3, %%fs"
                 : "=r"(got) : "r"(LDT_DATA), "r"((uint32_t)&ldt_word), "r"(SEL_KDATA));
    printk("read through LDT selector: 0x%x\n", got);
    expect(got == ldt_word, "data through an LDT selector");
    int vec = TRAP_TRY("lldt %w0", :: "r"(SEL_KCODE));
    expect(vec == VEC_GP && trap_error == SEL_KCODE, "LLDT of a code descriptor: #GP(selector)");
    vec = TRAP_TRY("lldt %w0", :: "r"(0x48));
    expect(vec == VEC_GP && trap_error == 0x48, "LLDT beyond the GDT limit: #GP(selector)");
    asm volatile("lldt %w0" :: "r"(0) : "memory");
    expect(sldt_mem() == 0, "sldt after lldt 0");
    vec = TRAP_TRY("mov %w0, %%fs", :: "r"(LDT_DATA));
    expect(vec == VEC_GP, "LDT selector with a null LDTR: #GP");
    asm volatile("mov %w0, %%fs" :: "r"(SEL_KDATA));
}

static void user_stores(void)
{
    asm volatile("sgdt %0\n\tsidt %1\n\tsldt %2\n\tstr %3"
                 : "=m"(user_gdtr), "=m"(user_idtr), "=m"(user_ldtr), "=m"(user_tr));
}

static void ring3(void)
{
    int vec = user_run(user_stores);
    expect(vec == VEC_GP, "user code ends with #GP (HLT)");
    check_same(user_gdtr, sgdt(), "sgdt at CPL 3");
    check_same(user_idtr, sidt(), "sidt at CPL 3");
    expect(user_ldtr == 0 && user_tr == SEL_TSS2, "sldt/str at CPL 3");
}

static void faults(void)
{
    paging_enable();
    paging_split(SLOT);
    paging_unmap4k(SLOT + 0x1000);
    int vec = TRAP_TRY("sgdt (%0)", :: "r"(SLOT + 0xFFC) : "memory");
    uint32_t cr2;
    asm volatile("mov %%cr2, %0" : "=r"(cr2));
    printk("sgdt across an unmapped page: vector %d error 0x%x cr2 0x%x\n", vec, trap_error, cr2);
    expect(vec == VEC_PF && trap_error == 2 && cr2 == SLOT + 0x1000, "#PF (write, not present)");
    /* Whether the bytes before the fault were stored is not architectural (Bochs stores
     * the limit, Bulwark's emulation nothing): not checked. */
    vec = TRAP_TRY("lidt (%0)", :: "r"(SLOT + 0x1000));
    expect(vec == VEC_PF && trap_error == 0, "LIDT from an unmapped page: #PF (read)");
    paging_merge(SLOT);
    paging_disable();
}

void test_main(struct mb1_info *mbi)
{
    (void)mbi;
    printk("desc-tables: hypervisor %s\n", hv_present() ? "present" : "absent");
    tables();
    task_register();
    ldt_register();
    ring3();
    faults();
    printk("desc-tables: all checks passed\n");
}
