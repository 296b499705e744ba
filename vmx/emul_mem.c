#include "vmx/emul_mem.h"
#include "hv/emulate.h"
#include "hv/enforce_mem.h"
#include "hv/guest_walk.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

int emul_offset(struct cpu *c, const struct insn *in, const struct insn_mem *m, uint64_t *offset)
{
    uint64_t a = (uint64_t)m->disp;
    if (m->base == INSN_REG_RIP)
        a += vmread(GUEST_RIP) + in->length;
    else if (m->base < 16)
        a += guest_gpr(c, m->base);
    else if (m->base != INSN_REG_NONE)
        return -1;
    if (m->index < 16)
        a += guest_gpr(c, m->index) * m->scale;
    else if (m->index != INSN_REG_NONE)
        return -1;
    *offset = a & emu_mask(in->address_size);
    return 0;
}

int emul_map_dest(enum cpu_mode mode, unsigned seg, uint64_t offset, unsigned size, uint64_t judged_page,
                  struct guest_span *s, struct emul_hit *hit, struct guest_fault *f)
{
    uint64_t la;
    if (guest_operand_linear(mode, seg, offset, size, true, &la, f))
        return -1;
    int rc = guest_operand_map(la, size, guest_explicit_access() | WALK_WRITE, s, f);
    if (rc)
        return rc < 0 ? -1 : EMUL_UNHANDLED;
    /* The protected list decides, never the EPT permission: another CPU's
     * single step may have the page writable right now. */
    for (unsigned i = 0; i < s->n; i++) {
        if (enforce_mem_check(s->gpa[i], s->len[i]) > 0 && ALIGN_DOWN(s->gpa[i], 4096) != judged_page) {
            *hit = (struct emul_hit){ s->gpa[i], s->la[i], s->len[i] };
            return EMUL_PROTECTED;
        }
    }
    return EMUL_DONE;
}

bool emul_aligned(const struct guest_span *s)
{
    size_t n = s->len[0];
    return s->n == 1 && (n == 1 || n == 2 || n == 4 || n == 8) && !((uintptr_t)s->ptr[0] & (n - 1));
}

uint64_t emul_load(const struct guest_span *s)
{
    if (emul_aligned(s)) {
        void *p = s->ptr[0];
        switch (s->len[0]) {
        case 1: return __atomic_load_n((uint8_t *)p, __ATOMIC_RELAXED);
        case 2: return __atomic_load_n((uint16_t *)p, __ATOMIC_RELAXED);
        case 4: return __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED);
        default: return __atomic_load_n((uint64_t *)p, __ATOMIC_RELAXED);
        }
    }
    uint64_t v = 0;
    for (unsigned i = 0, done = 0; i < s->n; done += s->len[i++])
        memcpy((uint8_t *)&v + done, s->ptr[i], s->len[i]);
    return v;
}

void emul_store(const struct guest_span *s, uint64_t v)
{
    if (emul_aligned(s)) {
        void *p = s->ptr[0];
        switch (s->len[0]) {
        case 1: __atomic_store_n((uint8_t *)p, (uint8_t)v, __ATOMIC_RELAXED); return;
        case 2: __atomic_store_n((uint16_t *)p, (uint16_t)v, __ATOMIC_RELAXED); return;
        case 4: __atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_RELAXED); return;
        default: __atomic_store_n((uint64_t *)p, v, __ATOMIC_RELAXED); return;
        }
    }
    for (unsigned i = 0, done = 0; i < s->n; done += s->len[i++])
        memcpy(s->ptr[i], (const uint8_t *)&v + done, s->len[i]);
}

/* One compare-exchange of type T (LOCK'd accesses are sequentially
 * consistent: SDM Vol 3A 9.2.3.8). */
#define CAS(T)                                                                                       \
    do {                                                                                             \
        T e_ = (T)*expected;                                                                         \
        bool ok_ = __atomic_compare_exchange_n((T *)s->ptr[0], &e_, (T)desired, false, __ATOMIC_SEQ_CST, \
                                               __ATOMIC_SEQ_CST);                                    \
        *expected = e_;                                                                              \
        return ok_;                                                                                  \
    } while (0)

bool emul_cas(const struct guest_span *s, uint64_t *expected, uint64_t desired)
{
    switch (s->len[0]) {
    case 1: CAS(uint8_t);
    case 2: CAS(uint16_t);
    case 4: CAS(uint32_t);
    default: CAS(uint64_t);
    }
}
