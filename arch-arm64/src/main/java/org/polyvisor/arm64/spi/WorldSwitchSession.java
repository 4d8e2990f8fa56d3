package org.polyvisor.arm64.spi;

import org.osgi.annotation.versioning.ConsumerType;
import org.polyvisor.spi.StateSnapshot;

/**
 * One participant's per-vCPU part of the world switch. Hooks run on the vCPU thread, once per guest entry/exit, and
 * must not allocate, log or block. A session that saves something on entry must restore it on exit: the hypervisor's
 * property tests compare the host context before and after every round trip.
 */
@ConsumerType
public interface WorldSwitchSession {
    /**
     * After the host's system registers were saved into the host context, before any guest state is loaded.
     *
     * @param cpu the physical registers, holding the host's values
     */
    default void saveHost(PhysicalRegisters cpu) {
    }

    /**
     * After the guest's system registers and traps are loaded, right before the guest runs.
     *
     * @param cpu the physical registers, holding the guest's values
     */
    default void loadGuest(PhysicalRegisters cpu) {
    }

    /**
     * Right after the guest exited and its system registers were saved.
     *
     * @param cpu the physical registers, still holding the guest's values
     */
    default void saveGuest(PhysicalRegisters cpu) {
    }

    /**
     * After the host's system registers and traps are restored, before the host continues.
     *
     * @param cpu the physical registers, holding the host's values again
     */
    default void restoreHost(PhysicalRegisters cpu) {
    }

    /**
     * The session's per-vCPU state, so that a replacement participant (bundle update) can continue it.
     *
     * @return the state
     */
    StateSnapshot exportState();

    /**
     * Accepts state exported by this or an earlier version, or throws StateIncompatibleException.
     *
     * @param state what {@link #exportState()} of this or an earlier version returned
     */
    void importState(StateSnapshot state);
}
