package org.polyvisor.arm64.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.polyvisor.arm64.internal.decode.Decoder;
import org.polyvisor.arm64.internal.decode.Encoding;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The A64 table: examples assembled by GNU as decode to their entry, unallocated words decode to nothing. */
class DecoderTest {
    private static final Decoder DECODER = Decoder.a64();

    record Example(String entry, int word, String text) {
    }

    static List<Example> examples() throws Exception {
        List<Example> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                DecoderTest.class.getResourceAsStream("/org/polyvisor/arm64/decoder-examples.txt"),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] p = line.split(" ", 3);
                out.add(new Example(p[0], Integer.parseUnsignedInt(p[1], 16), p[2]));
            }
        }
        return out;
    }

    @Test
    void everyExampleDecodesToItsEntry() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Example e : examples()) {
            Encoding got = DECODER.decode(e.word());
            if (got == null || !got.name().equals(e.entry())) {
                wrong.add(e.text() + " (0x" + Integer.toHexString(e.word()) + "): expected " + e.entry() + ", got "
                        + (got == null ? "UNDEFINED" : got.name()));
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void everyTableEntryHasAnExample() throws Exception {
        Set<String> covered = new HashSet<>();
        for (Example e : examples()) {
            covered.add(e.entry());
        }
        List<String> missing = DECODER.table().stream().map(Encoding::name).filter(n -> !covered.contains(n)).toList();
        assertTrue(missing.isEmpty(), "entries without an example: " + missing);
    }

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {
        "00000000", // UDF #0
        "12400000", // AND (immediate) 32-bit with N=1
        "93800000", // EXTR 64-bit with N=0
        "52c00000", // MOVZ 32-bit with hw=2
        "b9c00000", // LDRSW (unsigned offset) with opc=11
        "8bc00000", // ADD (shifted register) with shift=11
        "8b201400", // ADD (extended register) with imm3=5
        "5ac00c00", // REV (64-bit opcode) with sf=0
        "f8200020", // LDADD (LSE, not in ARMv8.0)
        "48207c82", // CASP (LSE)
        "d500409f", // MSR PAN, #0 (ARMv8.1)
        "d5280000", // SYSL
        "d6bf03e0", // DRPS
        "13400000", // SBFM 32-bit with N=1
        "13200000", // SBFM 32-bit with immr >= 32
    })
    void unallocatedWordsAreUndefined(String hex) {
        int w = Integer.parseUnsignedInt(hex, 16);
        assertNull(DECODER.decode(w), () -> "0x" + hex + " decoded as " + DECODER.decode(w));
    }

    @Test
    void unallocatedHintsAreNops() {
        assertEquals("HINT", DECODER.decode(0xd503233f).name()); // PACIASP space: a NOP on ARMv8.0
    }

    /** The bucketed lookup agrees with a plain first-match scan of the table, for any word. */
    @Property(tries = 20_000)
    void bucketedDecodeEqualsLinearScan(@ForAll int word) {
        Encoding expected = null;
        for (Encoding e : DECODER.table()) {
            if (e.matches(word)) {
                expected = e;
                break;
            }
        }
        assertEquals(expected, DECODER.decode(word));
    }

    /** A word built from an entry's fixed bits and random free bits decodes to that entry or to an earlier one. */
    @Property(tries = 20_000)
    void entriesAreReachable(@ForAll int entryIndex, @ForAll int free) {
        List<Encoding> t = DECODER.table();
        Encoding e = t.get(Math.floorMod(entryIndex, t.size()));
        int word = e.matchBits() | (free & ~e.mask());
        Encoding got = DECODER.decode(word);
        if (e.matches(word)) {
            assertNotNull(got);
            assertTrue(t.indexOf(got) <= t.indexOf(e), () -> e.name() + " shadowed by later entry " + got.name());
        }
    }
}
