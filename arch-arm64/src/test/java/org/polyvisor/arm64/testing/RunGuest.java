package org.polyvisor.arm64.testing;

import java.nio.file.Path;

/** Command-line runner for one guest ELF (development aid): prints the console and the exit status. */
public final class RunGuest {
    private RunGuest() {
    }

    public static void main(String[] args) {
        LocalVm.Result r = LocalVm.run(Path.of(args[0]), args.length > 1 ? Long.parseLong(args[1]) : 20_000);
        System.out.print(r.console());
        System.out.println("[status=" + r.status() + " failure=" + r.failure() + " insns=" + r.instructions()
                + " ms=" + r.nanos() / 1_000_000 + "]");
    }
}
