#include "vmx/guest_operand.h"
#include "hv/enforce_mem.h"
#include "hv/guest_ept.h"
#include "hv/guest_mem.h"
#include "hv/x86.h"
#include "vmx/diag.h"
#include "vmx/dt_info.h"
#include "vmx/exit.h"
#include "vmx/guest_virt.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

#define SEG_SS 2
#define SEG_FS 4
#define SEG_GS 5
#define AR_TYPE_CODE (1u << 3)
#define AR_TYPE_DATA_WRITABLE (1u << 1)   /* data segments */
#define AR_TYPE_CODE_READABLE (1u << 1)   /* code segments */
#define AR_TYPE_EXPAND_DOWN (1u << 2)     /* data segments */
#define AR_DB (1u << 14)

uint64_t guest_gpr(struct cpu *c, unsigned n)
{
    return n == REG_RSP ? vmread(GUEST_RSP) : c->regs.gpr[n];
}

void guest_set_gpr(struct cpu *c, unsigned n, uint64_t v)
{
    if (n == REG_RSP)
        vmwrite(GUEST_RSP, v);
    else
        c->regs.gpr[n] = v;
}

int guest_store_value(struct cpu *c, const struct insn *insn, uint64_t *value)
{
    uint64_t v;
    if (insn->src_kind == INSN_SRC_REG && insn->src_reg < 16)
        v = guest_gpr(c, insn->src_reg) >> (insn->src_reg_high8 ? 8 : 0);
    else if (insn->src_kind == INSN_SRC_IMM)
        v = insn->imm;
    else
        return -1;
    *value = insn->src_size >= 8 ? v : v & ((1ull << (8 * insn->src_size)) - 1);
    return 0;
}

int guest_dt_operand(struct cpu *c, uint64_t qualification, bool ldtr_tr, struct dt_operand *op,
                     enum cpu_mode *mode)
{
    uint64_t gpr[16];
    memcpy(gpr, c->regs.gpr, sizeof(gpr));
    gpr[REG_RSP] = vmread(GUEST_RSP);
    *mode = guest_cpu_mode();
    if (dt_decode((uint32_t)vmread(VMX_INSTRUCTION_INFO), qualification, ldtr_tr, gpr, op))
        vmx_unexpected_exit(c, "reserved encoding in the instruction-information field");
    if (ldtr_tr && (*mode == CPU_MODE_REAL16 || (vmread(GUEST_RFLAGS) & RFLAGS_VM)))
        guest_inject_ud();
    else if (guest_cpl() && (dt_is_load(op->insn) || (vmread(GUEST_CR4) & CR4_UMIP)))
        guest_inject_gp0();
    else
        return 0;
    return -1;
}

/* #SS(0) for stack-segment references, #GP(0) otherwise (SDM Vol 3A 6.15). */
static int seg_fault(unsigned seg, struct guest_fault *f)
{
    *f = (struct guest_fault){ .vector = seg == SEG_SS ? 12 : 13 };
    return -1;
}

int guest_operand_linear(enum cpu_mode mode, unsigned seg, uint64_t offset, unsigned size, bool write,
                         uint64_t *la, struct guest_fault *f)
{
    uint64_t base = vmread(GUEST_ES_BASE + 2 * seg);
    if (mode == CPU_MODE_LONG64) {
        *la = (seg == SEG_FS || seg == SEG_GS ? base : 0) + offset;
        return 0;   /* canonical form is checked by the page walk */
    }
    uint32_t ar = (uint32_t)vmread(GUEST_ES_AR_BYTES + 2 * seg);
    uint64_t limit = vmread(GUEST_ES_LIMIT + 2 * seg), last = offset + size - 1;
    if (mode != CPU_MODE_REAL16) {
        if (ar & AR_UNUSABLE)
            return seg_fault(seg, f);
        bool code = ar & AR_TYPE_CODE;
        if (write ? code || !(ar & AR_TYPE_DATA_WRITABLE) : code && !(ar & AR_TYPE_CODE_READABLE))
            return seg_fault(seg, f);
        if (!code && (ar & AR_TYPE_EXPAND_DOWN)) {   /* valid offsets: limit+1 .. 0xFFFF or 0xFFFFFFFF */
            if (offset <= limit || last > ((ar & AR_DB) ? 0xFFFFFFFFull : 0xFFFFull))
                return seg_fault(seg, f);
            *la = (base + offset) & 0xFFFFFFFF;
            return 0;
        }
    }
    if (last > limit || last < offset)
        return seg_fault(seg, f);
    *la = (base + offset) & 0xFFFFFFFF;
    return 0;
}

/* Translate the page holding `la` for `access`; the fault the processor
 * would raise otherwise. */
static int translate(uint64_t la, unsigned access, uint64_t *gpa, struct guest_fault *f)
{
    struct guest_paging pg;
    struct walk_info wi;
    guest_paging_current(&pg);
    int rc = guest_walk(&guest_phys_mem, &pg, la, access, gpa, &wi);
    if (rc == WALK_OK)
        return 0;
    if (rc == WALK_FAULT)
        *f = (struct guest_fault){ .vector = 14, .error_code = wi.error_code, .cr2 = la };
    else
        *f = (struct guest_fault){ .vector = 13 };
    return -1;
}

int guest_operand_map(uint64_t la, size_t len, unsigned access, struct guest_span *s, struct guest_fault *f)
{
    if (len > 4096)
        return seg_fault(0, f);
    s->n = 0;
    for (size_t done = 0; done < len; s->n++) {
        uint64_t a = la + done;
        size_t chunk = MIN(len - done, 4096 - (a & 0xFFF));
        if (translate(a, access, &s->gpa[s->n], f))
            return -1;
        s->ptr[s->n] = guest_phys_mem.ptr(guest_phys_mem.ctx, s->gpa[s->n], chunk);
        if (!s->ptr[s->n])
            return 1;
        s->la[s->n] = a;
        s->len[s->n] = chunk;
        done += chunk;
    }
    return 0;
}

/* guest_operand_map for read/write: memory that is not RAM is not emulated (#GP). */
static int map_span(uint64_t la, size_t len, unsigned access, struct guest_span *s, struct guest_fault *f)
{
    int rc = guest_operand_map(la, len, access, s, f);
    return rc > 0 ? seg_fault(0, f) : rc;
}

int guest_operand_read(uint64_t la, void *dst, size_t len, unsigned access, struct guest_fault *f)
{
    struct guest_span s;
    if (map_span(la, len, access, &s, f))
        return -1;
    for (unsigned i = 0, done = 0; i < s.n; done += s.len[i++])
        memcpy((uint8_t *)dst + done, s.ptr[i], s.len[i]);
    return 0;
}

int guest_operand_write(struct cpu *c, uint64_t la, const void *src, size_t len, unsigned access,
                        struct guest_fault *f)
{
    struct guest_span s;
    if (map_span(la, len, access | WALK_WRITE, &s, f))
        return -1;
    for (unsigned i = 0; i < s.n; i++)
        if (enforce_mem_check(s.gpa[i], s.len[i]) > 0 && !enforce_mem_emulated_write(c, s.gpa[i], s.la[i], s.len[i]))
            return 1;
    for (unsigned i = 0, done = 0; i < s.n; done += s.len[i++])
        memcpy(s.ptr[i], (const uint8_t *)src + done, s.len[i]);
    return 0;
}

unsigned guest_explicit_access(void)
{
    if (guest_cpl() == 3)
        return WALK_USER;
    return (vmread(GUEST_RFLAGS) & RFLAGS_AC) ? WALK_AC : 0;
}

bool guest_canonical(uint64_t v)
{
    unsigned shift = (vmread(GUEST_CR4) & CR4_LA57) ? 7 : 16;
    return (uint64_t)((int64_t)(v << shift) >> shift) == v;
}

void guest_inject_fault(const struct guest_fault *f)
{
    if (f->vector == 14)
        write_cr2(f->cr2);   /* the guest's CR2 is the processor's: VM entry does not load it */
    guest_inject_exception(f->vector, true, f->error_code);
}
