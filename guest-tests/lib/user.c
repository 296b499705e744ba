/* The full GDT (kernel and user segments, a TSS) and running code at CPL 3. */
#include "lib.h"

struct tss { uint32_t link, esp0, ss0, unused[22], iomap; };

/* As in many kernels' per-CPU areas, the ring-0 stack shares its page with the GDT and
 * TSS: an exception from CPL 3 pushes its frame onto the page of a protected table. One
 * page per CPU, so each CPU's tables are protected on their own. */
struct __attribute__((aligned(4096))) percpu {
    uint8_t kstack[2048]; /* esp0: exceptions from CPL 3 */
    uint64_t gdt[6];
    struct tss tss;
};
static struct percpu percpu_pages[MAX_CPUS];
static uint8_t ustack[4096] __attribute__((aligned(16)));
extern uint32_t user_resume_eip; /* traps.c */
uint32_t user_kernel_esp;        /* user_run's frame, restored by user_resume */

/* base 0, limit 4 GiB, 32-bit, page granular; type includes the accessed bit */
static uint64_t flat(unsigned dpl, unsigned type)
{
    return 0x00CF00000000FFFFull | (uint64_t)(0x90 | dpl << 5 | type) << 40;
}

void gdt_install(void)
{
    struct percpu *pc = &percpu_pages[cpu_self()];
    uint32_t t = (uint32_t)&pc->tss;
    pc->tss = (struct tss){ .esp0 = (uint32_t)pc->kstack + sizeof(pc->kstack), .ss0 = SEL_KDATA,
                            .iomap = sizeof(pc->tss) };
    pc->gdt[0] = 0;
    pc->gdt[1] = flat(0, 0xB); /* code, execute/read, accessed */
    pc->gdt[2] = flat(0, 0x3); /* data, read/write, accessed */
    pc->gdt[3] = flat(3, 0xB);
    pc->gdt[4] = flat(3, 0x3);
    pc->gdt[5] = (uint64_t)(sizeof(pc->tss) - 1) | (uint64_t)(t & 0xFFFFFF) << 16 |
                 (uint64_t)0x89 << 40 | (uint64_t)(t >> 24) << 56; /* 32-bit TSS, available */
    struct desc_ptr p = { sizeof(pc->gdt) - 1, (uint32_t)pc->gdt };
    asm volatile("lgdt %0\n\t"
                 "ljmp %1, $1f\n1:\n\t"
                 "mov %2, %%ds\n\tmov %2, %%es\n\tmov %2, %%fs\n\tmov %2, %%gs\n\tmov %2, %%ss"
                 :: "m"(p), "i"(SEL_KCODE), "r"(SEL_KDATA) : "memory");
    asm volatile("ltr %w0" :: "r"(SEL_TSS) : "memory"); /* marks the descriptor busy */
}

/* int user_run_asm(void (*fn)(void), void *ustack_top) */
int user_run_asm(void (*fn)(void), void *top);
asm(".text\n"
    "user_run_asm:\n\t"
    "push %ebp\n\tpush %ebx\n\tpush %esi\n\tpush %edi\n\t"
    "mov %esp, user_kernel_esp\n\t"
    "mov 20(%esp), %eax\n\t"        /* fn */
    "mov 24(%esp), %edx\n\t"        /* user stack top */
    "sub $4, %edx\n\t"
    "movl $user_return_hlt, (%edx)\n\t" /* fn's return address */
    "mov $0x23, %ecx\n\t"
    "mov %ecx, %ds\n\tmov %ecx, %es\n\tmov %ecx, %fs\n\tmov %ecx, %gs\n\t"
    "push $0x23\n\tpush %edx\n\tpushf\n\tpush $0x1B\n\tpush %eax\n\t"
    "iret\n"
    "user_return_hlt:\n\t"
    "hlt\n"                          /* #GP at CPL 3 */
    "user_resume:\n\t"              /* from trap_dispatch, at CPL 0 */
    "mov $0x10, %ecx\n\t"
    "mov %ecx, %ds\n\tmov %ecx, %es\n\tmov %ecx, %fs\n\tmov %ecx, %gs\n\t"
    "mov user_kernel_esp, %esp\n\t"
    "mov trap_vector, %eax\n\t"
    "pop %edi\n\tpop %esi\n\tpop %ebx\n\tpop %ebp\n\t"
    "ret\n");

int user_run(void (*fn)(void))
{
    extern char user_resume[];
    user_resume_eip = (uint32_t)user_resume;
    trap_vector = -1;
    int vec = user_run_asm(fn, ustack + sizeof(ustack));
    user_resume_eip = 0;
    return vec;
}
