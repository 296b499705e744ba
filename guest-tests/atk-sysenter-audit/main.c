/* atk-sysenter-audit: atk-sysenter's kernel, run with "audit" on its command line. */
#include "atk-sysenter/main.c"
