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
        ExitDispatcher d = new ExitDispatcher(new ExitObservers());
        d.add(a, "arm64", new String[] {"HVC64", "SMC64"}, 0);
        d.add(b, "arm64", new String[] {"HVC64"}, 0);
        assertSame(a, d.lookup("arm64", null, "HVC64"));
        d.add(b, "arm64", new String[] {"SMC64"}, 5);
        assertSame(b, d.lookup("arm64", null, "SMC64"));
        assertNull(d.lookup("ppc-booke", null, "HVC64"));
    }

    /** A handler whose class another class loader defines: a second revision of an architecture bundle. */
    public static final class OtherRevisionHandler implements ExitHandler {
        @Override
        public ExitAction handle(org.polyvisor.spi.ExitContext context, org.polyvisor.spi.Exit.ArchExit exit) {
            return ExitAction.RESUME;
        }
    }

    private static ClassLoader otherRevision() {
        return new ClassLoader(ExitDispatcherTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.equals(OtherRevisionHandler.class.getName())) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c != null) {
                        return c;
                    }
                    try (var in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        byte[] b = in.readAllBytes();
                        return defineClass(name, b, 0, b.length);
                    } catch (java.io.IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
            }
        };
    }

    @Test
    void equalRankingPrefersTheHandlerOfTheArchitecturesOwnRevision() throws Exception {
        ClassLoader newRevision = otherRevision();
        ExitHandler oldHandler = new OtherRevisionHandler();
        ExitHandler newHandler = (ExitHandler) newRevision.loadClass(OtherRevisionHandler.class.getName())
                .getConstructor().newInstance();
        ExitDispatcher d = new ExitDispatcher(new ExitObservers());
        d.add(oldHandler, "arm64", new String[] {"HVC64"}, 0);
        d.add(newHandler, "arm64", new String[] {"HVC64"}, 0);
        ClassLoader oldRevision = OtherRevisionHandler.class.getClassLoader();
        assertSame(oldHandler, d.lookup("arm64", oldRevision, "HVC64"));
        assertSame(newHandler, d.lookup("arm64", newRevision, "HVC64"));
        assertSame(oldHandler, d.lookup("arm64", null, "HVC64"), "no own handler: the earlier registration");
        org.junit.jupiter.api.Assertions.assertTrue(d.selects("arm64", newRevision, newHandler));
        org.junit.jupiter.api.Assertions.assertFalse(d.selects("arm64", oldRevision, newHandler));
        d.add(a, "arm64", new String[] {"HVC64"}, 1);
        assertSame(a, d.lookup("arm64", newRevision, "HVC64"), "ranking still comes first");
    }

    @Test
    void removedClassesAreReportedMissingUntilReplaced() {
        ExitDispatcher d = new ExitDispatcher(new ExitObservers());
        d.add(a, "arm64", new String[] {"HVC64"}, 0);
        d.remove(a);
        assertEquals(List.of("HVC64"), d.missingClasses("arm64"));
        d.add(b, "arm64", new String[] {"HVC64"}, 0);
        assertEquals(List.of(), d.missingClasses("arm64"));
        assertSame(b, d.lookup("arm64", null, "HVC64"));
    }
}
