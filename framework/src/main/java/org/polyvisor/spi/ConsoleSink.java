package org.polyvisor.spi;

import org.osgi.annotation.versioning.ProviderType;

/** Receives bytes the guest sends to its console UART, in order. Implemented by the framework. */
@ProviderType
public interface ConsoleSink {
    void write(int b);

    /** Bytes typed into the console, or -1 when none is waiting (for a UART's receive side). */
    int read();
}
