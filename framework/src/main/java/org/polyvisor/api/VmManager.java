package org.polyvisor.api;

import java.nio.file.Path;
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
    /**
     * Creates a VM (memory, machine, vCPUs), loads its image; the VM is {@link VmState#CREATED}.
     *
     * @param config what the VM is made of
     * @return the new VM's id, used by every other method
     */
    int create(VmConfig config);

    /**
     * Starts the vCPUs of a CREATED VM.
     *
     * @param id the VM
     */
    void start(int id);

    /**
     * Pauses all vCPUs at an instruction boundary; returns once they are paused (bounded time).
     *
     * @param id the VM
     */
    void pause(int id);

    /**
     * Lets the vCPUs of a paused VM run on from where they stopped.
     *
     * @param id the VM
     */
    void resume(int id);

    /**
     * Stops the vCPUs; the VM keeps its memory and state until destroyed.
     *
     * @param id the VM
     */
    void stop(int id);

    /**
     * Stops the VM if needed and frees its memory.
     *
     * @param id the VM
     */
    void destroy(int id);

    /**
     * A snapshot of every VM's state.
     *
     * @return one entry per VM that exists
     */
    List<VmInfo> list();

    /**
     * A snapshot of one VM's state.
     *
     * @param id the VM
     * @return its current name, architecture, state and failure
     */
    VmInfo info(int id);

    /**
     * Exit counts by exit class (for example {@code HVC64}, {@code DABT_LOW}, {@code mmio}), summed over vCPUs.
     *
     * @param id the VM
     * @return count by exit class name
     */
    Map<String, Long> exitCounts(int id);

    /**
     * The last bytes the guest wrote to its console (bounded ring buffer).
     *
     * @param id the VM
     * @return a copy of the buffered bytes, oldest first
     */
    byte[] consoleTail(int id);

    /**
     * Streams console bytes of a VM to the sink as the guest writes them (from the vCPU thread: the sink must be
     * quick).
     *
     * @param id   the VM
     * @param sink receives each byte as an int 0..255
     * @return a handle that removes the sink when closed
     */
    AutoCloseable attachConsole(int id, IntConsumer sink);

    /**
     * Blocks until the VM is STOPPED or FAILED, or stopped in INTERNAL_ERROR (it waits for the user then), or the
     * timeout passes.
     *
     * @param id            the VM
     * @param timeoutMillis longest wait in milliseconds
     * @return the VM's info when the wait ended; its state tells which of the cases happened
     * @throws InterruptedException if the waiting thread is interrupted
     */
    VmInfo awaitTermination(int id, long timeoutMillis) throws InterruptedException;

    /**
     * Register values of each vCPU of a paused VM, by name, for diagnostics.
     *
     * @param id the VM
     * @return one map per vCPU, in vCPU index order
     */
    List<Map<String, Long>> registers(int id);

    /**
     * Saves a VM to a snapshot file while it keeps running, as live migration's pre-copy does: the machine's
     * dirty-page log is started, all RAM is copied while the vCPUs run, then rounds copy the pages written during
     * the round before until few are left or their number stops shrinking (bounded rounds); only then are the vCPUs
     * paused, briefly, to copy the last dirty pages and the vCPU, machine and extension state exactly as a normal save
     * does. The VM then runs on (or stays paused if it was paused). The file loads like any snapshot.
     *
     * @param id   the VM; its machine must offer dirty-page logging, else the save is refused with an error that
     *             says which bundle or feature provides it
     * @param file the snapshot file to write (replaced atomically)
     * @return the rounds, the pages copied in each and the final pause
     * @since 1.2
     */
    LiveSaveResult saveLive(int id, Path file);
}
