package org.polyvisor.feature.spe.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The host side of SPE per modelled physical CPU, keyed by the physical CPU index the world-switch participants see
 * ({@code PhysicalRegisters.vcpuIndex()}): the CPU's SPE profile (PMSVer, PMBIDR_EL1.P; mismatched systems can give
 * CPUs different profiles) and the host kernel's profiling session on it (what perf would have programmed: a buffer
 * in the host's EL1&amp;0 address space and sampling at EL1).
 */
public final class HostProfiling {
    private static final ConcurrentHashMap<Integer, Session> SESSIONS = new ConcurrentHashMap<>();

    private HostProfiling() {
    }

    /**
     * The session (and profile) of one physical CPU, created idle with SPE present (PMSVer 1, P = 0).
     *
     * @param cpu the physical CPU index
     * @return its session
     */
    public static Session cpu(int cpu) {
        return SESSIONS.computeIfAbsent(cpu, i -> new Session());
    }

    /** Forgets every session and profile (tests). */
    public static void reset() {
        SESSIONS.clear();
    }

    /** One physical CPU's SPE profile and host profiling session. Fields are read on the vCPU thread. */
    public static final class Session {
        /** ID_AA64DFR0_EL1.PMSVer of this physical CPU (0: no SPE). */
        public volatile int pmsVer = Spe.PMSVER;
        /** PMBIDR_EL1.P: the buffer is owned by a higher EL (EL3), the host may not program it. */
        public volatile boolean ownedByHigherEl;
        volatile boolean active;
        volatile long bufferVa;
        volatile long limit;
        /** Records the unit holds internally, not yet written (what PSB CSYNC drains). */
        int inFlight;
        /** Records that reached the host's buffer through the host's own regime. */
        public volatile long recordsToHost;
        /** Records written through the guest's EL1&amp;0 regime: host data in guest memory. */
        public volatile long recordsThroughGuestRegime;
        /** Guest entries that found PMBLIMITR_EL1.E still set (the upstream form clears it). */
        public volatile long entriesWithBufferEnabled;

        /**
         * The host kernel starts profiling at EL1 into a buffer at a host virtual address (as perf record does).
         *
         * @param va   the buffer's virtual address in the host's EL1&amp;0 regime
         * @param size bytes, a multiple of 4 KiB
         */
        public void start(long va, long size) {
            bufferVa = va;
            limit = va + size;
            active = true;
        }

        /** The host kernel stops profiling. */
        public void stop() {
            active = false;
        }
    }
}
