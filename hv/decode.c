/* Instruction decoding through Zydis (built freestanding, see zydis.mk). */
#include "hv/decode.h"

#include <Zydis/Decoder.h>
#include <Zydis/Mnemonic.h>
#include <Zydis/Register.h>

#define CR0_PE (1ull << 0)
#define EFER_LMA (1ull << 10)
#define CS_AR_L (1u << 13)
#define CS_AR_DB (1u << 14)

enum cpu_mode cpu_mode_from(uint64_t cr0, uint64_t efer, uint32_t cs_access_rights)
{
    if ((efer & EFER_LMA) && (cs_access_rights & CS_AR_L))
        return CPU_MODE_LONG64;
    if (!(cr0 & CR0_PE))
        return CPU_MODE_REAL16;
    return (cs_access_rights & CS_AR_DB) ? CPU_MODE_PROT32 : CPU_MODE_PROT16;
}

static uint8_t map_reg(ZydisRegister r, bool *high8)
{
    if (high8)
        *high8 = r >= ZYDIS_REGISTER_AH && r <= ZYDIS_REGISTER_BH;
    if (r == ZYDIS_REGISTER_NONE)
        return INSN_REG_NONE;
    switch (ZydisRegisterGetClass(r)) {
    case ZYDIS_REGCLASS_GPR8:
    case ZYDIS_REGCLASS_GPR16:
    case ZYDIS_REGCLASS_GPR32:
    case ZYDIS_REGCLASS_GPR64: {
        ZydisRegister full = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
        int8_t id = ZydisRegisterGetId(full);
        return id >= 0 && id <= INSN_REG_R15 ? (uint8_t)id : INSN_REG_OTHER;
    }
    case ZYDIS_REGCLASS_IP:
        return INSN_REG_RIP;
    default:
        return INSN_REG_OTHER;
    }
}

static void map_mem(const ZydisDecodedOperandMem *m, struct insn_mem *out)
{
    int8_t seg = ZydisRegisterGetId(m->segment);
    out->seg = seg >= 0 && seg <= INSN_SEG_GS ? (uint8_t)seg : INSN_SEG_DS;
    out->base = map_reg(m->base, NULL);
    out->index = map_reg(m->index, NULL);
    out->scale = out->index == INSN_REG_NONE ? 0 : m->scale;
    out->disp = m->disp.has_displacement ? m->disp.value : 0;
}

/* A real memory access: not LEA's address generation nor MPX's MIB. */
static bool is_access(const ZydisDecodedOperand *op)
{
    return op->type == ZYDIS_OPERAND_TYPE_MEMORY &&
           (op->mem.type == ZYDIS_MEMOP_TYPE_MEM || op->mem.type == ZYDIS_MEMOP_TYPE_VSIB);
}

static enum insn_op map_op(ZydisMnemonic m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_MOV:
        return INSN_OP_MOV;
    case ZYDIS_MNEMONIC_MOVSB: case ZYDIS_MNEMONIC_MOVSW:
    case ZYDIS_MNEMONIC_MOVSD: case ZYDIS_MNEMONIC_MOVSQ:
        return INSN_OP_MOVS;
    case ZYDIS_MNEMONIC_STOSB: case ZYDIS_MNEMONIC_STOSW:
    case ZYDIS_MNEMONIC_STOSD: case ZYDIS_MNEMONIC_STOSQ:
        return INSN_OP_STOS;
    case ZYDIS_MNEMONIC_ADD: return INSN_OP_ADD;
    case ZYDIS_MNEMONIC_ADC: return INSN_OP_ADC;
    case ZYDIS_MNEMONIC_SUB: return INSN_OP_SUB;
    case ZYDIS_MNEMONIC_SBB: return INSN_OP_SBB;
    case ZYDIS_MNEMONIC_AND: return INSN_OP_AND;
    case ZYDIS_MNEMONIC_OR: return INSN_OP_OR;
    case ZYDIS_MNEMONIC_XOR: return INSN_OP_XOR;
    case ZYDIS_MNEMONIC_INC: return INSN_OP_INC;
    case ZYDIS_MNEMONIC_DEC: return INSN_OP_DEC;
    case ZYDIS_MNEMONIC_NEG: return INSN_OP_NEG;
    case ZYDIS_MNEMONIC_NOT: return INSN_OP_NOT;
    case ZYDIS_MNEMONIC_XCHG: return INSN_OP_XCHG;
    case ZYDIS_MNEMONIC_CMPXCHG: return INSN_OP_CMPXCHG;
    case ZYDIS_MNEMONIC_XADD: return INSN_OP_XADD;
    case ZYDIS_MNEMONIC_BTS: return INSN_OP_BTS;
    case ZYDIS_MNEMONIC_BTR: return INSN_OP_BTR;
    case ZYDIS_MNEMONIC_BTC: return INSN_OP_BTC;
    default:
        return INSN_OP_OTHER;
    }
}

/* The value source: the first read operand other than the chosen memory one,
 * skipping the flags and instruction-pointer registers. */
static void pick_source(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *ops,
                        int mem_idx, struct insn *out)
{
    for (int i = 0; i < zi->operand_count && i < ZYDIS_MAX_OPERAND_COUNT; i++) {
        const ZydisDecodedOperand *op = &ops[i];
        if (i == mem_idx || !(op->actions & ZYDIS_OPERAND_ACTION_MASK_READ))
            continue;
        if (op->type == ZYDIS_OPERAND_TYPE_REGISTER) {
            ZydisRegisterClass c = ZydisRegisterGetClass(op->reg.value);
            if (c == ZYDIS_REGCLASS_FLAGS || c == ZYDIS_REGCLASS_IP)
                continue;
            out->src_kind = INSN_SRC_REG;
            out->src_reg = map_reg(op->reg.value, &out->src_reg_high8);
            out->src_size = (uint16_t)(op->size / 8);
            return;
        }
        if (op->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
            /* A sign-extended immediate has the operation's size (SDM Vol 2A
             * "ADD": "ADD r/m32, imm8 ... imm8 sign-extended"). */
            out->src_kind = INSN_SRC_IMM;
            out->imm = op->imm.value.u;
            out->src_size = (uint16_t)((op->imm.is_signed ? zi->operand_width : op->size) / 8);
            return;
        }
        if (is_access(op)) {
            out->src_kind = INSN_SRC_MEM;
            map_mem(&op->mem, &out->src_mem);
            return;
        }
    }
}

int insn_decode(const uint8_t *bytes, size_t avail, enum cpu_mode mode, struct insn *out)
{
    static const struct { ZydisMachineMode m; ZydisStackWidth s; } modes[] = {
        [CPU_MODE_REAL16] = { ZYDIS_MACHINE_MODE_REAL_16, ZYDIS_STACK_WIDTH_16 },
        [CPU_MODE_PROT16] = { ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_STACK_WIDTH_16 },
        [CPU_MODE_PROT32] = { ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32 },
        [CPU_MODE_LONG64] = { ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64 },
    };
    if (!bytes || !out || (unsigned)mode >= ARRAY_SIZE(modes))
        return INSN_ERR_ARG;
    memset(out, 0, sizeof(*out));

    ZydisDecoder dec;
    if (ZYAN_FAILED(ZydisDecoderInit(&dec, modes[mode].m, modes[mode].s)))
        return INSN_ERR_ARG;
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    ZyanStatus st = ZydisDecoderDecodeFull(&dec, bytes, MIN(avail, (size_t)INSN_MAX_LEN),
                                           &zi, ops);
    if (st == ZYDIS_STATUS_NO_MORE_DATA)
        return avail < INSN_MAX_LEN ? INSN_ERR_TRUNCATED : INSN_ERR_TOO_LONG;
    if (st == ZYDIS_STATUS_INSTRUCTION_TOO_LONG)
        return INSN_ERR_TOO_LONG;
    if (ZYAN_FAILED(st))
        return INSN_ERR_INVALID;

    out->length = zi.length;
    out->op = map_op(zi.mnemonic);
    out->mnemonic = (uint16_t)zi.mnemonic;
    out->operand_size = (uint8_t)(zi.operand_width / 8);
    out->address_size = (uint8_t)(zi.address_width / 8);
    out->has_rep = zi.attributes &
                   (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE | ZYDIS_ATTRIB_HAS_REPNE);
    out->has_lock = zi.attributes & ZYDIS_ATTRIB_HAS_LOCK;

    int mem_idx = -1;
    for (int i = 0; i < zi.operand_count && i < ZYDIS_MAX_OPERAND_COUNT; i++) {
        if (!is_access(&ops[i]))
            continue;
        bool wr = ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE;
        out->writes_memory |= wr;
        out->reads_memory |= (ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_READ) != 0;
        if (mem_idx < 0 || (wr && !(ops[mem_idx].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)))
            mem_idx = i;
    }
    if (mem_idx >= 0) {
        out->has_mem = true;
        out->mem_operand_size = (uint16_t)(ops[mem_idx].size / 8);
        map_mem(&ops[mem_idx].mem, &out->mem);
    }
    pick_source(&zi, ops, mem_idx, out);
    return 0;
}

const char *insn_mnemonic(const struct insn *insn)
{
    const char *s = insn ? ZydisMnemonicGetString((ZydisMnemonic)insn->mnemonic) : NULL;
    return s ? s : "invalid";
}

const char *insn_strerror(int err)
{
    switch (err) {
    case 0: return "ok";
    case INSN_ERR_ARG: return "bad argument";
    case INSN_ERR_TRUNCATED: return "instruction bytes end early";
    case INSN_ERR_TOO_LONG: return "instruction longer than 15 bytes";
    case INSN_ERR_INVALID: return "invalid instruction";
    default: return "unknown decode error";
    }
}
