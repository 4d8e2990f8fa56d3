package org.polyvisor.framework.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.spi.ExitObserver;

/** Observers see every exit around its handler and can neither change nor stop what the handler decided. */
class ExitObserversTest {
    private final ExitContext context = mock(ExitContext.class);
    private final Exit.ArchExit exit = () -> "HVC64";
    private final ExitHandler handler = mock(ExitHandler.class);
    private final ExitAction.Fail decided = new ExitAction.Fail("the handler's own decision");

    @Test
    void withoutObserversTheHandlerAloneDecides() {
        when(handler.handle(context, exit)).thenReturn(decided);
        assertSame(decided, new ExitObservers().handle(handler, context, exit));
        verify(handler).handle(context, exit);
    }

    @Test
    void observersRunInRegistrationOrderAroundTheHandlerAndSeeItsAction() {
        when(handler.handle(context, exit)).thenReturn(decided);
        ExitObserver first = mock(ExitObserver.class);
        ExitObserver second = mock(ExitObserver.class);
        ExitObservers observers = new ExitObservers();
        observers.add(first);
        observers.add(second);

        assertSame(decided, observers.handle(handler, context, exit));

        InOrder order = inOrder(first, second, handler);
        order.verify(first).exitEntered(context, exit);
        order.verify(second).exitEntered(context, exit);
        order.verify(handler).handle(context, exit);
        order.verify(first).exitHandled(eq(context), eq(exit), eq(decided), anyLong());
        order.verify(second).exitHandled(eq(context), eq(exit), eq(decided), anyLong());
    }

    @Test
    void aThrowingObserverIsRemovedAndTheExitIsHandledAsWithoutIt() {
        when(handler.handle(context, exit)).thenReturn(ExitAction.RESUME);
        ExitObserver broken = mock(ExitObserver.class);
        doThrow(new IllegalStateException("tracer bug")).when(broken).exitEntered(any(), any());
        ExitObserver healthy = mock(ExitObserver.class);
        ExitObservers observers = new ExitObservers();
        observers.add(broken);
        observers.add(healthy);

        assertSame(ExitAction.RESUME, observers.handle(handler, context, exit));
        assertEquals(1, observers.size(), "the broken observer should be gone");
        verify(broken, never()).exitHandled(any(), any(), any(), anyLong());
        verify(healthy).exitHandled(eq(context), eq(exit), eq(ExitAction.RESUME), anyLong());

        observers.handle(handler, context, exit);
        verify(broken).exitEntered(any(), any()); // once, from the first exit only
    }

    @Test
    void removingAnObserverStopsItsCallsAndRemovingTwiceIsHarmless() {
        when(handler.handle(context, exit)).thenReturn(ExitAction.RESUME);
        ExitObserver o = mock(ExitObserver.class);
        ExitObservers observers = new ExitObservers();
        observers.add(o);
        assertTrue(observers.remove(o));
        assertTrue(!observers.remove(o), "a second remove finds nothing");
        observers.handle(handler, context, exit);
        verify(o, never()).exitEntered(any(), any());
    }
}
