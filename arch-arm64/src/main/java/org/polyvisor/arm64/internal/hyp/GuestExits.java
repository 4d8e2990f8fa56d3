package org.polyvisor.arm64.internal.hyp;

import java.util.function.LongPredicate;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Ec;
import org.polyvisor.arm64.internal.cpu.Esr;
import org.polyvisor.spi.Exit;

/**
 * What an exception the guest took to EL2 means to the framework, decided from what the hardware recorded (ESR_EL2,
 * FAR_EL2, HPFAR_EL2), as KVM's handle_exit and kvm_handle_guest_abort do: a stage-2 data abort on an IPA that is
 * no memory but a device is MMIO ({@link MmioSyndrome}); an instruction fetch from a device cannot be run; everything
 * else is an {@link Arm64Exit} named after its exception class for the exit-handler whiteboard.
 */
public final class GuestExits {
    private final Cpu cpu;
    private final LongPredicate isDevice;
    private final MmioSyndrome mmio;
    /** The last exit per exception class, reused while the syndrome repeats (an hvc loop): no allocation per exit. */
    private final Arm64Exit[] last = new Arm64Exit[64];

    public GuestExits(Cpu cpu, LongPredicate isDevice, MmioSyndrome mmio) {
        this.cpu = cpu;
        this.isDevice = isDevice;
        this.mmio = mmio;
    }

    /** The exit for the exception just taken to EL2; {@code elr} is ELR_EL2 at the exit. */
    public Exit decode(long elr) {
        long esr = cpu.sys[cpu.iEsr2];
        int ec = Esr.ec(esr);
        // Fast path, small enough for C2 to inline into the run loop: the same syndrome as the last exit of its class
        // (an hvc loop, a polled register) that is not an abort, which may be MMIO.
        if (ec != Ec.DABT_LOW && ec != Ec.IABT_LOW) {
            Arm64Exit e = last[ec];
            if (e != null && e.esr() == esr && e.far() == cpu.sys[cpu.iFar2] && e.hpfar() == cpu.sys[cpu.iHpfar2]) {
                return e;
            }
        }
        return decodeSlow(elr, esr, ec);
    }

    private Exit decodeSlow(long elr, long esr, int ec) {
        long far = cpu.sys[cpu.iFar2];
        long hpfar = cpu.sys[cpu.iHpfar2];
        if (ec == Ec.DABT_LOW || ec == Ec.IABT_LOW) {
            long ipa = Esr.faultIpa(hpfar, far);
            if (isDevice.test(ipa)) {
                if (ec == Ec.DABT_LOW) {
                    return mmio.decode(cpu, elr);
                }
                return new Exit.Failure("instruction fetch from device memory at IPA 0x" + Long.toHexString(ipa)
                        + " (VA 0x" + Long.toHexString(far) + ")");
            }
        }
        Arm64Exit e = last[ec];
        if (e == null || e.esr() != esr || e.far() != far || e.hpfar() != hpfar) {
            e = new Arm64Exit(Ec.name(ec), esr, far, hpfar);
            last[ec] = e;
        }
        return e;
    }
}
