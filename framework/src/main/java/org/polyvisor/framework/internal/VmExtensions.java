package org.polyvisor.framework.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.VmExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One VM's extension bookkeeping: the attached extensions by id, the service instance each came from (two revisions
 * of a bundle may offer the same id), and the saved state of those that are away (swapped out, or not installed
 * when a snapshot was restored).
 */
final class VmExtensions {
    private static final Logger LOG = LoggerFactory.getLogger(VmExtensions.class);

    private final int vmId;
    private final Object lock = new Object();
    private final Map<String, VmExtension.Attachment> attachments = new TreeMap<>();
    private final Map<String, StateSnapshot> saved = new TreeMap<>();
    private final Map<String, VmExtension> providers = new HashMap<>();

    VmExtensions(int vmId) {
        this.vmId = vmId;
    }

    /** Attaches the extension to the VM and gives it the state saved under its id, if any. */
    void attach(VmExtension ext, MachineContext context) {
        VmExtension.Attachment a = ext.attach(context);
        StateSnapshot state;
        synchronized (lock) {
            state = saved.get(ext.id());
        }
        if (state != null) {
            try {
                a.importState(state);
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
        }
        synchronized (lock) {
            saved.remove(ext.id());
            attachments.put(ext.id(), a);
            providers.put(ext.id(), ext);
        }
    }

    /** The extension service instance attached under its id, or null. */
    VmExtension attached(String id) {
        synchronized (lock) {
            return providers.get(id);
        }
    }

    /** With all vCPUs parked: exports the extension's state through the old code and closes the attachment. */
    void detach(String id) {
        VmExtension.Attachment a;
        synchronized (lock) {
            a = attachments.remove(id);
            providers.remove(id);
        }
        if (a == null) {
            return;
        }
        StateSnapshot s = a.exportState();
        synchronized (lock) {
            saved.put(id, s);
        }
        try {
            a.close();
        } catch (RuntimeException e) {
            LOG.warn("VM {}: closing extension {} failed: {}", vmId, id, e.toString());
        }
    }

    /** Detaches every attached extension (their state is kept for the next attach). */
    void detachAll() {
        for (String id : attachedIds()) {
            detach(id);
        }
    }

    /** State of every extension (attached ones exported now, absent ones as saved). VM paused. */
    Map<String, StateSnapshot> exportAll() {
        synchronized (lock) {
            Map<String, StateSnapshot> out = new TreeMap<>(saved);
            attachments.forEach((id, a) -> out.put(id, a.exportState()));
            return out;
        }
    }

    /** Stores an extension's state to be imported when the extension attaches (restore from a snapshot). */
    void save(String id, StateSnapshot state) {
        synchronized (lock) {
            saved.put(id, state);
        }
    }

    boolean isAttached(String id) {
        synchronized (lock) {
            return attachments.containsKey(id);
        }
    }

    boolean waitsFor(String id) {
        synchronized (lock) {
            return saved.containsKey(id);
        }
    }

    private Set<String> attachedIds() {
        synchronized (lock) {
            return new TreeSet<>(attachments.keySet());
        }
    }

    /** Every extension id the VM has, attached or away. */
    Set<String> ids() {
        synchronized (lock) {
            Set<String> ids = new TreeSet<>(attachments.keySet());
            ids.addAll(saved.keySet());
            return ids;
        }
    }
}
