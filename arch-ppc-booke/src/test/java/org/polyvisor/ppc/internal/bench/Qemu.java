package org.polyvisor.ppc.internal.bench;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs an ELF on qemu-system-ppc -M ppce500 -cpu e500mc and returns its console bytes. */
public final class Qemu {
    private Qemu() {
    }

    public static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "qemu-system-ppc"))) {
                return true;
            }
        }
        return false;
    }

    public static byte[] run(Path elf, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("qemu-system-ppc", "-M", "ppce500", "-cpu", "e500mc", "-nographic", "-nic", "none",
                "-no-reboot", "-kernel", elf.toString()).redirectErrorStream(false).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // process killed
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            reader.join();
            throw new IOException("qemu-system-ppc did not finish " + elf.getFileName() + " within " + timeoutSeconds + " s");
        }
        reader.join();
        return out.toByteArray();
    }
}
