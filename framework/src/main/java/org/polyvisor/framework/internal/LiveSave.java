package org.polyvisor.framework.internal;

import java.io.IOException;
import java.nio.file.Path;

import org.polyvisor.api.LiveSaveResult;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmState;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.DirtyLog;
import org.polyvisor.spi.Machine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pv:save --live}: a snapshot of a running VM taken as QEMU's migration to a file does it
 * ({@code migration/migration.c}: the pre-copy iterations while the guest runs, then {@code vm_stop} only for the
 * completion stage). {@link PreCopy} copies memory while the vCPUs run; then the vCPUs are held, the last dirty pages
 * copied and the machine, vCPU and extension state exported exactly as a stop-and-save does, logging stopped and the
 * vCPUs released. The file is written after the release from the copy, in the ordinary snapshot format.
 *
 * <p>The swap lock is held for the whole save: an architecture or extension swap would replace the machine whose
 * dirty log the rounds rely on, so swaps wait for the (bounded) rounds to end.
 */
final class LiveSave {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSave.class);

    private final ArchitectureRegistry architectures;
    private final SwapLock swapLock;
    private final PreCopy.Policy policy;

    LiveSave(ArchitectureRegistry architectures, SwapLock swapLock, PreCopy.Policy policy) {
        this.architectures = architectures;
        this.swapLock = swapLock;
        this.policy = policy;
    }

    LiveSaveResult save(SnapshotService snapshots, SnapshotFiles files, Vm vm, Path file) throws IOException {
        swapLock.lock();
        try {
            Machine machine = vm.machine();
            if (machine == null || vm.state() == VmState.WAITING) {
                throw new VmException("VM " + vm.id + " is " + vm.state() + " (" + vm.info().waitingFor()
                        + "): a live save needs its machine; save it when it runs again");
            }
            DirtyLog log = machine.dirtyLog();
            if (log == null) {
                throw new VmException(noDirtyLog(vm));
            }
            PreCopy copy = new PreCopy(vm.memory, log, policy);
            VmImage image;
            long finalPages;
            long pauseNanos;
            try {
                copy.runRounds();
                boolean wasRunning = vm.state() == VmState.RUNNING;
                long pausedAt = System.nanoTime();
                vm.hold(HoldGate.HOLD_LIVE_SAVE);
                try {
                    finalPages = copy.finish();
                    image = snapshots.captureImage(vm, machine);
                    copy.stop();
                } finally {
                    vm.gate.release(HoldGate.HOLD_LIVE_SAVE);
                }
                pauseNanos = wasRunning ? System.nanoTime() - pausedAt : 0;
            } finally {
                copy.stop();
            }
            String written = files.write(image, copy.shadow()::forEachChunk, file);
            LiveSaveResult result = new LiveSaveResult("VM " + vm.id + " saved live to " + written + ": "
                    + copy.pagesPerRound().size() + " rounds of " + copy.pagesPerRound() + " pages of "
                    + copy.pageSize() + " bytes while running, " + finalPages + " pages in a final pause of "
                    + String.format("%.3f ms", pauseNanos / 1e6), copy.pageSize(), copy.pagesPerRound(), finalPages,
                    pauseNanos);
            LOG.info("{}", result.summary());
            return result;
        } finally {
            swapLock.unlock();
        }
    }

    /** Names what is missing: the architecture's own word on where dirty logging comes from, when it has one. */
    private String noDirtyLog(Vm vm) {
        String arch = vm.config.arch();
        Architecture current = architectures.current(arch);
        String source = current == null ? null : current.capabilities().capabilities().get(ArchCapabilities.DIRTY_LOG);
        return "VM " + vm.id + " cannot be saved live: its " + arch + " machine keeps no dirty-page log"
                + (source != null ? " (" + arch + " dirty logging " + source + ")"
                        : " (the " + arch + " architecture offers none)")
                + "; pause it and save it with pv:save ID FILE instead";
    }
}
