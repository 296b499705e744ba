/* smp-x2apic: every CPU's local APIC in x2APIC mode ("x2apic" on the command line). The
 * boot CPU starts the APs with INIT-SIPI-SIPI through the x2APIC ICR (MSR 830H); the last
 * AP three times (from reset, from the halt after its first run, and after INIT alone
 * stopped its heartbeat, from wait-for-SIPI), each start from reset onto its own tables.
 * Every CPU boots as a kernel's does (own GDT/TSS and IDT, system-call MSRs, EFER.NXE,
 * CR0.WP, CR4.SMEP/SMAP); the boot CPU arms; all work with local APIC timer interrupts
 * (EOI by MSR 80BH), the boot CPU with PIT interrupts too. Then, with the others quiet,
 * the restarted AP writes a gate of its own IDT (blocked under enforce). The restarts come
 * before arming: armed, the IDT and GDT pages stay write-protected across INIT, so the
 * library's rebuild of them on a restart would be denied.
 * Command line: "enforce x2apic cpus=N". */
#include "smp.h"

#define WAIT_MS 10000u
#define ROUNDS  8u
#define TICKS   20u
#define BEATS   1000u
#define VICTIM  40 /* IRQ 8: masked, never raised */

static uint32_t data[MAX_CPUS][1024] __attribute__((aligned(4096)));
static struct desc_ptr idtr[MAX_CPUS], gdtr[MAX_CPUS];
static volatile uint32_t up, beat;
static struct barrier work, quiet;

static void evil_handler(void) { fail("evil handler ran"); }

static void require_x2apic(unsigned cpu)
{
    if (!lapic_x2apic())
        fail("cpu %u: local APIC not in x2APIC mode", cpu);
}

static void report_setup(unsigned cpu)
{
    require_x2apic(cpu);
    idtr[cpu] = sidt();
    gdtr[cpu] = sgdt();
    printk("cpu %u: up, x2APIC ID %u, IDT 0x%x GDT 0x%x cr4=0x%08x\n", cpu, lapic_id(),
           idtr[cpu].base, gdtr[cpu].base, read_cr4());
}

static void data_pass(uint32_t *d, uint32_t seed)
{
    for (uint32_t i = 0, x = seed; i < 1024; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        d[i] = x;
    }
}

/* Data passes with CR3 reloads while the local APIC timer interrupts (about 1 kHz). */
static void benign_work(unsigned cpu)
{
    uint32_t cr0 = read_cr0(), cr4 = read_cr4(), rounds = 0;
    lapic_timer_start(tsc_per_ms);
    asm volatile("sti");
    for (uint64_t end = tsc_after_ms(2000); cpus[cpu].ticks < TICKS || rounds < ROUNDS; rounds++) {
        if (rdtsc() > end)
            fail("cpu %u: %u timer interrupts, %u rounds in 2 s", cpu, cpus[cpu].ticks, rounds);
        data_pass(data[cpu], cpu << 16 | rounds);
        paging_flush();
    }
    asm volatile("cli");
    lapic_timer_stop();
    if (sidt().base != idtr[cpu].base || sgdt().base != gdtr[cpu].base || read_cr0() != cr0 ||
        read_cr4() != cr4)
        fail("cpu %u: protected state changed under a benign kernel", cpu);
    printk("cpu %u: local APIC timer ok: %u data rounds with CR3 reloads\n", cpu, rounds);
}

/* Each start of the AP that is restarted: its tables at the first, then that it came from
 * reset (the trampoline set PE alone) onto the same tables. */
static void note_start(unsigned cpu)
{
    const struct cpu_info *c = &cpus[cpu];
    require_x2apic(cpu);
    printk("cpu %u: start %u, entry cr0=0x%08x cr4=0x%08x, IDT 0x%x GDT 0x%x\n", cpu, c->boots,
           c->entry_cr0, c->entry_cr4, sidt().base, sgdt().base);
    if (c->boots == 1) {
        idtr[cpu] = sidt();
        gdtr[cpu] = sgdt();
        return;
    }
    if ((c->entry_cr0 & (CR0_PG | CR0_WP)) || !(c->entry_cr0 & 1) || c->entry_cr4)
        fail("cpu %u: start %u not from reset", cpu, c->boots);
    if (sidt().base != idtr[cpu].base || sgdt().base != gdtr[cpu].base)
        fail("cpu %u: start %u on other tables than its first", cpu, c->boots);
}

static void first_run(unsigned cpu)
{
    note_start(cpu);
    prot_cpu_setup(); /* CR0.WP, CR4.SMEP, ...: for the next INIT to wipe */
}

static void beating(unsigned cpu)
{
    note_start(cpu);
    for (uint64_t end = tsc_after_ms(WAIT_MS); rdtsc() < end;)
        beat++;
    fail("cpu %u: still running after %u ms: INIT never stopped it", cpu, WAIT_MS);
}

static void gate_write(unsigned cpu)
{
    volatile uint32_t *gate = (volatile uint32_t *)(sidt().base + VICTIM * 8);
    uint32_t before = *gate, value = SEL_KCODE << 16 | ((uint32_t)evil_handler & 0xFFFF);
    printk("cpu %u: idt-own: gate %u at 0x%x = 0x%08x, writing 0x%08x\n", cpu, VICTIM,
           (uint32_t)gate, before, value);
    int vec = poke32((uint32_t)gate, value);
    if (vec >= 0)
        fail("cpu %u: the gate write raised vector %d", cpu, vec);
    if (*gate != before && *gate != value)
        fail("cpu %u: gate holds neither value", cpu);
    prot_outcome("restarted-idt-own", *gate == value);
}

static void ap_main(unsigned cpu)
{
    bool restarted = cpus[cpu].boots > 1;
    if (restarted)
        note_start(cpu);
    prot_cpu_setup();
    report_setup(cpu);
    atomic_inc(&up);
    barrier_wait(&work, ncpus, WAIT_MS, "start of work");
    benign_work(cpu);
    barrier_wait(&quiet, ncpus, WAIT_MS, "end of work");
    if (restarted)
        gate_write(cpu);
}

/* The last AP: a first run, a restart from its halt, INIT alone to stop its heartbeat. */
static void restart_cycle(unsigned ap)
{
    smp_start(ap, first_run);
    smp_wait_done(ap, WAIT_MS);
    smp_start(ap, beating);
    wait_ge(&beat, BEATS, WAIT_MS, "the restarted AP's heartbeat");
    smp_send_init(ap);
    delay_us(1000);
    uint32_t stopped = beat;
    delay_us(10000);
    if (beat != stopped)
        fail("cpu %u kept running after INIT (%u, then %u)", ap, stopped, beat);
    printk("smp-x2apic: INIT stopped cpu %u after %u beats\n", ap, stopped);
}

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "smp-x2apic");
    smp_init(mbi);
    gdt_install();
    paging_enable();
    prot_cpu_setup();
    report_setup(0);
    restart_cycle(ncpus - 1);
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        smp_start(cpu, ap_main); /* the last from the wait-for-SIPI state INIT left */
    wait_ge(&up, ncpus - 1, WAIT_MS, "every AP to set up");
    for (unsigned i = 0; i < ncpus; i++)
        for (unsigned j = 0; j < i; j++)
            if (idtr[i].base == idtr[j].base || gdtr[i].base == gdtr[j].base)
                fail("CPUs %u and %u share a descriptor table", j, i);
    prot_arm();
    barrier_wait(&work, ncpus, WAIT_MS, "start of work");
    timer_start(100); /* the 8259s remapped: the PIT ticks alongside */
    benign_work(0);
    timer_stop();
    barrier_wait(&quiet, ncpus, WAIT_MS, "end of work");
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        smp_wait_done(cpu, WAIT_MS);
    printk("smp-x2apic: %u CPUs worked in x2APIC mode, cpu %u after two restarts\n", ncpus,
           ncpus - 1);
}
