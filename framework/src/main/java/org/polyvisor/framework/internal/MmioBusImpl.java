package org.polyvisor.framework.internal;

import java.util.Arrays;
import java.util.Comparator;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.api.VmException;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.MmioBus;
import org.polyvisor.spi.MmioDevice;

/** A VM's device bus: a small sorted array of ranges, replaced copy-on-write so lookups never lock. */
final class MmioBusImpl implements MmioBus {
    private record Range(long base, long size, MmioDevice device) {
        boolean contains(long a) {
            return a - base >= 0 && a - base < size;
        }
    }

    private final int vmId;
    private final GuestMemory memory;
    private volatile Range[] ranges = new Range[0];

    MmioBusImpl(int vmId, GuestMemory memory) {
        this.vmId = vmId;
        this.memory = memory;
    }

    @Override
    public synchronized void map(GuestPhysicalAddress base, long size, MmioDevice device) {
        long b = base.value();
        if (size <= 0) {
            throw new VmException("VM " + vmId + ": device " + device.name() + " at " + base + " has size " + size);
        }
        for (Range r : ranges) {
            if (b < r.base + r.size && r.base < b + size) {
                throw new VmException("VM " + vmId + ": device " + device.name() + " at " + base + " (0x"
                        + Long.toHexString(size) + " bytes) overlaps device " + r.device.name() + " at 0x"
                        + Long.toHexString(r.base));
            }
        }
        if (memory.isRam(b) || memory.isRam(b + size - 1)) {
            throw new VmException("VM " + vmId + ": device " + device.name() + " at " + base + " overlaps guest RAM "
                    + memory.slots());
        }
        Range[] next = Arrays.copyOf(ranges, ranges.length + 1);
        next[next.length - 1] = new Range(b, size, device);
        Arrays.sort(next, Comparator.comparingLong(Range::base));
        ranges = next;
    }

    @Override
    public boolean isMapped(GuestPhysicalAddress address) {
        return find(address.value()) != null;
    }

    private Range find(long a) {
        for (Range r : ranges) {
            if (r.contains(a)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public long read(GuestPhysicalAddress address, int size) {
        Range r = require(address, size, "read");
        return r.device.read(address.value() - r.base, size);
    }

    @Override
    public void write(GuestPhysicalAddress address, int size, long value) {
        Range r = require(address, size, "write");
        r.device.write(address.value() - r.base, size, value);
    }

    private Range require(GuestPhysicalAddress address, int size, String what) {
        Range r = find(address.value());
        if (r == null) {
            throw new VmException("VM " + vmId + ": MMIO " + what + " of " + size + " byte(s) at " + address
                    + " hits no device");
        }
        return r;
    }

    /** Devices in address order (for listings). */
    String describe() {
        StringBuilder sb = new StringBuilder();
        for (Range r : ranges) {
            sb.append(String.format("  0x%09x-0x%09x %s%n", r.base, r.base + r.size - 1, r.device.name()));
        }
        return sb.toString();
    }

    @Override
    public synchronized void unmap(MmioDevice device) {
        ranges = Arrays.stream(ranges).filter(r -> r.device != device).toArray(Range[]::new);
    }

    @Override
    public synchronized void clear() {
        ranges = new Range[0];
    }
}
