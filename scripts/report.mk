# bw-report: host tool rendering a serial transcript as a table with Capstone
# disassembly (docs/report.md). Included from the root Makefile.
#   make report LOG=path/to/serial.log [REPORT_MODE=16|32|64]
REPORT_SRCS := scripts/report_format.c
REPORT_HDRS := scripts/report_format.h

$(BUILD)/bw-report: scripts/bw-report.c $(REPORT_SRCS) $(REPORT_HDRS) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ scripts/bw-report.c $(REPORT_SRCS) -lcapstone

# Explicit rule: overrides tests/build.mk's pattern rule, which links only
# the shared sources.
$(BUILD)/unit/test_report: tests/unit/test_report.c $(REPORT_SRCS) $(REPORT_HDRS) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ tests/unit/test_report.c $(REPORT_SRCS) -lcapstone -lcmocka

report: $(BUILD)/bw-report
	@[ -n "$(LOG)" ] || { echo "usage: make report LOG=serial.log [REPORT_MODE=32]" >&2; exit 2; }
	$(BUILD)/bw-report $(if $(REPORT_MODE),--mode $(REPORT_MODE)) $(LOG)

.PHONY: report
