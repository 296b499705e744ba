/* IDT, exception dispatch through the exception table, IRQ handlers (8259 PIC, local APIC),
 * an NMI handler. */
#include "lib.h"

struct trap_frame { /* pushed by isr_common (entry.S) */
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t vector, error, eip, cs, eflags;
};
struct extable_entry { uint32_t from, to; };

extern const uint32_t isr_table[48];
extern const struct extable_entry __start_extable[], __stop_extable[];

volatile int trap_vector = -1;
volatile uint32_t trap_error;
static struct idt_entry idt[IDT_ENTRIES];
static void (*irq_handlers[16])(void);
static void (*apic_timer_handler)(void);
static void (*nmi_handler)(void);
uint32_t user_resume_eip; /* user.c: where an exception at CPL 3 returns to, at CPL 0 */

void idt_install(struct idt_entry *table)
{
    for (unsigned v = 0; v < IDT_ENTRIES; v++)
        table[v] = (struct idt_entry){ (uint16_t)isr_table[v], SEL_KCODE, 0, 0x8E, (uint16_t)(isr_table[v] >> 16) };
    struct desc_ptr ptr = { IDT_ENTRIES * sizeof(*table) - 1, (uint32_t)table };
    asm volatile("lidt %0" :: "m"(ptr));
}

void traps_init(void) { idt_install(idt); }

void irq_set_handler(unsigned irq, void (*fn)(void))
{
    if (irq < 16)
        irq_handlers[irq] = fn;
}

void apic_timer_set_handler(void (*fn)(void)) { apic_timer_handler = fn; }

void nmi_set_handler(void (*fn)(void)) { nmi_handler = fn; }

void trap_dispatch(struct trap_frame *f)
{
    if (f->vector == VEC_APIC_SPURIOUS)
        return;
    if (f->vector == VEC_APIC_TIMER && apic_timer_handler) {
        apic_timer_handler();
        return;
    }
    if (f->vector == VEC_NMI && nmi_handler) {
        nmi_handler();
        return;
    }
    if (f->vector >= 32) {
        unsigned irq = f->vector - 32;
        if (irq_handlers[irq])
            irq_handlers[irq]();
        if (irq >= 8)
            outb(0xA0, 0x20);
        outb(0x20, 0x20);
        return;
    }
    if ((f->cs & 3) && user_resume_eip) { /* back to user_run's caller, at CPL 0 */
        trap_vector = (int)f->vector;
        trap_error = f->error;
        f->eip = user_resume_eip;
        f->cs = SEL_KCODE;
        return;
    }
    for (const struct extable_entry *e = __start_extable; e < __stop_extable; e++) {
        if (f->eip >= e->from && f->eip <= e->to) {
            trap_vector = (int)f->vector;
            trap_error = f->error;
            f->eip = e->to;
            return;
        }
    }
    fail("unexpected exception %u error 0x%x at eip 0x%x", f->vector, f->error, f->eip);
}
