package org.polyvisor.spi;

/** The kind of memory access a translation is for. */
public enum AccessType {
    READ, WRITE, EXECUTE
}
