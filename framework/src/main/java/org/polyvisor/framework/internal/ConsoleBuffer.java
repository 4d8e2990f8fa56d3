package org.polyvisor.framework.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

import org.polyvisor.spi.ConsoleSink;

/**
 * A VM's console: keeps the last {@value #CAPACITY} bytes for {@code pv:console} and forwards every byte to the
 * attached sinks (the headless runner's stdout). Owned by the framework, so output continues across a swap.
 */
final class ConsoleBuffer implements ConsoleSink {
    static final int CAPACITY = 64 * 1024;
    private final byte[] ring = new byte[CAPACITY];
    private long written;
    private final CopyOnWriteArrayList<IntConsumer> sinks = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Integer> input = new ConcurrentLinkedQueue<>();

    @Override
    public void write(int b) {
        synchronized (ring) {
            ring[(int) (written++ % CAPACITY)] = (byte) b;
        }
        for (IntConsumer s : sinks) {
            s.accept(b & 0xFF);
        }
    }

    @Override
    public int read() {
        Integer b = input.poll();
        return b == null ? -1 : b;
    }

    void type(byte[] bytes) {
        for (byte b : bytes) {
            input.add(b & 0xFF);
        }
    }

    AutoCloseable attach(IntConsumer sink) {
        sinks.add(sink);
        return () -> sinks.remove(sink);
    }

    byte[] tail() {
        synchronized (ring) {
            int n = (int) Math.min(written, CAPACITY);
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = ring[(int) ((written - n + i) % CAPACITY)];
            }
            return out;
        }
    }
}
