package org.polyvisor.framework.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.polyvisor.spi.StateIncompatibleException;
import org.polyvisor.spi.StateSnapshot;

/**
 * Binary form of a {@link StateSnapshot} tree (used by snapshot files): kind, version, then counted lists of
 * (name, value), (name, blob) and (name, child). Every count and length is checked against sane bounds so a corrupt
 * file is refused with a message instead of an OutOfMemoryError.
 */
@Singleton
final class SnapshotCodec {
    private static final int MAX_ENTRIES = 1 << 20;
    private static final int MAX_BLOB = 1 << 28;
    private static final int MAX_DEPTH = 16;

    @Inject
    SnapshotCodec() {
    }

    void write(DataOutputStream out, StateSnapshot s) throws IOException {
        out.writeUTF(s.kind());
        out.writeInt(s.version());
        out.writeInt(s.values().size());
        for (Map.Entry<String, Long> e : s.values().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
        out.writeInt(s.blobs().size());
        for (Map.Entry<String, byte[]> e : s.blobs().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            out.write(e.getValue());
        }
        out.writeInt(s.children().size());
        for (Map.Entry<String, StateSnapshot> e : s.children().entrySet()) {
            out.writeUTF(e.getKey());
            write(out, e.getValue());
        }
    }

    StateSnapshot read(DataInputStream in) throws IOException {
        return read(in, 0);
    }

    private StateSnapshot read(DataInputStream in, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new StateIncompatibleException("snapshot nesting deeper than " + MAX_DEPTH + ": corrupt file");
        }
        StateSnapshot.Builder b = StateSnapshot.builder(in.readUTF(), in.readInt());
        int n = count(in, "values");
        for (int i = 0; i < n; i++) {
            b.value(in.readUTF(), in.readLong());
        }
        n = count(in, "blobs");
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            int len = in.readInt();
            if (len < 0 || len > MAX_BLOB) {
                throw new StateIncompatibleException("snapshot blob '" + name + "' has impossible length " + len);
            }
            byte[] data = new byte[len];
            in.readFully(data);
            b.blob(name, data);
        }
        n = count(in, "children");
        for (int i = 0; i < n; i++) {
            b.child(in.readUTF(), read(in, depth + 1));
        }
        return b.build();
    }

    private static int count(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ENTRIES) {
            throw new StateIncompatibleException("snapshot has an impossible number of " + what + " (" + n + ")");
        }
        return n;
    }
}
