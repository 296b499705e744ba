# hv sources
SHARED_SRCS += hv/format.c
SHARED_SRCS += hv/decode.c hv/guest_walk.c hv/insn_fetch.c
SHARED_SRCS += hv/multiboot2.c hv/guest_loader.c hv/mb1_header.c hv/elf_load.c
SHARED_SRCS += hv/placement.c hv/mb1_info.c
