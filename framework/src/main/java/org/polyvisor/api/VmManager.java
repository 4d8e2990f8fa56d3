package org.polyvisor.api;

import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates and controls VMs. One platform thread runs each vCPU. Every method is thread-safe; every failure is a
 * {@link VmException} whose message names the VM and says what went wrong. An error in one VM never affects another.
 */
@ProviderType
public interface VmManager {
    /** Creates a VM (memory, machine, vCPUs), loads its image; the VM is {@link VmState#CREATED}. Returns the id. */
    int create(VmConfig config);

    /** Starts the vCPUs of a CREATED VM. */
    void start(int id);

    /** Pauses all vCPUs at an instruction boundary; returns once they are paused (bounded time). */
    void pause(int id);

    void resume(int id);

    /** Stops the vCPUs; the VM keeps its memory and state until destroyed. */
    void stop(int id);

    /** Stops the VM if needed and frees its memory. */
    void destroy(int id);

    List<VmInfo> list();

    VmInfo info(int id);

    /** Exit counts by exit class (for example {@code HVC64}, {@code DABT_LOW}, {@code mmio}), summed over vCPUs. */
    Map<String, Long> exitCounts(int id);

    /** The last bytes the guest wrote to its console (bounded ring buffer). */
    byte[] consoleTail(int id);

    /**
     * Streams console bytes of a VM to the sink as the guest writes them (from the vCPU thread: the sink must be
     * quick). Returns a handle that removes the sink when closed.
     */
    AutoCloseable attachConsole(int id, IntConsumer sink);

    /**
     * Blocks until the VM is STOPPED or FAILED, or stopped in INTERNAL_ERROR (it waits for the user then), or the
     * timeout passes; returns its info.
     */
    VmInfo awaitTermination(int id, long timeoutMillis) throws InterruptedException;

    /** Register values of each vCPU of a paused VM, by name, for diagnostics. */
    List<Map<String, Long>> registers(int id);
}
