/* atk-smep-audit: atk-smep's kernel, run with "audit" on its command line. */
#include "atk-smep/main.c"
