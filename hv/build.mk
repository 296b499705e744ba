# hv sources
SHARED_SRCS += hv/format.c
SHARED_SRCS += hv/decode.c
