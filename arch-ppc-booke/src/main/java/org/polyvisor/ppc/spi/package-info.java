/**
 * Extension point of the ppc-booke (e500mc) architecture bundle: SPR contributions. A feature bundle registers a
 * {@link org.polyvisor.ppc.spi.BookeSprTable} service; the hypervisor layer then emulates {@code mfspr}/{@code mtspr}
 * of the SPR numbers it names for every e500mc vCPU, as KVM's kvmppc_core_emulate_mfspr/mtspr hooks do, and keeps
 * their per-vCPU values in the vCPU's snapshot. See docs/plugin-guide.md, "BookE SPR contributions".
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.polyvisor.ppc.spi;
