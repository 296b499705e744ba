/* Guest page walker: guest-virtual (linear) to guest-physical through the
 * guest's own paging structures, per Intel SDM Vol 3A chapter 4 "Paging".
 * Reads only: it never sets accessed/dirty flags and never injects faults; it
 * reports what the processor would do. Not modelled: protection keys (CR4.PKE/
 * PKS, 4.6.2) and shadow-stack accesses; the caller's EPT is not consulted.
 * Shared code. */
#ifndef BULWARK_GUEST_WALK_H
#define BULWARK_GUEST_WALK_H

#include "hv/guest_loader.h"   /* struct phys_mem */
#include "hv/lib.h"

/* Guest paging state. The paging mode follows SDM 4.1.1 Table 4-1 from
 * CR0.PG, CR4.PAE, EFER.LME and CR4.LA57. */
struct guest_paging {
    uint64_t cr0, cr3, cr4, efer;
    uint8_t maxphyaddr; /* guest MAXPHYADDR (CPUID 80000008H EAX[7:0]), 32..52 */
    uint8_t cpl;        /* current privilege level: insn_fetch uses it (SDM 4.6) */
    /* PAE paging uses the four PDPTE registers loaded at MOV to CR3 (SDM
     * 4.4.1), which VMX keeps in the VMCS with EPT; when use_pdptes is false
     * they are read from guest memory at CR3 instead. */
    bool use_pdptes;
    uint64_t pdpte[4];
};

/* Access flags; the bit positions are those of the #PF error code (SDM 4.7). */
#define WALK_WRITE (1u << 1)
#define WALK_USER (1u << 2)   /* user-mode access (CPL 3) */
#define WALK_FETCH (1u << 4)  /* instruction fetch */
#define WALK_AC (1u << 8)     /* explicit supervisor access with EFLAGS.AC=1 (SMAP, 4.6.1) */

/* #PF error-code bits (SDM 4.7). */
#define PF_P (1u << 0)
#define PF_W (1u << 1)
#define PF_U (1u << 2)
#define PF_RSVD (1u << 3)
#define PF_I (1u << 4)

enum {
    WALK_OK = 0,
    WALK_FAULT = -1,       /* page fault: info->error_code, CR2 = gva */
    WALK_NONCANONICAL = -2, /* not canonical (#GP/#SS, SDM Vol 1 3.3.7.1) */
    WALK_UNBACKED = -3,    /* a paging structure is not backed: info->entry_gpa */
    WALK_INVAL = -4,       /* bad arguments or paging state */
};

struct walk_info {
    const char *err;      /* static message when the result is not WALK_OK */
    uint32_t error_code;  /* WALK_FAULT: the #PF error code to inject */
    uint8_t level;        /* entry that mapped or stopped the walk: 1 PTE .. 5 PML5E; 0 none */
    uint64_t entry_gpa;   /* guest-physical address of that entry */
    uint64_t page_size;   /* WALK_OK: 4 KiB, 2/4 MiB or 1 GiB (or 4 GiB unpaged) */
    /* Effective rights of the translation (also set on a permission fault). */
    bool writable, user, executable;
};

/* Translate gva for an access (WALK_* flags). Returns WALK_OK with *gpa set,
 * or a negative WALK_* code; info (optional) explains either. Outside 64-bit
 * paging only the low 32 bits of gva are used, as the processor does. */
int guest_walk(const struct phys_mem *mem, const struct guest_paging *ctx, uint64_t gva,
               unsigned access, uint64_t *gpa, struct walk_info *info);

#endif
