package org.polyvisor.ppc.internal.machine;

/** Where the power-off and reset devices report that the guest ended the run. */
@FunctionalInterface
public interface PowerControl {
    void shutdown(int status, String reason);
}
