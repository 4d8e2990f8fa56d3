package org.polyvisor.arm64.testing;

import java.nio.file.Path;

import org.polyvisor.arm64.internal.exec.Core;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.elf.ElfImage;

/** Command-line runner for one guest ELF (development aid): prints the console and the exit status. */
public final class RunGuest {
    private RunGuest() {
    }

    public static void main(String[] args) {
        LocalVm vm = new LocalVm(ElfImage.read(Path.of(args[0])), 128L << 20);
        LocalVm.Result r = vm.run(args.length > 1 ? Long.parseLong(args[1]) : 20_000);
        Core core = ((Arm64Vcpu) vm.machine().vcpu(0)).core();
        System.err.println("slow accesses " + core.cpu.slowAccesses + " blocks decoded "
                + core.blocks.decodedBlocks());
        System.out.print(r.console());
        System.out.println("[status=" + r.status() + " failure=" + r.failure() + " insns=" + r.instructions()
                + " ms=" + r.nanos() / 1_000_000 + "]");
    }
}
