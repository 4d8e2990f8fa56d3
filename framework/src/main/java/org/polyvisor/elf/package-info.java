/** ELF images (32/64-bit, either endian) read into a neutral form and loaded into guest memory. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.polyvisor.elf;
