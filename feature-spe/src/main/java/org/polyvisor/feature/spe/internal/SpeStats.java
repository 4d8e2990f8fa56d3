package org.polyvisor.feature.spe.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the units of one register table did, summed over their PEs (benchmark and diagnostics): records written,
 * copy-buffer traffic and pages pinned. Updated on the sampling path without allocation.
 */
public final class SpeStats {
    /** Records that went out (to the hypervisor buffer or the guest's). */
    public final LongAdder records = new LongAdder();
    /** Bytes copied from hypervisor buffers into guest buffers, and the copy operations. */
    public final LongAdder bytesCopied = new LongAdder();
    public final LongAdder copies = new LongAdder();
    /** Guest buffer pages translated and pinned (the pinning design). */
    public final LongAdder pagesPinned = new LongAdder();
}
