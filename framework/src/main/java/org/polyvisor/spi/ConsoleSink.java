package org.polyvisor.spi;

import org.osgi.annotation.versioning.ProviderType;

/** Receives bytes the guest sends to its console UART, in order. Implemented by the framework. */
@ProviderType
public interface ConsoleSink {
    /**
     * One byte the guest sent to its console.
     *
     * @param b the byte, 0..255
     */
    void write(int b);

    /**
     * The next byte typed into the console, for a UART's receive side.
     *
     * @return the byte 0..255, or -1 when none is waiting
     */
    int read();
}
