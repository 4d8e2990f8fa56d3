package org.polyvisor.arm64.internal.cpu;

/**
 * What the PE state tells its translation hardware: the software TLB is kept per EL, so an EL change selects
 * another set, and a reset drops every cached translation. Implemented by {@code mmu.DataAccess}; defined here so
 * that the architectural state does not depend on the MMU model.
 */
public interface TlbControl {
    /** No translation hardware attached yet (a PE being assembled). */
    TlbControl NONE = new TlbControl() {
        @Override
        public void elChanged(int el) {
        }

        @Override
        public void flushAll() {
        }
    };

    /** PSTATE.EL changed to {@code el}: use that EL's cached translations from now on. */
    void elChanged(int el);

    /** Drop every cached translation. */
    void flushAll();
}
