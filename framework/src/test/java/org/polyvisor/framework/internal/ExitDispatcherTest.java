package org.polyvisor.framework.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitHandler;

class ExitDispatcherTest {
    private final ExitHandler a = (c, e) -> ExitAction.RESUME;
    private final ExitHandler b = (c, e) -> ExitAction.RESUME;

    @Test
    void highestRankingWinsAndTiesGoToTheEarlierRegistration() {
        ExitDispatcher d = new ExitDispatcher();
        d.add(a, "arm64", new String[] {"HVC64", "SMC64"}, 0);
        d.add(b, "arm64", new String[] {"HVC64"}, 0);
        assertSame(a, d.lookup("arm64", "HVC64"));
        d.add(b, "arm64", new String[] {"SMC64"}, 5);
        assertSame(b, d.lookup("arm64", "SMC64"));
        assertNull(d.lookup("ppc-booke", "HVC64"));
    }

    @Test
    void removedClassesAreReportedMissingUntilReplaced() {
        ExitDispatcher d = new ExitDispatcher();
        d.add(a, "arm64", new String[] {"HVC64"}, 0);
        d.remove(a);
        assertEquals(List.of("HVC64"), d.missingClasses("arm64"));
        d.add(b, "arm64", new String[] {"HVC64"}, 0);
        assertEquals(List.of(), d.missingClasses("arm64"));
        assertSame(b, d.lookup("arm64", "HVC64"));
    }
}
