/* atk-straddle-audit: atk-straddle's kernel, run with "audit" on its command line. */
#include "atk-straddle/main.c"
