package org.polyvisor.ppc.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.polyvisor.ppc.internal.machine.PpcMachine;
import org.polyvisor.ppc.internal.machine.PpcOptions;
import org.polyvisor.ppc.spi.BookeSprTable;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;

/**
 * The ppc-booke architecture: QEMU ppce500 machines with an e500mc core, guests run in guest state (MSR[GS]=1).
 * Features contribute SPRs ({@link BookeSprTable}) as services: a machine takes the tables present when it is built,
 * and running machines are rebuilt (at the framework's safe point, state carried over) when a table comes or goes.
 */
@Component(service = Architecture.class, property = Architecture.PROPERTY + "=" + PpcArchitecture.ID)
public final class PpcArchitecture implements Architecture {
    public static final String ID = "ppc-booke";
    /** ELF e_machine of 32-bit PowerPC images (System V ABI, PowerPC supplement). */
    static final int EM_PPC = 20;

    /**
     * Feature SPR tables. Two bundle revisions of a feature may register a table of the same name at once (a
     * side-by-side swap): the newest registration of a name is the one machines get.
     */
    private final Map<BookeSprTable, String> sprTables = new LinkedHashMap<>();

    /** Every VM this architecture built a machine for (weakly: a destroyed VM's context goes away by itself). */
    private final Set<MachineContext> contexts = Collections.newSetFromMap(new WeakHashMap<>());

    public PpcArchitecture() {
    }

    /** Plain-Java wiring (tests, tools): what DS injects in OSGi. */
    public PpcArchitecture(List<BookeSprTable> tables) {
        tables.forEach(t -> sprTables.put(t, t.name()));
    }

    /**
     * A feature's SPRs arrived (or a new revision of them): running machines are rebuilt with the current tables, so
     * no VM keeps running the hooks of a table being replaced, and a VM that waited for the feature gets its SPRs back.
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeSprTable")
    public void addSprTable(BookeSprTable table) {
        synchronized (sprTables) {
            sprTables.put(table, table.name());
        }
        rebuildMachines("SPRs '" + table.name() + "' registered");
    }

    /**
     * A feature's SPRs are going away (called while their code still works): machines are rebuilt without them; a VM
     * that used them waits for the feature, its SPR values kept in the saved state.
     */
    public void removeSprTable(BookeSprTable table) {
        boolean inUse = currentSprTables().contains(table); // not if a newer revision replaced it already
        synchronized (sprTables) {
            sprTables.remove(table);
        }
        if (inUse) {
            rebuildMachines("SPRs '" + table.name() + "' unregistered");
        }
    }

    private void rebuildMachines(String reason) {
        List<MachineContext> all;
        synchronized (contexts) {
            all = List.copyOf(contexts);
        }
        for (MachineContext c : all) {
            c.requestRebuild(reason);
        }
    }

    /** The tables a new machine gets: per name, the newest registration. */
    List<BookeSprTable> currentSprTables() {
        Map<String, BookeSprTable> byName = new LinkedHashMap<>();
        synchronized (sprTables) {
            sprTables.forEach((t, name) -> {
                byName.remove(name); // re-insert: a later registration of a name replaces the earlier one
                byName.put(name, t);
            });
        }
        return List.copyOf(byName.values());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ArchCapabilities capabilities() {
        return new ArchCapabilities(ID, "PowerPC e500mc (Book E, Embedded.Hypervisor) on a KVM-e500mc-style hypervisor,"
                + " QEMU ppce500 machine", EM_PPC, Map.of("cpu", "e500mc", "pvr", "0x80230020", "max-vcpus", "1",
                "machine", "ppce500", "last-instruction", "tlbsearch,lwepx"), PpcOptions.DECLARED);
    }

    @Override
    public Machine createMachine(MachineContext context) {
        Machine m = new PpcMachine(context, currentSprTables());
        synchronized (contexts) {
            contexts.add(context);
        }
        return m;
    }
}
