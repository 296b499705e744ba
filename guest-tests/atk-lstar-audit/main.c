/* atk-lstar-audit: atk-lstar's kernel, run with "audit" on its command line. */
#include "atk-lstar/main.c"
