# VMX: capabilities, VMCS, exit dispatch and handlers (hypervisor only)
HV_SRCS += vmx/exit_stub.S vmx/caps.c vmx/bitmaps.c vmx/vmcs_init.c vmx/guest_cr.c vmx/guest_state.c \
  vmx/guest_insn.c vmx/diag.c vmx/diag_names.c vmx/exit_dispatch.c vmx/msr_policy.c \
  vmx/exit_cpuid.c vmx/exit_msr.c vmx/exit_cr.c vmx/exit_xsetbv.c vmx/exit_cache.c \
  vmx/exit_vmx_insn.c vmx/exit_vmcall.c vmx/exit_ept.c vmx/exit_triple_fault.c vmx/exit_io.c vmx/exit_mtf.c vmx/guest_virt.c \
  vmx/exit_nmi.c vmx/exit_init_sipi.c vmx/guest_reset.c vmx/guest_operand.c vmx/exit_dtr.c vmx/exit_ldtr_tr.c \
  vmx/emul_mem.c vmx/emul_write.c
SHARED_SRCS += vmx/dt_info.c
