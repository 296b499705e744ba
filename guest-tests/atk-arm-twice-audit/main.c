/* atk-arm-twice-audit: atk-arm-twice's kernel, run with "audit" on its command line. */
#include "atk-arm-twice/main.c"
