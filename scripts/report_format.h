/* bw-report: parse Bulwark serial transcripts (docs/events.md records) and
 * render them as a table with Capstone disassembly. Host-only code. */
#ifndef BW_REPORT_FORMAT_H
#define BW_REPORT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <capstone/capstone.h>

#define RPT_LINE_MAX 4096   /* longer lines are not records (reported, skipped) */
#define RPT_VAL_MAX  63     /* longest value kept for a known field */
#define RPT_KEYS_MAX 16     /* distinct kinds/actions counted; the rest are "(other)" */
#define RPT_RESULT_MAX 160  /* RESULT line text kept */
#define RPT_DIS_MAX  160    /* disassembly text */
#define RPT_ROW_MAX  2048   /* one rendered table row */

/* The record fields the report knows; others are parsed and ignored. */
enum rpt_field {
	RF_SEQ, RF_CPU, RF_KIND, RF_RESOURCE, RF_GPA, RF_GVA, RF_MSR, RF_ACCESS,
	RF_VALUE, RF_SIZE, RF_RIP, RF_CPL, RF_ACTION, RF_INSN, RF_BITS, RF_COUNT
};

/* Every known field as printable ASCII text; numbers as their digits. */
struct rpt_record {
	bool has[RF_COUNT];
	char val[RF_COUNT][RPT_VAL_MAX + 1];
};

/* Parse one line (len bytes, may contain NULs) that is a JSON record.
 * Returns 0, or -1 with *err set to a static reason. */
int rpt_parse(const char *line, size_t len, struct rpt_record *r, const char **err);

/* "16", "32" or "64" as a number; 0 for anything else. */
int rpt_mode(const char *s);

/* Capstone handles for 16-, 32- and 64-bit x86. */
struct rpt_disasm {
	csh h[3];
};
int rpt_disasm_open(struct rpt_disasm *d);
void rpt_disasm_close(struct rpt_disasm *d);

/* Disassemble the first instruction of hex bytes ("8b 10") at address addr
 * in mode 16, 32 or 64 into out; "(undecodable)" if the bytes, the mode or
 * Capstone fail. */
void rpt_disasm_insn(const struct rpt_disasm *d, const char *hex, int mode,
		     unsigned long long addr, char *out, size_t n);

/* Table header line and one row (no newline) for a parsed record. */
const char *rpt_header(void);
void rpt_format_row(const struct rpt_record *r, const char *dis, char *out, size_t n);

struct rpt_count {
	char key[RPT_VAL_MAX + 1];
	unsigned long n;
};
struct rpt_tally {
	struct rpt_count c[RPT_KEYS_MAX + 1];   /* last slot is "(other)" */
	size_t used;
};
struct rpt_summary {
	unsigned long records, malformed;
	struct rpt_tally kind, action;
	bool has_result;
	char result[RPT_RESULT_MAX + 1];
};

void rpt_summary_add(struct rpt_summary *s, const struct rpt_record *r);
void rpt_summary_print(const struct rpt_summary *s, FILE *out);

/* Render a whole transcript from in to out, malformed-record notes to err.
 * default_mode applies to records whose "mode" is not 16/32/64. Returns 0, or -1
 * if reading failed or Capstone could not be opened (reported to err). */
int rpt_run(FILE *in, FILE *out, FILE *err, int default_mode);

#endif
