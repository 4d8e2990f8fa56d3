package org.polyvisor.ppc.internal.hyp;

import java.util.concurrent.TimeUnit;

/**
 * Linux's ___ratelimit with the pr_*_ratelimited defaults (include/linux/ratelimit_types.h:
 * DEFAULT_RATELIMIT_INTERVAL 5 * HZ, DEFAULT_RATELIMIT_BURST 10): at most {@link #BURST} messages per
 * {@link #INTERVAL_NANOS}, the rest counted as suppressed. Not thread-safe: one per vCPU.
 */
final class RateLimit {
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final int BURST = 10;

    private long begin;
    private int printed;
    private int missed;
    private boolean started;

    /** True if a message may be printed at {@code nowNanos}. */
    boolean allow(long nowNanos) {
        if (!started || nowNanos - begin >= INTERVAL_NANOS) {
            started = true;
            begin = nowNanos;
            printed = 0;
        }
        if (printed < BURST) {
            printed++;
            return true;
        }
        missed++;
        return false;
    }

    /** Messages refused since the last call (reported with the next one printed, as Linux's "callbacks suppressed"). */
    int takeSuppressed() {
        int m = missed;
        missed = 0;
        return m;
    }
}
