package org.polyvisor.ppc.internal.hyp;

import static org.polyvisor.ppc.internal.cpu.SprNum.SRR1;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.cpu.SprTable;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.spi.BookeSpr;
import org.polyvisor.ppc.spi.BookeSprAccess;
import org.polyvisor.ppc.spi.BookeSprTable;

/**
 * The SPRs feature bundles contribute ({@link BookeSprTable}) for one vCPU: their descriptors by number, their
 * per-vCPU values, and the emulation of mfspr/mtspr of them. The core does not implement these numbers, so the guest's
 * access raises an illegal-instruction program interrupt, which the hardware directs to the hypervisor; here it is
 * emulated instead of reflected, as KVM's kvmppc_core_emulate_mfspr/mtspr hooks let a core-specific backend claim
 * SPRs the generic code does not know. Indexed by SPR number: no hashing and no allocation on the exit path.
 */
public final class ContributedSprs implements BookeSprAccess {
    /** What {@link #emulate} did. */
    public enum Result {
        /** Not a move of a contributed SPR: the program interrupt goes to the guest as before. */
        NOT_CLAIMED,
        /** Emulated; the PC is past the instruction. */
        DONE,
        /** Not allowed: the guest gets the program interrupt with the ESR in {@link #deniedEsr}. */
        DENIED
    }

    private static final int MFSPR_XO = 339;
    private static final int MTSPR_XO = 467;

    private final BookeSpr[] byNumber = new BookeSpr[1024];
    private final int[] value = new int[1024];
    private final List<BookeSpr> all;
    private final List<String> tableNames;
    private final int vcpuIndex;
    private Cpu cpu;
    /** The ESR of the program interrupt for the last {@link Result#DENIED}. */
    int deniedEsr;

    /**
     * Merges the tables for one vCPU.
     *
     * @throws IllegalArgumentException naming the table and SPR when a table claims an SPR the core implements, or
     *                                  a number or name another table already claims
     */
    public ContributedSprs(List<BookeSprTable> tables, int vcpuIndex) {
        this.vcpuIndex = vcpuIndex;
        List<BookeSpr> regs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Map<String, String> ownerByName = new HashMap<>();
        String[] ownerByNumber = new String[1024];
        for (BookeSprTable t : tables) {
            names.add(t.name());
            for (BookeSpr s : t.registers()) {
                if (SprTable.get(s.number()) != null) {
                    throw new IllegalArgumentException("feature '" + t.name() + "' contributes SPR " + s.name() + " ("
                            + s.number() + "), which the e500mc core implements as " + SprTable.get(s.number()).name()
                            + "; contribute SPR numbers the core does not implement");
                }
                String prev = ownerByNumber[s.number()] != null ? ownerByNumber[s.number()] : ownerByName.get(s.name());
                if (prev != null) {
                    throw new IllegalArgumentException("feature '" + t.name() + "' contributes SPR " + s.name() + " ("
                            + s.number() + "), whose number or name feature '" + prev + "' already contributes;"
                            + " remove one of the two features");
                }
                ownerByNumber[s.number()] = t.name();
                ownerByName.put(s.name(), t.name());
                byNumber[s.number()] = s;
                value[s.number()] = s.reset();
                regs.add(s);
            }
        }
        this.all = Collections.unmodifiableList(regs);
        this.tableNames = List.copyOf(names);
    }

    /** Binds the core whose accesses this emulates (set once by the hypervisor). */
    void attach(Cpu core) {
        this.cpu = core;
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    /** The contributed SPRs, in table order. */
    public List<BookeSpr> registers() {
        return all;
    }

    /** The names of the tables merged here (snapshots record them). */
    public List<String> tableNames() {
        return tableNames;
    }

    /**
     * Emulates {@code inst} (the instruction at the program interrupt) if it moves a contributed SPR; the access
     * rules are the Power ISA's (problem state without user access: privileged-instruction; an access the SPR does
     * not allow: illegal instruction).
     */
    Result emulate(int inst) {
        if ((inst >>> 26) != 31) {
            return Result.NOT_CLAIMED;
        }
        int xo = (inst >>> 1) & 0x3FF;
        if (xo != MFSPR_XO && xo != MTSPR_XO) {
            return Result.NOT_CLAIMED;
        }
        int n = ((inst >>> 16) & 31) | ((inst >>> 6) & 0x3E0);
        BookeSpr s = byNumber[n];
        if (s == null) {
            return Result.NOT_CLAIMED;
        }
        boolean user = problemState();
        boolean read = xo == MFSPR_XO;
        int need = user ? (read ? BookeSpr.USER_READ : BookeSpr.USER_WRITE)
                : (read ? BookeSpr.SUPERVISOR_READ : BookeSpr.SUPERVISOR_WRITE);
        if ((s.access() & need) == 0) {
            deniedEsr = user && (BookeSpr.privileged(n) || (s.access() & (read ? BookeSpr.SUPERVISOR_READ
                    : BookeSpr.SUPERVISOR_WRITE)) != 0) ? Esr.PPR : Esr.PIL;
            return Result.DENIED;
        }
        int rs = (inst >>> 21) & 31;
        if (read) {
            cpu.gpr[rs] = s.read() == null ? value[n] : s.read().read(this);
        } else if (s.write() == null) {
            value[n] = cpu.gpr[rs];
        } else {
            s.write().write(this, cpu.gpr[rs]);
        }
        cpu.pc += 4;
        return Result.DONE;
    }

    @Override
    public int vcpuIndex() {
        return vcpuIndex;
    }

    @Override
    public int raw(int number) {
        return value[check(number)];
    }

    @Override
    public void setRaw(int number, int v) {
        value[check(number)] = v;
    }

    private int check(int number) {
        if (number < 0 || number > 1023 || byNumber[number] == null) {
            throw new IllegalArgumentException("SPR " + number + " is not contributed by an installed feature"
                    + " (contributed: " + all.stream().map(BookeSpr::name).toList() + ")");
        }
        return number;
    }

    @Override
    public boolean problemState() {
        return (cpu.spr[SRR1] & Msr.PR) != 0;
    }

    @Override
    public long timeBase() {
        return cpu.timeBase.now();
    }
}
