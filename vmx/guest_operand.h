/* Memory operands of instructions Bulwark emulates. Segmentation and paging
 * are checked as the processor checks them, and a failed check yields the
 * exception the processor would raise, for the handler to inject: the guest
 * is an adversary, its pointers never fault the hypervisor. */
#ifndef BULWARK_GUEST_OPERAND_H
#define BULWARK_GUEST_OPERAND_H

#include "hv/cpu.h"
#include "hv/decode.h"

struct guest_fault {
    uint8_t vector;       /* 12 #SS, 13 #GP, 14 #PF (always with an error code) */
    uint32_t error_code;
    uint64_t cr2;         /* #PF: the faulting linear address */
};

/* The operand of the descriptor-table instruction that exited (exit
 * reason 46, or 47 when ldtr_tr), with the guest's current mode. Returns
 * 0, or -1 after injecting the fault the instruction raises before any
 * operand access: #UD for LLDT/LTR/SLDT/STR in real-address or virtual-8086
 * mode; #GP(0) at CPL > 0 for the loads, and for the stores with CR4.UMIP.
 * These take priority over the exit (SDM Vol 3C 26.1.1); they are checked
 * again so the emulation never depends on it. A reserved encoding stops
 * the CPU with the diagnostic. */
struct dt_operand;
int guest_dt_operand(struct cpu *c, uint64_t qualification, bool ldtr_tr, struct dt_operand *op,
                     enum cpu_mode *mode);
/* General-purpose register n of the guest (RSP from the VMCS). */
uint64_t guest_gpr(struct cpu *c, unsigned n);
void guest_set_gpr(struct cpu *c, unsigned n, uint64_t v);
/* The value a decoded store writes: its register (AH..BH included) or
 * immediate source, cut to the source size. Returns 0, or -1 when the
 * source is neither. */
int guest_store_value(struct cpu *c, const struct insn *insn, uint64_t *value);

/* Linear address of `size` bytes at `offset` in segment `seg` (encoding
 * order, ES..GS) for a read or a write, with the segment checks of SDM
 * Vol 3A 5.3 (limit, expand-down), 3.4.5.1 (type) and 3.4.2 (unusable
 * segment); in 64-bit mode only FS/GS have a base and there is no limit
 * (3.2.4). Returns 0, or -1 with *f set. */
int guest_operand_linear(enum cpu_mode mode, unsigned seg, uint64_t offset, unsigned size, bool write,
                         uint64_t *la, struct guest_fault *f);
/* Each page of [la, la+len) (at most two: len <= 4096) as a host pointer
 * into guest RAM, with its guest-physical address. */
struct guest_span {
    unsigned n;
    uint64_t gpa[2], la[2];
    size_t len[2];
    uint8_t *ptr[2];
};
/* Translate [la, la+len) through the guest's paging for `access` (WALK_*
 * flags). Returns 0, -1 with *f set (#PF from the walk, #GP(0) for a
 * non-canonical address or len > 4096), or 1 when a page is not RAM. */
int guest_operand_map(uint64_t la, size_t len, unsigned access, struct guest_span *s, struct guest_fault *f);
/* Read `len` (<= 4096) bytes at linear `la` through the guest's paging for
 * `access` (WALK_* flags). Returns 0, or -1 with *f set: #PF from the
 * walk, #GP(0) for a non-canonical address or memory that is not RAM. */
int guest_operand_read(uint64_t la, void *dst, size_t len, unsigned access, struct guest_fault *f);
/* Write the same way; every page is checked before the first byte is
 * written. A page EPT write-protects is judged by the policy as the
 * processor's own write would be (hv/enforce_mem.c). Returns 0 when
 * written, 1 when the policy refused it (nothing written), -1 with *f. */
int guest_operand_write(struct cpu *c, uint64_t la, const void *src, size_t len, unsigned access,
                        struct guest_fault *f);
/* WALK_* flags of an explicit data access by the current instruction:
 * user-mode at CPL 3, else supervisor with EFLAGS.AC for SMAP (SDM 4.6). */
unsigned guest_explicit_access(void);
/* Canonical for the guest's linear-address width (SDM Vol 1 3.3.7.1:
 * 57 bits with CR4.LA57, else 48). */
bool guest_canonical(uint64_t v);
/* Inject *f into the guest (CR2 first for #PF). */
void guest_inject_fault(const struct guest_fault *f);

#endif
