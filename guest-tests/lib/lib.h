/* Shared library of the guest-test kernels: Multiboot 1, 32-bit protected mode, ring 0.
 * A kernel defines test_main(); returning from it reports PASS, fail() reports FAIL. */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Multiboot 1 information (Multiboot spec 0.6.96, section 3.3) ---- */
#define MB1_INFO_MEM     (1u << 0)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS    (1u << 3)
#define MB1_INFO_MMAP    (1u << 6)

struct mb1_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
};
struct mb1_module { uint32_t mod_start, mod_end, string, reserved; };
struct mb1_mmap_entry { uint32_t size; uint64_t addr, len; uint32_t type; } __attribute__((packed));

void test_main(struct mb1_info *mbi);
const char *cmdline_args(const struct mb1_info *mbi); /* command line after the kernel's name */
bool cmdline_has(const struct mb1_info *mbi, const char *word); /* a blank-separated word */
/* The value of "key=N" (decimal) among the arguments, or dflt when absent. */
uint32_t cmdline_uint(const struct mb1_info *mbi, const char *key, uint32_t dflt);

/* ---- console (COM1, 115200 8N1) and verdict ----
 * printk holds the console lock for its line, so CPUs never interleave within a call;
 * console_lock/unlock group several calls (the lock nests on one CPU, and a wait for it
 * is bounded: a CPU that never lets go cannot silence the others). */
void console_lock(void);
void console_unlock(void);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);
__attribute__((noreturn, format(printf, 1, 2))) void fail(const char *fmt, ...);
__attribute__((noreturn)) void guest_exit(uint32_t value);

/* ---- string helpers (also what gcc may call implicitly) ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* ---- CPU helpers ---- */
static inline void outb(uint16_t p, uint8_t v) { asm volatile("outb %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outl(uint16_t p, uint32_t v) { asm volatile("outl %0, %1" :: "a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p) { uint8_t v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    asm volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}
#define DEFINE_CR(n)                                                                 \
    static inline uint32_t read_cr##n(void) { uint32_t v; asm volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
    static inline void write_cr##n(uint32_t v) { asm volatile("mov %0, %%cr" #n :: "r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR
#define CR0_WP  (1u << 16)
#define CR0_PG  (1u << 31)
#define CR4_PSE (1u << 4)
#define CR4_VMXE (1u << 13)
#define CR4_SMEP (1u << 20)
#define CR4_SMAP (1u << 21)
#define IA32_SYSENTER_CS  0x174
#define IA32_SYSENTER_EIP 0x176
#define IA32_EFER  0xC0000080u
#define EFER_NXE   (1u << 11)
#define IA32_LSTAR 0xC0000082u

/* ---- descriptor tables ---- */
struct idt_entry { uint16_t off_lo, sel; uint8_t zero, type; uint16_t off_hi; };
struct desc_ptr { uint16_t limit; uint32_t base; } __attribute__((packed));
static inline struct desc_ptr sidt(void) { struct desc_ptr p; asm volatile("sidt %0" : "=m"(p)); return p; }
static inline struct desc_ptr sgdt(void) { struct desc_ptr p; asm volatile("sgdt %0" : "=m"(p)); return p; }
#define IDT_ENTRIES 48
/* Fills idt[0..47] with the library's handlers and loads it (traps_init uses its own). */
void idt_install(struct idt_entry *idt);
/* Image layout (guest.ld): code + rodata [__text_start, __text_end) in an R-X segment,
 * data + bss from __data_start, page-aligned, in an RW one. */
extern char __text_start[], __text_end[], __data_start[], __data_end[];

/* ---- expected exceptions (XTF-style exception table) ----
 * TRAP_TRY("insn", operands) runs the asm; a fault raised anywhere inside it resumes right
 * after it. Evaluates to the vector raised, or -1; trap_error holds the error code.
 * trap_vector and trap_error are shared by all CPUs: one CPU at a time may use TRAP_TRY
 * (and vmcall, poke32, the prot_*_attack helpers built on it). */
extern volatile int trap_vector;
extern volatile uint32_t trap_error;
#define TRAP_TRY(insn, ...) ({                                                     \
    trap_vector = -1;                                                              \
    asm volatile("1: " insn "\n2:\n"                                               \
                 ".pushsection extable, \"a\"\n.long 1b, 2b\n.popsection" __VA_ARGS__); \
    asm volatile("" ::: "memory");                                                 \
    trap_vector; })
#define VEC_UD 6
#define VEC_GP 13
#define VEC_PF 14
void traps_init(void);
void irq_set_handler(unsigned irq, void (*fn)(void));
/* Local APIC vectors (smp.h), in the slots of 8259 IRQs 14 and 15, which stay masked. The
 * timer handler sends its own EOI; a spurious interrupt needs none. */
#define VEC_APIC_TIMER    46
#define VEC_APIC_SPURIOUS 47
void apic_timer_set_handler(void (*fn)(void));
/* NMI (vector 2): without a handler an NMI fails the test like any unexpected exception.
 * The handler runs with NMIs blocked until the IRET that ends it, on whichever CPU took it. */
#define VEC_NMI 2
void nmi_set_handler(void (*fn)(void));

/* ---- hypervisor calls (docs/CONVENTIONS-dev.md, guest ABI) ---- */
#define VMCALL_PING 0
#define VMCALL_INFO 1
#define VMCALL_ARM 2      /* arms the on-hypercall rules; once */
#define VMCALL_READ_LOG 3 /* bx = buffer (guest-virtual), cx = size, dx = first seq */
#define VMCALL_PING_MAGIC 0x4B4C5742u /* "BWLK" */
#define VMCALL_ERR_UNKNOWN 0xFFFFFFFFu
#define VMCALL_ERR_DENIED  0xFFFFFFFEu
#define VMCALL_ERR_BUFFER  0xFFFFFFFDu
struct vmcall_regs { uint32_t ax, bx, cx, dx; };
/* Returns the vector VMCALL raised (#UD when no hypervisor), or -1 when it returned. */
int vmcall(struct vmcall_regs *r);
bool hv_present(void);

/* ---- paging: identity map of 4 GiB with 4 MiB pages; one 4 MiB slot can be split ---- */
void paging_enable(void);
void paging_disable(void);
void paging_split(uint32_t va);              /* 4 MiB page -> identity 4 KiB table */
void paging_map4k(uint32_t va, uint32_t pa); /* inside the split slot */
void paging_set_rw(uint32_t va, bool rw);    /* inside the split slot: writable or not */
void paging_unmap4k(uint32_t va);            /* inside the split slot: not present */
void paging_merge(uint32_t va);              /* back to one 4 MiB page */

/* bench.c: TIMED runs `op` n times (the loop variable is i) and prints its mean
 * cost in TSC ticks as "bench <what> ticks=<N>"; bench_exit_costs times CPUID, a
 * WRMSR the policy guards but has not armed, and VMCALL PING. */
#define BENCH_ROUNDS 2000u
#define TIMED(what, n, op) do {                                  \
        uint64_t t0_ = rdtsc();                                  \
        for (uint32_t i = 0; i < (n); i++)                       \
            op;                                                  \
        bench_report(what, t0_, rdtsc(), n);                     \
    } while (0)
void bench_report(const char *what, uint64_t t0, uint64_t t1, uint32_t n);
void bench_arm(bool hv);   /* VMCALL ARM, status 0 required; nothing bare */
void bench_exit_costs(bool hv);

/* workload.c: benign kernel work. A data pass fills `words` words from a
 * xorshift seed and returns their checksum; a churn round splits the 4 MiB
 * page at 12 MiB, points 64 of its pages at frames from 8 MiB, writes and
 * checks them, and merges it back. */
uint32_t work_data_pass(uint32_t *d, uint32_t words, uint32_t seed);
void work_churn(uint32_t round);
void paging_flush(void);                     /* CR3 reload */

/* ---- PIT timer on IRQ 0 through the 8259 PIC (vectors 32..47) ---- */
extern volatile uint32_t timer_ticks;
void timer_start(uint32_t hz);
void timer_stop(void);

/* ---- CPUs: index 0 is the boot CPU; smp.h starts the others ---- */
#define MAX_CPUS 8
unsigned cpu_self(void); /* this CPU's index (0 until smp_init) */

/* ---- ring 3: the library's full GDT (0x08/0x10 kernel, 0x1B/0x23 user, 0x28 TSS) ----
 * Descriptors are stored with their accessed bits set and the TSS is loaded (busy), so the
 * CPU never writes the GDT itself afterwards: a protected GDT sees only software writes.
 * user_run() runs fn at CPL 3 on its own stack (flat segments; paging off, or pages
 * user-accessible) until its first exception, and returns that vector (trap_error holds
 * the error code); fn returning ends in #GP (HLT at CPL 3). Each CPU has its own GDT and
 * TSS (and ring-0 stack for exceptions from CPL 3), all on one page per CPU. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1B
#define SEL_UDATA 0x23
#define SEL_TSS   0x28
void gdt_install(void); /* this CPU's own GDT and TSS, on a page of their own */
int user_run(void (*fn)(void)); /* boot CPU only (one user stack) */

/* ---- protection scenarios (prot.c): the mode comes from the command line ----
 * prot_init reads "enforce" or "audit" from the arguments. Without a hypervisor nothing
 * is protected, so a bare run expects the audit outcome (changes land) and says so. */
void prot_init(const struct mb1_info *mbi, const char *name);
bool prot_audit(void);     /* the mode asked for is audit */
bool prot_blocking(void);  /* enforce mode under the hypervisor: attacks must not land */
bool prot_hv(void);
void prot_arm(void);       /* VMCALL ARM: status 0 required; skipped bare */
bool prot_arm_quiet(void); /* the same without the "armed" line; false bare */
void prot_report_arm(bool armed);
/* Reports "<what>: blocked" or "<what>: landed" and fails unless that is the outcome the
 * mode requires (blocked exactly when prot_blocking()). */
void prot_outcome(const char *what, bool landed);
/* Kernel code to attack: prot_target() returns PROT_TARGET_RET until PROT_PATCH is written
 * over its first 4 bytes (then it returns 1). prot_target_patched() checks both the bytes
 * and the behaviour. poke32 writes one dword, returning the vector raised or -1. */
#define PROT_TARGET_RET 0x1234u
#define PROT_PATCH 0xC340C031u /* 31 c0 40 c3: xor %eax,%eax; inc %eax; ret */
uint32_t prot_target(void);
bool prot_target_patched(void);
int poke32(uint32_t va, uint32_t v);
/* WRMSR msr := value after arming: accepts #GP only when blocking, checks the MSR holds
 * either value and reports the outcome via prot_outcome. Returns whether it faulted. */
bool prot_wrmsr_attack(const char *what, uint32_t msr, uint64_t value);
/* MOV to CR4 clearing `bit`; no exception allowed (a denied clear is skipped). */
bool prot_cr4_clear_attack(const char *what, uint32_t bit);
/* A kernel's per-CPU boot steps, on the calling CPU: SYSENTER_CS/EIP and, on long-mode
 * CPUs, LSTAR pointed at a stub entry; EFER.NXE when offered; CR0.WP; CR4.SMEP/SMAP when
 * offered. */
void prot_cpu_setup(void);
/* Paging on with the first 4 MiB in 4 KiB pages, the kernel text read-only, CR0.WP set. */
void prot_paging_text_ro(void);
/* VMCALL READ_LOG; returns the status (ax), *written = bytes, *next = next sequence. */
uint32_t hv_read_log(void *buf, uint32_t size, uint32_t first, uint32_t *written, uint32_t *next);
#endif
