package org.polyvisor.arm64.internal.hyp;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * 8-bit VMIDs (VTCR_EL2.VS = 0) handed out per VM, as KVM's kvm_arm_vmid_update does; VMID 0 is the host's. After
 * 255 VMs the numbers wrap: a PE of a vCPU's own holds that VM's entries only, and a shared physical CPU drops a
 * VMID's entries whenever a different vCPU than the last loads it ({@code TlbSets.load}), so a reused VMID never hits
 * another VM's entries.
 */
public final class VmidAllocator {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private VmidAllocator() {
    }

    public static int next() {
        return NEXT.getAndIncrement() % 255 + 1;
    }
}
