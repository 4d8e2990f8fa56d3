package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteOrder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.cpu.SprNum;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.mmu.Mas;
import org.polyvisor.spi.StateSnapshot;

/**
 * The two loaders against one physical TLB entry for the guest PC: the TLB search's execute-permission check (UX for
 * a guest in problem state, SX in supervisor state; lwepx is a data load and checks read permission instead) and its
 * match on MAS6[SPID] and MAS6[SAS] (the entry's TID and TS against the guest's PID and MSR[IS]).
 */
class LastInstPermissionTest {
    private static final int PC = 0x4000_0000;
    private static final int PAGE = 0x3000;
    private static final int TLBSX = 0x7C00_0724;
    private static final int LPID = 1;

    private final GuestMemory mem = new GuestMemory();
    private final Cpu cpu;
    private final int[] out = new int[1];

    LastInstPermissionTest() {
        mem.addSlot(0, GuestPhysicalAddress.of(0), 1 << 20, false);
        mem.write(PAGE, 4, TLBSX & 0xFFFF_FFFFL, ByteOrder.BIG_ENDIAN);
        cpu = new Cpu(mem, false);
    }

    @AfterEach
    void close() {
        mem.close();
    }

    /** The shadow entry of the guest's code page: guest TID and TS, these permissions, tagged with the partition. */
    private void map(int tid, boolean ts, int perms) {
        cpu.tlb.write(0, Mas.MAS1_V | (tid << Mas.MAS1_TID_SHIFT) | (ts ? Mas.MAS1_TS : 0) | Mas.MAS1_TSIZE_4K, PC,
                PAGE | perms, 0, Mas.MAS8_TGS | LPID);
    }

    /** The guest at the exit: PC, PID, and the MSR it had (SRR1) with IS and PR as given. */
    private void guest(int pid, boolean is, boolean pr) {
        cpu.pc = PC;
        cpu.spr[SprNum.PID] = pid;
        cpu.spr[SprNum.SRR1] = Msr.GS | (is ? Msr.IS : 0) | (pr ? Msr.PR : 0);
    }

    private InstLoad search() {
        out[0] = 0;
        return new TlbSearchLoader().load(cpu, LPID, out);
    }

    private InstLoad lwepx() {
        out[0] = 0;
        return new LwepxLoader().load(cpu, LPID, out);
    }

    @Test
    void supervisorWithoutSxFailsTheSearchWhileLwepxOnlyNeedsSr() {
        guest(0, false, false);
        map(0, false, Mas.MAS3_SR | Mas.MAS3_UR | Mas.MAS3_UX);
        assertEquals(InstLoad.NO_EXECUTE, search());
        assertEquals(InstLoad.LOADED, lwepx(), "lwepx is a data load: it does not look at SX");
        assertEquals(TLBSX, out[0]);
        map(0, false, Mas.MAS3_UR | Mas.MAS3_UX);
        assertEquals(InstLoad.LWEPX_FAULT, lwepx(), "no SR: the external-PID load faults");
        map(0, false, Mas.MAS3_SR | Mas.MAS3_SX);
        assertEquals(InstLoad.LOADED, search(), "SX is what the supervisor guest needs");
        assertEquals(TLBSX, out[0]);
    }

    @Test
    void problemStateWithoutUxFailsTheSearchWhileLwepxOnlyNeedsUr() {
        guest(0, false, true);
        map(0, false, Mas.MAS3_SR | Mas.MAS3_SX | Mas.MAS3_UR);
        assertEquals(InstLoad.NO_EXECUTE, search(), "SX does not count for a guest in problem state");
        assertEquals(InstLoad.LOADED, lwepx(), "EPLC[EPR] = SRR1[PR]: lwepx needs UR, which is there");
        assertEquals(TLBSX, out[0]);
        map(0, false, Mas.MAS3_SR | Mas.MAS3_SX | Mas.MAS3_UX);
        assertEquals(InstLoad.LWEPX_FAULT, lwepx(), "no UR: the external-PID load faults");
        assertEquals(InstLoad.LOADED, search(), "UX is what the problem-state guest needs");
    }

    /** Through the exit path: the 2014 patch's answer queues a program interrupt, upstream's resumes the guest. */
    @Test
    void theExitPathAnswersNoExecuteAsTheOptionSays() {
        guest(0, false, true);
        map(0, false, Mas.MAS3_SR | Mas.MAS3_SX | Mas.MAS3_UR);
        Hypervisor fail = new Hypervisor(cpu, mem, LPID, new TlbSearchLoader());
        fail.loadFailurePolicy(new LoadFailurePolicy(true));
        PpcExit e = (PpcExit) fail.handleExit(Ivor.HV_PRIV);
        assertEquals("INST_LOAD_FAIL", e.exitClass());
        assertEquals(InstLoad.NO_EXECUTE.description(), e.reason());
        assertEquals(PC, e.pc());
        assertEquals(0, e.retries());
        assertEquals(1L, pending(fail).value("pending.program"));
        assertEquals(Esr.PIL & 0xFFFF_FFFFL, pending(fail).value("pending.programEsr"));
        assertEquals(1, fail.stats.get(InstLoad.NO_EXECUTE.counter()));

        Hypervisor again = new Hypervisor(cpu, mem, LPID, new TlbSearchLoader());
        assertNull(again.handleExit(Ivor.HV_PRIV), "EMULATE_AGAIN resumes the guest");
        assertEquals(0L, pending(again).value("pending.program"));
        assertEquals(1, again.stats.get("EMULATE_AGAIN"));
        assertEquals(1, again.stats.get(InstLoad.NO_EXECUTE.counter()));
        assertEquals(PC, cpu.pc, "the guest re-executes the instruction");
    }

    private static StateSnapshot pending(Hypervisor h) {
        StateSnapshot.Builder b = StateSnapshot.builder("pending", 1);
        h.interrupts().exportPending(b);
        return b.build();
    }

    @Test
    void bothLoadersMatchTheGuestPidAndAddressSpace() {
        map(5, true, Mas.MAS3_SR | Mas.MAS3_SX);
        guest(5, true, false);
        assertEquals(InstLoad.LOADED, search(), "TID 5, TS 1 for PID 5, MSR[IS] 1");
        assertEquals(TLBSX, out[0]);
        assertEquals(InstLoad.LOADED, lwepx());
        assertEquals(TLBSX, out[0]);

        guest(6, true, false);
        assertEquals(InstLoad.EVICTED, search(), "another PID misses");
        assertEquals(InstLoad.EVICTED, lwepx(), "another PID misses");
        guest(5, false, false);
        assertEquals(InstLoad.EVICTED, search(), "address space 0 misses a TS=1 entry");
        assertEquals(InstLoad.EVICTED, lwepx(), "address space 0 misses a TS=1 entry");

        map(0, true, Mas.MAS3_SR | Mas.MAS3_SX);
        guest(9, true, false);
        assertEquals(InstLoad.LOADED, search(), "TID 0 is global: any PID matches");
        assertEquals(InstLoad.LOADED, lwepx(), "TID 0 is global: any PID matches");
        guest(9, false, false);
        assertEquals(InstLoad.EVICTED, search(), "but the address space still must");
        assertEquals(InstLoad.EVICTED, lwepx(), "but the address space still must");
    }
}
