/* scripts/report_format.c (bw-report): record parsing, hostile input,
 * disassembly text, rendered rows and the summary of a whole transcript. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scripts/report_format.h"

#define SAMPLE "{\"seq\":5,\"cpu\":0,\"kind\":\"hv-memory\",\"gpa\":\"0x7c00000\"," \
	"\"gva\":\"0x7c00000\",\"access\":\"read\",\"size\":4,\"rip\":\"0x1001e2\"," \
	"\"cpl\":0,\"action\":\"deny\",\"insn\":\"8b 10\"}"

static int parse(const char *s, struct rpt_record *r, const char **err)
{
	return rpt_parse(s, strlen(s), r, err);
}

static void test_parse_sample(void **state)
{
	(void)state;
	struct rpt_record r;
	const char *err = NULL;
	assert_int_equal(parse(SAMPLE, &r, &err), 0);
	assert_string_equal(r.val[RF_SEQ], "5");
	assert_string_equal(r.val[RF_KIND], "hv-memory");
	assert_string_equal(r.val[RF_GPA], "0x7c00000");
	assert_string_equal(r.val[RF_SIZE], "4");
	assert_string_equal(r.val[RF_INSN], "8b 10");
	assert_false(r.has[RF_MSR]);
	assert_false(r.has[RF_BITS]);
	/* unknown fields of any kind are skipped; escapes become printable text */
	assert_int_equal(parse(" { \"seq\" : 18446744073709551615 , \"future\" : -1.5e+3,"
			       "\"a-very-long-unknown-key-name\":\"" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\","
			       "\"kind\":\"a\\\"b\\u0041\\u00e9\\n\xc3\xa9\" } ", &r, &err), 0);
	assert_string_equal(r.val[RF_SEQ], "18446744073709551615");
	assert_string_equal(r.val[RF_KIND], "a\"bA??\?\?");
}

static void test_parse_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *line, *why;
	} cases[] = {
		{ "{\"seq\":1,\"kind:\"x\"}", "expected ':'" },
		{ "{\"seq\":1,kind:\"x\"}", "expected a string" },
		{ "{\"seq\":1,\"kind\":\"x}", "unterminated string" },
		{ "{\"seq\":1,\"kind\":x}", "value is not a string or number" },
		{ "{\"seq\":18446744073709551616}", "number out of range" },
		{ "{\"seq\":99999999999999999999999999999999999999}", "number out of range" },
		{ "{\"seq\":-1}", "number out of range" },
		{ "{\"seq\":1.5}", "number out of range" },
		{ "{\"seq\":01}", "number with a leading zero" },
		{ "{\"seq\":1e}", "bad number" },
		{ "{\"seq\":\"1\"}", "expected a number" },
		{ "{\"seq\":1,\"kind\":7}", "expected a string" },
		{ "{\"seq\":1,\"kind\":{\"a\":1}}", "value is not a string or number" },
		{ "{\"seq\":1,\"kind\":\"\\x\"}", "bad escape" },
		{ "{\"seq\":1,\"kind\":\"\\u12\"}", "bad \\u escape" },
		{ "{\"seq\":1,\"kind\":\"a\tb\"}", "control character in string" },
		{ "{\"seq\":1,\"seq\":2}", "duplicate field" },
		{ "{\"seq\":1,}", "expected a string" },
		{ "{\"seq\":1", "expected ',' or '}'" },
		{ "{\"seq\":1}}", "characters after the record" },
		{ "{\"kind\":\"x\"}", "no seq" },
		{ "{}", "expected a string" },
		{ "", "expected '{'" },
		{ "{\"seq\":1,\"kind\":\"0123456789012345678901234567890123456789"
		  "012345678901234567890123\"}", "value too long" },
	};
	struct rpt_record r;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *err = NULL;
		assert_int_equal(parse(cases[i].line, &r, &err), -1);
		assert_non_null(err);
		assert_string_equal(err, cases[i].why);
	}
	/* an embedded NUL, and a record cut short at every length */
	static const char nul[] = "{\"seq\":1,\"kind\":\"a\0b\"}";
	const char *err = NULL;
	assert_int_equal(rpt_parse(nul, sizeof(nul) - 1, &r, &err), -1);
	assert_string_equal(err, "control character in string");
	for (size_t n = 0; n < strlen(SAMPLE); n++)
		assert_int_equal(rpt_parse(SAMPLE, n, &r, &err), -1);
}

static void dis(const struct rpt_disasm *d, const char *hex, int mode,
		unsigned long long addr, const char *want)
{
	char out[RPT_DIS_MAX];
	rpt_disasm_insn(d, hex, mode, addr, out, sizeof(out));
	assert_string_equal(out, want);
}

static void test_disasm(void **state)
{
	(void)state;
	struct rpt_disasm d;
	assert_int_equal(rpt_disasm_open(&d), 0);
	dis(&d, "8b 10", 32, 0, "mov edx, dword ptr [eax]");
	dis(&d, "8b 10", 64, 0, "mov edx, dword ptr [rax]");
	dis(&d, "8b 10", 16, 0, "mov dx, word ptr [bx + si]");
	dis(&d, "0f 30", 64, 0, "wrmsr");
	dis(&d, "0F 01 C1", 64, 0, "vmcall");
	dis(&d, "eb fe", 64, 0x1001e2, "jmp 0x1001e2");
	dis(&d, "8b 10 90 90", 32, 0, "mov edx, dword ptr [eax]");   /* first insn only */
	dis(&d, "0f", 64, 0, "(undecodable)");
	dis(&d, "", 64, 0, "(undecodable)");
	dis(&d, "8b 1", 32, 0, "(undecodable)");
	dis(&d, "8b zz", 32, 0, "(undecodable)");
	dis(&d, "8b 10", 8, 0, "(undecodable)");
	dis(&d, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", 64, 0,
	    "(undecodable)");   /* over 15 bytes: only the first 15 are decoded */
	rpt_disasm_close(&d);
	assert_int_equal(rpt_mode("32"), 32);
	assert_int_equal(rpt_mode("32 "), 0);
}

static void test_row(void **state)
{
	(void)state;
	struct rpt_record r;
	const char *err;
	char row[RPT_ROW_MAX];
	assert_int_equal(parse(SAMPLE, &r, &err), 0);
	rpt_format_row(&r, "mov edx, dword ptr [eax]", row, sizeof(row));
	assert_string_equal(row, "     5   0 hv-memory      gpa=0x7c00000            read   -"
			    "                  0x1001e2             0 deny   8b 10"
			    "                mov edx, dword ptr [eax]");
	assert_int_equal(parse("{\"seq\":9,\"kind\":\"msr-write\",\"resource\":\"LSTAR\","
			       "\"msr\":\"0xc0000082\",\"gpa\":\"0x1000\",\"gva\":\"0xffff1000\"}",
			       &r, &err), 0);
	rpt_format_row(&r, "-", row, sizeof(row));
	assert_non_null(strstr(row, " LSTAR msr=0xc0000082 gpa=0x1000 gva=0xffff1000 - "));
	assert_int_equal(strncmp(rpt_header(), "   seq cpu kind ", 16), 0);
}

/* Render a transcript (len bytes); returns rpt_run's status. */
static int run(const char *in, size_t len, int mode, char **out, char **err)
{
	size_t on, en;
	FILE *fi = fmemopen((void *)in, len, "r");
	FILE *fo = open_memstream(out, &on), *fe = open_memstream(err, &en);
	assert_non_null(fi);
	int rc = rpt_run(fi, fo, fe, mode);
	fclose(fi);
	fclose(fo);
	fclose(fe);
	return rc;
}

static void test_transcript(void **state)
{
	(void)state;
	static const char t[] =
		"bulwark: Bulwark 0.1\r\n"
		"guest says {\"seq\":99}\r\n"
		SAMPLE "\r\n"
		"{\"seq\":6,\"kind\":\"hv-memory\"\r\n"
		"{\"seq\":7,\"kind\":\"a\0\"}\n"
		"{\"seq\":8,\"kind\":\"msr-write\",\"action\":\"log\",\"insn\":\"89 3b\",\"bits\":32}\r\n"
		"{\"seq\":9,\"kind\":\"vmcall-denied\",\"action\":\"deny\",\"insn\":\"8b 10\",\"mode\":\"audit\",\"bits\":7}\n"
		"bulwark: RESULT guest-exit value=0 status=1\r\n"
		"{\"seq\":10,\"kind\":\"hv-memory\",\"action\":\"deny\"}";   /* no final newline */
	char *out, *err;
	assert_int_equal(run(t, sizeof(t) - 1, 64, &out, &err), 0);
	/* the record's bits; --mode's (64) without them or for a value that is no CPU mode */
	assert_non_null(strstr(out, "\n     5   0 hv-memory      gpa=0x7c00000            read   -"
				    "                  0x1001e2             0 deny   8b 10"
				    "                mov edx, dword ptr [rax]\n"));
	assert_non_null(strstr(out, "\n     8   - msr-write      -                        -      -"
				    "                  -                    - log    89 3b"
				    "                mov dword ptr [ebx], edi\n"));
	assert_non_null(strstr(out, "\n     9   - vmcall-denied  -                        -      -"
				    "                  -                    - deny   8b 10"
				    "                mov edx, dword ptr [rax]\n"));
	assert_non_null(strstr(out, "\n    10   - hv-memory      -                        -      -"
				    "                  -                    - deny   -"
				    "                    -\n"));
	assert_null(strstr(out, "99"));
	assert_non_null(strstr(out, "\nrecords  4 (2 malformed skipped)\n"
				    "kind     hv-memory            2\n"
				    "kind     msr-write            1\n"
				    "kind     vmcall-denied        1\n"
				    "action   deny                 3\n"
				    "action   log                  1\n"
				    "result   bulwark: RESULT guest-exit value=0 status=1\n"));
	assert_string_equal(err, "line 4: malformed record: expected ',' or '}'\n"
				 "line 5: malformed record: control character in string\n");
	free(out);
	free(err);
}

static void test_hostile_transcript(void **state)
{
	(void)state;
	/* an overlong record, 20 distinct kinds, a RESULT line with control bytes */
	size_t cap = 3 * RPT_LINE_MAX + 4096, n = 0;
	char *t = malloc(cap), *out, *err;
	assert_non_null(t);
	n += (size_t)sprintf(t + n, "{\"seq\":1,\"kind\":\"");
	memset(t + n, 'k', 2 * RPT_LINE_MAX);
	n += 2 * RPT_LINE_MAX;
	n += (size_t)sprintf(t + n, "\"}\n");
	for (int i = 0; i < 20; i++)
		n += (size_t)sprintf(t + n, "{\"seq\":%d,\"kind\":\"k%d\"}\n", i + 2, i);
	n += (size_t)sprintf(t + n, "bulwark: RESULT \x1b[2J\x7f\n");
	assert_int_equal(run(t, n, 64, &out, &err), 0);
	assert_string_equal(err, "line 1: malformed record: line too long\n");
	assert_non_null(strstr(out, "\nrecords  20 (1 malformed skipped)\n"));
	assert_non_null(strstr(out, "kind     k15                  1\n"
				    "kind     (other)              4\n"
				    "action   -                    20\n"
				    "result   bulwark: RESULT ?[2J?\n"));
	assert_null(strstr(strstr(out, "\nrecords"), "k16"));   /* a row, not a count */
	free(out);
	free(err);
	assert_int_equal(run("", 0, 64, &out, &err), 0);
	assert_non_null(strstr(out, "records  0 (0 malformed skipped)\nresult   (none)\n"));
	free(out);
	free(err);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_sample),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_disasm),
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_transcript),
		cmocka_unit_test(test_hostile_transcript),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
