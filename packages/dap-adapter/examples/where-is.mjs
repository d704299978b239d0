// dap-adapter's symbol readers on their own: where a function of a program starts, from its
// ELF symbols and DWARF line table (compile the program with -g).
//   node examples/where-is.mjs ./a.out main
import { SymbolFile } from '@umview/dap-adapter';

const [program, name = 'main'] = process.argv.slice(2);
if (!program) {
  console.error('usage: where-is PROGRAM [FUNCTION]');
  process.exit(2);
}
const file = SymbolFile.open(program);
const fn = file.functionByName(name);
if (!fn) {
  console.error(`where-is: no function ${name} in ${program}`);
  process.exit(1);
}
const at = file.lineForAddress(fn.entryPc);
console.log(`${fn.name} at 0x${fn.entryPc.toString(16)}: ${at ? `${at.file}:${at.line}` : 'no line information'}`);
