package org.polyvisor.api;

/**
 * A snapshot of one VM's state for listings.
 *
 * @param id          the VM id (small positive integer, unique for the manager's lifetime)
 * @param name        the VM name
 * @param arch        architecture id
 * @param state       life-cycle state
 * @param vcpus       number of vCPUs
 * @param memoryBytes configured RAM
 * @param residentBytes RAM actually backed by host memory (lazily allocated)
 * @param exitStatus  guest exit status once STOPPED (0 = clean power-off), else -1
 * @param waitingFor  when WAITING: what the VM waits for (for example "architecture arm64"); else empty
 * @param error       when FAILED or INTERNAL_ERROR, or when a swap could not complete: what went wrong; else empty
 */
public record VmInfo(int id, String name, String arch, VmState state, int vcpus, long memoryBytes, long residentBytes,
                     int exitStatus, String waitingFor, String error) {
}
