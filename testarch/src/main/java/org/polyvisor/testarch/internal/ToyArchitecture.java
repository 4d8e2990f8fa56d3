package org.polyvisor.testarch.internal;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.polyvisor.api.VmException;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.testarch.ToyIsa;

/**
 * The test-only architecture {@code test}. {@code stateVersion} is the version of the state format this
 * implementation writes and the highest it reads, so tests can show that a swap to an older implementation is
 * refused with the state kept.
 */
@Component(service = Architecture.class, property = Architecture.PROPERTY + "=test")
public final class ToyArchitecture implements Architecture {
    public static final int MAX_VCPUS = 8;
    private final int stateVersion;
    private final boolean dirtyLogging;

    @Activate
    public ToyArchitecture() {
        this(1);
    }

    public ToyArchitecture(int stateVersion) {
        this(stateVersion, true);
    }

    /**
     * @param dirtyLogging false builds machines without a dirty log (as arm64 without feature-stage2), so tests can
     *                     show how a live save is refused
     */
    public ToyArchitecture(int stateVersion, boolean dirtyLogging) {
        this.stateVersion = stateVersion;
        this.dirtyLogging = dirtyLogging;
    }

    @Override
    public String id() {
        return "test";
    }

    @Override
    public ArchCapabilities capabilities() {
        return new ArchCapabilities("test", "toy ISA for testing the framework (not a real CPU)", ToyIsa.EM_TOY,
                Map.of("max-vcpus", String.valueOf(MAX_VCPUS), "state-version", String.valueOf(stateVersion),
                        ArchCapabilities.DIRTY_LOG, dirtyLogging ? "built in" : "switched off in this instance"),
                List.of());
    }

    @Override
    public Machine createMachine(MachineContext context) {
        for (String key : context.config().options().keySet()) {
            throw new VmException("test architecture has no option '" + key + "' (it has no options)");
        }
        if (context.config().vcpus() > MAX_VCPUS) {
            throw new VmException("test architecture supports at most " + MAX_VCPUS + " vCPUs, "
                    + context.config().vcpus() + " were asked for");
        }
        return new ToyMachine(context, stateVersion, dirtyLogging);
    }
}
