package org.polyvisor.arm64.testing;

import java.util.Map;

import org.polyvisor.arm64.internal.hyp.Stage2Geometry;
import org.polyvisor.arm64.spi.Stage2Configurator;
import org.polyvisor.arm64.spi.Stage2Host;

/**
 * A per-VM stage-2 configurator for arm64's own tests and benchmarks, built on the model's {@link Stage2Geometry}: it
 * takes {@code ipa} and {@code s2granule} as given (validating them is feature-stage2's job, tested there).
 */
public class GeometryConfigurator implements Stage2Configurator {
    @Override
    public long vtcr(Map<String, String> options, Stage2Host host) {
        int ipa = Integer.parseInt(options.getOrDefault(OPTION_IPA, "40"));
        int g = switch (options.getOrDefault(OPTION_GRANULE, "4k")) {
            case "16k" -> 14;
            case "64k" -> 16;
            default -> 12;
        };
        return Stage2Geometry.of(ipa, g, host.parange(), host.vmid16(), host.hardwareAccessFlag()).vtcr();
    }

    @Override
    public int maxIpaBits(Stage2Host host) {
        return host.paBits();
    }
}
