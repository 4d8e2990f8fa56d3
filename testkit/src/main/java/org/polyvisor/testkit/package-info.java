/**
 * The Polyvisor test kit: what the architecture test suites share and what a plugin author tests with. It runs
 * guests in-process on the framework's exported API (no Felix, no framework internals), compares console output
 * with QEMU or golden files, and waits for observable conditions instead of sleeping.
 */
package org.polyvisor.testkit;
