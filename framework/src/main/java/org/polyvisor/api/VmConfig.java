package org.polyvisor.api;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a VM is made of: its architecture, memory, vCPUs, the ELF image to boot, and architecture options
 * (for example {@code host=vhe}, {@code ipa=40}) that the architecture validates against its capabilities.
 *
 * @param name       a human-readable name (unique names are not enforced)
 * @param arch       the architecture id, matching an {@code Architecture}'s {@code polyvisor.arch} property
 * @param memoryBytes guest RAM size in bytes
 * @param vcpus      number of vCPUs (1..256)
 * @param image      ELF image to load, or null for a VM that is restored from a snapshot
 * @param options    architecture options, validated by the architecture
 */
public record VmConfig(String name, String arch, long memoryBytes, int vcpus, Path image, Map<String, String> options) {
    /** Largest guest RAM a VM may have, 1 TiB: more than any modelled machine's RAM window. */
    public static final long MAX_MEMORY = 1L << 40;
    /** Most vCPUs a VM may have; each runs on a platform thread of its own. */
    public static final int MAX_VCPUS = 256;

    /**
     * Checks the sizes and copies the options, so that an invalid configuration fails here, before any memory is
     * reserved. A blank name becomes {@code <arch>-vm}.
     *
     * @throws VmException if the memory size is not a positive multiple of 4 KiB up to {@link #MAX_MEMORY}, or the
     *                     vCPU count is outside 1..{@link #MAX_VCPUS}
     */
    public VmConfig {
        Objects.requireNonNull(arch, "arch");
        if (name == null || name.isBlank()) {
            name = arch + "-vm";
        }
        if (memoryBytes <= 0 || memoryBytes > MAX_MEMORY || (memoryBytes & 0xFFF) != 0) {
            throw new VmException("invalid memory size " + memoryBytes
                    + " bytes: must be a positive multiple of 4 KiB up to 1 TiB");
        }
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw new VmException("invalid vCPU count " + vcpus + ": must be 1.." + MAX_VCPUS);
        }
        options = Map.copyOf(options == null ? Map.of() : options);
    }

    /**
     * A configuration with the default name and no architecture options.
     *
     * @param arch        the architecture id
     * @param memoryBytes guest RAM size in bytes
     * @param vcpus       number of vCPUs
     * @param image       ELF image to load, or null for a VM restored from a snapshot
     * @return the checked configuration
     */
    public static VmConfig of(String arch, long memoryBytes, int vcpus, Path image) {
        return new VmConfig(null, arch, memoryBytes, vcpus, image, Map.of());
    }

    /**
     * This configuration with one architecture option set or replaced.
     *
     * @param key   option name, for example {@code host}
     * @param value option value, for example {@code vhe}
     * @return a new configuration; this one is unchanged
     */
    public VmConfig withOption(String key, String value) {
        var copy = new TreeMap<>(options);
        copy.put(key, value);
        return new VmConfig(name, arch, memoryBytes, vcpus, image, copy);
    }

    /**
     * This configuration under another name.
     *
     * @param newName the name; blank means the default {@code <arch>-vm}
     * @return a new configuration; this one is unchanged
     */
    public VmConfig withName(String newName) {
        return new VmConfig(newName, arch, memoryBytes, vcpus, image, options);
    }

    /**
     * Parses sizes such as {@code 128M}, {@code 2G}, {@code 65536}, {@code 64K} (binary multiples; a trailing
     * {@code B} or {@code iB} is accepted).
     *
     * @param text the size as a user typed it
     * @return the size in bytes
     * @throws VmException if the text is not a positive number with an optional K, M, G or T suffix, or overflows
     */
    public static long parseSize(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                case 'T' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            long v = Long.parseLong(t);
            if (v <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new VmException("invalid size '" + text + "': expected a number with an optional K, M, G or T suffix");
        }
    }
}
