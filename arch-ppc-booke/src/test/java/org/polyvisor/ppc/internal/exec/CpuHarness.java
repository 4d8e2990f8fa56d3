package org.polyvisor.ppc.internal.exec;

import java.nio.ByteOrder;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.mmu.Mas;
import org.polyvisor.ppc.internal.mmu.TlbArray;

/**
 * A bare e500mc core in hypervisor state with 1 MiB of RAM mapped 1:1 by TLB1[0]: tests put instruction words at
 * 0x1000, end them with {@code sc}, and look at the registers. The system call stops the run (it goes to the
 * hypervisor, which is the test).
 */
public final class CpuHarness implements AutoCloseable {
    public static final int CODE = 0x1000;
    public static final int SC = 0x4400_0002;
    public final GuestMemory memory = new GuestMemory();
    public final Cpu cpu;

    public CpuHarness() {
        memory.addSlot(0, GuestPhysicalAddress.of(0), 1 << 20, false);
        cpu = new Cpu(memory, false);
        // 1 MiB (v1 TSIZE 5) at 0, all permissions, hypervisor entry (TGS = 0)
        cpu.tlb.write(TlbArray.TLB1_BASE, Mas.MAS1_V | (5 << 8), 0, Mas.MAS3_PERMS, 0, 0);
    }

    /** Runs the words (followed by sc) from CODE; returns the interrupt that stopped it (SYSCALL normally). */
    public int run(int... words) {
        for (int i = 0; i < words.length; i++) {
            memory.write(CODE + 4L * i, 4, words[i] & 0xFFFF_FFFFL, ByteOrder.BIG_ENDIAN);
        }
        memory.write(CODE + 4L * words.length, 4, SC & 0xFFFF_FFFFL, ByteOrder.BIG_ENDIAN);
        cpu.codeChanged();
        cpu.pc = CODE;
        return Interpreter.run(cpu, 100_000);
    }

    @Override
    public void close() {
        memory.close();
    }
}
