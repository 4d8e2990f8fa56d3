#include "check.h"
int main(void)
{
    BIN("and"); BIN("and."); BIN("andc"); BIN("andc."); BIN("or"); BIN("or."); BIN("orc"); BIN("orc.");
    BIN("xor"); BIN("xor."); BIN("nand"); BIN("nand."); BIN("nor"); BIN("nor."); BIN("eqv"); BIN("eqv.");
    BIN("slw"); BIN("slw."); BIN("srw"); BIN("srw."); BIN("sraw"); BIN("sraw.");
    UN("extsb"); UN("extsb."); UN("extsh"); UN("extsh."); UN("cntlzw"); UN("cntlzw.");
    IMM("srawi0", "srawi %0,%4,0"); IMM("srawi5", "srawi %0,%4,5"); IMM("srawi31.", "srawi. %0,%4,31");
    IMM("andi.", "andi. %0,%4,0x8001"); IMM("andis.", "andis. %0,%4,0x8001"); IMM("ori", "ori %0,%4,0x1234");
    IMM("oris", "oris %0,%4,0x1234"); IMM("xori", "xori %0,%4,0xffff"); IMM("xoris", "xoris %0,%4,0xffff");
    IMM("rlwinm", "rlwinm %0,%4,5,3,20"); IMM("rlwinm.wrap", "rlwinm. %0,%4,31,28,3");
    IMM("rlwimi", "li %0,-1\n\trlwimi %0,%4,8,4,27"); IMM("rlwimi.", "lis %0,0x1234\n\trlwimi. %0,%4,30,30,1");
    BINT("rlwnm", "rlwnm %0,%4,%5,8,23"); BINT("rlwnm.", "rlwnm. %0,%4,%5,24,7");
    IMM("clrlwi", "clrlwi %0,%4,16"); IMM("rotlwi", "rotlwi %0,%4,13");
    puts("logic done\n");
    return 0;
}
