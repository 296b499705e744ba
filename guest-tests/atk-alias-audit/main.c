/* atk-alias-audit: atk-alias's kernel, run with "audit" on its command line. */
#include "atk-alias/main.c"
