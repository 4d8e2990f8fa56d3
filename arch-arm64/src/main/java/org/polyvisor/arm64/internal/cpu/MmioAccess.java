package org.polyvisor.arm64.internal.cpu;

/**
 * What the data-abort syndrome (ISV=1) says about a trapped device load, kept until the hypervisor layer completes
 * it: target register (SRT), access size (SAS), sign extension (SSE) and register width (SF).
 */
public final class MmioAccess {
    public boolean pendingRead;
    public int srt;
    public int size;
    public boolean sse;
    public boolean sf;
}
