/* Boot flow on the bootstrap processor: log, memory, VMX checks, guest
 * load, EPT, VMCS, launch. Any failure before launch ends the run with a
 * `RESULT hv-failure` line naming the cause; the guest is never started
 * unprotected. */
#include "ept/ept.h"
#include "ept/invept.h"
#include "ept/mtrr.h"
#include "hv/acpi.h"
#include "hv/cpu.h"
#include "hv/enforce.h"
#include "hv/gdt.h"
#include "hv/guest_ipi.h"
#include "hv/lapic.h"
#include "hv/guest_loader.h"
#include "hv/guest_ept.h"
#include "hv/guest_mem.h"
#include "hv/idt.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "hv/multiboot2.h"
#include "hv/run_end.h"
#include "hv/serial.h"
#include "hv/smp.h"
#include "hv/x86.h"
#include "vmx/bitmaps.h"
#include "vmx/caps.h"
#include "vmx/msr_policy.h"
#include "vmx/vmcs_init.h"

#define BULWARK_VERSION "0.1"
#define DEBUG_EXIT_PORT 0xF4
#define GIB ((uint64_t)1 << 30)

struct cpu cpus[MAX_CPUS];
unsigned cpu_count = 1;
static struct boot_info boot_info;
static struct mem_region guest_map[MB2_MAX_REGIONS];
static unsigned guest_map_count;
struct ept guest_ept;
static struct mtrr_state mtrrs;

static void log_memory_map(const struct mem_region *m, unsigned n, const char *what)
{
    hv_log("%s memory map (%u entries):", what, n);
    for (unsigned i = 0; i < n; i++)
        hv_log("  %016lx-%016lx type %u", m[i].base, m[i].base + m[i].len - 1, m[i].type);
}

static void parse_boot_info(uint32_t magic, uint32_t info_phys)
{
    const char *err;
    if (magic != MB2_BOOTLOADER_MAGIC)
        run_end_failure("not started by a multiboot2 loader (magic 0x%x)", magic);
    uint32_t total = *(const uint32_t *)phys_to_virt(info_phys);
    if (mb2_parse(phys_to_virt(info_phys), MIN(total, 1u << 20), &boot_info, &err))
        run_end_failure("multiboot2 information: %s", err);
    hv_log("command line: %s", boot_info.cmdline ? boot_info.cmdline : "");
    log_memory_map(boot_info.regions, boot_info.region_count, "firmware");
}

/* CPU discovery: the processors the ACPI MADT lists as enabled, through the
 * RSDP GRUB passed or, failing that, the legacy BIOS search. Without ACPI or
 * a valid MADT the machine is treated as one CPU, the bootstrap processor. */
struct acpi_cpus acpi_cpus;

static const void *acpi_map(void *ctx, uint64_t phys, size_t len)
{
    (void)ctx;
    return phys < 4 * GIB && len <= 4 * GIB - phys ? phys_to_virt(phys) : NULL;
}

static void discover_cpus(void)
{
    const char *err;
    size_t len = boot_info.rsdp_len;
    const void *rsdp = boot_info.rsdp ? boot_info.rsdp : acpi_scan_rsdp(acpi_map, NULL, &len);
    if (acpi_find_cpus(rsdp, len, acpi_map, NULL, &acpi_cpus, &err)) {
        acpi_cpus = (struct acpi_cpus){ .count = 1, .cpu[0].apic_id = cpuid(1, 0).ebx >> 24 };
        hv_log("ACPI: %s; assuming one CPU (apic id %u)", err, acpi_cpus.cpu[0].apic_id);
        return;
    }
    char ids[400] = "";
    size_t n = 0;
    unsigned x2 = 0;
    for (unsigned i = 0; i < acpi_cpus.count; i++) {
        x2 += acpi_cpus.cpu[i].x2apic_entry;
        if (n < sizeof(ids))
            n += bw_snprintf(ids + n, sizeof(ids) - n, " %u", acpi_cpus.cpu[i].apic_id);
    }
    hv_log("ACPI MADT: %u CPUs: apic ids%s%s (%s)", acpi_cpus.count, ids, n < sizeof(ids) ? "" : " ...",
           x2 == 0 ? "xAPIC" : x2 == acpi_cpus.count ? "x2APIC" : "xAPIC and x2APIC entries");
    hv_log("ACPI MADT: local APIC at %lx, 8259 PICs %s", acpi_cpus.lapic_phys,
           acpi_cpus.has_8259 ? "present" : "absent");
    if (acpi_cpus.dropped)
        hv_log("ACPI MADT: %u more enabled CPUs ignored (limit %u)", acpi_cpus.dropped, ACPI_MAX_CPUS);
}

static void *ept_page_alloc(void *ctx, uint64_t *phys)
{
    (void)ctx;
    return page_alloc(phys);
}

static void *ept_phys_to_virt(void *ctx, uint64_t phys)
{
    (void)ctx;
    return phys_to_virt(phys);
}

/* Identity map of everything up to the end of RAM (at least 4 GiB, which
 * holds the MMIO the guest needs), largest pages first; then the
 * hypervisor's own range is made inaccessible. */
static void build_ept(void)
{
    static const struct ept_mem_ops ops = { NULL, ept_page_alloc, ept_phys_to_virt };
    uint64_t top = 4 * GIB;
    for (unsigned i = 0; i < boot_info.region_count; i++)
        top = MAX(top, ALIGN_UP(boot_info.regions[i].base + boot_info.regions[i].len, GIB));
    if (mtrr_read(&mtrrs))
        hv_log("MTRRs unavailable: guest memory mapped uncacheable");
    if (ept_init(&guest_ept, &ops, vmx_caps.has_1g_pages, vmx_caps.has_2m_pages) ||
        ept_map_identity(&guest_ept, top, mtrr_memtype_cb, &mtrrs) ||
        ept_set_perm(&guest_ept, hv_reserved_base(), hv_reserved_size(), EPT_NONE))
        run_end_failure("EPT construction: %s", guest_ept.err ? guest_ept.err : "unknown error");
    guest_ipi_init(rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_ADDR);
    hv_log("EPT: identity map of %lu GiB, %lu table pages, %lu 1G and %lu 2M pages split",
           top / GIB, guest_ept.table_pages, guest_ept.splits_1g, guest_ept.splits_2m);
}

static void load_guest(struct guest_start *start)
{
    const struct mb2_module *kernel = mb2_find_module(&boot_info, "guest");
    if (!kernel)
        run_end_failure("no guest: add `module2 FILE guest [args]` to the GRUB entry");

    static struct guest_module_src mods[GL_MAX_MODULES];
    unsigned nmods = 0;
    for (const struct mb2_module *m = NULL; (m = mb2_next_module(&boot_info, m, "guest-module"));) {
        if (nmods == GL_MAX_MODULES)
            run_end_failure("more than %u guest modules", GL_MAX_MODULES);
        mods[nmods++] = (struct guest_module_src){ { m->start, m->end - m->start }, mb2_module_args(m) };
    }

    memcpy(guest_map, boot_info.regions, sizeof(guest_map[0]) * boot_info.region_count);
    guest_map_count = boot_info.region_count;
    if (memmap_exclude(guest_map, &guest_map_count, MB2_MAX_REGIONS, hv_reserved_base(), hv_reserved_size(), 2))
        run_end_failure("memory map too fragmented to exclude the hypervisor");
    log_memory_map(guest_map, guest_map_count, "guest");
    guest_mem_init(guest_map, guest_map_count);

    struct guest_load_req req = {
        .mem = guest_phys_mem,
        .image = { kernel->start, kernel->end - kernel->start },
        .cmdline = mb2_module_args(kernel),
        .modules = mods,
        .module_count = nmods,
        .map = guest_map,
        .map_count = guest_map_count,
        .hv = { hv_reserved_base(), hv_reserved_size() },
    };
    struct guest_boot boot;
    const char *err;
    if (guest_load(&req, &boot, &err))
        run_end_failure("guest kernel: %s", err);
    hv_log("guest loaded: kernel %lx-%lx, entry %x, boot info %x, %u module(s), command line \"%s\"",
           boot.image_lo, boot.image_hi, boot.entry, boot.ebx, nmods, req.cmdline);
    if (boot.video_unavailable)
        hv_log("guest asked for a video mode; none is set (Multiboot info flags 11/12 clear)");
    *start = (struct guest_start){ boot.entry, boot.eax, boot.ebx };
    enforce_set_kernel(&boot);
}

/* The reservation is the image rounded up to 2 MiB: it must lie in RAM the
 * firmware calls available, or hiding it would hide firmware data (ACPI
 * tables) from the guest. */
static void check_reservation(void)
{
    uint64_t lo = hv_reserved_base(), hi = lo + hv_reserved_size();
    for (unsigned i = 0; i < boot_info.region_count; i++) {
        const struct mem_region *r = &boot_info.regions[i];
        if (r->type == MEM_AVAILABLE && r->base <= lo && hi <= r->base + r->len)
            return;
    }
    run_end_failure("reserved memory %lx-%lx is not all available RAM (image too large for where GRUB put it)",
                    lo, hi - 1);
}

void hv_main(uint32_t magic, uint32_t info_phys, uint64_t load_base);
void hv_main(uint32_t magic, uint32_t info_phys, uint64_t load_base)
{
    struct cpu *bsp = &cpus[0];
    mm_init(load_base);
    serial_init();
    bsp->self = bsp;
    gdt_init(bsp);
    idt_init();
    hv_log("Bulwark %s: kernel patch protection hypervisor", BULWARK_VERSION);
    parse_boot_info(magic, info_phys);
    discover_cpus();
    hv_log("reserved memory %lx-%lx: %lu KiB (image and page pool)", hv_reserved_base(),
           hv_reserved_base() + hv_reserved_size() - 1, hv_reserved_size() / 1024);
    check_reservation();

    const char *missing = vmx_check_support();
    if (missing)
        run_end_failure("%s", missing);
    hv_log("VMX: VMCS revision %lu, EPT (1G pages %s, 2M pages %s), unrestricted guest, VPID %s, wait-for-SIPI %s, MAXPHYADDR %u",
           vmx_caps.basic & 0x7FFFFFFF, vmx_caps.has_1g_pages ? "yes" : "no", vmx_caps.has_2m_pages ? "yes" : "no",
           vmx_caps.has_vpid ? "yes" : "no", vmx_caps.has_wait_for_sipi ? "yes" : "no", vmx_caps.phys_addr_bits);

    build_ept();
    if (!vmx_bitmaps_init())
        run_end_failure("out of hypervisor memory for MSR/I/O bitmaps");
    msr_intercepts_init();
    io_intercept(DEBUG_EXIT_PORT);
    enforce_load_policy(&boot_info);

    struct guest_start start;
    load_guest(&start);

    const char *bad = vmx_enable(bsp);
    if (!bad)
        bad = vmcs_init(bsp, ept_eptp(&guest_ept), &start);
    if (bad)
        run_end_failure("VMX setup on cpu 0: %s", bad);
    invept_all_context();
    enforce_launch(bsp);
    smp_start_aps(&boot_info);
    hv_log("page pool: %u of %u pages used", page_pool_used(), page_pool_total());
    hv_log("launching guest on cpu 0");
    serial_drain();   /* the guest may reprogram the UART: let our last line out first */
    vmx_launch(bsp);
}
