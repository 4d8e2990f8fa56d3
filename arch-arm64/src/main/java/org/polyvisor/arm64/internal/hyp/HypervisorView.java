package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.arm64.internal.exec.Core;
import org.polyvisor.arm64.spi.SamplingHook;
import org.polyvisor.arm64.spi.SysRegState;

/**
 * The vCPU's registers as the hypervisor sees them while it handles a trapped MSR/MRS: everything is the PE's, but
 * {@link #currentEl()} answers 2, so a descriptor's access check can tell "the guest accessed me and must trap" from
 * "the hypervisor asks whether this VM has me at all" (a VM without a feature gets UNDEF injected, KVM's trap_undef).
 */
final class HypervisorView implements SysRegState {
    private final Core core;

    HypervisorView(Core core) {
        this.core = core;
    }

    @Override
    public int currentEl() {
        return 2; // the hypervisor evaluating a trapped access
    }

    @Override
    public long raw(String name) {
        return core.raw(name);
    }

    @Override
    public void setRaw(String name, long value) {
        core.setRaw(name, value);
    }

    @Override
    public long hcr() {
        return core.hcr();
    }

    @Override
    public long sctlr() {
        return core.sctlr();
    }

    @Override
    public int nzcv() {
        return core.nzcv();
    }

    @Override
    public void setNzcv(int nzcv) {
        core.setNzcv(nzcv);
    }

    @Override
    public int daif() {
        return core.daif();
    }

    @Override
    public void setDaif(int daif) {
        core.setDaif(daif);
    }

    @Override
    public boolean spSel() {
        return core.spSel();
    }

    @Override
    public void setSpSel(boolean spEl1) {
        core.setSpSel(spEl1);
    }

    @Override
    public long spEl0() {
        return core.spEl0();
    }

    @Override
    public void setSpEl0(long value) {
        core.setSpEl0(value);
    }

    @Override
    public long physicalCount() {
        return core.physicalCount();
    }

    @Override
    public long virtualCount() {
        return core.virtualCount();
    }

    @Override
    public void translationChanged() {
        core.translationChanged();
    }

    @Override
    public void zeroBlock(long va) {
        core.zeroBlock(va);
    }

    @Override
    public void addressTranslate(long va, boolean write, boolean el0) {
        core.addressTranslate(va, write, el0);
    }

    @Override
    public void invalidateInstructionCache() {
        core.invalidateInstructionCache();
    }

    @Override
    public SamplingHook sampling() {
        return core.sampling();
    }

    @Override
    public int slot(String name) {
        return core.slot(name);
    }

    @Override
    public long rawAt(int slot) {
        return core.rawAt(slot);
    }

    @Override
    public void setRawAt(int slot, long value) {
        core.setRawAt(slot, value);
    }
}
