/* x86 instruction decoder (a thin wrapper over Zydis; no Zydis type leaks out
 * of hv/decode.c). Enough to emulate a simple memory write: the written memory
 * operand's address parts and the value source. Shared code. */
#ifndef BULWARK_DECODE_H
#define BULWARK_DECODE_H

#include "hv/lib.h"

/* Default operand/address size of the code being decoded. */
enum cpu_mode { CPU_MODE_REAL16, CPU_MODE_PROT16, CPU_MODE_PROT32, CPU_MODE_LONG64 };

/* Pick the mode from guest state. cs_access_rights is in the VMCS format
 * (SDM Vol 3C 24.4.1 "Guest Register State", Table 24-2: bit 13 L, bit 14 D/B).
 * EFER.LMA with CS.L is 64-bit mode (Vol 3A 5.2.1 "Code-Segment Descriptor in
 * 64-bit Mode"); CR0.PE clear is real-address mode, 16-bit (Vol 3A 20.1);
 * otherwise CS.D selects 32- or 16-bit code (Vol 3A 3.4.5 "D/B flag").
 * Compatibility mode decodes as PROT16/PROT32. */
enum cpu_mode cpu_mode_from(uint64_t cr0, uint64_t efer, uint32_t cs_access_rights);

/* Register numbers in encoding order (RAX=0 ... R15=15). */
enum insn_reg {
    INSN_REG_RAX, INSN_REG_RCX, INSN_REG_RDX, INSN_REG_RBX,
    INSN_REG_RSP, INSN_REG_RBP, INSN_REG_RSI, INSN_REG_RDI,
    INSN_REG_R8, INSN_REG_R9, INSN_REG_R10, INSN_REG_R11,
    INSN_REG_R12, INSN_REG_R13, INSN_REG_R14, INSN_REG_R15,
    INSN_REG_RIP = 16,     /* RIP-relative addressing: the next instruction's RIP */
    INSN_REG_OTHER = 0xFE, /* a non-general-purpose register (vector, control, ...) */
    INSN_REG_NONE = 0xFF,
};

/* Segment registers in encoding order (SDM Vol 2A 3.1.1.3 "Sreg"). */
enum insn_seg { INSN_SEG_ES, INSN_SEG_CS, INSN_SEG_SS, INSN_SEG_DS, INSN_SEG_FS, INSN_SEG_GS };

/* Instructions the hypervisor may emulate; everything else is INSN_OP_OTHER.
 * From INSN_OP_ADD on, a read-modify-write of the memory operand
 * (hv/emulate.h; the source, if any, is src_*). */
enum insn_op {
    INSN_OP_OTHER, INSN_OP_MOV, INSN_OP_MOVS, INSN_OP_STOS,
    INSN_OP_ADD, INSN_OP_ADC, INSN_OP_SUB, INSN_OP_SBB, INSN_OP_AND, INSN_OP_OR, INSN_OP_XOR,
    INSN_OP_INC, INSN_OP_DEC, INSN_OP_NEG, INSN_OP_NOT,
    INSN_OP_XCHG, INSN_OP_CMPXCHG, INSN_OP_XADD, INSN_OP_BTS, INSN_OP_BTR, INSN_OP_BTC,
};

/* A memory operand: address = seg.base + base + index * scale + disp, truncated
 * to address_size. String instructions report their implicit [rSI]/[rDI]. */
struct insn_mem {
    uint8_t seg;    /* enum insn_seg: override or default segment */
    uint8_t base;   /* enum insn_reg */
    uint8_t index;  /* enum insn_reg (INSN_REG_OTHER for a vector index) */
    uint8_t scale;  /* 0 without index, else 1, 2, 4 or 8 */
    int64_t disp;
};

enum insn_src_kind { INSN_SRC_NONE, INSN_SRC_REG, INSN_SRC_IMM, INSN_SRC_MEM };

struct insn {
    uint8_t length;         /* bytes, 1..15 */
    enum insn_op op;
    uint16_t mnemonic;      /* decoder's mnemonic number: for insn_mnemonic() */
    uint8_t operand_size;   /* effective operand size, bytes */
    uint8_t address_size;   /* effective address size, bytes */
    bool has_rep;           /* REP/REPE/REPNE prefix that this instruction honours */
    bool has_lock;
    bool reads_memory;
    bool writes_memory;
    bool has_mem;           /* mem is valid */
    uint16_t mem_operand_size; /* bytes accessed through mem (per element for rep) */
    struct insn_mem mem;    /* the written memory operand, else the read one */
    /* Value stored through mem (first read operand other than mem). */
    enum insn_src_kind src_kind;
    uint8_t src_reg;        /* enum insn_reg, INSN_SRC_REG */
    bool src_reg_high8;     /* AH/CH/DH/BH: bits 15:8 of src_reg */
    uint16_t src_size;      /* bytes, for REG and IMM */
    uint64_t imm;           /* INSN_SRC_IMM, sign-extended when the encoding is */
    struct insn_mem src_mem; /* INSN_SRC_MEM (e.g. MOVS: [rSI]) */
};

#define INSN_MAX_LEN 15   /* SDM Vol 2A 2.1.1 */

enum {
    INSN_ERR_ARG = -1,       /* NULL pointer or bad mode */
    INSN_ERR_TRUNCATED = -2, /* the bytes end inside the instruction */
    INSN_ERR_TOO_LONG = -3,  /* longer than 15 bytes (#GP) */
    INSN_ERR_INVALID = -4,   /* not a valid instruction in this mode (#UD) */
};

/* Decode one instruction from bytes[0..avail). Returns 0 and fills *out, or an
 * INSN_ERR_* code. */
int insn_decode(const uint8_t *bytes, size_t avail, enum cpu_mode mode, struct insn *out);

/* Lower-case mnemonic ("mov", "stosb", ...); never NULL. */
const char *insn_mnemonic(const struct insn *insn);

/* Static message for an INSN_ERR_* code. */
const char *insn_strerror(int err);

#endif
