/* VMX control bits, exit reasons and qualification layouts, named as in
 * the Intel SDM Vol 3C (sections cited per group). */
#ifndef BULWARK_VMX_BITS_H
#define BULWARK_VMX_BITS_H

/* 25.6.1 pin-based VM-execution controls */
#define PIN_EXTERNAL_INTERRUPT_EXITING  (1u << 0)
#define PIN_NMI_EXITING                 (1u << 3)
#define PIN_VIRTUAL_NMIS                (1u << 5)
#define PIN_ACTIVATE_PREEMPTION_TIMER   (1u << 6)
/* 25.6.2 primary processor-based controls */
#define CPU_HLT_EXITING                 (1u << 7)
#define CPU_NMI_WINDOW_EXITING          (1u << 22)
#define CPU_CR3_LOAD_EXITING            (1u << 15)
#define CPU_CR3_STORE_EXITING           (1u << 16)
#define CPU_MONITOR_TRAP_FLAG           (1u << 27)
#define CPU_USE_IO_BITMAPS              (1u << 25)
#define CPU_USE_MSR_BITMAPS             (1u << 28)
#define CPU_ACTIVATE_SECONDARY_CONTROLS (1u << 31)
/* 25.6.2 secondary processor-based controls */
#define SECONDARY_ENABLE_EPT            (1u << 1)
#define SECONDARY_DESCRIPTOR_TABLE_EXITING (1u << 2)
#define SECONDARY_ENABLE_RDTSCP         (1u << 3)
#define SECONDARY_ENABLE_VPID           (1u << 5)
#define SECONDARY_WBINVD_EXITING        (1u << 6)
#define SECONDARY_UNRESTRICTED_GUEST    (1u << 7)
#define SECONDARY_ENABLE_INVPCID        (1u << 12)
#define SECONDARY_ENABLE_XSAVES_XRSTORS (1u << 20)
/* 25.7.1 VM-exit controls */
#define EXIT_SAVE_DEBUG_CONTROLS        (1u << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE       (1u << 9)
#define EXIT_SAVE_IA32_PAT              (1u << 18)
#define EXIT_LOAD_IA32_PAT              (1u << 19)
#define EXIT_SAVE_IA32_EFER             (1u << 20)
#define EXIT_LOAD_IA32_EFER             (1u << 21)
/* 25.8.1 VM-entry controls */
#define ENTRY_LOAD_DEBUG_CONTROLS       (1u << 2)
#define ENTRY_IA32E_MODE_GUEST          (1u << 9)
#define ENTRY_LOAD_IA32_PAT             (1u << 14)
#define ENTRY_LOAD_IA32_EFER            (1u << 15)

/* A.1 IA32_VMX_BASIC */
#define VMX_BASIC_REVISION_MASK         0x7FFFFFFFull
#define VMX_BASIC_TRUE_CONTROLS         (1ull << 55)
/* A.6 IA32_VMX_MISC */
#define VMX_MISC_ACTIVITY_HLT           (1ull << 6)
#define VMX_MISC_ACTIVITY_WAIT_SIPI     (1ull << 8)
/* A.10 IA32_VMX_EPT_VPID_CAP */
#define EPT_CAP_WALK_LENGTH_4           (1ull << 6)
#define EPT_CAP_WB                      (1ull << 14)
#define EPT_CAP_2MB_PAGES               (1ull << 16)
#define EPT_CAP_1GB_PAGES               (1ull << 17)
#define EPT_CAP_INVEPT                  (1ull << 20)
#define EPT_CAP_INVEPT_SINGLE_CONTEXT   (1ull << 25)
#define EPT_CAP_INVEPT_ALL_CONTEXT      (1ull << 26)
#define VPID_CAP_INVVPID                (1ull << 32)

/* Appendix C: basic exit reasons */
enum vmx_exit_reason {
    EXIT_REASON_EXCEPTION_NMI = 0,
    EXIT_REASON_EXTERNAL_INTERRUPT = 1,
    EXIT_REASON_TRIPLE_FAULT = 2,
    EXIT_REASON_INIT = 3,
    EXIT_REASON_SIPI = 4,
    EXIT_REASON_NMI_WINDOW = 8,
    EXIT_REASON_CPUID = 10,
    EXIT_REASON_GETSEC = 11,
    EXIT_REASON_HLT = 12,
    EXIT_REASON_INVD = 13,
    EXIT_REASON_VMCALL = 18,
    EXIT_REASON_VMCLEAR = 19,
    EXIT_REASON_VMLAUNCH = 20,
    EXIT_REASON_VMPTRLD = 21,
    EXIT_REASON_VMPTRST = 22,
    EXIT_REASON_VMREAD = 23,
    EXIT_REASON_VMRESUME = 24,
    EXIT_REASON_VMWRITE = 25,
    EXIT_REASON_VMXOFF = 26,
    EXIT_REASON_VMXON = 27,
    EXIT_REASON_CR_ACCESS = 28,
    EXIT_REASON_IO_INSTRUCTION = 30,
    EXIT_REASON_MSR_READ = 31,
    EXIT_REASON_MSR_WRITE = 32,
    EXIT_REASON_INVALID_GUEST_STATE = 33,
    EXIT_REASON_MSR_LOADING = 34,
    EXIT_REASON_MONITOR_TRAP_FLAG = 37,
    EXIT_REASON_MACHINE_CHECK = 41,
    EXIT_REASON_GDTR_IDTR = 46,
    EXIT_REASON_LDTR_TR = 47,
    EXIT_REASON_EPT_VIOLATION = 48,
    EXIT_REASON_EPT_MISCONFIG = 49,
    EXIT_REASON_INVEPT = 50,
    EXIT_REASON_PREEMPTION_TIMER = 52,
    EXIT_REASON_INVVPID = 53,
    EXIT_REASON_WBINVD = 54,
    EXIT_REASON_XSETBV = 55,
    EXIT_REASON_VMFUNC = 59,
    EXIT_REASON_XSAVES = 63,
    EXIT_REASON_XRSTORS = 64,
    EXIT_REASON_MAX = 80,
};
#define EXIT_REASON_FAILED_VMENTRY      (1u << 31)

/* 28.2.1 Table 28-3: exit qualification for control-register accesses */
#define CR_QUAL_NUMBER(q)        ((q) & 0xF)
#define CR_QUAL_ACCESS_TYPE(q)   (((q) >> 4) & 0x3)
#define CR_ACCESS_MOV_TO_CR      0
#define CR_ACCESS_MOV_FROM_CR    1
#define CR_ACCESS_CLTS           2
#define CR_ACCESS_LMSW           3
#define CR_QUAL_GPR(q)           (((q) >> 8) & 0xF)
#define CR_QUAL_LMSW_DATA(q)     (((q) >> 16) & 0xFFFF)
/* Table 28-5: I/O instructions */
#define IO_QUAL_SIZE(q)          (((q) & 7) + 1)
#define IO_QUAL_IN               (1u << 3)
#define IO_QUAL_STRING           (1u << 4)
#define IO_QUAL_PORT(q)          (((q) >> 16) & 0xFFFF)
/* Table 28-7: EPT violations */
#define EPT_QUAL_READ            (1u << 0)
#define EPT_QUAL_WRITE           (1u << 1)
#define EPT_QUAL_FETCH           (1u << 2)
#define EPT_QUAL_LINEAR_VALID    (1u << 7)
#define EPT_QUAL_TRANSLATED      (1u << 8)   /* with bit 7: not a paging-structure access */

/* 25.8.3 VM-entry interruption-information field */
#define INTR_INFO_VALID          (1u << 31)
#define INTR_INFO_DELIVER_CODE   (1u << 11)
#define INTR_TYPE_NMI            (2u << 8)
#define INTR_TYPE_HW_EXCEPTION   (3u << 8)
#define INTR_INFO_TYPE(i)        ((i) & (7u << 8))
#define INTR_INFO_UNBLOCK_NMI    (1u << 12)   /* 28.2.2: NMI unblocking due to IRET */
#define VECTOR_NMI               2
#define VECTOR_UD                6
#define VECTOR_GP                13

/* 25.4.2 guest interruptibility state */
#define INTERRUPTIBILITY_STI     (1u << 0)
#define INTERRUPTIBILITY_MOV_SS  (1u << 1)
#define INTERRUPTIBILITY_SMI     (1u << 2)
#define INTERRUPTIBILITY_NMI     (1u << 3)
/* 25.4.2 activity state */
#define ACTIVITY_ACTIVE          0
#define ACTIVITY_HLT             1
#define ACTIVITY_WAIT_FOR_SIPI   3

/* 25.4.1 segment access rights: unusable */
#define AR_UNUSABLE              (1u << 16)

#endif
