# Guest-test kernels (XTF style): guest-tests/<name>/main.c + guest-tests/lib ->
# build/guests/<name>.elf, a Multiboot 1 ELF32 linked at 1 MiB. Other files in a
# scenario folder (modules it embeds with .incbin) are prerequisites of its main.c.
GUEST_DIR   := $(BUILD)/guests
GUEST_CFLAGS := -std=gnu11 -m32 -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib -fno-pic \
  -fno-pie -fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
  -Iguest-tests/lib -Iguest-tests
GUEST_NAMES := $(patsubst guest-tests/%/main.c,%,$(wildcard guest-tests/*/main.c))
GUEST_ELFS  := $(GUEST_NAMES:%=$(GUEST_DIR)/%.elf)
# The string functions are the hypervisor's own freestanding hv/lib.c, built for i386.
GUEST_LIB_OBJS := $(patsubst guest-tests/lib/%.c,$(GUEST_DIR)/obj/lib/%.o,$(wildcard guest-tests/lib/*.c)) \
  $(GUEST_DIR)/obj/lib/hv-lib.o
# bad-header links an entry stub whose Multiboot checksum is off by one.
GUEST_ENTRY = $(GUEST_DIR)/obj/lib/$(if $(filter bad-header,$*),entry-bad-checksum,entry).o

$(GUEST_DIR)/obj/%.o: guest-tests/%.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(GUEST_DIR)/obj/lib/hv-lib.o: hv/lib.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -I. -fno-builtin -MMD -MP -c $< -o $@
$(GUEST_DIR)/obj/lib/entry.o: guest-tests/lib/entry.S | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) -m32 -c $< -o $@
$(GUEST_DIR)/obj/lib/entry-bad-checksum.o: guest-tests/lib/entry.S | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) -m32 -DMB1_BAD_CHECKSUM -c $< -o $@

$(GUEST_DIR)/%.elf: $(GUEST_DIR)/obj/%/main.o $(GUEST_LIB_OBJS) guest-tests/lib/guest.ld \
    $(GUEST_DIR)/obj/lib/entry.o $(GUEST_DIR)/obj/lib/entry-bad-checksum.o
	ld -m elf_i386 -z max-page-size=0x1000 --no-warn-rwx-segments -T guest-tests/lib/guest.ld -o $@ \
	  $(GUEST_ENTRY) $(GUEST_DIR)/obj/$*/main.o $(GUEST_LIB_OBJS)

$(foreach n,$(GUEST_NAMES),$(eval $(GUEST_DIR)/obj/$(n)/main.o: \
  $(filter-out %/main.c %/scenario,$(wildcard guest-tests/$(n)/*))))

.PHONY: guests
guests: $(GUEST_ELFS)
.SECONDARY: $(GUEST_LIB_OBJS) $(GUEST_NAMES:%=$(GUEST_DIR)/obj/%/main.o)
