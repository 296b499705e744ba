/* atk-lidt-audit: atk-lidt's kernel, run with "audit" on its command line. */
#include "atk-lidt/main.c"
