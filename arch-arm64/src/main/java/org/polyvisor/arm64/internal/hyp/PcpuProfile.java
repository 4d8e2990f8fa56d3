package org.polyvisor.arm64.internal.hyp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.polyvisor.api.VmException;

/**
 * What one modelled physical CPU implements of the features the hypervisor looks at (its ID registers): PARange
 * (ID_AA64MMFR0_EL1), VMID bits (ID_AA64MMFR1_EL1.VMIDBits) and hardware access flag / dirty state (ID_AA64MMFR1_EL1
 * .HAFDBS). On a mismatched system these differ between CPUs; the host uses the sanitised value, the lowest every CPU
 * has (Linux cpufeature.c, FTR_LOWER_SAFE), as kvm_arm_setup_stage2 does for the IPA limit.
 *
 * <p>Host settings (system properties of the framework's JVM, read when the arm64 bundle starts):
 * {@code polyvisor.arm64.pcpus=N} gives the host N physical CPUs that vCPUs time-share (absent or 0: every vCPU has a
 * physical CPU of its own, as before); {@code polyvisor.arm64.pcpu.I.parange=BITS} (32, 36, 40, 42, 44, 48),
 * {@code polyvisor.arm64.pcpu.I.vmidbits=8|16} and {@code polyvisor.arm64.pcpu.I.hafdbs=true|false} set CPU I's
 * profile (I from 0; default a Cortex-A57: 44 bits, 8-bit VMIDs, no HAFDBS).
 */
public record PcpuProfile(int parange, boolean vmid16, boolean hafdbs) {
    /** @param parange ID_AA64MMFR0_EL1.PARange encoding, 0 (32 bits) to 5 (48 bits) */
    public PcpuProfile {
        if (parange < 0 || parange > 5) {
            throw new VmException("arm64: PARange encoding " + parange + " is not modelled; give 0 (32 bits) to 5 "
                    + "(48 bits)");
        }
    }

    public static final String PREFIX = "polyvisor.arm64.";
    public static final String PCPUS = PREFIX + "pcpus";
    /** A Cortex-A57 (the host these VMs ran on so far). */
    public static final PcpuProfile CORTEX_A57 = new PcpuProfile(HostMachine.CORTEX_A57_PARANGE, false, false);
    private static final int[] PA_BITS = {32, 36, 40, 42, 44, 48};
    /** Upper bound for {@code polyvisor.arm64.pcpus}: more than the JVM could usefully run. */
    public static final int MAX_PCPUS = 256;

    /**
     * The host's physical CPUs as the settings describe them: an empty list without {@code polyvisor.arm64.pcpus}
     * (no shared physical CPUs).
     *
     * @param settings a property lookup (System::getProperty in the bundle; a map in tests); null for absent
     */
    public static List<PcpuProfile> fromSettings(Function<String, String> settings) {
        String n = settings.apply(PCPUS);
        if (n == null || n.isBlank()) {
            return List.of();
        }
        int count = integer(PCPUS, n.trim());
        if (count < 0 || count > MAX_PCPUS) {
            throw new VmException("arm64: host setting " + PCPUS + "=" + n + " is out of range; give 0 (every vCPU "
                    + "has a physical CPU of its own) to " + MAX_PCPUS);
        }
        List<PcpuProfile> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(profile(settings, i));
        }
        return List.copyOf(out);
    }

    private static PcpuProfile profile(Function<String, String> settings, int i) {
        String key = PREFIX + "pcpu." + i + ".";
        int parange = CORTEX_A57.parange;
        String pa = settings.apply(key + "parange");
        if (pa != null) {
            parange = -1;
            int bits = integer(key + "parange", pa.trim());
            for (int p = 0; p < PA_BITS.length; p++) {
                if (PA_BITS[p] == bits) {
                    parange = p;
                }
            }
            if (parange < 0) {
                throw new VmException("arm64: host setting " + key + "parange=" + pa + " is not a PARange size; "
                        + "give one of 32, 36, 40, 42, 44, 48 (bits)");
            }
        }
        boolean vmid16 = false;
        String vb = settings.apply(key + "vmidbits");
        if (vb != null) {
            int bits = integer(key + "vmidbits", vb.trim());
            if (bits != 8 && bits != 16) {
                throw new VmException("arm64: host setting " + key + "vmidbits=" + vb + " is invalid; give 8 or 16");
            }
            vmid16 = bits == 16;
        }
        boolean hafdbs = false;
        String ha = settings.apply(key + "hafdbs");
        if (ha != null) {
            if (!ha.trim().equals("true") && !ha.trim().equals("false")) {
                throw new VmException("arm64: host setting " + key + "hafdbs=" + ha + " is invalid; give true or "
                        + "false");
            }
            hafdbs = Boolean.parseBoolean(ha.trim());
        }
        return new PcpuProfile(parange, vmid16, hafdbs);
    }

    private static int integer(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new VmException("arm64: host setting " + key + "=" + v + " is not a whole number", e);
        }
    }

    /** The sanitised profile of a set of CPUs: for each feature the lowest value every CPU has. */
    public static PcpuProfile sanitised(List<PcpuProfile> cpus) {
        int parange = Integer.MAX_VALUE;
        boolean vmid16 = true;
        boolean hafdbs = true;
        for (PcpuProfile p : cpus) {
            parange = Math.min(parange, p.parange);
            vmid16 &= p.vmid16;
            hafdbs &= p.hafdbs;
        }
        return cpus.isEmpty() ? CORTEX_A57 : new PcpuProfile(parange, vmid16, hafdbs);
    }
}
