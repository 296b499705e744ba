/* bw-report: render a Bulwark serial transcript as a table of its event
 * records with the instructions disassembled (docs/report.md). */
#include <errno.h>
#include <string.h>

#include "scripts/report_format.h"

static void usage(FILE *f)
{
	fputs("usage: bw-report [--mode 16|32|64] FILE|-\n"
	      "Render the event records of a Bulwark serial transcript (FILE, or - for\n"
	      "stdin) as a table, then counts per kind and action and the RESULT line.\n"
	      "  --mode N  disassemble as N-bit x86 when a record has no \"mode\" (default 64)\n"
	      "  --help    this text\n"
	      "Exit status: 0 ok, 1 unreadable input, 2 usage error.\n", f);
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	int mode = 64, rc;
	FILE *in;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc && rpt_mode(argv[i + 1])) {
			mode = rpt_mode(argv[++i]);
		} else if (!path && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)) {
			path = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!path) {
		usage(stderr);
		return 2;
	}
	in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!in) {
		fprintf(stderr, "bw-report: %s: %s\n", path, strerror(errno));
		return 1;
	}
	rc = rpt_run(in, stdout, stderr, mode);
	if (in != stdin)
		fclose(in);
	return rc ? 1 : 0;
}
