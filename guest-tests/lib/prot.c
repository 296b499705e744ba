/* Protection scenarios: mode from the command line, arming, outcome checks. */
#include "lib.h"

static bool audit, hv;
static const char *who = "prot";

void prot_init(const struct mb1_info *mbi, const char *name)
{
    who = name;
    if (cmdline_has(mbi, "enforce") == cmdline_has(mbi, "audit"))
        fail("%s: command line '%s': want 'enforce' or 'audit'", name, cmdline_args(mbi));
    audit = cmdline_has(mbi, "audit");
    hv = hv_present();
    printk("%s: mode %s, hypervisor %s\n", name, audit ? "audit" : "enforce",
           hv ? "present" : "absent (bare run: nothing is protected, expecting changes to land)");
}

bool prot_audit(void) { return audit; }
bool prot_hv(void) { return hv; }
bool prot_blocking(void) { return hv && !audit; }

bool prot_arm_quiet(void)
{
    if (!hv)
        return false;
    struct vmcall_regs r = { VMCALL_ARM, 0, 0, 0 };
    if (vmcall(&r) >= 0 || r.ax != 0)
        fail("VMCALL ARM: vector %d status 0x%x", trap_vector, r.ax);
    return true;
}

void prot_report_arm(bool armed)
{
    if (armed)
        printk("%s: armed\n", who);
    else
        printk("%s: arm skipped (no hypervisor)\n", who);
}

void prot_arm(void) { prot_report_arm(prot_arm_quiet()); }

void prot_outcome(const char *what, bool landed)
{
    printk("%s: %s\n", what, landed ? "landed" : "blocked");
    if (landed == prot_blocking())
        fail("%s %s, but the mode is %s%s", what, landed ? "landed" : "was blocked",
             audit ? "audit" : "enforce", hv ? "" : " without a hypervisor");
}

uint32_t hv_read_log(void *buf, uint32_t size, uint32_t first, uint32_t *written, uint32_t *next)
{
    struct vmcall_regs r = { VMCALL_READ_LOG, (uint32_t)buf, size, first };
    if (vmcall(&r) >= 0)
        fail("VMCALL READ_LOG raised vector %d", trap_vector);
    *written = r.bx;
    *next = r.cx;
    return r.ax;
}

/* The code an attacker patches: mov $PROT_TARGET_RET, %eax; ret. PROT_PATCH over its
 * first four bytes makes it xor %eax, %eax; inc %eax; ret (returns 1). */
__attribute__((noinline, aligned(16))) uint32_t prot_target(void)
{
    asm volatile("");
    return PROT_TARGET_RET;
}

int poke32(uint32_t va, uint32_t v)
{
    return TRAP_TRY("movl %0, (%1)", :: "r"(v), "r"(va) : "memory");
}

bool prot_target_patched(void)
{
    uint32_t (*volatile fn)(void) = prot_target;
    uint32_t head = *(volatile uint32_t *)(uint32_t)prot_target, ret = fn();
    printk("target code: first bytes 0x%08x, returns 0x%x\n", head, ret);
    if (head == PROT_PATCH && ret == 1)
        return true;
    if (head != PROT_PATCH && ret == PROT_TARGET_RET)
        return false;
    fail("target code is inconsistent");
}

static void syscall_entry(void) {}

void prot_cpu_setup(void)
{
    uint32_t r[4];
    wrmsr(IA32_SYSENTER_CS, SEL_KCODE);
    wrmsr(IA32_SYSENTER_EIP, (uint32_t)syscall_entry);
    cpuid(0x80000001, 0, r);
    if (r[3] & (1u << 29))
        wrmsr(IA32_LSTAR, (uint32_t)syscall_entry);
    if (r[3] & (1u << 20))
        wrmsr(IA32_EFER, rdmsr(IA32_EFER) | EFER_NXE);
    write_cr0(read_cr0() | CR0_WP);
    cpuid(0, 0, r);
    uint32_t max = r[0], cr4 = read_cr4();
    if (max >= 7) {
        cpuid(7, 0, r);
        cr4 |= (r[1] & (1u << 7) ? CR4_SMEP : 0) | (r[1] & (1u << 20) ? CR4_SMAP : 0);
    }
    write_cr4(cr4);
}

void prot_paging_text_ro(void)
{
    paging_enable();
    paging_split(0);
    for (uint32_t va = (uint32_t)__text_start & ~0xFFFu; va < (uint32_t)__text_end; va += 4096)
        paging_set_rw(va, false);
    write_cr0(read_cr0() | CR0_WP);
    printk("paging on, text 0x%x-0x%x read-only, cr0=0x%08x\n", (uint32_t)__text_start,
           (uint32_t)__text_end, read_cr0());
}

bool prot_wrmsr_attack(const char *what, uint32_t msr, uint64_t value)
{
    uint64_t before = rdmsr(msr);
    int vec = TRAP_TRY("wrmsr", :: "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                       : "memory");
    uint64_t now = rdmsr(msr);
    printk("%s: wrmsr 0x%x 0x%llx over 0x%llx: vector %d, now 0x%llx\n", what, msr, value,
           before, vec, now);
    if (vec >= 0 && (vec != VEC_GP || !prot_blocking()))
        fail("WRMSR raised vector %d", vec);
    if (now != before && now != value)
        fail("MSR holds neither value");
    prot_outcome(what, now == value);
    return vec >= 0;
}

bool prot_cr4_clear_attack(const char *what, uint32_t bit)
{
    uint32_t before = read_cr4();
    int vec = TRAP_TRY("mov %0, %%cr4", :: "r"(before & ~bit) : "memory");
    uint32_t now = read_cr4();
    printk("%s: mov cr4 0x%08x over 0x%08x: vector %d, now 0x%08x\n", what, before & ~bit,
           before, vec, now);
    if (vec >= 0)
        fail("MOV to CR4 raised vector %d", vec);
    if (now != before && now != (before & ~bit))
        fail("CR4 holds neither value");
    prot_outcome(what, !(now & bit));
    return true;
}
