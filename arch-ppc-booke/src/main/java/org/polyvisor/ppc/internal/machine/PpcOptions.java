package org.polyvisor.ppc.internal.machine;

import java.util.List;
import java.util.Map;

import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.ppc.internal.hyp.EmulationFailureHandler;
import org.polyvisor.spi.ArchOption;

/**
 * VM options of ppc-booke, validated against the allowed values.
 *
 * @param lastInst last-instruction strategy: {@code tlbsearch} (default, KVM's since 2014) or {@code lwepx}
 * @param mmuV2    {@code mmu=v2}: MMU architecture 2.0 (MMUCFG[MAVN]=1, 5-bit TSIZE, the storage-attribute check of
 *                 the last-instruction load); default {@code v1} as on a real e500mc
 * @param jitThreshold {@code jit=on|off|N}: executions of a block before it is compiled to bytecode (on = 32,
 *                 off = 0, interpreter only)
 * @param lastInstFail {@code lastinst.fail=again|fail}: a last-instruction load that finds no execute permission,
 *                 mismatching storage attributes or no RAM answers EMULATE_AGAIN (default, upstream KVM today) or
 *                 EMULATE_FAIL (the 2014 patch)
 * @param instLoadFailStop {@code inst-load-fail=stop|resume}: INST_LOAD_FAIL / EMULATION_FAIL stop the VM in
 *                 INTERNAL_ERROR (default, as QEMU) or resume it at once
 */
public record PpcOptions(String lastInst, boolean mmuV2, int jitThreshold, boolean lastInstFail,
                         boolean instLoadFailStop) {
    /** The options as the architecture declares them (run --help, pv:archs, the launcher's checks). */
    public static final List<ArchOption> DECLARED = List.of(
            new ArchOption("lastinst", "tlbsearch|lwepx", "tlbsearch",
                    "how the hypervisor reads the guest's last instruction"),
            new ArchOption("mmu", "v1|v2", "v1", "MMU architecture version the guest sees"),
            new ArchOption("jit", "on|off|N", "on", "executions before a guest block is compiled to bytecode (on = 32)"),
            new ArchOption("lastinst.fail", "again|fail", "again",
                    "a last-instruction load without execute permission, with mismatching attributes or outside RAM:"
                            + " resume the guest to fault again (KVM today) or queue a program interrupt (2014 patch)"),
            new ArchOption(EmulationFailureHandler.OPTION, "stop|resume", "stop",
                    "after an instruction load or emulation failure: stop the VM in INTERNAL_ERROR (QEMU) or resume"));

    public static PpcOptions from(VmConfig config) {
        String lastInst = "tlbsearch";
        boolean v2 = false;
        int jit = 32;
        boolean lastInstFail = false;
        boolean stop = true;
        for (Map.Entry<String, String> e : config.options().entrySet()) {
            switch (e.getKey()) {
                case "lastinst" -> {
                    if (!e.getValue().equals("tlbsearch") && !e.getValue().equals("lwepx")) {
                        throw new VmException("ppc-booke VM '" + config.name() + "': option lastinst=" + e.getValue()
                                + " is not one of tlbsearch, lwepx");
                    }
                    lastInst = e.getValue();
                }
                case "mmu" -> {
                    if (!e.getValue().equals("v1") && !e.getValue().equals("v2")) {
                        throw new VmException("ppc-booke VM '" + config.name() + "': option mmu=" + e.getValue()
                                + " is not one of v1, v2");
                    }
                    v2 = e.getValue().equals("v2");
                }
                case "jit" -> {
                    jit = switch (e.getValue()) {
                        case "on" -> 32;
                        case "off" -> 0;
                        default -> {
                            try {
                                int n = Integer.parseInt(e.getValue());
                                if (n < 0) {
                                    throw new NumberFormatException();
                                }
                                yield n;
                            } catch (NumberFormatException x) {
                                throw new VmException("ppc-booke VM '" + config.name() + "': option jit="
                                        + e.getValue() + " is not on, off or a non-negative count");
                            }
                        }
                    };
                }
                case "lastinst.fail" -> lastInstFail = oneOf(config, e.getKey(), e.getValue(), "again", "fail")
                        .equals("fail");
                case EmulationFailureHandler.OPTION -> stop = oneOf(config, e.getKey(), e.getValue(), "stop", "resume")
                        .equals("stop");
                default -> throw new VmException("ppc-booke VM '" + config.name() + "': unknown option '"
                        + e.getKey() + "' (known: lastinst, mmu, jit, lastinst.fail, inst-load-fail)");
            }
        }
        return new PpcOptions(lastInst, v2, jit, lastInstFail, stop);
    }

    private static String oneOf(VmConfig config, String option, String value, String first, String second) {
        if (!value.equals(first) && !value.equals(second)) {
            throw new VmException("ppc-booke VM '" + config.name() + "': option " + option + "=" + value
                    + " is not one of " + first + ", " + second);
        }
        return value;
    }
}
