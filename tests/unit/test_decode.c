/* hv/decode: lengths, errors and memory-write operand info across modes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/decode.h"

#define DECODE(mode, insn, ...)                                                   \
    do {                                                                          \
        static const uint8_t b_[] = { __VA_ARGS__ };                              \
        assert_int_equal(insn_decode(b_, sizeof(b_), (mode), (insn)), 0);         \
        assert_int_equal((insn)->length, sizeof(b_));                             \
    } while (0)

static void test_mode_from_guest_state(void **state)
{
    (void)state;
    const uint64_t pe = 1, pg = 1ull << 31, lma = 1ull << 10;
    const uint32_t l = 1u << 13, d = 1u << 14;
    assert_int_equal(cpu_mode_from(0, 0, 0), CPU_MODE_REAL16);
    assert_int_equal(cpu_mode_from(0, 0, d), CPU_MODE_REAL16);
    assert_int_equal(cpu_mode_from(pe, 0, 0), CPU_MODE_PROT16);
    assert_int_equal(cpu_mode_from(pe, 0, d), CPU_MODE_PROT32);
    assert_int_equal(cpu_mode_from(pe | pg, lma, l), CPU_MODE_LONG64);
    assert_int_equal(cpu_mode_from(pe | pg, lma, d), CPU_MODE_PROT32);   /* compatibility mode */
    assert_int_equal(cpu_mode_from(pe | pg, 0, l | d), CPU_MODE_PROT32); /* CS.L without LMA */
}

static void test_mov_reg_to_mem_64(void **state)
{
    (void)state;
    struct insn i;
    DECODE(CPU_MODE_LONG64, &i, 0x89, 0x18);   /* mov [rax], ebx */
    assert_int_equal(i.op, INSN_OP_MOV);
    assert_string_equal(insn_mnemonic(&i), "mov");
    assert_true(i.writes_memory);
    assert_false(i.reads_memory);
    assert_true(i.has_mem);
    assert_int_equal(i.mem_operand_size, 4);
    assert_int_equal(i.operand_size, 4);
    assert_int_equal(i.address_size, 8);
    assert_int_equal(i.mem.seg, INSN_SEG_DS);
    assert_int_equal(i.mem.base, INSN_REG_RAX);
    assert_int_equal(i.mem.index, INSN_REG_NONE);
    assert_int_equal(i.mem.scale, 0);
    assert_int_equal(i.mem.disp, 0);
    assert_int_equal(i.src_kind, INSN_SRC_REG);
    assert_int_equal(i.src_reg, INSN_REG_RBX);
    assert_int_equal(i.src_size, 4);
    assert_false(i.src_reg_high8);
}

static void test_mov_high_byte_sib(void **state)
{
    (void)state;
    struct insn i;
    DECODE(CPU_MODE_LONG64, &i, 0x88, 0x64, 0x8B, 0x20);   /* mov [rbx+rcx*4+0x20], ah */
    assert_int_equal(i.mem_operand_size, 1);
    assert_int_equal(i.mem.base, INSN_REG_RBX);
    assert_int_equal(i.mem.index, INSN_REG_RCX);
    assert_int_equal(i.mem.scale, 4);
    assert_int_equal(i.mem.disp, 0x20);
    assert_int_equal(i.src_reg, INSN_REG_RAX);
    assert_true(i.src_reg_high8);
    assert_int_equal(i.src_size, 1);

    DECODE(CPU_MODE_LONG64, &i, 0x44, 0x88, 0x7C, 0x24, 0xF8);   /* mov [rsp-8], r15b */
    assert_int_equal(i.mem.base, INSN_REG_RSP);
    assert_int_equal(i.mem.seg, INSN_SEG_SS);
    assert_int_equal(i.mem.disp, -8);
    assert_int_equal(i.src_reg, INSN_REG_R15);
    assert_false(i.src_reg_high8);
}

static void test_mov_imm_rip_relative(void **state)
{
    (void)state;
    struct insn i;
    /* mov qword [rip+0x10], -1 (imm32 sign-extended) */
    DECODE(CPU_MODE_LONG64, &i, 0x48, 0xC7, 0x05, 0x10, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF);
    assert_int_equal(i.mem_operand_size, 8);
    assert_int_equal(i.mem.base, INSN_REG_RIP);
    assert_int_equal(i.mem.disp, 0x10);
    assert_int_equal(i.src_kind, INSN_SRC_IMM);
    assert_true(i.imm == UINT64_MAX);

    DECODE(CPU_MODE_LONG64, &i, 0xC6, 0x00, 0x80);   /* mov byte [rax], 0x80 */
    assert_int_equal(i.mem_operand_size, 1);
    assert_int_equal(i.src_kind, INSN_SRC_IMM);
    assert_int_equal(i.imm & 0xFF, 0x80);
}

static void test_prefixed(void **state)
{
    (void)state;
    struct insn i;
    DECODE(CPU_MODE_LONG64, &i, 0x64, 0x67, 0x41, 0x89, 0x08);   /* mov fs:[r8d], ecx */
    assert_int_equal(i.mem.seg, INSN_SEG_FS);
    assert_int_equal(i.mem.base, INSN_REG_R8);
    assert_int_equal(i.address_size, 4);
    assert_int_equal(i.src_reg, INSN_REG_RCX);

    DECODE(CPU_MODE_PROT32, &i, 0x66, 0xC7, 0x00, 0x34, 0x12);   /* mov word [eax], 0x1234 */
    assert_int_equal(i.mem_operand_size, 2);
    assert_int_equal(i.operand_size, 2);
    assert_int_equal(i.address_size, 4);
    assert_int_equal(i.imm, 0x1234);

    DECODE(CPU_MODE_LONG64, &i, 0xF0, 0x83, 0x00, 0x05);   /* lock add dword [rax], 5 */
    assert_true(i.has_lock);
    assert_true(i.reads_memory);
    assert_true(i.writes_memory);
    assert_int_equal(i.op, INSN_OP_ADD);
    assert_string_equal(insn_mnemonic(&i), "add");
    assert_int_equal(i.imm, 5);
}

/* Each read-modify-write form the emulator handles (hv/emulate.c): the op,
 * the memory operand's size and the source the decoder picks. */
struct rmw_case {
    const char *what;
    uint8_t bytes[8], len;
    enum insn_op op;
    uint8_t mem_size;
    enum insn_src_kind src;
    uint8_t src_reg;     /* INSN_SRC_REG */
    uint64_t imm;        /* INSN_SRC_IMM, as sign-extended by the encoding */
    bool lock;
};

static void test_rmw_forms(void **state)
{
    (void)state;
    static const struct rmw_case cases[] = {
        { "add [eax], ebx", { 0x01, 0x18 }, 2, INSN_OP_ADD, 4, INSN_SRC_REG, INSN_REG_RBX, 0, false },
        { "add byte [eax], 0x80", { 0x80, 0x00, 0x80 }, 3, INSN_OP_ADD, 1, INSN_SRC_IMM, 0, 0x80, false },
        { "add dword [eax], -1 (83 ib)", { 0x83, 0x00, 0xFF }, 3, INSN_OP_ADD, 4, INSN_SRC_IMM, 0,
          UINT64_MAX, false },
        { "adc [eax], cx", { 0x66, 0x11, 0x08 }, 3, INSN_OP_ADC, 2, INSN_SRC_REG, INSN_REG_RCX, 0, false },
        { "sub [eax], edx", { 0x29, 0x10 }, 2, INSN_OP_SUB, 4, INSN_SRC_REG, INSN_REG_RDX, 0, false },
        { "sbb dword [eax], 7", { 0x83, 0x18, 0x07 }, 3, INSN_OP_SBB, 4, INSN_SRC_IMM, 0, 7, false },
        { "and [eax], esi", { 0x21, 0x30 }, 2, INSN_OP_AND, 4, INSN_SRC_REG, INSN_REG_RSI, 0, false },
        { "lock or dword [eax], 0x1000", { 0xF0, 0x81, 0x08, 0x00, 0x10, 0, 0 }, 7, INSN_OP_OR, 4,
          INSN_SRC_IMM, 0, 0x1000, true },
        { "xor [eax], bh", { 0x30, 0x38 }, 2, INSN_OP_XOR, 1, INSN_SRC_REG, INSN_REG_RBX, 0, false },
        { "inc dword [eax]", { 0xFF, 0x00 }, 2, INSN_OP_INC, 4, INSN_SRC_NONE, 0, 0, false },
        { "lock dec word [eax]", { 0xF0, 0x66, 0xFF, 0x08 }, 4, INSN_OP_DEC, 2, INSN_SRC_NONE, 0, 0, true },
        { "neg byte [eax]", { 0xF6, 0x18 }, 2, INSN_OP_NEG, 1, INSN_SRC_NONE, 0, 0, false },
        { "not dword [eax]", { 0xF7, 0x10 }, 2, INSN_OP_NOT, 4, INSN_SRC_NONE, 0, 0, false },
        { "xchg [eax], edi", { 0x87, 0x38 }, 2, INSN_OP_XCHG, 4, INSN_SRC_REG, INSN_REG_RDI, 0, false },
        { "lock cmpxchg [eax], ecx", { 0xF0, 0x0F, 0xB1, 0x08 }, 4, INSN_OP_CMPXCHG, 4, INSN_SRC_REG,
          INSN_REG_RCX, 0, true },
        { "cmpxchg [eax], dl", { 0x0F, 0xB0, 0x10 }, 3, INSN_OP_CMPXCHG, 1, INSN_SRC_REG, INSN_REG_RDX, 0,
          false },
        { "lock xadd [eax], ebx", { 0xF0, 0x0F, 0xC1, 0x18 }, 4, INSN_OP_XADD, 4, INSN_SRC_REG, INSN_REG_RBX,
          0, true },
        { "bts dword [eax], 33", { 0x0F, 0xBA, 0x28, 0x21 }, 4, INSN_OP_BTS, 4, INSN_SRC_IMM, 0, 33, false },
        { "lock btr word [eax], 3", { 0xF0, 0x66, 0x0F, 0xBA, 0x30, 0x03 }, 6, INSN_OP_BTR, 2, INSN_SRC_IMM,
          0, 3, true },
        { "btc dword [eax], 5", { 0x0F, 0xBA, 0x38, 0x05 }, 4, INSN_OP_BTC, 4, INSN_SRC_IMM, 0, 5, false },
        { "bts [eax], ecx (register offset)", { 0x0F, 0xAB, 0x08 }, 3, INSN_OP_BTS, 4, INSN_SRC_REG,
          INSN_REG_RCX, 0, false },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const struct rmw_case *t = &cases[k];
        struct insn i;
        print_message("%s\n", t->what);
        assert_int_equal(insn_decode(t->bytes, t->len, CPU_MODE_PROT32, &i), 0);
        assert_int_equal(i.length, t->len);
        assert_int_equal(i.op, t->op);
        assert_true(i.has_mem && i.writes_memory);
        assert_int_equal(i.mem.base, INSN_REG_RAX);
        assert_int_equal(i.mem_operand_size, t->mem_size);
        assert_int_equal(i.has_lock, t->lock);
        assert_int_equal(i.src_kind, t->src);
        if (t->src == INSN_SRC_REG)
            assert_int_equal(i.src_reg, t->src_reg);
        if (t->src == INSN_SRC_IMM) {   /* the consumer cuts it to src_size (guest_store_value) */
            uint64_t m = i.src_size >= 8 ? UINT64_MAX : (1ull << (8 * i.src_size)) - 1;
            assert_true((i.imm & m) == (t->imm & m));
        }
        if (t->src != INSN_SRC_NONE && t->op < INSN_OP_BTS)
            assert_int_equal(i.src_size, t->mem_size);
    }
    struct insn i;
    DECODE(CPU_MODE_LONG64, &i, 0x48, 0x87, 0x03);   /* xchg [rbx], rax */
    assert_int_equal(i.op, INSN_OP_XCHG);
    assert_int_equal(i.src_reg, INSN_REG_RAX);
    assert_int_equal(i.mem_operand_size, 8);
    DECODE(CPU_MODE_LONG64, &i, 0x39, 0x18);   /* cmp [rax], ebx: no write, not emulated */
    assert_int_equal(i.op, INSN_OP_OTHER);
    assert_false(i.writes_memory);
}

static void test_string_ops(void **state)
{
    (void)state;
    struct insn i;
    DECODE(CPU_MODE_LONG64, &i, 0xF3, 0xA4);   /* rep movsb */
    assert_int_equal(i.op, INSN_OP_MOVS);
    assert_string_equal(insn_mnemonic(&i), "movsb");
    assert_true(i.has_rep);
    assert_true(i.writes_memory);
    assert_true(i.reads_memory);
    assert_int_equal(i.mem_operand_size, 1);
    assert_int_equal(i.mem.seg, INSN_SEG_ES);
    assert_int_equal(i.mem.base, INSN_REG_RDI);
    assert_int_equal(i.src_kind, INSN_SRC_MEM);
    assert_int_equal(i.src_mem.seg, INSN_SEG_DS);
    assert_int_equal(i.src_mem.base, INSN_REG_RSI);

    DECODE(CPU_MODE_LONG64, &i, 0xF3, 0x48, 0xAB);   /* rep stosq */
    assert_int_equal(i.op, INSN_OP_STOS);
    assert_true(i.has_rep);
    assert_int_equal(i.mem_operand_size, 8);
    assert_int_equal(i.src_kind, INSN_SRC_REG);
    assert_int_equal(i.src_reg, INSN_REG_RAX);
    assert_int_equal(i.src_size, 8);

    DECODE(CPU_MODE_REAL16, &i, 0xAA);   /* stosb: es:[di] */
    assert_false(i.has_rep);
    assert_int_equal(i.address_size, 2);
    assert_int_equal(i.mem.base, INSN_REG_RDI);
}

static void test_16bit_addressing(void **state)
{
    (void)state;
    struct insn i;
    DECODE(CPU_MODE_REAL16, &i, 0x88, 0x40, 0x10);   /* mov [bx+si+0x10], al */
    assert_int_equal(i.mem.base, INSN_REG_RBX);
    assert_int_equal(i.mem.index, INSN_REG_RSI);
    assert_int_equal(i.mem.scale, 1);
    assert_int_equal(i.mem.disp, 0x10);
    assert_int_equal(i.mem_operand_size, 1);

    DECODE(CPU_MODE_PROT16, &i, 0xA3, 0x34, 0x12);   /* mov [0x1234], ax */
    assert_int_equal(i.mem.base, INSN_REG_NONE);
    assert_int_equal(i.mem.disp, 0x1234);
    assert_int_equal(i.mem_operand_size, 2);
    assert_int_equal(i.src_reg, INSN_REG_RAX);

    /* The same bytes are a 32-bit move in 32-bit code: mov [0x78561234], eax */
    DECODE(CPU_MODE_PROT32, &i, 0xA3, 0x34, 0x12, 0x56, 0x78);
    assert_int_equal(i.mem.disp, 0x78561234);
    assert_int_equal(i.mem_operand_size, 4);
}

static void test_no_memory_access(void **state)
{
    (void)state;
    struct insn i;
    DECODE(CPU_MODE_LONG64, &i, 0x48, 0x8D, 0x04, 0x18);   /* lea rax, [rax+rbx] */
    assert_false(i.has_mem);
    assert_false(i.writes_memory);
    assert_false(i.reads_memory);
    DECODE(CPU_MODE_LONG64, &i, 0x8B, 0x03);   /* mov eax, [rbx]: read only */
    assert_true(i.reads_memory);
    assert_false(i.writes_memory);
    assert_int_equal(i.mem.base, INSN_REG_RBX);
}

static void test_large_memory_operand(void **state)
{
    (void)state;
    struct insn i;
    DECODE(CPU_MODE_LONG64, &i, 0x0F, 0xAE, 0x00);   /* fxsave [rax]: 512 bytes */
    assert_true(i.writes_memory);
    assert_int_equal(i.mem_operand_size, 512);
    assert_string_equal(insn_mnemonic(&i), "fxsave");
}

static void test_length_limit(void **state)
{
    (void)state;
    uint8_t b[20];
    struct insn i;
    memset(b, 0x66, sizeof(b));
    b[14] = 0x90;   /* 14 operand-size prefixes + nop: exactly 15 bytes */
    assert_int_equal(insn_decode(b, sizeof(b), CPU_MODE_LONG64, &i), 0);
    assert_int_equal(i.length, 15);
    b[14] = 0x66;
    b[15] = 0x90;   /* 16 bytes */
    assert_int_equal(insn_decode(b, sizeof(b), CPU_MODE_LONG64, &i), INSN_ERR_TOO_LONG);
}

static void test_errors(void **state)
{
    (void)state;
    static const uint8_t mov_imm[] = { 0x48, 0xC7, 0x05, 0x10, 0, 0, 0, 1, 2, 3, 4 };
    struct insn i;
    for (size_t n = 0; n < sizeof(mov_imm); n++)
        assert_int_equal(insn_decode(mov_imm, n, CPU_MODE_LONG64, &i), INSN_ERR_TRUNCATED);
    static const uint8_t push_es = 0x06;   /* invalid in 64-bit mode */
    assert_int_equal(insn_decode(&push_es, 1, CPU_MODE_LONG64, &i), INSN_ERR_INVALID);
    assert_int_equal(insn_decode(&push_es, 1, CPU_MODE_PROT32, &i), 0);
    assert_int_equal(insn_decode(NULL, 1, CPU_MODE_LONG64, &i), INSN_ERR_ARG);
    assert_int_equal(insn_decode(mov_imm, sizeof(mov_imm), (enum cpu_mode)7, &i), INSN_ERR_ARG);
    assert_string_equal(insn_strerror(INSN_ERR_TOO_LONG), "instruction longer than 15 bytes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode_from_guest_state),
        cmocka_unit_test(test_mov_reg_to_mem_64),
        cmocka_unit_test(test_mov_high_byte_sib),
        cmocka_unit_test(test_mov_imm_rip_relative),
        cmocka_unit_test(test_prefixed),
        cmocka_unit_test(test_rmw_forms),
        cmocka_unit_test(test_string_ops),
        cmocka_unit_test(test_16bit_addressing),
        cmocka_unit_test(test_no_memory_access),
        cmocka_unit_test(test_large_memory_operand),
        cmocka_unit_test(test_length_limit),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
