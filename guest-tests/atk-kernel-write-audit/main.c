/* atk-kernel-write-audit: atk-kernel-write's kernel, run with "audit" on its command line. */
#include "atk-kernel-write/main.c"
