#ifndef BULWARK_GDT_H
#define BULWARK_GDT_H

#include "hv/cpu.h"
#include "hv/x86.h"

#define HOST_TSS_SEL 0x18

void gdt_init(struct cpu *c);

#endif
