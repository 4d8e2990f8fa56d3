package org.polyvisor.device.pl031.internal;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.api.VmConfig;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.VmExtension;

/**
 * Puts a PL031 real-time clock into every arm64 VM, where QEMU's virt machine has it (0x0901_0000, 4 KiB). A device
 * of its own bundle: updating or swapping this bundle while VMs run exports each clock's state through the old code
 * and imports it into the new one, so the guest's time and alarm registers carry on.
 */
@Component(property = VmExtension.PROPERTY + "=" + Pl031Extension.ID)
public final class Pl031Extension implements VmExtension {
    static final String ID = "pl031";
    static final long BASE = 0x0901_0000L;
    static final long SIZE = 0x1000;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean appliesTo(VmConfig config) {
        return config.arch().equals("arm64");
    }

    @Override
    public Attachment attach(MachineContext context) {
        Pl031 rtc = new Pl031(System::currentTimeMillis);
        context.mmio().map(GuestPhysicalAddress.of(BASE), SIZE, rtc);
        return new Attachment() {
            @Override
            public StateSnapshot exportState() {
                return rtc.exportState();
            }

            @Override
            public void importState(StateSnapshot state) {
                rtc.importState(state);
            }

            @Override
            public void close() {
                context.mmio().unmap(rtc);
            }
        };
    }
}
