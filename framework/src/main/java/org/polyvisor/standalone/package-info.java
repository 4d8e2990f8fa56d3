/**
 * The framework without OSGi: a VM manager you own and feed with architectures, exit handlers, exit observers and
 * VM extensions yourself (what service registrations do in Felix), and a machine context for driving one machine on the calling
 * thread. For tests, benchmarks and embedding; the test kit ({@code polyvisor-testkit}) is built on it.
 */
@org.osgi.annotation.bundle.Export
// 1.1: StandaloneHypervisor.add/remove(ExitObserver), typeConsole
@org.osgi.annotation.versioning.Version("1.1.0")
package org.polyvisor.standalone;
