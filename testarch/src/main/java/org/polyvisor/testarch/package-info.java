/**
 * The toy ISA of the test-only architecture {@code test}: instruction encodings and a program writer that produces
 * real ELF files, so the framework's whole path (ELF loading, vCPU threads, MMIO, exits, handlers, swap) is tested
 * without depending on a real CPU model.
 */
@org.osgi.annotation.bundle.Export
// 1.1: ToyIsa.STX/LDX (indexed store and load), ToyProgram.stx/ldx
@org.osgi.annotation.versioning.Version("1.1.0")
package org.polyvisor.testarch;
