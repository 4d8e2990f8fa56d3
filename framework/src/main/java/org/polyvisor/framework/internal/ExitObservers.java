package org.polyvisor.framework.internal;

import java.util.Arrays;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.spi.ExitObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ExitObserver} whiteboard: a copy-on-write array read by the vCPU threads through a volatile field, so
 * the exit path takes no lock and, with no observer registered, costs one volatile read and allocates nothing.
 * Unlike exit handlers, observers come and go without pausing any VM: they take no part in what the guest sees.
 */
@Singleton
final class ExitObservers {
    private static final Logger LOG = LoggerFactory.getLogger(ExitObservers.class);
    private static final ExitObserver[] NONE = {};

    private volatile ExitObserver[] current = NONE;

    @Inject
    ExitObservers() {
    }

    synchronized void add(ExitObserver observer) {
        ExitObserver[] next = Arrays.copyOf(current, current.length + 1);
        next[next.length - 1] = observer;
        current = next;
    }

    synchronized boolean remove(ExitObserver observer) {
        ExitObserver[] cur = current;
        for (int i = 0; i < cur.length; i++) {
            if (cur[i] == observer) {
                ExitObserver[] next = new ExitObserver[cur.length - 1];
                System.arraycopy(cur, 0, next, 0, i);
                System.arraycopy(cur, i + 1, next, i, cur.length - i - 1);
                current = next.length == 0 ? NONE : next;
                return true;
            }
        }
        return false;
    }

    int size() {
        return current.length;
    }

    /**
     * Runs the handler, with the observers around it when there are any. The fast path (no observer) is a plain
     * call; the observed path is a separate method so the fast one stays small enough to inline.
     */
    ExitAction handle(ExitHandler handler, ExitContext context, Exit.ArchExit exit) {
        ExitObserver[] observers = current;
        if (observers.length == 0) {
            return handler.handle(context, exit);
        }
        return observed(observers, handler, context, exit);
    }

    private ExitAction observed(ExitObserver[] observers, ExitHandler handler, ExitContext context,
            Exit.ArchExit exit) {
        boolean dropped = false;
        for (ExitObserver o : observers) {
            try {
                o.exitEntered(context, exit);
            } catch (RuntimeException | LinkageError e) {
                drop(o, context, e);
                dropped = true;
            }
        }
        long start = System.nanoTime();
        ExitAction action = handler.handle(context, exit);
        long nanos = System.nanoTime() - start;
        ExitObserver[] after = dropped ? current : observers; // a dropped observer gets no second call
        for (ExitObserver o : observers) {
            if (after != observers && !contains(after, o)) {
                continue;
            }
            try {
                o.exitHandled(context, exit, action, nanos);
            } catch (RuntimeException | LinkageError e) {
                drop(o, context, e);
            }
        }
        return action;
    }

    private static boolean contains(ExitObserver[] observers, ExitObserver o) {
        for (ExitObserver x : observers) {
            if (x == o) {
                return true;
            }
        }
        return false;
    }

    /**
     * An observer must not change what the guest sees, so its failure must not stop the VM either: it goes, the VM
     * continues. (LinkageError: a call into a bundle that was uninstalled while the call was under way.)
     */
    private void drop(ExitObserver observer, ExitContext context, Throwable e) {
        if (remove(observer)) {
            LOG.warn("exit observer {} removed after it failed on an exit of VM {}: {}",
                    observer.getClass().getName(), context.vmId(), e.toString(), e);
        }
    }
}
