/* vmx/dt_info: the VM-exit instruction-information field of descriptor-table
 * exits (SDM Vol 3C 28.2.5, Tables 28-10 and 28-11). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmx/dt_info.h"

/* Field builders, named after the tables' columns. */
#define SCALE(s) ((uint32_t)(s))
#define REG1(r) ((uint32_t)(r) << 3)
#define ADDR16 (0u << 7)
#define ADDR32 (1u << 7)
#define ADDR64 (2u << 7)
#define REG_OPERAND (1u << 10)
#define OPSIZE32 (1u << 11)
#define SEG(s) ((uint32_t)(s) << 15)
#define INDEX(r) ((uint32_t)(r) << 18)
#define NO_INDEX (1u << 22)
#define BASE(r) ((uint32_t)(r) << 23)
#define NO_BASE (1u << 27)
#define IDENTITY(i) ((uint32_t)(i) << 28)

enum { ES, CS, SS, DS, FS, GS };

static uint64_t gpr[16];

static void setup_regs(void)
{
    for (unsigned i = 0; i < 16; i++)
        gpr[i] = 0x1111111100000000ull * (i + 1) + i * 0x100;
}

static void test_lgdt_64bit_base_register(void **state)
{
    (void)state;
    struct dt_operand op;
    setup_regs();
    gpr[0] = 0xffff800000001000ull;                                  /* lgdt [rax] */
    assert_int_equal(dt_decode(IDENTITY(2) | BASE(0) | NO_INDEX | SEG(DS) | ADDR64, 0, false, gpr, &op), 0);
    assert_int_equal(op.insn, DT_LGDT);
    assert_false(op.is_reg);
    assert_int_equal(op.seg, DS);
    assert_int_equal(op.addr_bits, 64);
    assert_int_equal(op.op_bits, 0);                                  /* undefined in 64-bit mode */
    assert_int_equal(op.offset, 0xffff800000001000ull);
}

static void test_sidt_32bit_scaled_index_negative_disp(void **state)
{
    (void)state;
    struct dt_operand op;
    setup_regs();
    gpr[3] = 0xdead0000fffffff0ull;                                  /* sidt [ss:ebx+esi*8-8] */
    gpr[6] = 2;
    uint32_t info = IDENTITY(1) | BASE(3) | INDEX(6) | SCALE(3) | SEG(SS) | ADDR32 | OPSIZE32;
    assert_int_equal(dt_decode(info, (uint64_t)-8, false, gpr, &op), 0);
    assert_int_equal(op.insn, DT_SIDT);
    assert_int_equal(op.seg, SS);
    assert_int_equal(op.op_bits, 32);
    assert_int_equal(op.offset, 0xfffffff8u);                         /* wraps at 32 bits */
}

static void test_lidt_16bit_wraps_and_opsize(void **state)
{
    (void)state;
    struct dt_operand op;
    setup_regs();
    gpr[3] = 0xfff8;                                                  /* lidt [bx+si+0x10] */
    gpr[6] = 0x10;
    assert_int_equal(dt_decode(IDENTITY(3) | BASE(3) | INDEX(6) | SEG(DS) | ADDR16, 0x10, false, gpr, &op), 0);
    assert_int_equal(op.insn, DT_LIDT);
    assert_int_equal(op.addr_bits, 16);
    assert_int_equal(op.op_bits, 16);
    assert_int_equal(op.offset, 0x18);
}

static void test_sgdt_displacement_only_and_rsp_base(void **state)
{
    (void)state;
    struct dt_operand op;
    setup_regs();
    assert_int_equal(dt_decode(IDENTITY(0) | NO_BASE | NO_INDEX | SEG(GS) | ADDR64, 0x1234, false, gpr, &op), 0);
    assert_int_equal(op.insn, DT_SGDT);
    assert_int_equal(op.seg, GS);
    assert_int_equal(op.offset, 0x1234);
    gpr[4] = 0x7ff0;                                                  /* sgdt [rsp+r15*2+8] */
    gpr[15] = 4;
    assert_int_equal(dt_decode(IDENTITY(0) | BASE(4) | INDEX(15) | SCALE(1) | SEG(SS) | ADDR64, 8, false, gpr, &op), 0);
    assert_int_equal(op.offset, 0x8000);
}

static void test_ldtr_tr_register_operand(void **state)
{
    (void)state;
    struct dt_operand op;
    setup_regs();
    assert_int_equal(dt_decode(IDENTITY(3) | REG_OPERAND | REG1(9) | ADDR64, 0, true, gpr, &op), 0);
    assert_int_equal(op.insn, DT_LTR);
    assert_true(op.is_reg);
    assert_int_equal(op.reg, 9);
    assert_int_equal(dt_decode(IDENTITY(1) | REG_OPERAND | REG1(0) | ADDR32, 0, true, gpr, &op), 0);
    assert_int_equal(op.insn, DT_STR);
    /* Table 28-10 has no register form: bit 10 is cleared there, bit 11 is the operand size */
    assert_int_equal(dt_decode(IDENTITY(2) | NO_BASE | NO_INDEX | ADDR32 | REG_OPERAND, 0x40, false, gpr, &op), 0);
    assert_false(op.is_reg);
    assert_int_equal(op.offset, 0x40);
}

static void test_ldtr_tr_memory_operand(void **state)
{
    (void)state;
    struct dt_operand op;
    setup_regs();
    gpr[1] = 0x10;                                                    /* lldt [es:ecx+edx*4+0x20] */
    gpr[2] = 0x3;
    uint32_t info = IDENTITY(2) | BASE(1) | INDEX(2) | SCALE(2) | SEG(ES) | ADDR32 | OPSIZE32;
    assert_int_equal(dt_decode(info, 0x20, true, gpr, &op), 0);
    assert_int_equal(op.insn, DT_LLDT);
    assert_false(op.is_reg);
    assert_int_equal(op.op_bits, 0);                                  /* bit 11 is undefined here */
    assert_int_equal(op.offset, 0x3c);
    assert_int_equal(dt_decode(IDENTITY(0) | NO_BASE | NO_INDEX | ADDR16, 0x1234, true, gpr, &op), 0);
    assert_int_equal(op.insn, DT_SLDT);
}

static void test_loads_and_stores(void **state)
{
    (void)state;
    assert_true(dt_is_load(DT_LGDT) && dt_is_load(DT_LIDT) && dt_is_load(DT_LLDT) && dt_is_load(DT_LTR));
    assert_false(dt_is_load(DT_SGDT) || dt_is_load(DT_SIDT) || dt_is_load(DT_SLDT) || dt_is_load(DT_STR));
}

static void test_reserved_encodings(void **state)
{
    (void)state;
    struct dt_operand op;
    setup_regs();
    assert_int_equal(dt_decode(3u << 7, 0, false, gpr, &op), -1);    /* address size 3 */
    assert_int_equal(dt_decode(ADDR64 | SEG(6), 0, true, gpr, &op), -1);
    assert_int_equal(dt_decode(ADDR64 | SEG(7), 0, false, gpr, &op), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lgdt_64bit_base_register),
        cmocka_unit_test(test_sidt_32bit_scaled_index_negative_disp),
        cmocka_unit_test(test_lidt_16bit_wraps_and_opsize),
        cmocka_unit_test(test_sgdt_displacement_only_and_rsp_base),
        cmocka_unit_test(test_ldtr_tr_register_operand),
        cmocka_unit_test(test_ldtr_tr_memory_operand),
        cmocka_unit_test(test_loads_and_stores),
        cmocka_unit_test(test_reserved_encodings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
