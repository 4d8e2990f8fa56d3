package org.polyvisor.arm64.internal.cpu.sysreg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegAccess;
import org.polyvisor.arm64.spi.SysRegState;
import org.polyvisor.arm64.spi.SysRegTable;

/**
 * The merged system-register tables of one CPU model: lookup by encoding (for MRS/MSR/SYS) and by name (for the
 * model itself and state snapshots), storage-slot numbering and the static per-EL access rule.
 */
public final class SysRegFile {
    private final int[] indexByKey = new int[1 << 16];
    private final List<SysReg> list = new ArrayList<>();
    private final Map<String, Integer> byName = new HashMap<>();
    private final List<SysRegTable> tables;

    public SysRegFile(List<SysRegTable> tables) {
        this.tables = List.copyOf(tables);
        Arrays.fill(indexByKey, -1);
        for (SysRegTable t : tables) {
            for (SysReg r : t.registers()) {
                if (byName.containsKey(r.name())) {
                    throw new IllegalArgumentException("system register " + r.name() + " from table " + t.name()
                            + " is already defined");
                }
                int idx = list.size();
                list.add(r);
                byName.put(r.name(), idx);
                if (r.access() != 0) {
                    if (indexByKey[r.key()] >= 0) {
                        throw new IllegalArgumentException("encoding of " + r.name() + " (table " + t.name()
                                + ") is already used by " + list.get(indexByKey[r.key()]).name());
                    }
                    indexByKey[r.key()] = idx;
                }
            }
        }
    }

    /** The tables of the Cortex-A57 model with a modelled EL2. */
    public static SysRegFile cortexA57() {
        return cortexA57(List.of());
    }

    /** The Cortex-A57 tables followed by tables contributed by features. */
    public static SysRegFile cortexA57(List<SysRegTable> extra) {
        List<SysRegTable> t = new ArrayList<>(List.of(new SpecialRegisters(), new El1Registers(), new IdRegisters(),
                new TimerRegisters(), new El2Registers(), new CacheTlbOps()));
        t.addAll(extra);
        return new SysRegFile(t);
    }

    public int size() {
        return list.size();
    }

    public int index(String name) {
        Integer i = byName.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no system register " + name);
        }
        return i;
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** Storage index for an MRS/MSR/SYS encoding key, or -1 when no register has it (UNDEFINED). */
    public int indexOfKey(int key) {
        return indexByKey[key];
    }

    /** The tables merged here, in order (their export and restore callbacks run with the PE's state). */
    public List<SysRegTable> tables() {
        return tables;
    }

    public SysReg get(int index) {
        return list.get(index);
    }

    public List<SysReg> all() {
        return List.copyOf(list);
    }

    public void reset(long[] storage) {
        for (int i = 0; i < list.size(); i++) {
            storage[i] = list.get(i).reset();
        }
    }

    /** Static access rule for the current EL, then the register's dynamic check. */
    public SysRegAccess check(SysRegState cpu, SysReg r, boolean read) {
        int need = cpu.currentEl() == 0 ? (read ? SysReg.EL0_R : SysReg.EL0_W) : (read ? SysReg.EL1_R : SysReg.EL1_W);
        if ((r.access() & need) == 0) {
            return SysRegAccess.UNDEFINED;
        }
        return r.check() == null ? SysRegAccess.OK : r.check().check(cpu, read);
    }
}
