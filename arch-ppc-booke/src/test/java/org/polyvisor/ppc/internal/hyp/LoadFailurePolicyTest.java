package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.polyvisor.ppc.internal.hyp.LoadFailurePolicy.Answer;

/** {@code lastinst.fail=again|fail}, the bound on EMULATE_AGAIN, and the pr_err_ratelimited limit. */
class LoadFailurePolicyTest {
    private static final int PC = 0x7000_0000;

    /** Answers {@code n} failures at pc and returns the last answer, checking all earlier ones were AGAIN. */
    private static Answer fail(LoadFailurePolicy p, InstLoad why, int pc, int n) {
        for (int i = 1; i < n; i++) {
            assertEquals(Answer.AGAIN, p.answer(why, pc), "retry " + i);
        }
        return p.answer(why, pc);
    }

    @Test
    void againGivesUpAfterTheBoundAndStartsCountingAfresh() {
        LoadFailurePolicy p = new LoadFailurePolicy(false);
        assertEquals(Answer.GIVE_UP, fail(p, InstLoad.NO_EXECUTE, PC, LoadFailurePolicy.MAX_RETRIES));
        assertEquals(Answer.AGAIN, p.answer(InstLoad.NO_EXECUTE, PC), "resumed after giving up: a new run of retries");
        assertEquals(Answer.GIVE_UP, fail(p, InstLoad.NOT_RAM, PC, LoadFailurePolicy.MAX_RETRIES - 1));
    }

    @Test
    void theRunEndsWhenTheInstructionLoadsOrAnotherPcFails() {
        LoadFailurePolicy p = new LoadFailurePolicy(false);
        fail(p, InstLoad.EVICTED, PC, LoadFailurePolicy.MAX_RETRIES - 1);
        p.loaded(PC + 4); // progress elsewhere (a timer handler's trapped mtspr) does not end it
        assertEquals(Answer.GIVE_UP, p.answer(InstLoad.EVICTED, PC));

        fail(p, InstLoad.EVICTED, PC, LoadFailurePolicy.MAX_RETRIES - 1);
        p.loaded(PC);
        assertEquals(Answer.AGAIN, p.answer(InstLoad.EVICTED, PC), "the instruction loaded: count from 1 again");

        fail(p, InstLoad.EVICTED, PC, LoadFailurePolicy.MAX_RETRIES - 1);
        assertEquals(Answer.AGAIN, p.answer(InstLoad.EVICTED, PC + 8), "another PC starts its own run");
    }

    @Test
    void failAnswersFailExceptForAnEvictionWhichIsAlwaysAgain() {
        LoadFailurePolicy p = new LoadFailurePolicy(true);
        for (InstLoad why : new InstLoad[] {InstLoad.NO_EXECUTE, InstLoad.ATTRIBUTE_MISMATCH, InstLoad.NOT_RAM,
                InstLoad.LWEPX_FAULT}) {
            assertEquals(Answer.FAIL, p.answer(why, PC), why.name());
        }
        assertEquals(Answer.GIVE_UP, fail(p, InstLoad.EVICTED, PC, LoadFailurePolicy.MAX_RETRIES),
                "an entry that stays evicted is bounded too");
    }

    @Test
    void errorsAreRateLimitedAsPrErrRatelimited() {
        RateLimit r = new RateLimit();
        long t = 1_000;
        for (int i = 0; i < RateLimit.BURST; i++) {
            assertTrue(r.allow(t + i), "message " + i);
        }
        assertFalse(r.allow(t + RateLimit.BURST));
        assertFalse(r.allow(t + RateLimit.INTERVAL_NANOS - 1));
        assertTrue(r.allow(t + RateLimit.INTERVAL_NANOS), "a new interval");
        assertEquals(2, r.takeSuppressed());
        assertEquals(0, r.takeSuppressed());
    }
}
