package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;

/**
 * The physical CPU the hypervisor layer runs on: with FEAT_VHE in use (host kernel at EL2, HCR_EL2.E2H = 1, KVM's
 * world switch is a function call) or without (host kernel at EL1, hypervisor at EL2 reached by HVC). The guest's
 * view (its ID registers, its CPU profile) does not depend on this choice.
 */
public enum HostModel {
    VHE("vhe"),
    NVHE("nvhe");

    public static final String OPTION = "host";

    private final String id;

    HostModel(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The host model a VM asks for with option {@code host}; vhe when absent. */
    public static HostModel of(VmConfig config) {
        String v = config.options().getOrDefault(OPTION, "vhe");
        for (HostModel m : values()) {
            if (m.id.equals(v)) {
                return m;
            }
        }
        throw new VmException("arm64: option host=" + v + " is invalid; allowed: vhe, nvhe");
    }
}
