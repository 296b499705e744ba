/* VMX instructions as C functions. Every one reports VMfailInvalid (CF=1)
 * and VMfailValid (ZF=1) — SDM 31.2 "conventions" — as a nonzero result. */
#ifndef BULWARK_VMX_INSN_H
#define BULWARK_VMX_INSN_H

#include <stdint.h>

enum vmx_result { VMX_OK = 0, VMX_FAIL_INVALID = 1, VMX_FAIL_VALID = 2 };

#define VMX_RESULT_FROM_FLAGS(cf, zf) ((cf) ? VMX_FAIL_INVALID : (zf) ? VMX_FAIL_VALID : VMX_OK)

static inline enum vmx_result vmxon(uint64_t phys)
{
    uint8_t cf, zf;
    __asm__ volatile("vmxon %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(phys) : "memory");
    return VMX_RESULT_FROM_FLAGS(cf, zf);
}

static inline enum vmx_result vmclear(uint64_t phys)
{
    uint8_t cf, zf;
    __asm__ volatile("vmclear %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(phys) : "memory");
    return VMX_RESULT_FROM_FLAGS(cf, zf);
}

static inline enum vmx_result vmptrld(uint64_t phys)
{
    uint8_t cf, zf;
    __asm__ volatile("vmptrld %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(phys) : "memory");
    return VMX_RESULT_FROM_FLAGS(cf, zf);
}

static inline enum vmx_result vmwrite_checked(uint64_t field, uint64_t value)
{
    uint8_t cf, zf;
    __asm__ volatile("vmwrite %3, %2" : "=@ccc"(cf), "=@ccz"(zf) : "r"(field), "rm"(value) : "memory");
    return VMX_RESULT_FROM_FLAGS(cf, zf);
}

/* Reads of fields the hypervisor itself set up cannot fail on a current
 * VMCS (an unsupported field would read as 0). */
static inline uint64_t vmread(uint64_t field)
{
    uint64_t v = 0;
    __asm__ volatile("vmread %1, %0" : "=rm"(v) : "r"(field) : "cc");
    return v;
}

static inline void vmwrite(uint64_t field, uint64_t value) { (void)vmwrite_checked(field, value); }

struct __attribute__((packed)) invvpid_desc {
    uint64_t vpid;
    uint64_t linear;
};

#endif
