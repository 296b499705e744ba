/* atk-lgdt-audit: atk-lgdt's kernel, run with "audit" on its command line. */
#include "atk-lgdt/main.c"
