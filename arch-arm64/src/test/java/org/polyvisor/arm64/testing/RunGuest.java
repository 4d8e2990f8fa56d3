package org.polyvisor.arm64.testing;

import java.nio.file.Path;

/** Command-line runner for one guest ELF (development aid): prints the console and the exit status. */
public final class RunGuest {
    private RunGuest() {
    }

    public static void main(String[] args) {
        LocalVm vm = new LocalVm(org.polyvisor.elf.ElfImage.read(Path.of(args[0])), 128L << 20);
        LocalVm.Result r = vm.run(args.length > 1 ? Long.parseLong(args[1]) : 20_000);
        var cpu = ((org.polyvisor.arm64.internal.machine.Arm64Vcpu) vm.machine().vcpu(0)).cpu();
        System.err.println("slow accesses " + cpu.slowAccesses + " blocks decoded " + cpu.blocks.decodedBlocks());
        System.out.print(r.console());
        System.out.println("[status=" + r.status() + " failure=" + r.failure() + " insns=" + r.instructions()
                + " ms=" + r.nanos() / 1_000_000 + "]");
    }
}
