package org.polyvisor.ppc.internal.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DecoderTest {
    /** Images from the reference sheet and binutils. */
    @ParameterizedTest
    @CsvSource({"38000000,addi", "3C000000,addis", "2C000000,cmpi", "28000000,cmpli", "1C000000,mulli",
        "54000000,rlwinm", "50000000,rlwimi", "80000000,lwz", "90000000,stw", "94000000,stwu", "88000000,lbz",
        "98000000,stb", "A0000000,lhz", "B0000000,sth", "48000000,b", "4E800020,bclr", "4E800420,bcctr",
        "4C000064,rfi", "4C00012C,isync", "7C000214,add", "7C000614,add", "7C000050,subf", "7C0000D0,neg",
        "7C0001D6,mullw", "7C000016,mulhwu", "7C000396,divwu", "7C0007A4,tlbwe", "7C000764,tlbre",
        "7C000724,tlbsx", "7C000624,tlbivax", "7C000024,tlbilx", "7C00046C,tlbsync", "7C0802A6,mfspr",
        "7C0803A6,mtspr", "7C00012D,stwcx.", "7C0004AC,sync", "7C0006AC,mbar", "7C00001E,isel", "7C00075E,isel",
        "44000002,sc", "44000022,sc", "7C00121C,ehpriv", "7C00003E,lwepx", "7C00013E,stwepx", "60000000,ori",
        "7C0000A6,mfmsr", "7C000124,mtmsr", "7C000146,wrteei", "7C00007C,wait", "7C0007EC,dcbz"})
    void decodesKnownImages(String hex, String mnemonic) {
        int w = (int) Long.parseLong(hex, 16);
        assertEquals(mnemonic, Decoder.encoding(w).mnemonic());
        assertEquals(Decoder.encoding(w).op(), Decoder.decode(w));
    }

    @Test
    void everyTableEntryDecodesToItself() {
        Set<String> seen = new HashSet<>();
        for (Encoding e : EncodingTable.ALL) {
            int w = e.primary() << 26;
            if (e.xo() >= 0) {
                w |= e.xo() << 1;
            }
            assertEquals(e.op(), Decoder.decode(w), e.mnemonic());
            if (e.form() == Form.XO) {
                assertEquals(e.op(), Decoder.decode(w | 0x400), e.mnemonic() + "o");
            }
            seen.add(e.mnemonic());
        }
        assertEquals(EncodingTable.ALL.size(), seen.size(), "mnemonics are unique");
    }

    @Test
    void undefinedEncodingsAreIllegal() {
        assertEquals(Op.ILLEGAL, Decoder.decode(0));
        assertEquals(Op.ILLEGAL, Decoder.decode(0x7C0003E6)); // opcode 31, XO 499: none on e500mc
        assertEquals(Op.ILLEGAL, Decoder.decode(0xFC000000)); // FP: soft-float core model
        assertEquals(Op.ILLEGAL, Decoder.decode(0x7C000416)); // mulhwu with OE=1 does not exist
        assertEquals(Op.ILLEGAL, Decoder.decode(0x10000000)); // opcode 4 (SPE, not on e500mc)
    }
}
