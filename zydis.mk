# Zydis decoder, compiled from Debian's `zydis` source package (fetched at
# build time by scripts/zydis-fetch.sh, never committed) plus the zycore
# headers from libzycore-dev (/usr/include/Zycore, on the default include path).
#
# Exports:
#   ZYDIS_HV_LIB       freestanding archive linked into the hypervisor
#   ZYDIS_HOST_LIB     the same decoder built for host tests (clang, ASan+UBSan)
#   ZYDIS_HV_INC       defines + include flags for hypervisor code including Zydis
#   ZYDIS_HOST_CFLAGS  defines + include flags for host code including Zydis
#   ZYDIS_STAMP        exists once the source tree is unpacked (order-only prereq)

ZYDIS_TREE  := $(BUILD)/zydis-src/zydis
ZYDIS_STAMP := $(ZYDIS_TREE)/include/Zydis/Zydis.h
ZYDIS_MODS  := Decoder DecoderData SharedData Utils Zydis MetaInfo Mnemonic Register
ZYDIS_DEFS  := -DZYAN_NO_LIBC -DZYDIS_STATIC_BUILD -DZYCORE_STATIC_BUILD
ZYDIS_HV_INC      := $(ZYDIS_DEFS) -I$(ZYDIS_TREE)/include
ZYDIS_HOST_CFLAGS := $(ZYDIS_DEFS) -I$(ZYDIS_TREE)/include

ZYDIS_HV_LIB   := $(BUILD)/zydis/libzydis-hv.a
ZYDIS_HOST_LIB := $(BUILD)/zydis/libzydis-host.a
ZYDIS_HV_OBJS   := $(ZYDIS_MODS:%=$(BUILD)/zydis/hv/%.o)
ZYDIS_HOST_OBJS := $(ZYDIS_MODS:%=$(BUILD)/zydis/host/%.o)

# Third-party code: keep the warnings visible but not fatal. Recursive (=) so
# flags appended by later build.mk files are seen.
# src/ holds the private generated tables (<Generated/*.inc>).
ZYDIS_LIB_HV_CFLAGS   = $(filter-out -Werror -Wextra,$(HV_CFLAGS)) $(ZYDIS_HV_INC) -I$(ZYDIS_TREE)/src
ZYDIS_LIB_HOST_CFLAGS = $(filter-out -Werror -Wextra,$(HOST_CFLAGS)) $(ZYDIS_HOST_CFLAGS) \
  -I$(ZYDIS_TREE)/src

# Symbols the freestanding archive may leave undefined: hv/lib.c provides them.
ZYDIS_HV_ALLOWED_UNDEF := memcpy|memset|memmove|memcmp|strlen

$(ZYDIS_STAMP): scripts/zydis-fetch.sh | $(DEPS_OK)
	@bash scripts/zydis-fetch.sh $(BUILD)/zydis-src
	@touch $@

$(BUILD)/zydis/hv/%.o: $(ZYDIS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ZYDIS_LIB_HV_CFLAGS) -c $(ZYDIS_TREE)/src/$*.c -o $@
$(BUILD)/zydis/host/%.o: $(ZYDIS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(ZYDIS_LIB_HOST_CFLAGS) -c $(ZYDIS_TREE)/src/$*.c -o $@

# The hypervisor archive must not need anything a freestanding build lacks.
$(ZYDIS_HV_LIB): $(ZYDIS_HV_OBJS)
	rm -f $@; ar rcs $@ $^
	@undef=$$(comm -23 <(nm -u $@ | awk '$$1 == "U" { print $$2 }' | sort -u) \
	                   <(nm --defined-only $@ | awk 'NF == 3 { print $$3 }' | sort -u) \
	          | grep -vxE '$(ZYDIS_HV_ALLOWED_UNDEF)' || true); \
	if [ -n "$$undef" ]; then \
	  echo "zydis: $@ needs symbols the hypervisor lacks:" $$undef >&2; rm -f $@; exit 1; \
	fi
$(ZYDIS_HOST_LIB): $(ZYDIS_HOST_OBJS)
	rm -f $@; ar rcs $@ $^

# Bulwark sources that include Zydis headers (only the decoder wrapper).
ZYDIS_USERS := hv/decode.c
$(ZYDIS_USERS:%=$(BUILD)/hv-obj/%.o): HV_CFLAGS += $(ZYDIS_HV_INC)
$(ZYDIS_USERS:%=$(BUILD)/host-obj/%.o): HOST_CFLAGS += $(ZYDIS_HOST_CFLAGS)
# Objects including Zydis headers wait for the fetch (fuzz-obj: tests/fuzz/build.mk).
$(foreach d,hv-obj host-obj fuzz-obj,$(ZYDIS_USERS:%=$(BUILD)/$(d)/%.o)): | $(ZYDIS_STAMP)
