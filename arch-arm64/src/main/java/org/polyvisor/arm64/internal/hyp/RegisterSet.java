package org.polyvisor.arm64.internal.hyp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.polyvisor.arm64.internal.cpu.Cpu;

/**
 * A fixed list of physical registers with a save area, resolved to slots once so that saving and restoring is a
 * few array copies (the shape of KVM's __sysreg_save_el1_state / __sysreg_restore_el1_state). The area holds the
 * registers stored in the CPU model's array first (in the requested order, which {@link #names()} keeps), then the stack
 * pointers (one bank sync for both), then any other host-only register.
 */
public final class RegisterSet {
    /**
     * The shortest run worth a System.arraycopy. The sets the VHE world switch copies on every exit (traps, the few
     * eager registers) are registers in runs of one or two: an arraycopy per run (a stub call and its range checks)
     * cost more than the copy itself and made RegisterSet.restore the largest item of the exit path in JFR, while the
     * nVHE context (EL1 tables in long runs) is faster with it.
     */
    private static final int LONG_RUN = 4;
    private final List<String> names;
    /** Runs of at least {@link #LONG_RUN} neighbours: copied with System.arraycopy. */
    private final int[] runFrom;
    private final int[] runAt;
    private final int[] runLen;
    /** Registers in shorter runs: array slot and area position, copied one by one. */
    private final int[] oneFrom;
    private final int[] oneAt;
    private final int sp0Pos;
    private final int sp1Pos;
    private final int[] otherSlot;
    private final int otherBase;
    private final long[] sys;
    private final Cpu cpu;

    /** A set whose save area follows the CPU model's storage order (fewest copies); see {@link #names()}. */
    public RegisterSet(PhysicalCpu hw, List<String> requested) {
        this(hw, requested, true);
    }

    /**
     * @param byStorage true: lay the area out in storage order (fewest copies); false: keep the requested order, for
     *                  callers that index the area with fixed positions (the trap configuration)
     */
    public RegisterSet(PhysicalCpu hw, List<String> requested, boolean byStorage) {
        if (byStorage) {
            requested = requested.stream().sorted(Comparator.comparingInt(n -> {
                int s = hw.slot(n);
                return s >= 0 ? s : Integer.MAX_VALUE;
            })).toList();
        }
        List<String> sysNames = new ArrayList<>();
        List<Integer> sysIdx = new ArrayList<>();
        List<String> spNames = new ArrayList<>();
        List<String> otherNames = new ArrayList<>();
        List<Integer> os = new ArrayList<>();
        for (String n : requested) {
            int s = hw.slot(n);
            if (s == PhysicalCpu.NONE) {
                throw new IllegalArgumentException("no physical register " + n);
            }
            if (s >= 0) {
                sysNames.add(n);
                sysIdx.add(s);
            } else if (s == PhysicalCpu.SP_EL0 || s == PhysicalCpu.SP_EL1) {
                spNames.add(n);
            } else {
                otherNames.add(n);
                os.add(s);
            }
        }
        // Registers in the CPU model's array keep the requested order (callers index save areas by it); neighbours
        // in both the list and the array merge into one run, so listing a register table in its own order makes a
        // save or restore a few System.arraycopy calls (short runs: see LONG_RUN).
        List<int[]> runs = new ArrayList<>();
        for (int pos = 0; pos < sysIdx.size(); pos++) {
            int idx = sysIdx.get(pos);
            int[] last = runs.isEmpty() ? null : runs.getLast();
            if (last != null && last[0] + last[2] == idx && last[1] + last[2] == pos) {
                last[2]++;
            } else {
                runs.add(new int[] {idx, pos, 1});
            }
        }
        List<int[]> longRuns = runs.stream().filter(r -> r[2] >= LONG_RUN).toList();
        runFrom = longRuns.stream().mapToInt(r -> r[0]).toArray();
        runAt = longRuns.stream().mapToInt(r -> r[1]).toArray();
        runLen = longRuns.stream().mapToInt(r -> r[2]).toArray();
        List<int[]> ones = new ArrayList<>();
        for (int[] r : runs) {
            for (int i = 0; r[2] < LONG_RUN && i < r[2]; i++) {
                ones.add(new int[] {r[0] + i, r[1] + i});
            }
        }
        oneFrom = ones.stream().mapToInt(o -> o[0]).toArray();
        oneAt = ones.stream().mapToInt(o -> o[1]).toArray();
        List<String> all = new ArrayList<>(sysNames);
        all.addAll(spNames);
        all.addAll(otherNames);
        names = List.copyOf(all);
        int sysCount = sysNames.size();
        sp0Pos = spNames.contains("SP_EL0") ? sysCount + spNames.indexOf("SP_EL0") : -1;
        sp1Pos = spNames.contains("SP_EL1") ? sysCount + spNames.indexOf("SP_EL1") : -1;
        otherSlot = os.stream().mapToInt(Integer::intValue).toArray();
        otherBase = sysCount + spNames.size();
        cpu = hw.cpu();
        sys = cpu.sys;
    }

    /** Number of copy steps a save or restore takes: array copies plus registers copied alone (layout tests). */
    public int runs() {
        return runFrom.length + oneFrom.length;
    }

    /** Register names in save-area order. */
    public List<String> names() {
        return names;
    }

    public int size() {
        return names.size();
    }

    /** Copies the physical registers into {@code area} (indexed like {@link #names()}). */
    public void save(PhysicalCpu hw, long[] area) {
        for (int r = 0; r < runFrom.length; r++) {
            System.arraycopy(sys, runFrom[r], area, runAt[r], runLen[r]);
        }
        for (int i = 0; i < oneFrom.length; i++) {
            area[oneAt[i]] = sys[oneFrom[i]];
        }
        if (sp0Pos >= 0 || sp1Pos >= 0) {
            cpu.syncSp();
            if (sp0Pos >= 0) {
                area[sp0Pos] = cpu.spEl0;
            }
            if (sp1Pos >= 0) {
                area[sp1Pos] = cpu.spEl1;
            }
        }
        for (int i = 0; i < otherSlot.length; i++) {
            area[otherBase + i] = hw.get(otherSlot[i]);
        }
    }

    /** Writes {@code area} back into the physical registers. */
    public void restore(PhysicalCpu hw, long[] area) {
        for (int r = 0; r < runFrom.length; r++) {
            System.arraycopy(area, runAt[r], sys, runFrom[r], runLen[r]);
        }
        for (int i = 0; i < oneFrom.length; i++) {
            sys[oneFrom[i]] = area[oneAt[i]];
        }
        if (sp0Pos >= 0 || sp1Pos >= 0) {
            cpu.syncSp();
            if (sp0Pos >= 0) {
                cpu.spEl0 = area[sp0Pos];
            }
            if (sp1Pos >= 0) {
                cpu.spEl1 = area[sp1Pos];
            }
            cpu.setElSp(cpu.el, cpu.spSel); // the active stack pointer comes from its (new) bank
        }
        for (int i = 0; i < otherSlot.length; i++) {
            hw.setRaw(otherSlot[i], area[otherBase + i]);
        }
    }
}
