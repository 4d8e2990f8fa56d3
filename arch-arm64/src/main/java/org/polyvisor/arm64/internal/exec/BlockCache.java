package org.polyvisor.arm64.internal.exec;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Ec;
import org.polyvisor.arm64.internal.cpu.Exceptions;
import org.polyvisor.arm64.internal.decode.Decoder;
import org.polyvisor.arm64.internal.decode.Encoding;
import org.polyvisor.arm64.internal.decode.Op;
import org.polyvisor.arm64.internal.decode.Specializer;
import org.polyvisor.arm64.internal.mmu.CodePages;
import org.polyvisor.arm64.internal.mmu.DataAccess;

/**
 * Decoded blocks by physical address, with a direct-mapped cache by virtual PC in front (valid for one TLB
 * generation and EL). Pages holding decoded code are write-protected in the TLB, so guest stores to them take the
 * slow path, which invalidates the blocks they overlap (self-modifying code, loaders).
 */
public final class BlockCache implements CodePages {
    private static final Decoder DECODER = Decoder.a64();
    private static final int MAX_BLOCK = 128;
    private static final int VC_BITS = 12;
    private static final int VC_MASK = (1 << VC_BITS) - 1;

    private final Cpu c;
    private final DataAccess m;
    private final Map<Long, Block> byPa = new HashMap<>();
    private final Map<Long, List<Block>> byPage = new HashMap<>();
    private final long[] vcVa = new long[VC_MASK + 1];
    private final int[] vcKey = new int[VC_MASK + 1];
    private final Block[] vcBlock = new Block[VC_MASK + 1];
    private long decodedBlocks;

    BlockCache(Core core) {
        this.c = core.cpu;
        this.m = core.mem;
        Arrays.fill(vcVa, -1);
    }

    /** The block at the current PC, or null when fetching it raised an exception (to EL1 or EL2). */
    public Block lookup(long va) {
        int i = (int) (va >>> 2) & VC_MASK;
        int key = (m.tlbGen << 1) | c.el;
        Block b = vcBlock[i];
        if (b != null && vcVa[i] == va && vcKey[i] == key && b.valid) {
            return b;
        }
        return lookupSlow(va, i, key);
    }

    private Block lookupSlow(long va, int i, int key) {
        if ((va & 3) != 0) {
            Exceptions.takeSync(c, Ec.PC_ALIGN, 0, va, va);
            return null;
        }
        long pa = m.fetchPa(va);
        if (pa < 0) {
            return null;
        }
        Block b = byPa.get(pa);
        if (b == null || !b.valid) {
            b = decode(pa);
        }
        vcVa[i] = va;
        vcKey[i] = key;
        vcBlock[i] = b;
        return b;
    }

    private Block decode(long pa) {
        int[] code = new int[MAX_BLOCK];
        int[] word = new int[MAX_BLOCK];
        long[] imm = new long[MAX_BLOCK];
        int n = 0;
        long a = pa;
        while (n < MAX_BLOCK) {
            int w = (int) m.memory.read(a, 4, ByteOrder.LITTLE_ENDIAN);
            Encoding e = DECODER.decode(w);
            int o = e == null ? Op.UNDEF : Specializer.op(e.op(), w);
            code[n] = (o << 24) | (e == null ? 0 : e.packRegs(w));
            word[n] = w;
            imm[n] = e == null ? 0 : e.decodeImm(w);
            n++;
            a += 4;
            if (endsBlock(o) || (a & 0xFFF) == 0) {
                break;
            }
        }
        Block b = new Block(pa, n, Arrays.copyOf(code, n), Arrays.copyOf(word, n), Arrays.copyOf(imm, n));
        byPa.put(pa, b);
        long ppn = pa >>> 12;
        List<Block> list = byPage.get(ppn);
        if (list == null) {
            list = new ArrayList<>();
            byPage.put(ppn, list);
            m.protectCodePage(ppn);
        }
        list.add(b);
        decodedBlocks++;
        return b;
    }

    static boolean endsBlock(int op) {
        return switch (op) {
            case Op.B, Op.BL, Op.BCOND, Op.CBZ, Op.TBZ, Op.BR, Op.BLR, Op.ERET, Op.SVC, Op.HVC, Op.SMC, Op.BRK,
                 Op.HINT, Op.ISB, Op.MSR_IMM, Op.MSR_REG, Op.SYS, Op.UNDEF, Op.FP -> true;
            default -> false;
        };
    }

    @Override
    public boolean isCodePage(long ppn) {
        return byPage.containsKey(ppn);
    }

    @Override
    public void invalidateRange(long pa, int size) {
        List<Block> list = byPage.get(pa >>> 12);
        if (list == null) {
            return;
        }
        list.removeIf(b -> {
            if (b.pa < pa + size && pa < b.endPa()) {
                b.valid = false;
                byPa.remove(b.pa, b);
                return true;
            }
            return false;
        });
        if (list.isEmpty()) {
            byPage.remove(pa >>> 12);
        }
    }

    /** IC IALLU and friends: forget every decoded block. */
    public void invalidateAll() {
        for (Block b : byPa.values()) {
            b.valid = false;
        }
        byPa.clear();
        byPage.clear();
        Arrays.fill(vcBlock, null);
        Arrays.fill(vcVa, -1);
    }

    public long decodedBlocks() {
        return decodedBlocks;
    }
}
