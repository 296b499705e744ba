/* Host IDT: every exception in the hypervisor prints what happened and
 * halts this CPU, never a silent reset. NMIs are the hypervisor's
 * cross-CPU kicks (or guest NMIs to forward) and return. */
#include "hv/idt.h"
#include "hv/log.h"
#include "hv/safe_msr.h"
#include "hv/x86.h"

#define VECTOR_NMI 2
void host_nmi(void);   /* vmx/exit_nmi.c */

struct exception_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

struct __attribute__((packed)) idt_gate {
    uint16_t offset_lo, selector;
    uint8_t ist, type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi, reserved;
};

extern const uint64_t isr_table[32];
static struct idt_gate host_idt[32] __attribute__((aligned(16)));

void idt_init(void)
{
    for (unsigned v = 0; v < 32; v++) {
        uint64_t h = isr_table[v];
        host_idt[v] = (struct idt_gate){
            .offset_lo = (uint16_t)h, .selector = HOST_CODE_SEL,
            .type_attr = 0x8E,  /* present, DPL 0, 64-bit interrupt gate */
            .offset_mid = (uint16_t)(h >> 16), .offset_hi = (uint32_t)(h >> 32),
        };
    }
    idt_load();
}

void idt_load(void)
{
    struct desc_ptr d = { sizeof(host_idt) - 1, (uint64_t)host_idt };
    __asm__ volatile("lidt %0" ::"m"(d));
}

void host_exception(struct exception_frame *f);
void host_exception(struct exception_frame *f)
{
    if (f->vector == 13 && safe_msr_fixup(&f->rip))
        return;
    if (f->vector == VECTOR_NMI) {
        host_nmi();
        return;
    }
    hv_log("HOST EXCEPTION vector %lu error 0x%lx at rip 0x%lx cs 0x%lx rflags 0x%lx",
           f->vector, f->error_code, f->rip, f->cs, f->rflags);
    hv_log("  rax %016lx rbx %016lx rcx %016lx rdx %016lx", f->rax, f->rbx, f->rcx, f->rdx);
    hv_log("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx", f->rsi, f->rdi, f->rbp, f->rsp);
    hv_log("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx", f->r8, f->r9, f->r10, f->r11);
    hv_log("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx", f->r12, f->r13, f->r14, f->r15);
    hv_log("  cr0 %016lx cr2 %016lx cr3 %016lx cr4 %016lx", read_cr0(), read_cr2(), read_cr3(), read_cr4());
    hv_log("RESULT hv-failure host exception %lu", f->vector);
    hv_shutdown();
}
