package org.polyvisor.framework.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.polyvisor.api.VmConfig;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.StateSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exercises a freshly loaded architecture implementation on scratch machines before VMs move to it: machine
 * creation, state export and import. A new bundle revision's classes are unloaded, its lambdas unlinked and its code
 * interpreted; doing that work here, while the VMs still run on the old revision, keeps it out of their pause. The
 * scratch machines have their own memory and MMIO bus ({@link StandaloneContext}) and never run guest code.
 */
final class ArchitectureWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(ArchitectureWarmUp.class);

    private ArchitectureWarmUp() {
    }

    /** One round per distinct machine shape among the configurations; failures are left to the real attach. */
    static void run(Architecture arch, List<VmConfig> configs) {
        Map<String, VmConfig> shapes = new LinkedHashMap<>();
        for (VmConfig c : configs) {
            shapes.putIfAbsent(c.vcpus() + "/" + c.memoryBytes() + "/" + c.options(), c);
        }
        long t0 = System.nanoTime();
        for (VmConfig c : shapes.values()) {
            VmConfig scratch = new VmConfig("warm-up", c.arch(), c.memoryBytes(), c.vcpus(), null, c.options());
            try {
                roundTrip(arch, scratch);
            } catch (RuntimeException e) {
                LOG.debug("warm-up of {} with {} failed: {}", arch.id(), scratch, e.toString());
            }
        }
        LOG.debug("warm-up of {} ({} machine shape(s)) took {} ms", arch.id(), shapes.size(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    private static void roundTrip(Architecture arch, VmConfig config) {
        try (StandaloneContext a = new StandaloneContext(config, b -> { });
                StandaloneContext b = new StandaloneContext(config, x -> { })) {
            StateSnapshot machineState;
            List<StateSnapshot> vcpuStates = new ArrayList<>();
            try (Machine first = arch.createMachine(a)) {
                machineState = first.exportState();
                for (int i = 0; i < first.vcpuCount(); i++) {
                    vcpuStates.add(first.vcpu(i).exportState());
                }
            }
            try (Machine second = arch.createMachine(b)) {
                second.importState(machineState);
                for (int i = 0; i < second.vcpuCount(); i++) {
                    second.vcpu(i).importState(vcpuStates.get(i));
                }
            }
        }
    }
}
