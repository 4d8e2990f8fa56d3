package org.polyvisor.framework.internal;

/**
 * The guest-visible pauses of a VM's last swaps: from the moment a swap asked the running VM to hold to the moment
 * its first vCPU ran guest code again. A ring of the last 64; guarded by the owner's lock.
 */
final class SwapPauses {
    private final long[] pauses = new long[64];
    private int count;
    /** When the current swap hold began (0: none). */
    private long startNanos;

    /** A swap began holding the running VM (a second hold of the same swap keeps the first start). */
    void begin() {
        if (startNanos == 0) {
            startNanos = System.nanoTime();
        }
    }

    /** A vCPU runs guest code again at {@code nanos}: ends the pause, if one was going on. */
    void end(long nanos) {
        if (startNanos != 0) {
            pauses[count++ % pauses.length] = nanos - startNanos;
            startNanos = 0;
        }
    }

    long[] recent() {
        int n = Math.min(count, pauses.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = pauses[(count - n + i) % pauses.length];
        }
        return out;
    }
}
