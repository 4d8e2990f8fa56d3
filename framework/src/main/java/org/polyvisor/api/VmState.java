package org.polyvisor.api;

/** Life cycle of a VM as the manager reports it. */
public enum VmState {
    /** Created, image loaded, vCPUs not yet started. */
    CREATED,
    /** vCPU threads run guest code. */
    RUNNING,
    /** Paused by a user request at an instruction boundary; resumes with {@code resume}. */
    PAUSED,
    /** Paused because its architecture (or a feature) went away; resumes when a replacement registers. */
    WAITING,
    /** The guest powered off or the VM was stopped; the exit status is in {@link VmInfo#exitStatus()}. */
    STOPPED,
    /** An error stopped the VM; {@link VmInfo#error()} says what and where. */
    FAILED,
    /**
     * Stopped by an exit the VMM could not handle (QEMU's RUN_STATE_INTERNAL_ERROR after "KVM: unknown exit, hardware
     * reason ..."): {@link VmInfo#error()} gives the reason; the state is kept, so the VM can be inspected and saved
     * like a paused one, and {@code resume} continues it (QEMU's {@code cont}).
     */
    INTERNAL_ERROR
}
