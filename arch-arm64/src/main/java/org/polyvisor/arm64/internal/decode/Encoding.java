package org.polyvisor.arm64.internal.decode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * One A64 encoding as data: its name, its bit pattern written as in the ARM ARM (most significant bit first), the
 * handler that executes it, how its register fields map to the register file, an optional extra validity rule
 * (for "unallocated" cases the bit pattern alone cannot express). Example words per entry, assembled with GNU as,
 * live in the decoder test's resource file.
 *
 * <p>Pattern tokens, separated by spaces: a run of {@code 0}, {@code 1} and {@code x} (don't care) is fixed bits;
 * {@code name:width} is a field; a bare name uses its usual width ({@code Rd}=5, {@code sf}=1, {@code cond}=4 ...).
 */
public final class Encoding {
    /** Register-file index read for register number 31 when it means XZR: always zero. */
    public static final int ZR = 31;
    /** Register-file index written for register number 31 when it means XZR: a sink nobody reads. */
    public static final int SINK = 32;
    /** Register-file index of the current stack pointer. */
    public static final int SP = 33;

    private static final Map<String, Integer> DEFAULT_WIDTHS = Map.ofEntries(
            Map.entry("sf", 1), Map.entry("sh", 1), Map.entry("N", 1), Map.entry("S", 1), Map.entry("op", 1),
            Map.entry("Rd", 5), Map.entry("Rn", 5), Map.entry("Rm", 5), Map.entry("Ra", 5), Map.entry("Rt", 5),
            Map.entry("Rt2", 5), Map.entry("Rs", 5), Map.entry("imm12", 12), Map.entry("imm16", 16),
            Map.entry("imm19", 19), Map.entry("imm26", 26), Map.entry("imm9", 9), Map.entry("imm7", 7),
            Map.entry("imm6", 6), Map.entry("imm5", 5), Map.entry("imm3", 3), Map.entry("immr", 6),
            Map.entry("imms", 6), Map.entry("hw", 2), Map.entry("shift", 2), Map.entry("option", 3),
            Map.entry("cond", 4), Map.entry("nzcv", 4), Map.entry("opc", 2), Map.entry("size", 2),
            Map.entry("op1", 3), Map.entry("op2", 3), Map.entry("CRn", 4), Map.entry("CRm", 4), Map.entry("o0", 1),
            Map.entry("L", 1), Map.entry("b5", 1), Map.entry("b40", 5), Map.entry("imm14", 14));

    /** Immediate pre-decoding: turns the fields of a word into the single value the handler needs. */
    @FunctionalInterface
    public interface Imm {
        long decode(int word);
    }

    private final String name;
    private final String pattern;
    private final int op;
    private final int mask;
    private final int match;
    private final Map<String, int[]> fields;
    private final char[] roles = {'w', 'r', 'r', 'r'};
    private IntPredicate valid = w -> true;
    private Imm imm = w -> 0;

    private Encoding(String name, String pattern, int op) {
        this.name = name;
        this.pattern = pattern;
        this.op = op;
        int m = 0;
        int v = 0;
        int pos = 32;
        Map<String, int[]> fs = new LinkedHashMap<>();
        for (String tok : pattern.trim().split("\\s+")) {
            if (tok.matches("[01x]+")) {
                for (char ch : tok.toCharArray()) {
                    pos--;
                    if (ch != 'x') {
                        m |= 1 << pos;
                        v |= (ch - '0') << pos;
                    }
                }
            } else {
                String fname = tok;
                Integer width;
                int colon = tok.indexOf(':');
                if (colon > 0) {
                    fname = tok.substring(0, colon);
                    width = Integer.parseInt(tok.substring(colon + 1));
                } else {
                    width = DEFAULT_WIDTHS.get(tok);
                }
                if (width == null) {
                    throw new IllegalArgumentException(name + ": field " + tok + " needs a width");
                }
                pos -= width;
                fs.put(fname, new int[] {pos + width - 1, pos});
            }
        }
        if (pos != 0) {
            throw new IllegalArgumentException(name + ": pattern '" + pattern + "' has " + (32 - pos) + " bits, not 32");
        }
        this.mask = m;
        this.match = v;
        this.fields = fs;
    }

    public static Encoding of(String name, String pattern, int op) {
        return new Encoding(name, pattern, op);
    }

    /**
     * Register roles, for example {@code "d=s n=s"}: slot d (Rd/Rt), n (Rn), m (Rm/Rs), a (Ra/Rt2) with role
     * r (read: 31 is XZR), w (write: 31 discards) or s (31 is SP). Defaults: d=w, others r.
     */
    public Encoding regs(String spec) {
        for (String t : spec.trim().split("\\s+")) {
            int slot = "dnma".indexOf(t.charAt(0));
            if (slot < 0 || t.length() != 3 || "rws".indexOf(t.charAt(2)) < 0) {
                throw new IllegalArgumentException(name + ": bad register role " + t);
            }
            roles[slot] = t.charAt(2);
        }
        return this;
    }

    public Encoding valid(IntPredicate rule) {
        this.valid = rule;
        return this;
    }

    public Encoding imm(Imm decoder) {
        this.imm = decoder;
        return this;
    }

    public boolean matches(int word) {
        return (word & mask) == match && valid.test(word);
    }

    /** Value of a named field of the word; the field must exist in the pattern. */
    public int field(int word, String fieldName) {
        int[] hl = fields.get(fieldName);
        if (hl == null) {
            throw new IllegalArgumentException(name + " has no field " + fieldName);
        }
        return Bits.f(word, hl[0], hl[1]);
    }

    public boolean hasField(String fieldName) {
        return fields.containsKey(fieldName);
    }

    /**
     * The register-file indices (0..33) of the four slots, packed in 6 bits each: d | n<<6 | m<<12 | a<<18. The top
     * byte stays free for the handler id, so that a decoded instruction is one int plus its word and immediate.
     */
    public int packRegs(int word) {
        return index(word, 0, "Rd", "Rt") | index(word, 1, "Rn", null) << 6 | index(word, 2, "Rm", "Rs") << 12
                | index(word, 3, "Ra", "Rt2") << 18;
    }

    private int index(int word, int slot, String f1, String f2) {
        int[] hl = fields.get(f1);
        if (hl == null && f2 != null) {
            hl = fields.get(f2);
        }
        if (hl == null) {
            return ZR;
        }
        int r = Bits.f(word, hl[0], hl[1]);
        if (r != 31) {
            return r;
        }
        return switch (roles[slot]) {
            case 's' -> SP;
            case 'w' -> SINK;
            default -> ZR;
        };
    }

    public long decodeImm(int word) {
        return imm.decode(word);
    }

    public String name() {
        return name;
    }

    public String pattern() {
        return pattern;
    }

    public int op() {
        return op;
    }

    public int mask() {
        return mask;
    }

    public int matchBits() {
        return match;
    }

    @Override
    public String toString() {
        return name + " [" + pattern + "]";
    }
}
