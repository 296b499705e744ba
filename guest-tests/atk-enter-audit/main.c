#include "atk-enter/main.c"
