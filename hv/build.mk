# hv sources
SHARED_SRCS += hv/format.c
SHARED_SRCS += hv/decode.c hv/emulate.c hv/guest_walk.c hv/insn_fetch.c
SHARED_SRCS += hv/multiboot2.c hv/guest_loader.c hv/mb1_header.c hv/elf_load.c
SHARED_SRCS += hv/placement.c hv/mb1_info.c
SHARED_SRCS += hv/acpi.c
HV_SRCS += hv/boot.S hv/isr.S hv/safe_msr.S hv/main.c hv/lib.c hv/serial.c hv/log.c hv/idt.c hv/gdt.c \
  hv/mm.c hv/run_end.c hv/shutdown.c hv/event.c hv/hypercall.c hv/guest_mem.c \
  hv/guest_ept.c hv/lapic.c hv/tsc.c hv/rendezvous.c hv/smp.c hv/ap_trampoline.S hv/guest_ipi.c \
  hv/enforce.c hv/enforce_regs.c hv/enforce_mem.c hv/enforce_step.c hv/enforce_dt.c
SHARED_SRCS += hv/policy_parse.c hv/policy_rules.c hv/policy_lex.c hv/policy_names.c
