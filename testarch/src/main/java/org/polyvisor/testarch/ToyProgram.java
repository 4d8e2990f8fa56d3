package org.polyvisor.testarch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes toy programs as real ELF64 executables (one PT_LOAD segment at {@link ToyIsa#LOAD_ADDRESS}). Labels allow
 * loops: {@code label("loop") ... bnz(1, "loop")}.
 */
public final class ToyProgram {
    private final List<long[]> code = new ArrayList<>(); // {op, reg, reg2, imm or -1 for label}
    private final List<String> fixups = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    public static ToyProgram builder() {
        return new ToyProgram();
    }

    private ToyProgram emit(int op, int reg, int reg2, long imm, String label) {
        code.add(new long[] {op, reg, reg2, imm});
        fixups.add(label);
        return this;
    }

    public ToyProgram op(int op, int reg, int reg2, long imm) {
        return emit(op, reg, reg2, imm, null);
    }

    public ToyProgram li(int r, long imm) {
        return op(ToyIsa.LI, r, 0, imm);
    }

    public ToyProgram addi(int r, long imm) {
        return op(ToyIsa.ADDI, r, 0, imm);
    }

    public ToyProgram out(int r) {
        return op(ToyIsa.OUT, r, 0, 0);
    }

    public ToyProgram in(int r) {
        return op(ToyIsa.IN, r, 0, 0);
    }

    public ToyProgram hcall(long imm) {
        return op(ToyIsa.HCALL, 0, 0, imm);
    }

    public ToyProgram mw(int r, long address) {
        return op(ToyIsa.MW, r, 0, address);
    }

    public ToyProgram mr(int r, long address) {
        return op(ToyIsa.MR, r, 0, address);
    }

    /** {@code mem32[r(base) + offset] = r(value)}. */
    public ToyProgram stx(int value, int base, long offset) {
        return op(ToyIsa.STX, value, base, offset);
    }

    /** {@code r(dest) = mem32[r(base) + offset]}. */
    public ToyProgram ldx(int dest, int base, long offset) {
        return op(ToyIsa.LDX, dest, base, offset);
    }

    public ToyProgram halt(int status) {
        return op(ToyIsa.HALT, 0, 0, status);
    }

    public ToyProgram label(String name) {
        labels.put(name, code.size());
        return this;
    }

    public ToyProgram bnz(int r, String label) {
        return emit(ToyIsa.BNZ, r, 0, 0, label);
    }

    /** Prints a string through the UART using register 7 as scratch. */
    public ToyProgram print(String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            li(7, b & 0xFF).out(7);
        }
        return this;
    }

    public byte[] toElf() {
        ByteBuffer text = ByteBuffer.allocate(code.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < code.size(); i++) {
            long[] c = code.get(i);
            long imm = c[3];
            String label = fixups.get(i);
            if (label != null) {
                Integer at = labels.get(label);
                if (at == null) {
                    throw new IllegalArgumentException("undefined label " + label);
                }
                imm = ToyIsa.LOAD_ADDRESS + 8L * at;
            }
            text.put((byte) c[0]).put((byte) c[1]).put((byte) c[2]).put((byte) 0).putInt((int) imm);
        }
        return elf(text.array());
    }

    public Path writeTo(Path file) {
        try {
            Files.write(file, toElf());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ELF64 LE: header, one program header, the code, then a section table (null + .shstrtab) as linkers write. */
    private static byte[] elf(byte[] text) {
        int ehsize = 64;
        int phsize = 56;
        int shsize = 64;
        byte[] shstrtab = "\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII);
        long textOff = ehsize + phsize;
        long strOff = textOff + text.length;
        long shOff = (strOff + shstrtab.length + 7) & ~7L;
        ByteBuffer b = ByteBuffer.allocate((int) shOff + 2 * shsize).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) ToyIsa.EM_TOY).putInt(1);
        b.putLong(ToyIsa.LOAD_ADDRESS).putLong(ehsize).putLong(shOff); // entry, phoff, shoff
        b.putInt(0).putShort((short) ehsize).putShort((short) phsize).putShort((short) 1);
        b.putShort((short) shsize).putShort((short) 2).putShort((short) 1); // shentsize, shnum, shstrndx
        // PT_LOAD, R+X; memsz leaves 4 KiB of zeroed data after the code
        b.putInt(1).putInt(5).putLong(textOff).putLong(ToyIsa.LOAD_ADDRESS).putLong(ToyIsa.LOAD_ADDRESS);
        b.putLong(text.length).putLong(text.length + 0x1000L).putLong(8);
        b.put(text).put(shstrtab);
        b.position((int) shOff);
        b.put(new byte[shsize]); // SHT_NULL
        b.putInt(1).putInt(3).putLong(0).putLong(0).putLong(strOff).putLong(shstrtab.length); // .shstrtab, SHT_STRTAB
        b.putInt(0).putInt(0).putLong(1).putLong(0);
        return b.array();
    }
}
