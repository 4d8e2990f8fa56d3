package org.polyvisor.feature.spe.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an SPE buffer into records, packet by packet, as Linux's tools/perf/util/arm-spe-decoder does (header byte,
 * payload size {@code 1 << hdr[5:4]} for sized packets, little-endian payloads); a record ends at an End or Timestamp
 * packet. Used by {@code pv:spe} and the tests; an unknown header is an error naming its offset.
 */
public final class SpeDecoder {
    private SpeDecoder() {
    }

    /**
     * One decoded record; absent fields are -1.
     *
     * @param offset         offset of its first byte in the buffer
     * @param pc             PC address packet (address bits only)
     * @param el             exception level from the PC packet
     * @param target         branch target address, or -1
     * @param events         events packet payload
     * @param opClass        operation class (0 other, 1 load/store, 2 branch)
     * @param opDetail       operation-type payload
     * @param dataVa         data virtual address, or -1
     * @param dataPa         data physical address, or -1
     * @param totalLatency   total latency counter, or -1
     * @param issueLatency   issue latency counter, or -1
     * @param context        CONTEXTIDR value, or -1
     * @param timestamp      timestamp, or -1 when the record ended with an End packet
     * @param length         bytes in the record
     */
    public record Record(int offset, long pc, int el, long target, long events, int opClass, int opDetail,
                         long dataVa, long dataPa, long totalLatency, long issueLatency, long context, long timestamp,
                         int length) {
        /** Whether the operation was a store (load/store class, ST bit). */
        public boolean store() {
            return opClass == 1 && (opDetail & 1) != 0;
        }
    }

    /**
     * Decodes {@code length} bytes of a buffer.
     *
     * @param buf    the buffer contents
     * @param length bytes written (PMBPTR_EL1 minus the base)
     * @return the records in order
     * @throws IllegalArgumentException for a packet that is not SPE format, naming the offset
     */
    public static List<Record> decode(byte[] buf, int length) {
        List<Record> out = new ArrayList<>();
        int i = 0;
        while (i < length) {
            int start = i;
            long pc = -1;
            int el = 0;
            long target = -1;
            long events = 0;
            int opClass = -1;
            int opDetail = 0;
            long va = -1;
            long pa = -1;
            long total = -1;
            long issue = -1;
            long ctx = -1;
            long ts = -1;
            boolean end = false;
            while (!end && i < length) {
                int h = buf[i] & 0xFF;
                i++;
                if (h == 0x00) {                                   // padding
                    if (i - 1 == start) {
                        start = i;
                    }
                    continue;
                }
                if (h == RecordEncoder.HDR_END) {
                    end = true;
                } else if (h == RecordEncoder.HDR_TIMESTAMP) {
                    ts = le(buf, i, 8);
                    i += 8;
                    end = true;
                } else if ((h & 0xCF) == 0x42) {                   // events
                    int n = 1 << ((h >>> 4) & 3);
                    events = le(buf, i, n);
                    i += n;
                } else if ((h & 0xFC) == 0x48) {                   // operation type
                    opClass = h & 3;
                    opDetail = buf[i] & 0xFF;
                    i++;
                } else if ((h & 0xF8) == 0xB0) {                   // address
                    long p = le(buf, i, 8);
                    i += 8;
                    long addr = p & 0x00FF_FFFF_FFFF_FFFFL;
                    switch (h & 7) {
                        case 0 -> {
                            pc = addr;
                            el = (int) ((p >>> 61) & 3);
                        }
                        case 1 -> target = addr;
                        case 2 -> va = p;
                        case 3 -> pa = addr;
                        default -> { }
                    }
                } else if ((h & 0xF8) == 0x98) {                   // counter
                    long v = le(buf, i, 2);
                    i += 2;
                    if ((h & 7) == 0) {
                        total = v;
                    } else if ((h & 7) == 1) {
                        issue = v;
                    }
                } else if ((h & 0xFC) == 0x64) {                   // context
                    ctx = le(buf, i, 4);
                    i += 4;
                } else {
                    throw new IllegalArgumentException(String.format(
                            "byte 0x%02x at buffer offset %d is not an SPE packet header (record started at %d)",
                            h, i - 1, start));
                }
            }
            if (i > start) {
                out.add(new Record(start, pc, el, target, events, opClass, opDetail, va, pa, total, issue, ctx, ts,
                        i - start));
            }
        }
        return out;
    }

    private static long le(byte[] b, int at, int n) {
        if (at + n > b.length) {
            throw new IllegalArgumentException("SPE packet payload at offset " + at + " runs past the buffer end");
        }
        long v = 0;
        for (int k = 0; k < n; k++) {
            v |= (b[at + k] & 0xFFL) << (8 * k);
        }
        return v;
    }
}
