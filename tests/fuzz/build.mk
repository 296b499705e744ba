# libFuzzer harnesses: every tests/fuzz/fuzz_<name>.c becomes
# build/fuzz/fuzz_<name>, linked with all shared sources compiled again with
# fuzzer instrumentation (build/fuzz-obj/, archived in libbulwark-fuzz.a).
# Include after every build.mk that appends to SHARED_SRCS.
# `make fuzz [FUZZ_SECONDS=N]` runs each harness for N seconds.
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. -DBULWARK_HOST=1 \
  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
  -fno-omit-frame-pointer
FUZZ_SECONDS ?= 60
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_OBJS := $(patsubst %,$(BUILD)/fuzz-obj/%.o,$(filter %.c,$(SHARED_SRCS)))

$(BUILD)/fuzz-obj/%.c.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(HOST_CC) $(FUZZ_CFLAGS) $(ZYDIS_HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libbulwark-fuzz.a: $(FUZZ_OBJS)
	rm -f $@; ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libbulwark-fuzz.a $(ZYDIS_HOST_LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(HOST_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< \
	  $(BUILD)/libbulwark-fuzz.a $(ZYDIS_HOST_LIB)

fuzz: $(FUZZ_BINS)
	@bash scripts/run-fuzz.sh $(FUZZ_SECONDS)

# make test's fuzz stage runs every harness: build them first.
test: $(FUZZ_BINS)
