/* bw-report: record parser, Capstone disassembly, table and summary. The
 * transcript is guest-influenced: every length is bounded, nothing trusted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scripts/report_format.h"

static const struct {
	const char *name;
	bool number;
} fields[RF_COUNT] = {
	[RF_SEQ] = { "seq", true },        [RF_CPU] = { "cpu", true },
	[RF_KIND] = { "kind", false },     [RF_RESOURCE] = { "resource", false },
	[RF_GPA] = { "gpa", false },       [RF_GVA] = { "gva", false },
	[RF_MSR] = { "msr", false },       [RF_ACCESS] = { "access", false },
	[RF_VALUE] = { "value", false },   [RF_SIZE] = { "size", true },
	[RF_RIP] = { "rip", false },       [RF_CPL] = { "cpl", true },
	[RF_ACTION] = { "action", false }, [RF_INSN] = { "insn", false },
	[RF_BITS] = { "bits", true },
};

struct cur {
	const char *p, *end;
};

static void skip_ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r'))
		c->p++;
}

static bool eat(struct cur *c, char ch)
{
	skip_ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool is_digit(const struct cur *c)
{
	return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

/* A JSON string into out (cap bytes with the NUL). Non-printable or
 * non-ASCII characters become '?'; *overflow if it did not fit. */
static int parse_string(struct cur *c, char *out, size_t cap, bool *overflow,
			const char **err)
{
	size_t n = 0;

	*overflow = false;
	if (!eat(c, '"')) {
		*err = "expected a string";
		return -1;
	}
	for (;;) {
		if (c->p >= c->end) {
			*err = "unterminated string";
			return -1;
		}
		unsigned char ch = (unsigned char)*c->p++;
		if (ch == '"')
			break;
		if (ch < 0x20) {
			*err = "control character in string";
			return -1;
		}
		if (ch == '\\') {
			char e = c->p < c->end ? *c->p++ : 0;
			unsigned v = 0;
			switch (e) {
			case '"': case '\\': case '/':
				ch = (unsigned char)e;
				break;
			case 'b': case 'f': case 'n': case 'r': case 't':
				ch = '?';
				break;
			case 'u':
				for (int i = 0; i < 4; i++) {
					int h = c->p < c->end ? hexval(*c->p++) : -1;
					if (h < 0) {
						*err = "bad \\u escape";
						return -1;
					}
					v = v * 16 + (unsigned)h;
				}
				ch = v >= 0x20 && v < 0x7f ? (unsigned char)v : '?';
				break;
			default:
				*err = "bad escape";
				return -1;
			}
		} else if (ch >= 0x7f) {
			ch = '?';
		}
		if (n + 1 < cap)
			out[n++] = (char)ch;
		else
			*overflow = true;
	}
	out[n] = 0;
	return 0;
}

/* A JSON number; its digits go to out (cap > 20) only when it is an
 * unsigned integer that fits 64 bits, which is what *uint_ok says. */
static int parse_number(struct cur *c, char *out, bool *uint_ok, const char **err)
{
	const char *start = c->p;
	uint64_t v = 0;
	bool ok = true;

	if (c->p < c->end && *c->p == '-') {
		c->p++;
		ok = false;
	}
	if (!is_digit(c)) {
		*err = "value is not a string or number";
		return -1;
	}
	if (*c->p == '0' && c->p + 1 < c->end && c->p[1] >= '0' && c->p[1] <= '9') {
		*err = "number with a leading zero";
		return -1;
	}
	for (; is_digit(c); c->p++) {
		unsigned d = (unsigned)(*c->p - '0');
		if (v > (UINT64_MAX - d) / 10)
			ok = false;
		else
			v = v * 10 + d;
	}
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		ok = false;
		if (!is_digit(c))
			goto bad;
		while (is_digit(c))
			c->p++;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		ok = false;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (!is_digit(c))
			goto bad;
		while (is_digit(c))
			c->p++;
	}
	*uint_ok = ok;
	if (ok) {
		memcpy(out, start, (size_t)(c->p - start));   /* at most 20 digits */
		out[c->p - start] = 0;
	}
	return 0;
bad:
	*err = "bad number";
	return -1;
}

static int field_index(const char *key)
{
	for (int f = 0; f < RF_COUNT; f++)
		if (strcmp(key, fields[f].name) == 0)
			return f;
	return -1;
}

int rpt_parse(const char *line, size_t len, struct rpt_record *r, const char **err)
{
	struct cur c = { line, line + len };
	char key[16], scratch[RPT_VAL_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (!eat(&c, '{')) {
		*err = "expected '{'";
		return -1;
	}
	do {
		bool long_key, too_long, uint_ok;
		if (parse_string(&c, key, sizeof(key), &long_key, err))
			return -1;
		if (!eat(&c, ':')) {
			*err = "expected ':'";
			return -1;
		}
		int f = long_key ? -1 : field_index(key);
		char *dst = f >= 0 ? r->val[f] : scratch;
		skip_ws(&c);
		if (c.p < c.end && *c.p == '"') {
			if (parse_string(&c, dst, RPT_VAL_MAX + 1, &too_long, err))
				return -1;
			if (f >= 0 && fields[f].number) {
				*err = "expected a number";
				return -1;
			}
			if (f >= 0 && too_long) {
				*err = "value too long";
				return -1;
			}
		} else {
			if (parse_number(&c, dst, &uint_ok, err))
				return -1;
			if (f >= 0 && !fields[f].number) {
				*err = "expected a string";
				return -1;
			}
			if (f >= 0 && !uint_ok) {
				*err = "number out of range";
				return -1;
			}
		}
		if (f >= 0) {
			if (r->has[f]) {
				*err = "duplicate field";
				return -1;
			}
			r->has[f] = true;
		}
	} while (eat(&c, ','));
	if (!eat(&c, '}')) {
		*err = "expected ',' or '}'";
		return -1;
	}
	skip_ws(&c);
	if (c.p != c.end) {
		*err = "characters after the record";
		return -1;
	}
	if (!r->has[RF_SEQ]) {
		*err = "no seq";
		return -1;
	}
	return 0;
}

int rpt_mode(const char *s)
{
	if (strcmp(s, "16") == 0)
		return 16;
	if (strcmp(s, "32") == 0)
		return 32;
	if (strcmp(s, "64") == 0)
		return 64;
	return 0;
}

int rpt_disasm_open(struct rpt_disasm *d)
{
	static const cs_mode modes[3] = { CS_MODE_16, CS_MODE_32, CS_MODE_64 };

	for (int i = 0; i < 3; i++) {
		if (cs_open(CS_ARCH_X86, modes[i], &d->h[i]) != CS_ERR_OK) {
			while (i--)
				cs_close(&d->h[i]);
			return -1;
		}
	}
	return 0;
}

void rpt_disasm_close(struct rpt_disasm *d)
{
	for (int i = 0; i < 3; i++)
		cs_close(&d->h[i]);
}

void rpt_disasm_insn(const struct rpt_disasm *d, const char *hex, int mode,
		     unsigned long long addr, char *out, size_t n)
{
	uint8_t bytes[15];   /* the longest x86 instruction; more are ignored */
	size_t count = 0;
	cs_insn *insn;
	int h = mode == 16 ? 0 : mode == 32 ? 1 : mode == 64 ? 2 : -1;

	snprintf(out, n, "(undecodable)");
	for (const char *p = hex; *p;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);
		if (lo < 0)
			return;
		if (count < sizeof(bytes))
			bytes[count++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	if (h < 0 || count == 0 || cs_disasm(d->h[h], bytes, count, addr, 1, &insn) != 1)
		return;
	snprintf(out, n, "%s%s%s", insn->mnemonic, insn->op_str[0] ? " " : "", insn->op_str);
	cs_free(insn, 1);
}

#define ROW_FMT "%6s %3s %-14s %-24s %-6s %-18s %-18s %3s %-6s %-20s %s"

const char *rpt_header(void)
{
	static char h[RPT_ROW_MAX];

	snprintf(h, sizeof(h), ROW_FMT, "seq", "cpu", "kind", "target", "access", "value",
		 "rip", "cpl", "action", "insn", "disassembly");
	return h;
}

static const char *val(const struct rpt_record *r, enum rpt_field f)
{
	return r->has[f] ? r->val[f] : "-";
}

void rpt_format_row(const struct rpt_record *r, const char *dis, char *out, size_t n)
{
	char target[4 * (RPT_VAL_MAX + 5)] = "";
	size_t t = 0;

	/* resource name, then the addresses; gva only where it differs from gpa */
	if (r->has[RF_RESOURCE])
		t += (size_t)snprintf(target + t, sizeof(target) - t, "%s ", r->val[RF_RESOURCE]);
	if (r->has[RF_MSR])
		t += (size_t)snprintf(target + t, sizeof(target) - t, "msr=%s ", r->val[RF_MSR]);
	if (r->has[RF_GPA])
		t += (size_t)snprintf(target + t, sizeof(target) - t, "gpa=%s ", r->val[RF_GPA]);
	if (r->has[RF_GVA] && !(r->has[RF_GPA] && strcmp(r->val[RF_GVA], r->val[RF_GPA]) == 0))
		t += (size_t)snprintf(target + t, sizeof(target) - t, "gva=%s ", r->val[RF_GVA]);
	if (t)
		target[t - 1] = 0;
	snprintf(out, n, ROW_FMT, val(r, RF_SEQ), val(r, RF_CPU), val(r, RF_KIND),
		 t ? target : "-", val(r, RF_ACCESS), val(r, RF_VALUE), val(r, RF_RIP),
		 val(r, RF_CPL), val(r, RF_ACTION), val(r, RF_INSN), dis);
}

static void tally(struct rpt_tally *t, const char *key)
{
	for (size_t i = 0; i < t->used; i++) {
		if (strcmp(t->c[i].key, key) == 0) {
			t->c[i].n++;
			return;
		}
	}
	if (t->used < RPT_KEYS_MAX) {
		snprintf(t->c[t->used].key, sizeof(t->c[0].key), "%s", key);
		t->c[t->used++].n = 1;
	} else {
		t->c[RPT_KEYS_MAX].n++;
	}
}

void rpt_summary_add(struct rpt_summary *s, const struct rpt_record *r)
{
	s->records++;
	tally(&s->kind, val(r, RF_KIND));
	tally(&s->action, val(r, RF_ACTION));
}

static void print_tally(const struct rpt_tally *t, const char *what, FILE *out)
{
	for (size_t i = 0; i < t->used; i++)
		fprintf(out, "%-8s %-20s %lu\n", what, t->c[i].key, t->c[i].n);
	if (t->c[RPT_KEYS_MAX].n)
		fprintf(out, "%-8s %-20s %lu\n", what, "(other)", t->c[RPT_KEYS_MAX].n);
}

void rpt_summary_print(const struct rpt_summary *s, FILE *out)
{
	fprintf(out, "\nrecords  %lu (%lu malformed skipped)\n", s->records, s->malformed);
	print_tally(&s->kind, "kind", out);
	print_tally(&s->action, "action", out);
	fprintf(out, "result   %s\n", s->has_result ? s->result : "(none)");
}

/* One line into buf (at most RPT_LINE_MAX bytes kept, the rest counted as
 * *too_long); false at end of input. */
static bool read_line(FILE *in, char *buf, size_t *len, bool *too_long)
{
	size_t n = 0;
	bool any = false;
	int ch;

	*too_long = false;
	while ((ch = getc(in)) != EOF) {
		any = true;
		if (ch == '\n')
			break;
		if (n < RPT_LINE_MAX)
			buf[n++] = (char)ch;
		else
			*too_long = true;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	*len = n;
	return any;
}

static bool starts_with(const char *buf, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(buf, prefix, n) == 0;
}

static void render(const struct rpt_disasm *d, const char *line, size_t len, bool too_long,
		   unsigned long lineno, int default_mode, struct rpt_summary *s,
		   FILE *out, FILE *err)
{
	struct rpt_record r;
	const char *why = "line too long";
	char dis[RPT_DIS_MAX] = "-", row[RPT_ROW_MAX], *end;

	if (too_long || rpt_parse(line, len, &r, &why)) {
		s->malformed++;
		fprintf(err, "line %lu: malformed record: %s\n", lineno, why);
		return;
	}
	if (r.has[RF_INSN]) {
		unsigned long long rip = r.has[RF_RIP] ? strtoull(r.val[RF_RIP], &end, 16) : 0;
		int mode = r.has[RF_BITS] ? rpt_mode(r.val[RF_BITS]) : 0;
		if (r.has[RF_RIP] && *end)
			rip = 0;
		rpt_disasm_insn(d, r.val[RF_INSN], mode ? mode : default_mode, rip, dis, sizeof(dis));
	}
	rpt_format_row(&r, dis, row, sizeof(row));
	fprintf(out, "%s\n", row);
	rpt_summary_add(s, &r);
}

int rpt_run(FILE *in, FILE *out, FILE *err, int default_mode)
{
	struct rpt_disasm d;
	struct rpt_summary s;
	char *line = malloc(RPT_LINE_MAX);
	unsigned long lineno = 0;
	size_t len;
	bool too_long;
	int rc = 0;

	if (!line || rpt_disasm_open(&d)) {
		fprintf(err, "bw-report: cannot set up the x86 disassembler\n");
		free(line);
		return -1;
	}
	memset(&s, 0, sizeof(s));
	fprintf(out, "%s\n", rpt_header());
	while (read_line(in, line, &len, &too_long)) {
		lineno++;
		if (starts_with(line, len, "{\"seq\":")) {
			render(&d, line, len, too_long, lineno, default_mode, &s, out, err);
		} else if (starts_with(line, len, "bulwark: RESULT")) {
			size_t n = len < RPT_RESULT_MAX ? len : RPT_RESULT_MAX;
			for (size_t i = 0; i < n; i++) {
				unsigned char ch = (unsigned char)line[i];
				s.result[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
			}
			s.result[n] = 0;
			s.has_result = true;
		}
	}
	if (ferror(in)) {
		fprintf(err, "bw-report: error reading the transcript\n");
		rc = -1;
	}
	rpt_summary_print(&s, out);
	rpt_disasm_close(&d);
	free(line);
	return rc;
}
