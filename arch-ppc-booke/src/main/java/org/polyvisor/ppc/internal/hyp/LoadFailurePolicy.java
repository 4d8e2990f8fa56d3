package org.polyvisor.ppc.internal.hyp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the exit path answers when the last instruction cannot be loaded, VM option
 * {@code lastinst.fail=again|fail}:
 * <ul>
 * <li>{@code again} (default): what upstream does today. Since "KVM: PPC: Bookehv: Get vcpu's last instruction for
 * emulation" was merged (2014), arch/powerpc/kvm/e500_mmu_host.c kvmppc_load_last_inst answers all three failures
 * (no execute permission, storage-attribute mismatch, not RAM) with EMULATE_AGAIN and a pr_err_ratelimited message,
 * as Alexander Graf asked in review ("I'd say it's ok to just end up in an endless EMULATE_AGAIN loop"): the guest
 * is resumed and faults again.</li>
 * <li>{@code fail}: what the patch proposed (v4): EMULATE_FAIL, a program interrupt (ESR[PIL]) queued and an exit to
 * userspace with hardware_exit_reason = (~0 &lt;&lt; 32) | KVM_INST_FETCH_FAILED.</li>
 * </ul>
 * An evicted entry is always EMULATE_AGAIN. Unlike KVM, whose endless loop at least goes back through the host's
 * scheduler and signal checks, an AGAIN loop here would spin the vCPU thread forever, so it is bounded:
 * {@link #MAX_RETRIES} AGAIN answers in a row for one guest PC and the vCPU gives up ({@link Answer#GIVE_UP}); the
 * exit handler then stops the VM in INTERNAL_ERROR with its state kept. The counter restarts when the instruction at
 * that PC finally loads or another PC fails. One instance per vCPU, used only on its thread.
 */
public final class LoadFailurePolicy {
    /**
     * AGAIN answers in a row at one PC before giving up. An eviction is repaired by the very next entry (the guest's
     * refetch misses, the shadow entry is refilled, the retried exit loads), and a racing TLB rewrite by the time the
     * writer is done, so even two in a row are unusual; a thousand cost well under a millisecond of host CPU here
     * (each retry is an exit, a TLB search and a re-entry), so a stuck guest is stopped before anyone sees a spinning
     * host, while a transient cause would have to repeat a thousand times in a row to be taken for a stuck one.
     */
    public static final int MAX_RETRIES = 1000;

    /** What the exit path does with a failed load. */
    public enum Answer {
        /** EMULATE_AGAIN: resume the guest, it faults again. */
        AGAIN,
        /** EMULATE_FAIL: queue a program interrupt and exit to the host. */
        FAIL,
        /** AGAIN {@link #MAX_RETRIES} times in a row at the same PC: exit to the host, nothing queued. */
        GIVE_UP
    }

    private static final Logger LOG = LoggerFactory.getLogger(LoadFailurePolicy.class);

    private final boolean fail;
    private final RateLimit errors = new RateLimit();
    private int retryPc;
    private int retries;

    /** @param fail {@code lastinst.fail=fail}: the patch's EMULATE_FAIL instead of upstream's EMULATE_AGAIN */
    public LoadFailurePolicy(boolean fail) {
        this.fail = fail;
    }

    public boolean failsFast() {
        return fail;
    }

    /** The instruction at {@code pc} loaded: a run of retries there is over. */
    public void loaded(int pc) {
        if (pc == retryPc) {
            retries = 0;
        }
    }

    /** A load at {@code pc} failed for {@code why}. */
    public Answer answer(InstLoad why, int pc) {
        if (why != InstLoad.EVICTED && errors.allow(System.nanoTime())) {
            // upstream: pr_err_ratelimited("%s: Instruction emulation from guest address %08lx ...")
            int suppressed = errors.takeSuppressed();
            LOG.error("kvmppc_load_last_inst: instruction emulation from guest address {}: {}{}",
                    String.format("%08x", pc), why.description(),
                    suppressed > 0 ? " (" + suppressed + " similar messages suppressed)" : "");
        }
        if (why != InstLoad.EVICTED && fail) {
            return Answer.FAIL;
        }
        if (pc != retryPc) {
            retryPc = pc;
            retries = 0;
        }
        if (++retries < MAX_RETRIES) {
            return Answer.AGAIN;
        }
        retries = 0;
        return Answer.GIVE_UP;
    }
}
