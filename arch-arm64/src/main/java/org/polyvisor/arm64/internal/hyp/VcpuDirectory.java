package org.polyvisor.arm64.internal.hyp;

/** The vCPUs of a VM by affinity (MPIDR), as PSCI CPU_ON and AFFINITY_INFO address them. Implemented by the board. */
public interface VcpuDirectory {
    /** The vCPU with this MPIDR affinity, or null. */
    Arm64Vcpu vcpuByMpidr(long mpidr);
}
