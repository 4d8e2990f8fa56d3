package org.polyvisor.api;

import java.util.List;

/**
 * What a live save ({@link VmManager#saveLive}) did: the pre-copy rounds run while the VM kept running, and the one
 * short pause at the end.
 *
 * @param summary         one line for the user: the file, its size and the figures below
 * @param pageSize        bytes per page in the counts (the machine's dirty-log page size)
 * @param pagesPerRound   pages copied while the VM ran, one entry per round: round 0 is all of the RAM the guest
 *                        had touched, each later round the pages written during the round before
 * @param finalPages      pages copied while the VM was paused at the end (written during the last round)
 * @param finalPauseNanos how long the vCPUs were held at the end: from the pause request until they were released
 *                        (0 if the VM was not running, so nothing had to be paused)
 */
public record LiveSaveResult(String summary, int pageSize, List<Long> pagesPerRound, long finalPages,
                             long finalPauseNanos) {
    /** Copies the list, so a result cannot change. */
    public LiveSaveResult {
        pagesPerRound = List.copyOf(pagesPerRound);
    }

    /**
     * The number of pre-copy rounds.
     *
     * @return the size of {@link #pagesPerRound()}
     */
    public int rounds() {
        return pagesPerRound.size();
    }
}
