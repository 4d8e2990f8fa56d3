package org.polyvisor.framework.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmException;
import org.polyvisor.spi.StateSnapshot;

class SnapshotCodecTest {
    private final SnapshotCodec codec = new SnapshotCodec();

    private byte[] encode(StateSnapshot s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        codec.write(new DataOutputStream(bytes), s);
        return bytes.toByteArray();
    }

    private StateSnapshot decode(byte[] b) throws IOException {
        return codec.read(new DataInputStream(new ByteArrayInputStream(b)));
    }

    @Property(tries = 200)
    void treesRoundTrip(@ForAll Map<String, Long> values, @ForAll byte[] blob, @ForAll long x) throws IOException {
        StateSnapshot child = StateSnapshot.builder("dev", 3).value("x", x).blob("fifo", blob).build();
        StateSnapshot.Builder b = StateSnapshot.builder("arm64.vcpu", 1).child("uart", child);
        values.forEach(b::value);
        StateSnapshot s = b.build();
        assertEquals(s, decode(encode(s)));
    }

    @Test
    void corruptCountsAreRefusedNotAllocated() throws IOException {
        byte[] b = encode(StateSnapshot.builder("k", 1).value("a", 1).build());
        b[b.length - 8] = 0x7F; // the blob count, now about two billion
        assertThrows(VmException.class, () -> decode(b));
    }
}
