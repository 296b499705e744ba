/* atk-smap-audit: atk-smap's kernel, run with "audit" on its command line. */
#include "atk-smap/main.c"
