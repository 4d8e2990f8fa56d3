package org.polyvisor.arm64.internal.hyp;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * 8-bit VMIDs (VTCR_EL2.VS = 0) handed out per VM, as KVM's kvm_arm_vmid_update does; VMID 0 is the host's. After
 * 255 VMs the numbers wrap: the software TLB is per vCPU, so a reused VMID can never hit another VM's entries here.
 */
public final class VmidAllocator {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private VmidAllocator() {
    }

    public static int next() {
        return NEXT.getAndIncrement() % 255 + 1;
    }
}
