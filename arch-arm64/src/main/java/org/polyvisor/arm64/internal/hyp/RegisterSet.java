package org.polyvisor.arm64.internal.hyp;

import java.util.ArrayList;
import java.util.List;

/**
 * A fixed list of physical registers with a save area, resolved to slots once so that saving and restoring is a loop
 * over ints (the shape of KVM's __sysreg_save_el1_state / __sysreg_restore_el1_state). Registers stored in the CPU
 * model's array are copied directly; the few special ones go through {@link PhysicalCpu#get}.
 */
public final class RegisterSet {
    private final List<String> names;
    private final int[] sysIdx;
    private final int[] sysPos;
    private final int[] otherSlot;
    private final int[] otherPos;
    private final long[] sys;

    public RegisterSet(PhysicalCpu hw, List<String> names) {
        this.names = List.copyOf(names);
        List<Integer> si = new ArrayList<>();
        List<Integer> sp = new ArrayList<>();
        List<Integer> os = new ArrayList<>();
        List<Integer> op = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int s = hw.slot(names.get(i));
            if (s == PhysicalCpu.NONE) {
                throw new IllegalArgumentException("no physical register " + names.get(i));
            }
            if (s >= 0) {
                si.add(s);
                sp.add(i);
            } else {
                os.add(s);
                op.add(i);
            }
        }
        sysIdx = si.stream().mapToInt(Integer::intValue).toArray();
        sysPos = sp.stream().mapToInt(Integer::intValue).toArray();
        otherSlot = os.stream().mapToInt(Integer::intValue).toArray();
        otherPos = op.stream().mapToInt(Integer::intValue).toArray();
        sys = hw.cpu().sys;
    }

    public List<String> names() {
        return names;
    }

    public int size() {
        return names.size();
    }

    /** Copies the physical registers into {@code area} (indexed like {@link #names()}). */
    public void save(PhysicalCpu hw, long[] area) {
        for (int i = 0; i < sysIdx.length; i++) {
            area[sysPos[i]] = sys[sysIdx[i]];
        }
        for (int i = 0; i < otherSlot.length; i++) {
            area[otherPos[i]] = hw.get(otherSlot[i]);
        }
    }

    /** Writes {@code area} back into the physical registers. */
    public void restore(PhysicalCpu hw, long[] area) {
        for (int i = 0; i < sysIdx.length; i++) {
            sys[sysIdx[i]] = area[sysPos[i]];
        }
        for (int i = 0; i < otherSlot.length; i++) {
            hw.set(otherSlot[i], area[otherPos[i]]);
        }
    }
}
