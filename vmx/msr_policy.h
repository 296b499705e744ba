#ifndef BULWARK_MSR_POLICY_H
#define BULWARK_MSR_POLICY_H

/* Set the MSR bitmap bits that keep VMX hidden from the guest. */
void msr_intercepts_init(void);

#endif
