package org.polyvisor.framework.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.StateSnapshot;

/**
 * Snapshot files (format documented in docs/snapshot-format.md): an 8-byte magic, a format version, then a GZIP
 * stream with the VM configuration, the neutral machine and vCPU state trees, and the guest memory as a sparse list
 * of 64 KiB chunks (all-zero chunks are left out), ended by a marker. Since version 2 the guest time
 * ({@link VmClock}) comes after the extension states. GZIP's CRC-32 and length trailer make a
 * truncated or corrupted file fail to read; every count is bounds-checked.
 */
final class SnapshotFiles {
    static final byte[] MAGIC = {'P', 'V', 'S', 'N', 'A', 'P', 0, 1};
    /** Version 2 adds the guest time after the extensions; version 1 files still load (guest time 0). */
    static final int FORMAT_VERSION = 2;
    private static final int FIRST_WITH_CLOCK = 2;
    private static final long END_OF_MEMORY = -1L;
    private final SnapshotCodec codec;

    SnapshotFiles(SnapshotCodec codec) {
        this.codec = codec;
    }

    String save(SnapshotService mgr, int id, Path file) throws IOException {
        VmImage image = mgr.exportImage(id);
        return "VM " + id + " saved to " + write(image, mgr.memoryOf(id)::forEachAllocatedChunk, file);
    }

    /** Where a snapshot's memory comes from: the guest memory itself, or a live save's copy of it. */
    interface ChunkSource {
        void forEachChunk(GuestMemory.ChunkVisitor visitor);
    }

    /** Writes a snapshot file (atomically: a temporary file moved over it); returns the file, chunk count and size. */
    String write(VmImage image, ChunkSource memory, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long[] chunks = {0};
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            DataOutputStream z = new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(out, 1 << 16)));
            writeConfig(z, image.config());
            codec.write(z, image.machine());
            z.writeInt(image.vcpus().size());
            for (StateSnapshot v : image.vcpus()) {
                codec.write(z, v);
            }
            z.writeInt(image.extensions().size());
            for (Map.Entry<String, StateSnapshot> e : new TreeMap<>(image.extensions()).entrySet()) {
                z.writeUTF(e.getKey());
                codec.write(z, e.getValue());
            }
            z.writeLong(image.guestNanos());
            byte[] buf = new byte[GuestMemory.CHUNK_SIZE];
            IOException[] failure = {null};
            memory.forEachChunk((gpa, seg) -> {
                if (failure[0] != null || isZero(seg)) {
                    return;
                }
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 0, buf, 0, buf.length);
                try {
                    z.writeLong(gpa);
                    z.write(buf);
                    chunks[0]++;
                } catch (IOException e) {
                    failure[0] = e;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            z.writeLong(END_OF_MEMORY);
            z.close();
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file + " (" + chunks[0] + " memory chunks of 64 KiB, " + Files.size(file) + " bytes)";
    }

    private static boolean isZero(MemorySegment seg) {
        return seg.mismatch(MemorySegment.ofArray(new byte[(int) seg.byteSize()])) == -1;
    }

    int restore(SnapshotService mgr, Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            byte[] magic = raw.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new VmException(file + ": not a Polyvisor snapshot (bad magic)");
            }
            int version = new DataInputStream(raw).readInt();
            if (version < 1 || version > FORMAT_VERSION) {
                throw new VmException(file + ": snapshot format version " + version + " is not supported (this build"
                        + " reads versions 1.." + FORMAT_VERSION + ")");
            }
            DataInputStream z = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16)));
            VmConfig config = readConfig(z);
            StateSnapshot machine = codec.read(z);
            int n = z.readInt();
            if (n != config.vcpus()) {
                throw new VmException(file + ": snapshot has " + n + " vCPU states for " + config.vcpus() + " vCPUs");
            }
            List<StateSnapshot> vcpus = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                vcpus.add(codec.read(z));
            }
            int nExt = z.readInt();
            if (nExt < 0 || nExt > 1000) {
                throw new VmException(file + ": snapshot has an impossible number of extensions (" + nExt + ")");
            }
            Map<String, StateSnapshot> extensions = new TreeMap<>();
            for (int i = 0; i < nExt; i++) {
                extensions.put(z.readUTF(), codec.read(z));
            }
            long guestNanos = version >= FIRST_WITH_CLOCK ? z.readLong() : 0;
            if (guestNanos < 0) {
                throw new VmException(file + ": snapshot has a negative guest time (" + guestNanos + " ns)");
            }
            byte[] buf = new byte[GuestMemory.CHUNK_SIZE];
            return mgr.restoreImage(new VmImage(config, machine, vcpus, extensions, guestNanos), memory -> {
                while (true) {
                    long gpa = z.readLong();
                    if (gpa == END_OF_MEMORY) {
                        break;
                    }
                    if ((gpa & GuestMemory.CHUNK_MASK) != 0 || !memory.isRam(gpa)) {
                        throw new VmException(file + ": memory chunk at 0x" + Long.toHexString(gpa)
                                + " is not a 64 KiB aligned RAM address of this machine");
                    }
                    z.readFully(buf);
                    memory.writeBytes(gpa, buf, 0, buf.length);
                }
                if (z.read() != -1) {
                    throw new VmException(file + ": unexpected data after the memory section");
                }
            });
        } catch (EOFException e) {
            throw new VmException(file + ": snapshot is truncated", e);
        } catch (ZipException e) {
            throw new VmException(file + ": snapshot is corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new VmException(ShellErrors.unreadable(file, e), e);
        }
    }

    /** The architecture id a snapshot file names (read from its configuration, before anything is restored). */
    static String architectureOf(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            if (!Arrays.equals(raw.readNBytes(MAGIC.length), MAGIC)) {
                throw new VmException(file + ": not a Polyvisor snapshot (bad magic)");
            }
            new DataInputStream(raw).readInt(); // the format version; restore checks it
            return new DataInputStream(new GZIPInputStream(raw, 1 << 16)).readUTF();
        } catch (EOFException e) {
            throw new VmException(file + ": snapshot is truncated", e);
        } catch (IOException e) {
            throw new VmException(ShellErrors.unreadable(file, e), e);
        }
    }

    private static void writeConfig(DataOutputStream out, VmConfig c) throws IOException {
        out.writeUTF(c.arch());
        out.writeUTF(c.name());
        out.writeLong(c.memoryBytes());
        out.writeInt(c.vcpus());
        out.writeInt(c.options().size());
        for (Map.Entry<String, String> e : new TreeMap<>(c.options()).entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    private static VmConfig readConfig(DataInputStream in) throws IOException {
        String arch = in.readUTF();
        String name = in.readUTF();
        long mem = in.readLong();
        int vcpus = in.readInt();
        int n = in.readInt();
        if (n < 0 || n > 1000) {
            throw new VmException("snapshot has an impossible number of options (" + n + ")");
        }
        Map<String, String> opts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            opts.put(in.readUTF(), in.readUTF());
        }
        return new VmConfig(name, arch, mem, vcpus, null, opts);
    }
}
