#include "check.h"
int main(void)
{
    BIN("add"); BIN("add."); BIN("addo"); BIN("addo.");
    BIN("addc"); BIN("addc."); BIN("addco"); BIN("addco.");
    BIN("adde"); BIN("adde."); BIN("addeo"); BIN("addeo.");
    BIN("subf"); BIN("subf."); BIN("subfo"); BIN("subfo.");
    BIN("subfc"); BIN("subfc."); BIN("subfco"); BIN("subfco.");
    BIN("subfe"); BIN("subfe."); BIN("subfeo"); BIN("subfeo.");
    UN("addme"); UN("addme."); UN("addmeo"); UN("addmeo.");
    UN("addze"); UN("addze."); UN("addzeo"); UN("addzeo.");
    UN("subfme"); UN("subfme."); UN("subfmeo"); UN("subfmeo.");
    UN("subfze"); UN("subfze."); UN("subfzeo"); UN("subfzeo.");
    UN("neg"); UN("neg."); UN("nego"); UN("nego.");
    IMM("addi", "addi %0,%4,-5"); IMM("addis", "addis %0,%4,0x7fff");
    IMM("addic", "addic %0,%4,-1"); IMM("addic.", "addic. %0,%4,7");
    IMM("subfic", "subfic %0,%4,100"); IMM("subfic-1", "subfic %0,%4,-1");
    IMM("cmpwi", "cmpwi cr1,%4,-3\n\tli %0,0"); IMM("cmplwi", "cmplwi cr7,%4,0x8000\n\tli %0,0");
    BINT("cmpw", "cmpw cr1,%4,%5\n\tli %0,0"); BINT("cmplw", "cmplw cr7,%4,%5\n\tli %0,0");
    puts("arith done\n");
    return 0;
}
