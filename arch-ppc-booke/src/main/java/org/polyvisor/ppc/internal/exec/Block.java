package org.polyvisor.ppc.internal.exec;

/**
 * A compiled guest basic block (a hidden class made by {@link BlockCompiler}). Runs the block's instructions on the
 * CPU and returns how many it executed, including one that raised an interrupt or asked to stop.
 */
public interface Block {
    int run(Cpu c);
}
