/* The hypercall ABI (docs/hypercalls.md). VMCALL at CPL 0 with the
 * function in RAX and arguments in RBX, RCX, RDX; status returns in RAX,
 * results in RBX, RCX, RDX. From CPL > 0 VMCALL raises #UD. */
#ifndef BULWARK_HYPERCALL_H
#define BULWARK_HYPERCALL_H

#include "hv/cpu.h"

#define HC_ABI_VERSION 1
#define HC_PING 0          /* -> RBX = HC_PING_MAGIC */
#define HC_INFO 1          /* -> RBX = reserved base, RCX = size, RDX = ABI version */
#define HC_ARM 2           /* arm on-hypercall rules; once */
#define HC_READ_LOG 3      /* RBX = buffer (guest-virtual), RCX = size, RDX = first seq
                              -> RBX = bytes written, RCX = next seq */
#define HC_READ_LOG_MAX 4096
#define HC_PING_MAGIC 0x4B4C5742u   /* "BWLK" */

#define HC_OK 0
#define HC_ENOSYS ((uint64_t)-1)
#define HC_EDENIED ((uint64_t)-2)
#define HC_EFAULT ((uint64_t)-3)

void hypercall_dispatch(struct cpu *c);

#endif
