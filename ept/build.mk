# ept sources: EPT tables and MTRR memory types are shared (host-tested);
# reading the MTRR MSRs is hypervisor-only.
SHARED_SRCS += ept/ept.c ept/mtrr.c
HV_SRCS     += ept/mtrr_read.c
