# vmx sources
