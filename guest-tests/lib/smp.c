/* Starting the other CPUs: INIT-SIPI-SIPI into a real-mode trampoline copied to a free page
 * below 1 MiB, which enters 32-bit protected mode and calls ap_entry on the AP's own stack;
 * ap_entry loads the AP's IDT, the boot CPU's paging, the AP's GDT and TSS, then runs the
 * function the AP was started with. */
#include "smp.h"

#define START_MS 1000u
#define LOW_END 0x9F000u /* below the EBDA */

struct cpu_info cpus[MAX_CPUS];
unsigned ncpus;

static struct __attribute__((aligned(4096))) idt_page { struct idt_entry idt[IDT_ENTRIES]; } ap_idt[MAX_CPUS];
static uint8_t ap_stack[MAX_CPUS][8192] __attribute__((aligned(16)));
static void (*ap_fn[MAX_CPUS])(unsigned cpu);
static uint32_t tramp_page;
/* For the AP being started (one at a time): read by the trampoline and ap_entry. */
uint32_t ap_boot_cpu, ap_boot_esp, ap_boot_cr0, ap_boot_cr3, ap_boot_cr4;
/* Flat code and data, accessed bits preset: the CPU never writes this read-only table. */
__attribute__((used, aligned(8))) static const uint64_t ap_gdt[3] = {
    0, 0x00CF9B000000FFFFull, 0x00CF93000000FFFFull
};

/* Real mode at CS = page, IP = 0: position independent, only [start, end) is copied. */
extern const char ap_tramp_start[], ap_tramp_end[];
asm(".pushsection .text\n"
    ".balign 16\n"
    "ap_tramp_start:\n"
    ".code16\n\t"
    "cli\n\t"
    "mov %cs, %ax\n\t"
    "mov %ax, %ds\n\t"
    "lgdtl ap_tramp_gdtr - ap_tramp_start\n\t"
    "mov %cr0, %eax\n\t"
    "or $1, %eax\n\t"
    "mov %eax, %cr0\n\t"
    "ljmpl $0x08, $ap_start32\n"
    ".balign 8\n"
    "ap_tramp_gdtr:\n\t"
    ".word 23\n\t"
    ".long ap_gdt\n"
    "ap_tramp_end:\n"
    ".code32\n"
    "ap_start32:\n\t"
    "mov $0x10, %eax\n\t"
    "mov %eax, %ds\n\tmov %eax, %es\n\tmov %eax, %fs\n\tmov %eax, %gs\n\tmov %eax, %ss\n\t"
    "mov ap_boot_esp, %esp\n\t"
    "cld\n\t"
    "call ap_entry\n"
    ".popsection");

unsigned cpu_self(void)
{
    if (ncpus < 2)
        return 0;
    uint32_t id = lapic_id();
    for (unsigned i = 0; i < ncpus; i++)
        if (cpus[i].apic_id == id)
            return i;
    ncpus = 0; /* fail() below asks cpu_self() again */
    fail("APIC ID %u is not in the MADT", id);
}

__attribute__((noreturn)) void ap_entry(void);
void ap_entry(void)
{
    unsigned cpu = ap_boot_cpu;
    struct cpu_info *c = &cpus[cpu];
    c->entry_cr0 = read_cr0();
    c->entry_cr4 = read_cr4();
    idt_install(ap_idt[cpu].idt);
    write_cr4(read_cr4() | ap_boot_cr4);
    write_cr3(ap_boot_cr3);
    write_cr0(ap_boot_cr0);
    lapic_enable();
    gdt_install();
    c->ticks = 0;
    uint32_t boot = atomic_inc(&c->boots);
    ap_fn[cpu](cpu);
    c->done = boot;
    for (;;)
        asm volatile("cli; hlt");
}

static bool overlaps(uint32_t page, uint32_t addr, uint32_t len)
{
    return len && addr < page + 4096 && page < addr + len;
}

/* Whether a page is usable RAM that holds nothing of the Multiboot information. */
static bool page_free(const struct mb1_info *mbi, uint32_t page)
{
    if (overlaps(page, (uint32_t)mbi, sizeof(*mbi)) ||
        ((mbi->flags & MB1_INFO_CMDLINE) &&
         overlaps(page, mbi->cmdline, strlen((const char *)mbi->cmdline) + 1)))
        return false;
    if (mbi->flags & MB1_INFO_MODS) {
        const struct mb1_module *m = (const void *)mbi->mods_addr;
        if (overlaps(page, mbi->mods_addr, mbi->mods_count * sizeof(*m)))
            return false;
        for (uint32_t i = 0; i < mbi->mods_count; i++)
            if (overlaps(page, m[i].mod_start, m[i].mod_end - m[i].mod_start) ||
                overlaps(page, m[i].string, strlen((const char *)m[i].string) + 1))
                return false;
    }
    if (!(mbi->flags & MB1_INFO_MMAP))
        return true;
    if (overlaps(page, mbi->mmap_addr, mbi->mmap_length))
        return false;
    for (uint32_t off = 0; off + sizeof(struct mb1_mmap_entry) <= mbi->mmap_length;) {
        const struct mb1_mmap_entry *e = (const void *)(mbi->mmap_addr + off);
        if (e->type == 1 && e->addr <= page && page + 4096 <= e->addr + e->len)
            return true;
        off += e->size + 4;
    }
    return false;
}

void smp_init(const struct mb1_info *mbi)
{
    uint32_t want = cmdline_uint(mbi, "cpus", 0), ids[MAX_CPUS];
    if (!want)
        fail("smp: no cpus=N on the command line");
    tsc_calibrate();
    lapic_init(cmdline_has(mbi, "x2apic"));
    lapic_enable();
    unsigned n = madt_apic_ids(ids, MAX_CPUS), k = 1;
    if (n != want)
        fail("smp: the MADT lists %u enabled CPUs, want cpus=%u", n, want);
    cpus[0].apic_id = lapic_id();
    for (unsigned i = 0; i < n; i++)
        if (ids[i] != cpus[0].apic_id && k < n)
            cpus[k++].apic_id = ids[i];
    if (k != n)
        fail("smp: the boot CPU (APIC ID %u) is not in the MADT", cpus[0].apic_id);
    for (tramp_page = 0x1000; tramp_page < LOW_END && !page_free(mbi, tramp_page);)
        tramp_page += 4096;
    if (tramp_page == LOW_END)
        fail("smp: no free page below 0x%x for the AP trampoline", LOW_END);
    memcpy((void *)tramp_page, ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
    ncpus = n;
    console_lock();
    printk("smp: %u CPUs, APIC IDs", n);
    for (unsigned i = 0; i < n; i++)
        printk(" %u", cpus[i].apic_id);
    printk("; TSC %u ticks/ms; AP trampoline at 0x%x; %s mode\n", tsc_per_ms, tramp_page,
           lapic_x2apic() ? "x2APIC" : "xAPIC");
    console_unlock();
}

void smp_send_init(unsigned cpu)
{
    if (cpu == 0 || cpu >= ncpus)
        fail("smp: no AP %u", cpu);
    lapic_send(cpus[cpu].apic_id, ICR_INIT);
}

void smp_start(unsigned cpu, void (*fn)(unsigned cpu))
{
    smp_send_init(cpu);
    struct cpu_info *c = &cpus[cpu];
    uint32_t boots = c->boots;
    ap_fn[cpu] = fn;
    ap_boot_cpu = cpu;
    ap_boot_esp = (uint32_t)ap_stack[cpu] + sizeof(ap_stack[cpu]);
    ap_boot_cr0 = read_cr0();
    ap_boot_cr3 = read_cr3();
    ap_boot_cr4 = read_cr4() & CR4_PSE;
    delay_us(10000); /* INIT, 10 ms, SIPI, 200 us, SIPI (ignored once the AP runs) */
    for (int i = 0; i < 2; i++) {
        lapic_send(c->apic_id, ICR_SIPI | tramp_page >> 12);
        delay_us(200);
    }
    for (uint64_t end = tsc_after_ms(START_MS); c->boots == boots; cpu_relax())
        if (rdtsc() > end)
            fail("smp: CPU %u (APIC ID %u) did not start within %u ms", cpu, c->apic_id, START_MS);
}

void smp_wait_done(unsigned cpu, uint32_t ms)
{
    for (uint64_t end = tsc_after_ms(ms); cpus[cpu].done != cpus[cpu].boots; cpu_relax())
        if (rdtsc() > end)
            fail("smp: CPU %u still running after %u ms", cpu, ms);
}
