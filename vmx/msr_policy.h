#ifndef BULWARK_MSR_POLICY_H
#define BULWARK_MSR_POLICY_H

/* Set the MSR bitmap bits for the MSRs Bulwark intercepts. */
void msr_intercepts_init(void);

#endif
