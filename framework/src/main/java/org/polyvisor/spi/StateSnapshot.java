package org.polyvisor.spi;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Neutral, versioned state of a vCPU, a machine or a device: named numeric values (registers, system registers,
 * pending-event flags), named byte blobs (buffers, tables) and named children (devices, features). Names are the
 * architectural ones ({@code x0}, {@code SCTLR_EL1}, {@code MAS1}) so that a later version of a bundle can read a
 * snapshot written by an earlier one and a snapshot file stays readable by people.
 *
 * @param kind     what this is, for example {@code arm64.vcpu}, {@code pl011}
 * @param version  format version of {@code kind}; importers accept every version up to their own
 * @param values   numeric state by architectural name
 * @param blobs    byte buffers by name (FIFOs, tables)
 * @param children nested snapshots by name (devices, features)
 */
public record StateSnapshot(String kind, int version, SortedMap<String, Long> values, SortedMap<String, byte[]> blobs,
                            SortedMap<String, StateSnapshot> children) {
    /** Copies the maps into sorted unmodifiable ones, so a snapshot is immutable and lists its names in order. */
    public StateSnapshot {
        Objects.requireNonNull(kind, "kind");
        values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
        blobs = Collections.unmodifiableSortedMap(new TreeMap<>(blobs));
        children = Collections.unmodifiableSortedMap(new TreeMap<>(children));
    }

    /**
     * Starts a snapshot.
     *
     * @param kind    what it is, for example {@code arm64.vcpu}
     * @param version format version of {@code kind}, from 1
     * @return an empty builder
     */
    public static Builder builder(String kind, int version) {
        return new Builder(kind, version);
    }

    /**
     * A value that must be present; a missing one means the snapshot is corrupt or from an incompatible writer.
     *
     * @param name the value's name
     * @return the value
     * @throws StateIncompatibleException if there is no such value
     */
    public long value(String name) {
        Long v = values.get(name);
        if (v == null) {
            throw new StateIncompatibleException(kind + " v" + version + " snapshot has no value '" + name + "'");
        }
        return v;
    }

    /**
     * A value that later versions added: older snapshots lack it and get the default.
     *
     * @param name         the value's name
     * @param defaultValue what a snapshot without it means
     * @return the value or the default
     */
    public long value(String name, long defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    /**
     * A blob that must be present.
     *
     * @param name the blob's name
     * @return a copy of its bytes
     * @throws StateIncompatibleException if there is no such blob
     */
    public byte[] blob(String name) {
        byte[] b = blobs.get(name);
        if (b == null) {
            throw new StateIncompatibleException(kind + " v" + version + " snapshot has no blob '" + name + "'");
        }
        return b.clone();
    }

    /**
     * A child snapshot that must be present.
     *
     * @param name the child's name
     * @return the child
     * @throws StateIncompatibleException if there is no such child
     */
    public StateSnapshot child(String name) {
        StateSnapshot c = children.get(name);
        if (c == null) {
            throw new StateIncompatibleException(kind + " v" + version + " snapshot has no child '" + name + "'");
        }
        return c;
    }

    /**
     * Checks that this is a snapshot of {@code expectedKind} with a version this reader understands; importers call
     * it first, so a wrong snapshot fails with a message instead of half-importing.
     *
     * @param expectedKind the kind the importer reads
     * @param maxVersion   the newest version the importer reads
     * @return this snapshot
     * @throws StateIncompatibleException if the kind differs or the version is outside 1..{@code maxVersion}
     */
    public StateSnapshot requireKind(String expectedKind, int maxVersion) {
        if (!kind.equals(expectedKind)) {
            throw new StateIncompatibleException("expected a " + expectedKind + " snapshot, got " + kind);
        }
        if (version < 1 || version > maxVersion) {
            throw new StateIncompatibleException(kind + " snapshot version " + version
                    + " is not supported by this implementation (reads versions 1.." + maxVersion + ")");
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StateSnapshot s) || !kind.equals(s.kind) || version != s.version
                || !values.equals(s.values) || !children.equals(s.children) || !blobs.keySet().equals(s.blobs.keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : blobs.entrySet()) {
            if (!Arrays.equals(e.getValue(), s.blobs.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, version, values, children.keySet());
    }

    @Override
    public String toString() {
        return kind + " v" + version + " " + values.size() + " values, " + blobs.size() + " blobs, children "
                + children.keySet();
    }

    /** Collects a snapshot. */
    public static final class Builder {
        private final String kind;
        private final int version;
        private final SortedMap<String, Long> values = new TreeMap<>();
        private final SortedMap<String, byte[]> blobs = new TreeMap<>();
        private final SortedMap<String, StateSnapshot> children = new TreeMap<>();

        private Builder(String kind, int version) {
            this.kind = kind;
            this.version = version;
        }

        /**
         * Adds or replaces a value.
         *
         * @param name  architectural name, for example {@code x0}
         * @param value the value
         * @return this builder
         */
        public Builder value(String name, long value) {
            values.put(name, value);
            return this;
        }

        /**
         * Adds or replaces a flag, stored as the value 1 or 0.
         *
         * @param name  the flag's name
         * @param value the flag
         * @return this builder
         */
        public Builder flag(String name, boolean value) {
            values.put(name, value ? 1L : 0L);
            return this;
        }

        /**
         * Adds or replaces a blob.
         *
         * @param name the blob's name
         * @param data its bytes, copied
         * @return this builder
         */
        public Builder blob(String name, byte[] data) {
            blobs.put(name, data.clone());
            return this;
        }

        /**
         * Adds or replaces a child snapshot.
         *
         * @param name  the child's name, for example a device's
         * @param child its snapshot
         * @return this builder
         */
        public Builder child(String name, StateSnapshot child) {
            children.put(name, child);
            return this;
        }

        /**
         * Finishes the snapshot; the builder may be used on, later changes do not affect it.
         *
         * @return the immutable snapshot
         */
        public StateSnapshot build() {
            return new StateSnapshot(kind, version, values, blobs, children);
        }
    }
}
