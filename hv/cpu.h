/* Per-CPU state: everything one virtualized CPU owns lives in one struct.
 * The VM-exit stub saves the guest's general-purpose registers into
 * `regs`, which sits directly above the host stack: HOST_RSP points at the
 * end of `regs`, so the stub's pushes fill it in place (vmx/exit_stub.S). */
#ifndef BULWARK_CPU_H
#define BULWARK_CPU_H

#include "hv/boot_layout.h"
#include "hv/lib.h"
#include "vmx/guest_insn.h"
#include "vmx/vmx_bits.h"

#define MAX_CPUS 16

/* Indexed by the x86 register number (0 = RAX ... 15 = R15), the encoding
 * used by exit qualifications and instruction decoders. RSP lives in the
 * VMCS; its slot here is unused. */
struct guest_regs {
    uint64_t gpr[16];
};
enum { REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI };

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));

struct cpu {
    uint8_t host_stack[HV_STACK_SIZE] __attribute__((aligned(16)));
    struct guest_regs regs;
    struct cpu *self;           /* == this; read by the exit stub sanity check */
    unsigned index;
    bool launched;              /* VMLAUNCH done; later entries VMRESUME */
    uint32_t apic_id;

    /* Cross-CPU coordination (hv/rendezvous.c). Written by this CPU,
     * read by CPUs that wait for it. */
    volatile bool in_guest;     /* entering or in VMX non-root operation */
    volatile bool waiting_sipi; /* in the wait-for-SIPI activity state: runs nothing */
    volatile bool parked;       /* held in root mode while another CPU stops the world */
    volatile bool kicked;       /* the next NMI is the hypervisor's, not the guest's */
    volatile uint64_t ept_gen;  /* EPT generation whose INVEPT this CPU has done */
    bool guest_nmi_pending;     /* an NMI for the guest, injected when it can take it */
    volatile int boot_state;    /* AP bring-up progress (hv/smp.c) */
    volatile uint32_t requests; /* CPU_REQ_* other CPUs asked for (hv/rendezvous.c) */

    /* Register rules armed on this CPU, bit i = rule i (hv/enforce_regs.c):
     * LSTAR, CR pins and friends are per-CPU registers. */
    volatile uint32_t msr_armed, cr_armed;

    void *vmxon_region;
    uint64_t vmxon_phys;
    void *vmcs;
    uint64_t vmcs_phys;

    uint64_t host_gdt[8] __attribute__((aligned(16)));
    struct tss64 tss;

    /* Guest-visible control register bits the hypervisor owns (masked). */
    uint64_t cr0_mask, cr4_mask;

    /* A write to an unprotected part of a write-protected page is let
     * through for one instruction with the monitor trap flag while the
     * other CPUs are held outside guest mode; a write that straddles two
     * such pages needs both. */
    uint64_t step_pages[2];
    unsigned step_count;
    uint64_t step_rip;          /* the stepped instruction: the step ends once RIP leaves it */
    uint32_t step_timer;        /* preemption-timer watchdog for the step, doubled while it fires too early */
    uint8_t *step_before[2];    /* the stepped pages before the step (pool pages, taken at first use) */
    struct guest_insn step_insn; /* the stepped instruction, for records made after the step */
    bool step_judged;           /* the policy judged (and allowed) the stepped write before it ran */
    bool stepping;

    /* IDTR and GDTR (by enum policy_table) as pinned by the table rules
     * (hv/enforce_dt.c): a load that changes a pinned value is judged. */
    struct dt_pin {
        uint64_t base;
        uint16_t limit;
        uint8_t state;          /* enum dt_pin_state */
    } dt_pin[2];

    char hypercall_buf[4096];   /* bounce buffer for HC_READ_LOG */

    uint64_t exit_count[EXIT_REASON_MAX];
    uint64_t exits_total;
};

_Static_assert(sizeof(struct guest_regs) == 128, "exit stub pushes 16 registers");
_Static_assert(__builtin_offsetof(struct cpu, regs) % 16 == 0, "regs must keep the host stack 16-byte aligned");

static inline struct cpu *cpu_from_regs(struct guest_regs *r)
{
    return (struct cpu *)((char *)r - __builtin_offsetof(struct cpu, regs));
}

extern struct cpu cpus[MAX_CPUS];
extern unsigned cpu_count;   /* CPUs virtualized, cpus[0] the BSP */

#endif
