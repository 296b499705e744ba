# Policy files (docs/policy.md): build/policy-check, the host validator built
# from the hypervisor's own parser sources, and
#   make check-policy [POLICY=FILE...]   (default: every policies/*.policy)
POLICY_CHECK_SRCS := hv/policy_parse.c hv/policy_rules.c hv/policy_lex.c hv/policy_names.c \
  hv/format.c
POLICY_CHECK_OBJS := $(patsubst %,$(BUILD)/host-obj/%.o,$(POLICY_CHECK_SRCS))

$(BUILD)/policy-check: scripts/policy-check.c $(POLICY_CHECK_OBJS) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -o $@ $< $(POLICY_CHECK_OBJS)

check-policy: $(BUILD)/policy-check
	$(BUILD)/policy-check $(or $(POLICY),$(wildcard policies/*.policy))
