/* atk-hv-memory-audit: atk-hv-memory's kernel, run with "audit" on its command line. */
#include "atk-hv-memory/main.c"
