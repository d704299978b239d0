// A tracer that dies at the worst moment of a spawn: the trampoline has stopped itself and has
// not been seized yet (its PTRACE_SEIZE is replaced by a SIGKILL of this process).
//   node die-before-seize.mjs PROGRAM MARKER
import { Tracer } from '@umview/ptrace-core';
import { getLibc } from '@umview/ptrace-core/internal';

const [program, marker] = process.argv.slice(2);
const libc = getLibc();
const ptrace = libc.ptrace;
libc.ptrace = (request, ...rest) => {
  if (request === 0x4206) process.kill(process.pid, 'SIGKILL'); // PTRACE_SEIZE
  return ptrace(request, ...rest);
};
new Tracer().spawn(program, [marker]);
