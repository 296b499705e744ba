# Host unit tests: every tests/unit/test_*.c is one cmocka program linked
# against the shared freestanding sources compiled for the host.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libbulwark-host.a $(ZYDIS_HOST_LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(ZYDIS_HOST_CFLAGS) -MMD -MP -o $@ $< \
	  $(BUILD)/libbulwark-host.a $(ZYDIS_HOST_LIB) -lcmocka

unit: $(UNIT_BINS)
	@bash scripts/run-unit.sh $(UNIT_BINS)

test: all $(UNIT_BINS)
	@bash scripts/test-all.sh
