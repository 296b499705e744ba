/* hv/emulate: results and RFLAGS of every emulated read-modify-write, from
 * hand-checked vectors and from the host processor running the same
 * instruction on the same inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "hv/emulate.h"

#define CF EMU_CF
#define PF EMU_PF
#define AF EMU_AF
#define ZF EMU_ZF
#define SF EMU_SF
#define OF EMU_OF
#define FIXED 0x2ull   /* RFLAGS bit 1 */

struct vec {
    enum insn_op op;
    unsigned size;
    uint64_t old, src, acc, flags_in;
    uint64_t mem, flags_out;
    enum emu_reg_write reg;
    uint64_t reg_value;
};

static const struct vec vectors[] = {
    { INSN_OP_ADD, 1, 0xFF, 0x01, 0, FIXED, 0x00, FIXED | CF | ZF | AF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_ADD, 1, 0x7F, 0x01, 0, FIXED, 0x80, FIXED | OF | SF | AF, EMU_REG_NONE, 0 },
    { INSN_OP_ADD, 8, 1ull << 63, 1ull << 63, 0, FIXED, 0, FIXED | CF | OF | ZF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_ADC, 4, 0xFFFFFFFF, 0, 0, FIXED | CF, 0, FIXED | CF | ZF | AF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_ADC, 2, 0x1234, 0x1111, 0, FIXED, 0x2345, FIXED, EMU_REG_NONE, 0 },
    { INSN_OP_SUB, 2, 0x0000, 0x0001, 0, FIXED, 0xFFFF, FIXED | CF | SF | AF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_SUB, 1, 0x80, 0x01, 0, FIXED, 0x7F, FIXED | OF | AF, EMU_REG_NONE, 0 },
    { INSN_OP_SBB, 1, 0x05, 0x05, 0, FIXED | CF, 0xFF, FIXED | CF | SF | AF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_SBB, 4, 10, 3, 0, FIXED, 7, FIXED, EMU_REG_NONE, 0 },
    { INSN_OP_AND, 4, 0xF0F0, 0x0F0F, 0, FIXED | CF | OF | AF, 0, FIXED | ZF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_OR, 1, 0x80, 0x01, 0, FIXED | CF, 0x81, FIXED | SF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_XOR, 8, 0x123456789ull, 0x123456789ull, 0, FIXED | OF, 0, FIXED | ZF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_INC, 1, 0xFF, 0, 0, FIXED | CF, 0x00, FIXED | CF | ZF | AF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_INC, 4, 0x7FFFFFFF, 0, 0, FIXED, 0x80000000, FIXED | OF | SF | AF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_DEC, 4, 0x80000000, 0, 0, FIXED, 0x7FFFFFFF, FIXED | OF | AF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_DEC, 2, 1, 0, 0, FIXED | CF, 0, FIXED | CF | ZF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_NEG, 1, 0, 0, 0, FIXED | CF, 0, FIXED | ZF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_NEG, 1, 0x80, 0, 0, FIXED, 0x80, FIXED | CF | OF | SF, EMU_REG_NONE, 0 },
    { INSN_OP_NEG, 4, 1, 0, 0, FIXED, 0xFFFFFFFF, FIXED | CF | SF | AF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_NOT, 2, 0x00FF, 0, 0, FIXED | CF | ZF, 0xFF00, FIXED | CF | ZF, EMU_REG_NONE, 0 },
    { INSN_OP_XCHG, 4, 0x11111111, 0x22222222, 0, FIXED | SF, 0x22222222, FIXED | SF, EMU_REG_SRC,
      0x11111111 },
    { INSN_OP_XADD, 1, 0x80, 0x80, 0, FIXED, 0x00, FIXED | CF | OF | ZF | PF, EMU_REG_SRC, 0x80 },
    { INSN_OP_XADD, 4, 9, 7, 0, FIXED | ZF, 16, FIXED | AF, EMU_REG_SRC, 9 },
    { INSN_OP_CMPXCHG, 4, 5, 9, 5, FIXED, 9, FIXED | ZF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_CMPXCHG, 4, 5, 9, 4, FIXED | ZF, 5, FIXED | CF | SF | AF | PF, EMU_REG_ACC, 5 },
    { INSN_OP_CMPXCHG, 1, 0x10, 0x20, 0x10, FIXED, 0x20, FIXED | ZF | PF, EMU_REG_NONE, 0 },
    { INSN_OP_BTS, 4, 0, 33, 0, FIXED | ZF | SF, 2, FIXED | ZF | SF, EMU_REG_NONE, 0 },
    { INSN_OP_BTS, 4, 2, 1, 0, FIXED, 2, FIXED | CF, EMU_REG_NONE, 0 },
    { INSN_OP_BTR, 2, 0x8000, 15, 0, FIXED, 0, FIXED | CF, EMU_REG_NONE, 0 },
    { INSN_OP_BTC, 8, 0, 63, 0, FIXED | CF, 1ull << 63, FIXED, EMU_REG_NONE, 0 },
    { INSN_OP_BTC, 8, 1ull << 63, 127, 0, FIXED, 0, FIXED | CF, EMU_REG_NONE, 0 },
};

static void test_vectors(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(vectors) / sizeof(vectors[0]); k++) {
        const struct vec *v = &vectors[k];
        struct emu_result r;
        print_message("vector %zu: op %d size %u\n", k, v->op, v->size);
        assert_int_equal(emu_rmw(v->op, v->size, v->old, v->src, v->acc, v->flags_in, &r), 0);
        assert_int_equal(r.mem, v->mem);
        assert_int_equal(r.rflags, v->flags_out);
        assert_int_equal(r.reg, v->reg);
        if (v->reg != EMU_REG_NONE)
            assert_int_equal(r.reg_value, v->reg_value);
    }
}

static void test_rejects(void **state)
{
    (void)state;
    struct emu_result r;
    assert_int_equal(emu_rmw(INSN_OP_MOV, 4, 0, 0, 0, FIXED, &r), -1);
    assert_int_equal(emu_rmw(INSN_OP_STOS, 4, 0, 0, 0, FIXED, &r), -1);
    assert_int_equal(emu_rmw(INSN_OP_OTHER, 4, 0, 0, 0, FIXED, &r), -1);
    assert_int_equal(emu_rmw(INSN_OP_ADD, 3, 0, 0, 0, FIXED, &r), -1);
    assert_int_equal(emu_rmw(INSN_OP_ADD, 16, 0, 0, 0, FIXED, &r), -1);
    assert_int_equal(emu_rmw(INSN_OP_BTS, 1, 0, 0, 0, FIXED, &r), -1);   /* no byte form */
    assert_false(emu_is_rmw(INSN_OP_MOVS));
    assert_true(emu_is_rmw(INSN_OP_ADD) && emu_is_rmw(INSN_OP_BTC) && emu_is_rmw(INSN_OP_CMPXCHG));
}

static void test_other_flags_kept(void **state)
{
    (void)state;
    const uint64_t other = FIXED | (1ull << 9) | (1ull << 10) | (1ull << 8);   /* IF, DF, TF */
    struct emu_result r;
    for (enum insn_op op = INSN_OP_ADD; op <= INSN_OP_BTC; op++) {
        assert_int_equal(emu_rmw(op, 4, 0x1234, 3, 0, other | EMU_STATUS_FLAGS, &r), 0);
        assert_int_equal(r.rflags & ~EMU_STATUS_FLAGS, other);
    }
}

static void test_merge_reg(void **state)
{
    (void)state;
    const uint64_t r = 0x1122334455667788ull;
    assert_true(emu_merge_reg(r, 0xAB, 1, false) == 0x11223344556677ABull);
    assert_true(emu_merge_reg(r, 0xAB, 1, true) == 0x112233445566AB88ull);
    assert_true(emu_merge_reg(r, 0xABCD, 2, false) == 0x112233445566ABCDull);
    assert_true(emu_merge_reg(r, 0xFFFFFFFFABCDull, 4, false) == 0xFFFFABCDull);
    assert_true(emu_merge_reg(r, 0xCAFE, 8, false) == 0xCAFE);
    assert_true(emu_mask(1) == 0xFF && emu_mask(4) == 0xFFFFFFFF && emu_mask(8) == UINT64_MAX);
}

/* The host processor as the reference: run op on `old` in memory with
 * RFLAGS = flags_in; returns RFLAGS after, *mem and the register operands
 * updated. 128 bytes below RSP are skipped: the red zone may hold locals. */
#define HOST_RUN(insn, ...)                                                          \
    __asm__ volatile("sub $128, %%rsp\n\tpush %[fi]\n\tpopfq\n\t" insn                \
                     "\n\tpushfq\n\tpop %[fo]\n\tadd $128, %%rsp"                     \
                     : [fo] "=&r"(fo), [src] "+q"(s), [acc] "+a"(a)                   \
                     : [p] "r"(&m), [fi] "r"(fi)                                      \
                     : "cc", "memory")

#define HOST_OPS(T, sfx)                                                               \
    static uint64_t host_##sfx(enum insn_op op, T *mem, T *src, T *acc, uint64_t fi)  \
    {                                                                                  \
        T m = *mem, s = *src, a = *acc;                                                \
        uint64_t fo = 0;                                                               \
        switch (op) {                                                                  \
        case INSN_OP_ADD: HOST_RUN("add" #sfx " %[src], (%[p])"); break;               \
        case INSN_OP_ADC: HOST_RUN("adc" #sfx " %[src], (%[p])"); break;               \
        case INSN_OP_SUB: HOST_RUN("sub" #sfx " %[src], (%[p])"); break;               \
        case INSN_OP_SBB: HOST_RUN("sbb" #sfx " %[src], (%[p])"); break;               \
        case INSN_OP_AND: HOST_RUN("and" #sfx " %[src], (%[p])"); break;               \
        case INSN_OP_OR: HOST_RUN("or" #sfx " %[src], (%[p])"); break;                 \
        case INSN_OP_XOR: HOST_RUN("xor" #sfx " %[src], (%[p])"); break;               \
        case INSN_OP_INC: HOST_RUN("inc" #sfx " (%[p])"); break;                       \
        case INSN_OP_DEC: HOST_RUN("dec" #sfx " (%[p])"); break;                       \
        case INSN_OP_NEG: HOST_RUN("neg" #sfx " (%[p])"); break;                       \
        case INSN_OP_NOT: HOST_RUN("not" #sfx " (%[p])"); break;                       \
        case INSN_OP_XCHG: HOST_RUN("xchg" #sfx " %[src], (%[p])"); break;             \
        case INSN_OP_XADD: HOST_RUN("lock xadd" #sfx " %[src], (%[p])"); break;        \
        case INSN_OP_CMPXCHG: HOST_RUN("lock cmpxchg" #sfx " %[src], (%[p])"); break;  \
        default: fail();                                                               \
        }                                                                              \
        *mem = m, *src = s, *acc = a;                                                  \
        return fo;                                                                     \
    }
HOST_OPS(uint8_t, b)
HOST_OPS(uint16_t, w)
HOST_OPS(uint32_t, l)
HOST_OPS(uint64_t, q)

/* Random operands with the edge values mixed in. */
static uint64_t pick(unsigned size)
{
    static const uint64_t edges[] = { 0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0x7FFFFFFF, 0x80000000,
                                      0x7FFFFFFFFFFFFFFFull, 0x8000000000000000ull, UINT64_MAX, 0x0F, 0x10 };
    uint64_t v = (uint64_t)rand() << 33 ^ (uint64_t)rand() << 11 ^ (uint64_t)rand();
    if (rand() % 3 == 0)
        v = edges[(unsigned)rand() % (sizeof(edges) / sizeof(edges[0]))];
    return v & emu_mask(size);
}

static void test_against_host(void **state)
{
    (void)state;
    srand(12345);
    for (enum insn_op op = INSN_OP_ADD; op <= INSN_OP_XADD; op++) {
        /* AF is undefined after AND/OR/XOR (processors differ): not compared. */
        uint64_t defined = op == INSN_OP_AND || op == INSN_OP_OR || op == INSN_OP_XOR
                               ? EMU_STATUS_FLAGS & ~AF : EMU_STATUS_FLAGS;
        for (unsigned size = 1; size <= 8; size *= 2)
            for (int n = 0; n < 4000; n++) {
                uint64_t old = pick(size), src = pick(size), acc = n & 1 ? old : pick(size);
                uint64_t fi = FIXED | ((uint64_t)rand() & EMU_STATUS_FLAGS), fo;
                uint64_t m = old, s = src, a = acc;
                if (size == 1) {
                    uint8_t m8 = (uint8_t)m, s8 = (uint8_t)s, a8 = (uint8_t)a;
                    fo = host_b(op, &m8, &s8, &a8, fi), m = m8, s = s8, a = a8;
                } else if (size == 2) {
                    uint16_t m16 = (uint16_t)m, s16 = (uint16_t)s, a16 = (uint16_t)a;
                    fo = host_w(op, &m16, &s16, &a16, fi), m = m16, s = s16, a = a16;
                } else if (size == 4) {
                    uint32_t m32 = (uint32_t)m, s32 = (uint32_t)s, a32 = (uint32_t)a;
                    fo = host_l(op, &m32, &s32, &a32, fi), m = m32, s = s32, a = a32;
                } else {
                    fo = host_q(op, &m, &s, &a, fi);
                }
                struct emu_result r;
                assert_int_equal(emu_rmw(op, size, old, src, acc, fi, &r), 0);
                if (r.mem != m || (r.rflags & defined) != (fo & defined))
                    fail_msg("op %d size %u old %#lx src %#lx acc %#lx flags %#lx: host %#lx/%#lx, "
                             "emulated %#lx/%#lx", op, size, old, src, acc, fi, m, fo, r.mem, r.rflags);
                uint64_t want_src = r.reg == EMU_REG_SRC ? r.reg_value : src;
                uint64_t want_acc = r.reg == EMU_REG_ACC ? r.reg_value : acc;
                assert_true(s == want_src && a == want_acc);
            }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_other_flags_kept),
        cmocka_unit_test(test_merge_reg),
        cmocka_unit_test(test_against_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
