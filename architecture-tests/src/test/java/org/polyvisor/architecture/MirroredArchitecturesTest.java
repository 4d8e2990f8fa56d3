package org.polyvisor.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * Both architectures use the same package names for the same roles (decode, exec, cpu, mmu, hyp, machine), so a
 * reader who knows one finds their way in the other. See docs/architecture.md, "Inside an architecture bundle".
 */
class MirroredArchitecturesTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.polyvisor.arm64.internal", "org.polyvisor.ppc.internal");

    static final Set<String> ROLES = Set.of("decode", "exec", "cpu", "mmu", "hyp", "machine");

    @Test
    void bothArchitecturesHaveTheSameRolePackages() {
        Set<String> arm64 = roles("org.polyvisor.arm64.internal");
        Set<String> ppc = roles("org.polyvisor.ppc.internal");
        assertEquals(new TreeSet<>(ROLES), arm64, "arm64's packages under org.polyvisor.arm64.internal");
        assertEquals(new TreeSet<>(ROLES), ppc, "ppc-booke's packages under org.polyvisor.ppc.internal");
    }

    private static Set<String> roles(String root) {
        Set<String> out = new TreeSet<>();
        MAIN.forEach(c -> {
            String p = c.getPackageName();
            if (p.startsWith(root + ".")) {
                String rest = p.substring(root.length() + 1);
                int dot = rest.indexOf('.');
                out.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        });
        return out;
    }
}
