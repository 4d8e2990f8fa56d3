package org.polyvisor.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;

/**
 * How a guest run through the framework's VM manager ended.
 *
 * @param console       the console bytes as ISO-8859-1 text (one char per byte, so it compares with golden files)
 * @param info          the VM's final info (state, exit status, error)
 * @param exits         exits dispatched to handlers or the framework, by class
 * @param resolvedExits exits the architecture resolved inside its run loop, by class
 * @param instructions  guest instructions retired by every vCPU
 * @param nanos         wall time from start to termination
 */
public record GuestRun(String console, VmInfo info, Map<String, Long> exits, Map<String, Long> resolvedExits,
                       long instructions, long nanos) {
    /** Copies the exit maps, so a result cannot change after the run. */
    public GuestRun {
        exits = Map.copyOf(exits);
        resolvedExits = Map.copyOf(resolvedExits);
    }

    /**
     * The console as bytes, for {@link Golden#assertSameBytes(byte[], byte[], String)}.
     *
     * @return the console bytes
     */
    public byte[] consoleBytes() {
        return console.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Fails unless the guest powered off with status 0; the message carries the state, error and console.
     *
     * @return this run, to chain further checks
     */
    public GuestRun assertPoweredOff() {
        if (info.state() != VmState.STOPPED || info.exitStatus() != 0) {
            throw new AssertionError("guest did not power off cleanly: " + info.state() + ", status "
                    + info.exitStatus() + (info.error().isEmpty() ? "" : ", error: " + info.error()) + "; console: "
                    + Golden.printable(consoleBytes()));
        }
        return this;
    }
}
