package org.polyvisor.testarch.internal;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.api.VmConfig;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.MmioDevice;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.VmExtension;
import org.polyvisor.testarch.ToyIsa;

/**
 * A VM extension with state: a counter device at {@link ToyIsa#COUNTER_BASE} in every toy VM. Writes add to the
 * counter, reads return it. Its state must survive a swap of the bundle that provides it.
 */
@Component(property = VmExtension.PROPERTY + "=toy-counter")
public final class ToyCounterExtension implements VmExtension {
    @Override
    public String id() {
        return "toy-counter";
    }

    @Override
    public boolean appliesTo(VmConfig config) {
        return config.arch().equals("test");
    }

    @Override
    public Attachment attach(MachineContext context) {
        Counter device = new Counter();
        context.mmio().map(GuestPhysicalAddress.of(ToyIsa.COUNTER_BASE), 0x100, device);
        return new Attachment() {
            @Override
            public StateSnapshot exportState() {
                return StateSnapshot.builder("toy-counter", 1).value("count", device.count).build();
            }

            @Override
            public void importState(StateSnapshot state) {
                device.count = state.requireKind("toy-counter", 1).value("count");
            }

            @Override
            public void close() {
                context.mmio().unmap(device);
            }
        };
    }

    private static final class Counter implements MmioDevice {
        long count;

        @Override
        public String name() {
            return "toy-counter";
        }

        @Override
        public long read(long offset, int size) {
            return count & 0xFFFF_FFFFL;
        }

        @Override
        public void write(long offset, int size, long value) {
            count += value;
        }
    }
}
