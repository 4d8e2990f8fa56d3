package org.polyvisor.feature.spe.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Wraps an SPE buffer in a minimal perf.data file (the "PERFILE2" format of Linux's tools/perf/util/header.c), so that
 * Linux perf decodes what this model wrote: one event attribute of the SPE PMU's type, a PERF_RECORD_AUXTRACE_INFO of
 * type PERF_AUXTRACE_ARM_SPE naming that type, and one PERF_RECORD_AUXTRACE carrying the buffer. {@code perf report
 * -D -i FILE} then prints every packet as its arm-spe-decoder reads it.
 */
public final class PerfData {
    private static final long MAGIC = 0x32454c4946524550L; // "PERFILE2"
    private static final int HEADER_SIZE = 104;
    /** perf_event_attr as of PERF_ATTR_SIZE_VER7 (what perf 6.1 reads). */
    private static final int ATTR_SIZE = 128;
    private static final int PERF_RECORD_AUXTRACE_INFO = 70;
    private static final int PERF_RECORD_AUXTRACE = 71;
    private static final int PERF_AUXTRACE_ARM_SPE = 4;
    private static final int AUXTRACE_EVENT_SIZE = 48;
    /** The dynamic PMU type number the file gives the SPE PMU (any value: the file is self-consistent). */
    static final int SPE_PMU_TYPE = 8;

    private PerfData() {
    }

    /**
     * Builds the file.
     *
     * @param spe    buffer contents
     * @param length bytes used
     * @return the perf.data bytes
     */
    public static byte[] wrap(byte[] spe, int length) {
        int pad = (8 - length % 8) % 8; // perf keeps AUX data 8-byte aligned; padding packets are 0x00
        int info = 8 + 8 + 2 * 8;
        int aux = AUXTRACE_EVENT_SIZE + length + pad;
        int fileAttr = ATTR_SIZE + 16;
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + fileAttr + info + aux).order(ByteOrder.LITTLE_ENDIAN);
        // perf_file_header: magic, size, attr_size, attrs, data, event_types, feature bitmap (none)
        b.putLong(MAGIC).putLong(HEADER_SIZE).putLong(fileAttr);
        b.putLong(HEADER_SIZE).putLong(fileAttr);
        b.putLong(HEADER_SIZE + fileAttr).putLong(info + aux);
        b.putLong(0).putLong(0);
        b.put(new byte[32]);
        // perf_file_attr: perf_event_attr {type, size, config, ...} and its (empty) ids section
        b.putInt(SPE_PMU_TYPE).putInt(ATTR_SIZE).putLong(0).put(new byte[ATTR_SIZE - 16]);
        b.putLong(0).putLong(0);
        // PERF_RECORD_AUXTRACE_INFO: header, type, reserved, priv[ARM_SPE_PMU_TYPE, ARM_SPE_PER_CPU_MMAPS]
        b.putInt(PERF_RECORD_AUXTRACE_INFO).putShort((short) 0).putShort((short) info);
        b.putInt(PERF_AUXTRACE_ARM_SPE).putInt(0).putLong(SPE_PMU_TYPE).putLong(0);
        // PERF_RECORD_AUXTRACE: header (its size excludes the data), size, offset, reference, idx, tid, cpu, reserved
        b.putInt(PERF_RECORD_AUXTRACE).putShort((short) 0).putShort((short) AUXTRACE_EVENT_SIZE);
        b.putLong(length + pad).putLong(0).putLong(0).putInt(0).putInt(0).putInt(0).putInt(0);
        b.put(spe, 0, length).put(new byte[pad]);
        return b.array();
    }
}
