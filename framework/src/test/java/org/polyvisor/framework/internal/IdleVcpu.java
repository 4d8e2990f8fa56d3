package org.polyvisor.framework.internal;

import java.util.Map;

import org.polyvisor.spi.Exit;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Vcpu;
import org.polyvisor.spi.WakeSignal;

/**
 * A vCPU that idles until kicked (a guest in WFI), for framework tests with mocked architectures: what the framework
 * does around the vCPU is all there is to observe. {@link #firstExit()} lets a test return one exit first.
 */
class IdleVcpu implements Vcpu {
    private final int index;
    private final WakeSignal wake = new WakeSignal();

    IdleVcpu(int index) {
        this.index = index;
    }

    /** An exit to return before idling, or null (called on the vCPU thread before each idle wait). */
    protected Exit firstExit() {
        return null;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public Exit run() {
        Exit first = firstExit();
        if (first != null) {
            return first;
        }
        wake.await(Long.MAX_VALUE);
        return Exit.KICKED;
    }

    @Override
    public void kick() {
        wake.signal();
    }

    @Override
    public void completeMmioRead(long value) {
    }

    @Override
    public StateSnapshot exportState() {
        return StateSnapshot.builder("idle.vcpu", 1).build();
    }

    @Override
    public void importState(StateSnapshot state) {
    }

    @Override
    public Map<String, Long> registers() {
        return Map.of("pc", 0x1000L + index);
    }

    @Override
    public long instructionsRetired() {
        return 0;
    }
}
