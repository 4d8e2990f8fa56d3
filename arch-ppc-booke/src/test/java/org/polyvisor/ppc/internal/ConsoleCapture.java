package org.polyvisor.ppc.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/**
 * A guest console sink that tests can wait on: the vCPU thread appends bytes, a test thread waits until the output
 * reaches a length (or a deadline passes) without polling.
 */
public final class ConsoleCapture implements IntConsumer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @Override
    public synchronized void accept(int b) {
        out.write(b);
        notifyAll();
    }

    public synchronized int size() {
        return out.size();
    }

    public synchronized String text() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Waits until at least {@code n} bytes arrived; false if the timeout passed first. */
    public synchronized boolean awaitSize(int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (out.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(left / 1_000_000, (int) (left % 1_000_000));
        }
        return true;
    }
}
