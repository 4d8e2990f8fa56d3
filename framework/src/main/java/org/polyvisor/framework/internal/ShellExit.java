package org.polyvisor.framework.internal;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The shell's {@code exit [STATUS]}. Gogo shell 1.1.4's profile makes {@code exit} {@code System.exit} (its
 * {@code addcommand system}); the JVM's shutdown then stops the framework under the shell thread that still waits for
 * the command, and the shell's last words are {@code gogo: InterruptedException: null}. This command is in the
 * {@code gogo} scope, which the profile's {@code SCOPE = 'gogo:*'} searches first, so it wins over
 * {@code system:exit}: it stops the framework (Felix stops the system bundle on a thread of its own, so the command
 * returns first) and leaves the status in {@link #STATUS_PROPERTY} for the launcher ({@code polyvisor shell}), which
 * exits with it once the framework has stopped.
 */
@Component(service = ShellExit.class, property = {"osgi.command.scope=gogo", "osgi.command.function=exit"})
public final class ShellExit {
    /** System property the launcher reads for the process's exit status (the launcher shares no class with us). */
    static final String STATUS_PROPERTY = "polyvisor.shell.exitStatus";
    private final BundleContext context;

    @Activate
    public ShellExit(BundleContext context) {
        this.context = context;
    }

    @Descriptor("stop Polyvisor and leave the shell with status 0")
    public void exit() throws BundleException {
        exit(0);
    }

    @Descriptor("stop Polyvisor and leave the shell")
    public void exit(@Descriptor("the process's exit status") int status) throws BundleException {
        System.setProperty(STATUS_PROPERTY, Integer.toString(status));
        context.getBundle(0).stop();
    }
}
