/* Multiprocessor kernels: CPU discovery from the ACPI MADT, the local APIC (xAPIC or
 * x2APIC), INIT-SIPI-SIPI through a real-mode trampoline below 1 MiB, each CPU's own IDT,
 * GDT and TSS, and bounded waits between CPUs. CPU indexes: 0 is the boot CPU, then the
 * other enabled processors in MADT order (the order in which the hypervisor numbers them in
 * its records). */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H
#include "lib.h"

/* ---- TSC delays, calibrated against PIT channel 2 (tsc.c) ---- */
extern uint32_t tsc_per_ms;
void tsc_calibrate(void);
uint64_t tsc_after_ms(uint32_t ms); /* the TSC value ms milliseconds from now */
void delay_us(uint32_t us);

/* ---- local APIC, xAPIC or x2APIC mode (lapic.c) ----
 * Each access goes by the mode IA32_APIC_BASE shows on the CPU that makes it. */
#define ICR_INIT 0x0000C500u /* INIT, level triggered, assert */
#define ICR_SIPI 0x00004600u /* start-up; | the vector (page number of the entry) */
#define ICR_NMI  0x00004400u /* NMI, edge triggered, assert (no vector) */
/* The boot CPU, still in xAPIC mode: MMIO base, and the mode every CPU's lapic_enable
 * selects (x2apic: requires CPUID.1:ECX[21]). */
void lapic_init(bool x2apic);
bool lapic_x2apic(void);     /* this CPU's local APIC is in x2APIC mode */
uint32_t lapic_id(void);
/* This CPU: into x2APIC mode if selected, then software enable (spurious vector
 * VEC_APIC_SPURIOUS). */
void lapic_enable(void);
void lapic_send(uint32_t apic_id, uint32_t icr);
void lapic_timer_start(uint32_t count); /* periodic on VEC_APIC_TIMER, counts cpus[].ticks */
void lapic_timer_stop(void);

/* ---- ACPI (madt.c): APIC IDs of the enabled processors in MADT order, at most max ---- */
unsigned madt_apic_ids(uint32_t *ids, unsigned max);

/* ---- CPUs (smp.c) ---- */
struct cpu_info {
    uint32_t apic_id;
    volatile uint32_t boots;       /* times the CPU came through the trampoline */
    volatile uint32_t done;        /* the start whose function returned last */
    volatile uint32_t ticks;       /* local APIC timer interrupts since its last start */
    uint32_t entry_cr0, entry_cr4; /* as its last start left the trampoline */
};
extern struct cpu_info cpus[MAX_CPUS];
extern unsigned ncpus;
/* Calibrates the TSC, finds the CPUs and requires as many as "cpus=N" on the command line;
 * the word "x2apic" there puts every CPU's local APIC in x2APIC mode (default xAPIC). */
void smp_init(const struct mb1_info *mbi);
/* INIT-SIPI-SIPI: (re)starts an AP, whatever it was doing, in fn(cpu) on a fresh stack with
 * its own IDT, GDT and TSS and the boot CPU's paging; returns once the AP runs (fails after
 * a second). When fn returns the AP halts with interrupts off. */
void smp_start(unsigned cpu, void (*fn)(unsigned cpu));
void smp_send_init(unsigned cpu); /* INIT alone: the AP stops and waits for a start-up IPI */
void smp_wait_done(unsigned cpu, uint32_t ms); /* its current run returned, or fail() */

/* ---- waits between CPUs (sync.c); a wait that times out fails the test ---- */
static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }
static inline uint32_t atomic_inc(volatile uint32_t *p) { return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST); }
void wait_ge(volatile uint32_t *p, uint32_t v, uint32_t ms, const char *what); /* until *p >= v */
struct barrier { volatile uint32_t count, phase; };
void barrier_wait(struct barrier *b, unsigned n, uint32_t ms, const char *what);
#endif
