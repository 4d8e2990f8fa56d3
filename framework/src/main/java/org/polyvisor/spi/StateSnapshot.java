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
 */
public record StateSnapshot(String kind, int version, SortedMap<String, Long> values, SortedMap<String, byte[]> blobs,
                            SortedMap<String, StateSnapshot> children) {
    public StateSnapshot {
        Objects.requireNonNull(kind, "kind");
        values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
        blobs = Collections.unmodifiableSortedMap(new TreeMap<>(blobs));
        children = Collections.unmodifiableSortedMap(new TreeMap<>(children));
    }

    public static Builder builder(String kind, int version) {
        return new Builder(kind, version);
    }

    /** A value that must be present; a missing one means the snapshot is corrupt or from an incompatible writer. */
    public long value(String name) {
        Long v = values.get(name);
        if (v == null) {
            throw new StateIncompatibleException(kind + " v" + version + " snapshot has no value '" + name + "'");
        }
        return v;
    }

    public long value(String name, long defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    public byte[] blob(String name) {
        byte[] b = blobs.get(name);
        if (b == null) {
            throw new StateIncompatibleException(kind + " v" + version + " snapshot has no blob '" + name + "'");
        }
        return b.clone();
    }

    public StateSnapshot child(String name) {
        StateSnapshot c = children.get(name);
        if (c == null) {
            throw new StateIncompatibleException(kind + " v" + version + " snapshot has no child '" + name + "'");
        }
        return c;
    }

    /** Throws unless this is a snapshot of {@code expectedKind} with a version this reader understands. */
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

        public Builder value(String name, long value) {
            values.put(name, value);
            return this;
        }

        public Builder flag(String name, boolean value) {
            values.put(name, value ? 1L : 0L);
            return this;
        }

        public Builder blob(String name, byte[] data) {
            blobs.put(name, data.clone());
            return this;
        }

        public Builder child(String name, StateSnapshot child) {
            children.put(name, child);
            return this;
        }

        public StateSnapshot build() {
            return new StateSnapshot(kind, version, values, blobs, children);
        }
    }
}
