/* Guest page walker, after Intel SDM Vol 3A chapter 4. Every paging-structure
 * entry is read through struct phys_mem, so guest data can never fault the
 * hypervisor; the walk visits at most five levels, so it always ends. */
#include "hv/guest_walk.h"

#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define EFER_LME (1ull << 8)
#define EFER_NXE (1ull << 11)

#define E_P (1ull << 0)
#define E_RW (1ull << 1)
#define E_US (1ull << 2)
#define E_PS (1ull << 7)
#define E_XD (1ull << 63)

/* SDM 4.1.1, Table 4-1. */
enum paging { PAGING_32, PAGING_PAE, PAGING_4LVL, PAGING_5LVL };

/* Mask of bits hi..lo inclusive; empty when lo > hi. */
static uint64_t bits(unsigned hi, unsigned lo)
{
    if (lo > hi || hi > 63)
        return 0;
    return (~0ull >> (63 - hi)) & ~((1ull << lo) - 1);
}

/* Can the PS flag make this entry map a page? 32-bit: 4 MiB PDEs with
 * CR4.PSE (4.3); PAE: 2 MiB PDEs (4.4.2); 4/5-level: 2 MiB PDEs and 1 GiB
 * PDPTEs (4.5.4). */
static bool ps_maps_page(enum paging mode, unsigned level, uint64_t cr4)
{
    if (mode == PAGING_32)
        return level == 2 && (cr4 & CR4_PSE);
    if (mode == PAGING_PAE)
        return level == 2;
    return level == 2 || level == 3;
}

/* Reserved bits of an entry (M = MAXPHYADDR): 32-bit, 4.3 and Table 4-4;
 * PAE, 4.4.2 and Tables 4-8 to 4-11; 4/5-level, 4.5.4 and Tables 4-14 to 4-20. */
static uint64_t reserved(enum paging mode, unsigned level, bool leaf, unsigned m, bool nxe)
{
    if (mode == PAGING_32)   /* only 4 MiB PDEs have any: bits 21:(M-19), M <= 40 */
        return leaf && level == 2 ? bits(21, MIN(m, 40u) - 19) : 0;
    if (mode == PAGING_PAE && level == 3)   /* PDPTE: 63:M, 8:5, 2:1 */
        return bits(63, m) | bits(8, 5) | bits(2, 1);
    uint64_t r = mode == PAGING_PAE ? bits(62, m) : bits(51, m);
    if (!nxe)
        r |= E_XD;
    if (leaf && level == 2)
        r |= bits(20, 13);   /* 2 MiB page: between PAT (12) and the address */
    if (leaf && level == 3)
        r |= bits(29, 13);   /* 1 GiB page */
    if (level >= 4)
        r |= E_PS;           /* PML4E/PML5E bit 7 */
    return r;
}

static int stop(struct walk_info *info, int rc, const char *why)
{
    info->err = why;
    return rc;
}

/* A page fault and its error code (SDM 4.7): I/D is only reported when
 * execute-disable (PAE/4/5-level with EFER.NXE) or SMEP is in force. */
static int page_fault(struct walk_info *info, const struct guest_paging *ctx, enum paging mode,
                      unsigned access, uint32_t cause, const char *why)
{
    uint32_t ec = cause | (access & (PF_W | PF_U));
    if (access & WALK_FETCH) {
        bool nx = mode != PAGING_32 && (ctx->efer & EFER_NXE);
        if (nx || (ctx->cr4 & CR4_SMEP))
            ec = (ec & ~PF_W) | PF_I;
    }
    info->error_code = ec;
    return stop(info, WALK_FAULT, why);
}

/* Access rights, SDM 4.6.1. */
static const char *denied(const struct guest_paging *ctx, unsigned access, bool rw, bool us,
                          bool xd)
{
    bool write = access & WALK_WRITE, fetch = access & WALK_FETCH;
    if (access & WALK_USER) {
        if (!us)
            return "user-mode access to a supervisor-mode page";
        if (write && !rw)
            return "user-mode write to a read-only page";
    } else {
        if (write && !rw && (ctx->cr0 & CR0_WP))
            return "supervisor write to a read-only page with CR0.WP";
        if (us && fetch && (ctx->cr4 & CR4_SMEP))
            return "supervisor fetch from a user-mode page with CR4.SMEP";
        if (us && !fetch && (ctx->cr4 & CR4_SMAP) && !(access & WALK_AC))
            return "supervisor data access to a user-mode page with CR4.SMAP";
    }
    if (fetch && xd)
        return "instruction fetch from an execute-disable page";
    return NULL;
}

static uint64_t read_entry(const struct phys_mem *mem, uint64_t at, unsigned size, bool *ok)
{
    const void *p = mem->ptr(mem->ctx, at, size);
    uint64_t e = 0;
    *ok = p != NULL;
    if (p)
        memcpy(&e, p, size);   /* little-endian: a 4-byte entry lands in bits 31:0 */
    return e;
}

int guest_walk(const struct phys_mem *mem, const struct guest_paging *ctx, uint64_t gva,
               unsigned access, uint64_t *gpa, struct walk_info *info)
{
    struct walk_info scratch;
    if (!info)
        info = &scratch;
    memset(info, 0, sizeof(*info));
    if (!mem || !mem->ptr || !ctx || !gpa)
        return stop(info, WALK_INVAL, "bad argument");
    unsigned m = ctx->maxphyaddr;
    if (m < 32 || m > 52)
        return stop(info, WALK_INVAL, "MAXPHYADDR outside 32..52");

    if (!(ctx->cr0 & CR0_PG)) {   /* no paging: linear == physical, 32 bits */
        *gpa = gva & 0xFFFFFFFFull;
        info->page_size = 1ull << 32;
        info->writable = info->user = info->executable = true;
        return WALK_OK;
    }
    enum paging mode = !(ctx->cr4 & CR4_PAE) ? PAGING_32
                     : !(ctx->efer & EFER_LME) ? PAGING_PAE
                     : (ctx->cr4 & CR4_LA57) ? PAGING_5LVL : PAGING_4LVL;
    uint64_t la = gva;
    if (mode >= PAGING_4LVL) {   /* canonical: SDM 4.5 (bits 63:47 or 63:56 equal) */
        unsigned width = mode == PAGING_5LVL ? 57 : 48;
        if ((uint64_t)((int64_t)(gva << (64 - width)) >> (64 - width)) != gva)
            return stop(info, WALK_NONCANONICAL, "non-canonical address");
    } else {
        la &= 0xFFFFFFFFull;
    }

    static const unsigned top_level[] = { 2, 3, 4, 5 };
    bool nxe = mode != PAGING_32 && (ctx->efer & EFER_NXE);
    uint64_t addr_mask = mode == PAGING_32 ? bits(31, 12) : bits(m - 1, 12);
    uint64_t table = mode == PAGING_32 ? ctx->cr3 & bits(31, 12)
                   : mode == PAGING_PAE ? ctx->cr3 & bits(31, 5)   /* 4.4.1 */
                   : ctx->cr3 & addr_mask;
    bool rw = true, us = true, xd = false;

    for (unsigned level = top_level[mode]; level >= 1; level--) {
        bool pdpte_reg = mode == PAGING_PAE && level == 3;
        unsigned shift = 12 + (level - 1) * (mode == PAGING_32 ? 10 : 9);
        unsigned idx_bits = mode == PAGING_32 ? 10 : pdpte_reg ? 2 : 9;
        unsigned esize = mode == PAGING_32 ? 4 : 8;
        uint64_t idx = (la >> shift) & ((1ull << idx_bits) - 1);
        uint64_t e;
        info->level = (uint8_t)level;
        info->entry_gpa = table + idx * esize;
        if (pdpte_reg && ctx->use_pdptes) {
            e = ctx->pdpte[idx];
        } else {
            bool ok;
            e = read_entry(mem, info->entry_gpa, esize, &ok);
            if (!ok)
                return stop(info, WALK_UNBACKED, "paging structure not in guest RAM");
        }
        if (!(e & E_P))
            return page_fault(info, ctx, mode, access, 0, "entry not present");
        bool leaf = level == 1 || ((e & E_PS) && ps_maps_page(mode, level, ctx->cr4));
        if (e & reserved(mode, level, leaf, m, nxe))
            return page_fault(info, ctx, mode, access, PF_P | PF_RSVD, "reserved bit set");
        if (!pdpte_reg) {   /* PAE PDPTEs carry no access rights (4.4.1) */
            rw = rw && (e & E_RW);
            us = us && (e & E_US);
        }
        xd = xd || (nxe && (e & E_XD));
        if (!leaf) {
            table = e & addr_mask;
            continue;
        }

        uint64_t size = 1ull << shift;
        uint64_t frame = mode == PAGING_32 && level == 2
            ? (((e >> 13) & 0xFF) << 32) | (e & bits(31, 22))   /* 4 MiB: Table 4-4 */
            : e & addr_mask & ~(size - 1);
        info->page_size = size;
        info->writable = rw;
        info->user = us;
        info->executable = !xd;
        const char *why = denied(ctx, access, rw, us, xd);
        if (why)
            return page_fault(info, ctx, mode, access, PF_P, why);
        *gpa = frame | (la & (size - 1));
        return WALK_OK;
    }
    return stop(info, WALK_INVAL, "walk ended without a leaf");   /* unreachable: level 1 is a leaf */
}
