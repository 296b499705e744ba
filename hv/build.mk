# hv sources
SHARED_SRCS += hv/format.c
