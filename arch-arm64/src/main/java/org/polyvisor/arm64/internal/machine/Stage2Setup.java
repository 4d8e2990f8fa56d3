package org.polyvisor.arm64.internal.machine;

import java.util.Map;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.api.VmException;
import org.polyvisor.arm64.internal.hyp.DefaultStage2;
import org.polyvisor.arm64.internal.hyp.HostMachine;
import org.polyvisor.arm64.internal.hyp.Stage2Geometry;
import org.polyvisor.arm64.spi.Stage2Configurator;
import org.polyvisor.memory.GuestMemory;

/**
 * A new VM's stage-2 configuration and memory layout: the VTCR_EL2 a {@link Stage2Configurator} chose (per-VM IPA
 * size and granule), or the built-in hypervisor's one VTCR (40-bit IPA, 4K), and the check that every RAM slot and
 * device lies below the VM's IPA limit (KVM refuses a memslot beyond it: kvm_arch_prepare_memory_region). Option
 * {@code highmem=BYTES} adds a second RAM slot ending exactly at the top of the IPA space.
 */
final class Stage2Setup {
    static final String OPTION_HIGHMEM = "highmem";
    /** Slot id of the high RAM. */
    static final int HIGHMEM_SLOT = 1;

    private Stage2Setup() {
    }

    /** The VM's stage-2 shape; refuses options the host or the missing feature cannot give. */
    static Stage2Geometry geometry(Map<String, String> options, Stage2Configurator configurator, HostMachine host) {
        if (configurator == null) {
            String ipa = options.get(Stage2Configurator.OPTION_IPA);
            if (ipa != null && !ipa.equals("0") && !ipa.equals(String.valueOf(DefaultStage2.IPA_BITS))) {
                throw new VmException("arm64: option ipa=" + ipa + " is not available with the default stage 2 (fixed "
                        + DefaultStage2.IPA_BITS + "-bit IPA, as KVM before per-VM VTCR); install feature-stage2");
            }
            String g = options.get(Stage2Configurator.OPTION_GRANULE);
            if (g != null && !g.equalsIgnoreCase("4k")) {
                throw new VmException("arm64: option " + Stage2Configurator.OPTION_GRANULE + "=" + g + " is not"
                        + " available with the default stage 2 (4K granule); install feature-stage2");
            }
            return host.defaultGeometry();
        }
        long vtcr;
        try {
            vtcr = configurator.vtcr(options, host);
        } catch (IllegalArgumentException e) {
            throw new VmException("arm64: " + e.getMessage());
        }
        try {
            return Stage2Geometry.fromVtcr(vtcr);
        } catch (IllegalArgumentException e) {
            throw new VmException("arm64: the stage-2 feature " + configurator.getClass().getName() + " gave "
                    + e.getMessage());
        }
    }

    /** Adds the high RAM slot when asked for and checks that RAM and devices fit below the IPA limit. */
    static void layOut(Map<String, String> options, Stage2Geometry geo, GuestMemory memory, long lowRamEnd) {
        long limit = 1L << geo.ipaBits();
        if (lowRamEnd > limit) {
            throw new VmException("arm64: RAM at 0x" + Long.toHexString(VirtMachine.RAM_BASE) + " ends at 0x"
                    + Long.toHexString(lowRamEnd) + ", beyond the VM's " + geo.ipaBits() + "-bit IPA space (limit 0x"
                    + Long.toHexString(limit) + "); give less memory or a larger ipa");
        }
        String high = options.get(OPTION_HIGHMEM);
        if (high == null) {
            return;
        }
        long size = parseSize(high);
        if (size <= 0 || (size & GuestMemory.CHUNK_MASK) != 0 || limit - size < lowRamEnd) {
            throw new VmException("arm64: option " + OPTION_HIGHMEM + "=" + high + " must be a multiple of 64 KiB that"
                    + " fits between the RAM at 0x" + Long.toHexString(VirtMachine.RAM_BASE) + " (ending 0x"
                    + Long.toHexString(lowRamEnd) + ") and the top of the " + geo.ipaBits() + "-bit IPA space");
        }
        memory.addSlot(HIGHMEM_SLOT, new GuestPhysicalAddress(limit - size), size, false);
    }

    private static long parseSize(String s) {
        String t = s.trim().toLowerCase();
        long mult = 1;
        if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
            mult = switch (t.charAt(t.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                default -> 1L << 30;
            };
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Long.decode(t) * mult;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
