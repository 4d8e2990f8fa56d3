package org.polyvisor.distribution;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Runs Gogo command lines through the framework's CommandProcessor service, by reflection (the Gogo API is not on
 * the test class path, only inside the framework).
 */
final class Gogo {
    private Gogo() {
    }

    /** Runs a command; returns what it printed plus its formatted value. A failing command (one that throws, or a pv:
     * command that prints on stderr and returns nothing) throws with its message. */
    static String run(BundleContext ctx, String command) throws Exception {
        ServiceReference<?> ref = ctx.getServiceReference("org.apache.felix.service.command.CommandProcessor");
        if (ref == null) {
            throw new IllegalStateException("no Gogo CommandProcessor service");
        }
        Object processor = ctx.getService(ref);
        try {
            Class<?> api = ref.getBundle().loadClass("org.apache.felix.service.command.CommandProcessor");
            Class<?> sessionApi = ref.getBundle().loadClass("org.apache.felix.service.command.CommandSession");
            Method create = api.getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Object session = create.invoke(processor, new ByteArrayInputStream(new byte[0]), out, err);
            try {
                Object value;
                try {
                    value = sessionApi.getMethod("execute", CharSequence.class).invoke(session, command);
                } catch (InvocationTargetException e) {
                    throw new CommandFailed(command, e.getCause(), err.toString(StandardCharsets.UTF_8));
                }
                String errText = err.toString(StandardCharsets.UTF_8);
                if (value == null && !errText.isBlank()) {
                    // a pv: command that fails prints its message on stderr and returns nothing
                    throw new CommandFailed(command, errText.strip());
                }
                String formatted = value == null ? "" : String.valueOf(sessionApi.getMethod("format", Object.class,
                        int.class).invoke(session, value, 0 /* Converter.INSPECT */));
                return out.toString(StandardCharsets.UTF_8) + formatted;
            } finally {
                sessionApi.getMethod("close").invoke(session);
            }
        } finally {
            ctx.ungetService(ref);
        }
    }

    /** A Gogo command that threw; the message is the command's own. */
    static final class CommandFailed extends Exception {
        private static final long serialVersionUID = 1L;

        CommandFailed(String command, String err) {
            super(err);
            addSuppressed(new Exception("gogo '" + command + "' printed only on stderr"));
        }

        CommandFailed(String command, Throwable cause, String err) {
            super(String.valueOf(cause.getMessage()), cause);
            addSuppressed(new Exception("gogo '" + command + "' stderr: " + err));
        }
    }
}
