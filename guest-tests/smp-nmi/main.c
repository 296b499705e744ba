/* smp-nmi: NMIs the guest sends reach it exactly once and under its own NMI blocking; the
 * hypervisor's own NMI kicks never reach it. Every AP counts NMIs in a handler that fails
 * if re-entered and dawdles HANDLER_US, so that an NMI sent meanwhile would nest were the
 * blocking broken. The boot CPU sends each AP NMI IPIs through its ICR (the x2APIC one
 * with "x2apic"):
 *   spaced NMIs, each counted before the next: exactly one count each;
 *   bursts, back to back: at most one NMI is latched while one is handled (SDM Vol 3A
 *   6.7.1), so a burst of BURST counts between 1 and BURST;
 * then it arms a policy of PAGES protected pages and the IDTs (an EPT shootdown per range,
 * so kicks to every AP in guest mode, and a request to each AP to protect its own IDT): no
 * count may move. With three or more CPUs the last AP takes an NMI right before ARM and
 * handles it while the kicks land: counted once. Last, spaced NMIs again. Command line:
 * "enforce [x2apic] cpus=N". */
#include "smp.h"

#define SPACED_BEFORE 8u
#define BURSTS        2u
#define BURST         4u
#define SPACED_AFTER  4u
#define PAGES         4u /* the policy's gpa rules */
#define HANDLER_US    20000u /* longer than a burst of sends, under a hypervisor too */
#define NMI_MS        1000u /* for an NMI to be counted and the count to settle */
#define RUN_MS        60000u

static struct nmi_state { volatile uint32_t count, inside; } nmis[MAX_CPUS];
static volatile uint32_t ready, stop;

static void on_nmi(void)
{
    unsigned cpu = cpu_self();
    struct nmi_state *n = &nmis[cpu];
    if (cpu == 0)
        fail("cpu 0 took an NMI");
    if (n->inside)
        fail("cpu %u: NMI inside its NMI handler (after %u NMIs)", cpu, n->count);
    n->inside = 1;
    n->count++;
    delay_us(HANDLER_US);
    n->inside = 0;
}

static void receiver(unsigned cpu)
{
    atomic_inc(&ready);
    for (uint64_t end = tsc_after_ms(RUN_MS); !stop; cpu_relax())
        if (rdtsc() > end)
            fail("cpu %u: never told to stop", cpu);
}

static void send_nmi(unsigned cpu) { lapic_send(cpus[cpu].apic_id, ICR_NMI); }

/* The AP's count once it stops moving: no handler running and no change for three handler
 * times (an NMI latched during the handler is taken right after its IRET). */
static uint32_t settle(unsigned cpu)
{
    struct nmi_state *n = &nmis[cpu];
    for (uint64_t end = tsc_after_ms(NMI_MS);;) {
        uint32_t count = n->count;
        delay_us(3 * HANDLER_US);
        if (!n->inside && n->count == count)
            return count;
        if (rdtsc() > end)
            fail("cpu %u: NMI count still moving after %u ms (%u)", cpu, NMI_MS, n->count);
    }
}

static void expect_count(unsigned cpu, uint32_t want, const char *after)
{
    uint32_t got = settle(cpu);
    if (got != want)
        fail("cpu %u: %u NMIs counted after %s, want %u", cpu, got, after, want);
}

/* One NMI to every AP, then each counted exactly once. */
static void spaced_round(uint32_t sent[MAX_CPUS])
{
    uint32_t want[MAX_CPUS];
    for (unsigned cpu = 1; cpu < ncpus; cpu++) {
        want[cpu] = nmis[cpu].count + 1;
        send_nmi(cpu);
        sent[cpu]++;
    }
    for (unsigned cpu = 1; cpu < ncpus; cpu++) {
        wait_ge(&nmis[cpu].count, want[cpu], NMI_MS, "a spaced NMI to be counted");
        expect_count(cpu, want[cpu], "a spaced NMI");
    }
}

static void bursts(uint32_t sent[MAX_CPUS], uint32_t counted[MAX_CPUS][BURSTS])
{
    for (unsigned b = 0; b < BURSTS; b++)
        for (unsigned cpu = 1; cpu < ncpus; cpu++) {
            uint32_t base = settle(cpu);
            for (unsigned i = 0; i < BURST; i++)
                send_nmi(cpu);
            sent[cpu] += BURST;
            wait_ge(&nmis[cpu].count, base + 1, NMI_MS, "a burst's first NMI to be counted");
            counted[cpu][b] = settle(cpu) - base;
            if (counted[cpu][b] > BURST)
                fail("cpu %u: a burst of %u NMIs counted %u times", cpu, BURST, counted[cpu][b]);
        }
}

/* ARM with no NMI in flight to any AP but the last of three or more, which is sent one
 * right before: ARM's kicks land while it handles that NMI. No kick may count. */
static void arm_unseen(uint32_t sent[MAX_CPUS])
{
    uint32_t before[MAX_CPUS];
    unsigned busy = ncpus > 2 ? ncpus - 1 : 0;
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        before[cpu] = settle(cpu);
    if (busy) {
        send_nmi(busy);
        sent[busy]++;
        wait_ge(&nmis[busy].count, before[busy] + 1, NMI_MS, "the NMI before ARM to be taken");
    }
    bool armed = prot_arm_quiet();
    bool handling = busy && nmis[busy].inside;
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        expect_count(cpu, before[cpu] + (cpu == busy), "ARM");
    prot_report_arm(armed);
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        printk("smp-nmi: cpu %u: count %u before ARM (%u protected pages and the IDTs), %u after%s\n",
               cpu, before[cpu], PAGES, nmis[cpu].count,
               cpu != busy ? "" : handling ? ", one NMI handled across it" : ", one NMI before it");
}

void test_main(struct mb1_info *mbi)
{
    static uint32_t sent[MAX_CPUS], counted[MAX_CPUS][BURSTS];
    prot_init(mbi, "smp-nmi");
    smp_init(mbi);
    nmi_set_handler(on_nmi);
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        smp_start(cpu, receiver);
    wait_ge(&ready, ncpus - 1, NMI_MS, "every AP to wait for NMIs");
    for (unsigned i = 0; i < SPACED_BEFORE; i++)
        spaced_round(sent);
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        printk("smp-nmi: cpu %u: %u spaced NMIs, each counted once\n", cpu, SPACED_BEFORE);
    bursts(sent, counted);
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        for (unsigned b = 0; b < BURSTS; b++)
            printk("smp-nmi: cpu %u: burst %u of %u NMIs back to back counted %u times\n", cpu,
                   b + 1, BURST, counted[cpu][b]);
    arm_unseen(sent);
    for (unsigned i = 0; i < SPACED_AFTER; i++)
        spaced_round(sent);
    printk("smp-nmi: %u spaced NMIs to each AP after ARM, each counted once\n", SPACED_AFTER);
    stop = 1;
    for (unsigned cpu = 1; cpu < ncpus; cpu++) {
        smp_wait_done(cpu, NMI_MS);
        printk("smp-nmi: cpu %u: %u NMIs sent, %u counted, none nested\n", cpu, sent[cpu],
               nmis[cpu].count);
    }
}
