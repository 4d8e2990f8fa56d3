package org.polyvisor.arm64.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A feature's part in the arm64 world switch (SPE, per-VM stage 2, third-party state), registered as an OSGi service.
 * The hypervisor opens one {@link WorldSwitchSession} per vCPU and calls its hooks at fixed points of the sequence,
 * which is written once per host model after KVM's {@code __kvm_vcpu_run} (vhe/switch.c, nvhe/switch.c).
 *
 * <p>Ordering: entry hooks ({@code saveHost}, {@code loadGuest}) run in ascending {@link #order()}, exit hooks
 * ({@code saveGuest}, {@code restoreHost}) in descending order, so participants nest like a stack; equal orders
 * fall back to the id. Every participant's {@code saveHost} runs after the host system registers are saved and its
 * {@code restoreHost} after they are restored (KVM's nVHE __debug_save_host_buffers_nvhe ordering: SPE's host save must see the host's own PMSCR_EL1 and its
 * restore must run once the host translation regime is live again).
 */
@ConsumerType
public interface WorldSwitchParticipant {
    /** Service property carrying the participant id (informational; {@link #id()} is authoritative). */
    String PROPERTY = "polyvisor.arm64.participant";

    /**
     * Stable id; per-vCPU state exported under this id is given to a later participant with the same id.
     *
     * @return the id, for example {@code spe}
     */
    String id();

    /**
     * Position in the sequence (see the class comment).
     *
     * @return the order: stage 2 uses 100, SPE 200, third parties 1000 and up
     */
    int order();

    /**
     * Host registers this participant owns beyond the hypervisor's base set (for example {@code PMSCR_EL1}); the
     * modelled physical CPU and the host context get storage for them, so they appear in {@code pv:regs} and the
     * host-context checks.
     *
     * @return architectural register names; empty by default
     */
    default List<String> hostRegisters() {
        return List.of();
    }

    /**
     * Opens the per-vCPU session. Called on the vCPU's thread or while the vCPU is paused.
     *
     * @param cpu the physical registers the vCPU's world switch runs on
     * @return the session whose hooks the world switch calls
     */
    WorldSwitchSession open(PhysicalRegisters cpu);
}
