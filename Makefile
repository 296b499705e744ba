# Bulwark — top-level build. `make run` boots the demo in Bochs, `make test`
# runs every test. Each directory contributes through its own build.mk.
.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD    := build
DEPS_OK  := $(BUILD)/.deps-ok

# ---- hypervisor (freestanding x86-64, higher half, -mcmodel=kernel) -------
CC       := gcc
HV_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
  -fno-stack-protector -fno-builtin -mno-red-zone -mgeneral-regs-only -mcmodel=kernel \
  -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -I. -DBULWARK_HV=1
HV_ASFLAGS := -g -I. -DBULWARK_HV=1
HV_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack -no-pie -Wl,--build-id=none

# ---- host tests (same freestanding sources, compiled for the host) --------
HOST_CC  := clang
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. -DBULWARK_HOST=1 \
  -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Sources: each build.mk appends to these.
HV_SRCS     :=   # hypervisor only (C and .S)
SHARED_SRCS :=   # freestanding, also compiled into host tests
UNIT_TESTS  :=   # host unit test programs (tests/unit/test_*.c)

include hv/build.mk vmx/build.mk ept/build.mk
-include zydis.mk
include guest-tests/build.mk tests/build.mk scripts/report.mk scripts/build.mk
-include tests/fuzz/build.mk

HV_OBJS := $(patsubst %,$(BUILD)/hv-obj/%.o,$(HV_SRCS) $(SHARED_SRCS))
HOST_OBJS := $(patsubst %,$(BUILD)/host-obj/%.o,$(SHARED_SRCS))
HV_ELF  := $(BUILD)/bulwark.elf

$(DEPS_OK): scripts/deps.sh
	@bash scripts/deps.sh
	@mkdir -p $(@D) && touch $@

$(BUILD)/hv-obj/%.c.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/hv-obj/%.S.o: %.S | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(HV_ASFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/host-obj/%.c.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(HV_ELF): $(HV_OBJS) $(ZYDIS_HV_LIB) hv/linker.ld
	$(CC) $(HV_LDFLAGS) -T hv/linker.ld -o $@ $(HV_OBJS) $(ZYDIS_HV_LIB) -lgcc
	grub-file --is-x86-multiboot2 $@

$(BUILD)/libbulwark-host.a: $(HOST_OBJS)
	rm -f $@; ar rcs $@ $^

all: $(HV_ELF) guests

# make run [GUEST=FILE] [GUEST_ARGS=...] [GUEST_MODULES="F ..."] [POLICY=FILE]
#          [CPUS=N] [MEM=MiB] [VM=bochs|kvm] [TIMEOUT=s] [BARE=1]
run: all $(BUILD)/bw-report
	@GUEST="$(GUEST)" GUEST_ARGS="$(GUEST_ARGS)" GUEST_MODULES="$(GUEST_MODULES)" \
	  POLICY="$(POLICY)" HV_ARGS="$(HV_ARGS)" CPUS="$(CPUS)" MEM="$(MEM)" VM="$(VM)" \
	  TIMEOUT="$(TIMEOUT)" BARE="$(BARE)" bash scripts/run.sh

bench: all
	@bash scripts/bench.sh

.PHONY: all run test unit bench fuzz clean check-policy
clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
