package org.polyvisor.ppc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulation of a contributed SPR is on the exit path and allocates nothing: featspr runs on the test thread
 * (LocalVm) with a short and a long SPR loop; the long run's extra allocation, spread over its extra emulated moves,
 * must stay under a byte per move (one object per move would be at least 16).
 */
class FeatureSprAllocationTest {
    private static final int SHORT = 10_000;
    private static final int LONG = 1_010_000;

    private static long allocatedByRun(Path elf) {
        var bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = bean.getCurrentThreadAllocatedBytes();
        try (LocalVm vm = new LocalVm(elf, Map.of(), new PpcArchitecture(List.of(new TestSprFeature()))).runToEnd()) {
            assertTrue(vm.console.toString().contains("featspr done"), vm.console.toString());
        }
        return bean.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void emulatedSprMovesDoNotAllocate(@TempDir Path tmp) throws Exception {
        Path shortElf = ElfPatch.patch(GuestRun.elf("featspr"), "feat_rounds", new int[] {SHORT},
                tmp.resolve("short.elf"));
        Path longElf = ElfPatch.patch(GuestRun.elf("featspr"), "feat_rounds", new int[] {LONG},
                tmp.resolve("long.elf"));
        allocatedByRun(shortElf); // warm-up: first-use class initialisation, lambdas, compiled blocks' classes
        long small = allocatedByRun(shortElf);
        long large = allocatedByRun(longElf);
        long extraMoves = 2L * (LONG - SHORT);
        double perMove = (large - small) / (double) extraMoves;
        assertTrue(perMove < 1.0, perMove + " bytes allocated per emulated SPR move (" + small + " bytes for the short"
                + " run, " + large + " for the long one)");
        assertEquals(2_000_000, extraMoves);
    }
}
