package org.polyvisor.testarch;

/**
 * The toy instruction set: 8-byte little-endian instructions {@code [op u8][reg u8][reg2 u8][pad u8][imm u32]},
 * eight 32-bit registers, RAM at 0, a UART at {@link #UART_BASE}.
 */
public final class ToyIsa {
    public static final int EM_TOY = 0x7079; // "py": not a real machine, so no real ELF is mistaken for a toy one
    public static final long RAM_BASE = 0;
    public static final long LOAD_ADDRESS = 0x1000;
    public static final long UART_BASE = 0x1000_0000L;
    public static final long UART_SIZE = 0x1000;
    /** UART register offsets: write a byte to DATA; STATUS reads the number of bytes written so far. */
    public static final int UART_DATA = 0;
    public static final int UART_STATUS = 4;

    public static final int LI = 0x01;     // r = imm
    public static final int ADDI = 0x02;   // r += imm
    public static final int OUT = 0x03;    // UART DATA <- low byte of r (an MMIO write exit)
    public static final int IN = 0x04;     // r <- UART STATUS (an MMIO read exit)
    public static final int BNZ = 0x05;    // if r != 0: pc = imm
    public static final int HCALL = 0x06;  // exit class "HCALL", imm in the exit; handled by a whiteboard handler
    public static final int HALT = 0x07;   // power off with status imm
    public static final int STORE = 0x08;  // mem32[imm] = r
    public static final int LOAD = 0x09;   // r = mem32[imm]
    public static final int MYSTERY = 0x0A; // exit class "MYSTERY": no handler exists for it
    public static final int WFI = 0x0B;    // sleep until kicked (tests pause latency of a sleeping vCPU)
    public static final int ADD = 0x0C;    // r += reg2
    public static final int XOR = 0x0D;    // r ^= reg2
    public static final int SHL = 0x0E;    // r <<= imm
    public static final int SHR = 0x0F;    // r >>>= imm
    public static final int MUL = 0x10;    // r *= reg2

    public static final int MW = 0x11;     // MMIO write: mem32 at device address imm <- r
    public static final int MR = 0x12;     // MMIO read: r <- device address imm
    public static final int STX = 0x13;    // mem32[reg2 + imm] = r (indexed store: guests that sweep memory)
    public static final int LDX = 0x14;    // r = mem32[reg2 + imm]

    /** The toy counter device of the toy-counter extension: writes add to the counter, reads return it. */
    public static final long COUNTER_BASE = 0x1000_1000L;

    public static final int REGISTERS = 8;

    private ToyIsa() {
    }
}
