package org.polyvisor.feature.spe.internal;

import org.polyvisor.arm64.spi.SampledOperation;

/**
 * Encodes one sampled operation as an SPE record in the architected packet format (ARM DDI 0487, D10.2 "Statistical
 * Profiling Extension sample records"; the header bytes are those Linux's tools/perf/util/arm-spe-decoder decodes):
 * PC address, branch target, events, operation type, data virtual and physical address, the total, issue and
 * translation latency counters, context, and a timestamp or End packet. Writes into a reused array: no allocation.
 */
final class RecordEncoder {
    static final int HDR_END = 0x01;
    static final int HDR_TIMESTAMP = 0x71;
    /** Events packet with a 2-byte payload (sz = 01). */
    static final int HDR_EVENTS_2 = 0x52;
    static final int HDR_OP_OTHER = 0x48;
    static final int HDR_OP_LDST = 0x49;
    static final int HDR_OP_BRANCH = 0x4A;
    static final int HDR_ADDR_PC = 0xB0;
    static final int HDR_ADDR_TARGET = 0xB1;
    static final int HDR_ADDR_DATA_VA = 0xB2;
    static final int HDR_ADDR_DATA_PA = 0xB3;
    static final int HDR_COUNTER_TOTAL = 0x98;
    static final int HDR_COUNTER_ISSUE = 0x99;
    static final int HDR_COUNTER_TRANSLATION = 0x9A;
    /** Context packet, index 0: CONTEXTIDR_EL1. */
    static final int HDR_CONTEXT_EL1 = 0x64;

    /** Address packet payload: NS (bit 63) and the exception level (bits 62:61) above a 56-bit address. */
    private static final long ADDR_MASK = 0x00FF_FFFF_FFFF_FFFFL;
    private static final long NS = 1L << 63;
    /** Counters saturate at 12 bits (PMSIDR_EL1.CountSize = 2). */
    private static final int COUNTER_MAX = 0xFFF;

    final byte[] record = new byte[Spe.MAX_RECORD];
    int length;

    /**
     * Encodes {@code op}.
     *
     * @param pmscr     the PMSCR_EL1 value (CX, PA, TS select optional packets)
     * @param contextId CONTEXTIDR_EL1
     * @param timestamp the counter value for the timestamp packet
     */
    void encode(SampledOperation op, long pmscr, long contextId, long timestamp) {
        length = 0;
        packet8(HDR_ADDR_PC, (op.pc() & ADDR_MASK) | (long) op.el() << 61 | NS);
        int type = op.type();
        if (type == SampledOperation.BRANCH && op.nextPc() != op.pc() + 4) {
            packet8(HDR_ADDR_TARGET, (op.nextPc() & ADDR_MASK) | (long) op.el() << 61 | NS);
        }
        put(HDR_EVENTS_2);
        put16((int) op.events());
        switch (type) {
            case SampledOperation.LOAD, SampledOperation.STORE -> {
                put(HDR_OP_LDST);
                put(type == SampledOperation.STORE ? 1 : 0); // subclass 0x00: general-purpose register load/store
                packet8(HDR_ADDR_DATA_VA, op.dataVa());
                if ((pmscr & Spe.PMSCR_PA) != 0 && op.dataPa() >= 0) {
                    packet8(HDR_ADDR_DATA_PA, (op.dataPa() & ADDR_MASK) | NS);
                }
            }
            case SampledOperation.BRANCH -> {
                put(HDR_OP_BRANCH);
                put((op.conditional() ? 1 : 0) | (op.indirect() ? 2 : 0));
            }
            default -> {
                put(HDR_OP_OTHER);
                put(op.conditional() ? 1 : 0);
            }
        }
        counter(HDR_COUNTER_TOTAL, op.totalLatency());
        counter(HDR_COUNTER_ISSUE, op.issueLatency());
        if (type == SampledOperation.LOAD || type == SampledOperation.STORE) {
            counter(HDR_COUNTER_TRANSLATION, op.translationLatency());
        }
        if ((pmscr & Spe.PMSCR_CX) != 0) {
            put(HDR_CONTEXT_EL1);
            put16((int) contextId);
            put16((int) (contextId >>> 16));
        }
        if ((pmscr & Spe.PMSCR_TS) != 0) {
            packet8(HDR_TIMESTAMP, timestamp); // a timestamp packet ends the record
        } else {
            put(HDR_END);
        }
    }

    private void counter(int header, int value) {
        put(header);
        put16(Math.min(value, COUNTER_MAX));
    }

    private void packet8(int header, long payload) {
        put(header);
        for (int i = 0; i < 8; i++) {
            put((int) (payload >>> (8 * i)));
        }
    }

    private void put16(int v) {
        put(v);
        put(v >>> 8);
    }

    private void put(int b) {
        record[length++] = (byte) b;
    }
}
