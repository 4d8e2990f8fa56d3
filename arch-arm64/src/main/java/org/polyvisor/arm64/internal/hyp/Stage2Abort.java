package org.polyvisor.arm64.internal.hyp;

import java.util.function.LongPredicate;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Ec;
import org.polyvisor.arm64.internal.cpu.Esr;
import org.polyvisor.arm64.internal.cpu.Exceptions;

/**
 * Reads a stage-2 abort the guest took to EL2 as KVM's kvm_handle_guest_abort does: translation, access-flag and
 * permission faults on an IPA that is not a device go to the VM's {@link Stage2Faults} (user_mem_abort), which maps
 * RAM; an IPA that is no memory of the VM gets the guest a synchronous external abort (kvm_inject_dabt /
 * kvm_inject_pabt). Device IPAs (MMIO) and everything else are left to the exit decoder. Off the hit path: runs once
 * per stage-2 fault.
 */
final class Stage2Abort {
    /** ESR_ELx.ISS DFSC/IFSC type (fault status without the level), Linux ESR_ELx_FSC_TYPE. */
    private static final int FSC_TYPE = 0x3C;

    private final Cpu cpu;
    private final LongPredicate isDevice;
    private final WorldSwitch sw;

    Stage2Abort(Cpu cpu, LongPredicate isDevice, WorldSwitch sw) {
        this.cpu = cpu;
        this.isDevice = isDevice;
        this.sw = sw;
    }

    /** @return true if the abort was dealt with here and the guest can be re-entered */
    boolean handle(Stage2Faults s2) {
        long esr = cpu.sys[cpu.iEsr2];
        int ec = Esr.ec(esr);
        if (ec != Ec.DABT_LOW && ec != Ec.IABT_LOW) {
            return false;
        }
        int iss = Esr.iss(esr);
        int type = iss & FSC_TYPE;
        if (type != 0x04 && type != 0x08 && type != 0x0C && type != 0x00) {
            return false;
        }
        long far = cpu.sys[cpu.iFar2];
        long ipa = Esr.faultIpa(cpu.sys[cpu.iHpfar2], far);
        boolean s1ptw = (iss & Esr.ISS_S1PTW) != 0;
        boolean exec = ec == Ec.IABT_LOW;
        if (isDevice.test(ipa) && !s1ptw) {
            return false; // MMIO (or a fetch from a device, which the exit decoder fails)
        }
        boolean write = !exec && !s1ptw && (iss & Esr.ISS_WNR) != 0;
        if (s2.resolve(ipa, write, exec)) {
            return true;
        }
        long elr = sw.exitElr();
        sw.withGuestView(() -> {
            // kvm_inject_dabt/pabt: a synchronous external abort at the guest's current EL, FAR = the faulting VA
            boolean low = cpu.el == 0;
            int guestEc = exec ? (low ? Ec.IABT_LOW : Ec.IABT_CUR) : (low ? Ec.DABT_LOW : Ec.DABT_CUR);
            Exceptions.takeSync(cpu, guestEc, (write ? Esr.ISS_WNR : 0) | Esr.DFSC_SEA, far, elr);
        });
        return true;
    }
}
