// Fuzz target: the core file reader (@umview/dap-adapter's src/core/): the ELF header, program
// headers and notes of a core, and reads of its memory as a post-mortem session makes them (the
// mapped files are never opened: only the core's own bytes are read). Only SymbolsError may
// escape the reader.
'use strict';

const { attempt, dap } = require('../lib/symbols-exercise.cjs');

const { CoreFile, CoreMemory, coreBuildId } = dap;

function fuzz(bytes) {
  let core;
  try {
    core = CoreFile.fromBuffer(bytes, 'fuzz');
  } catch (error) {
    if (error instanceof dap.SymbolsError) return;
    throw error;
  }
  const memory = new CoreMemory(core, () => undefined);
  try {
    const buffer = Buffer.alloc(4096);
    const path = core.executablePath;
    if (path !== undefined) attempt(() => coreBuildId(core, path));
    for (const segment of core.segments.slice(0, 32)) {
      memory.readAvailable(segment.start, buffer);
      memory.readAvailable(segment.end - 8n, buffer.subarray(0, 64));
      memory.unreadableRun(segment.start > 0n ? segment.start - 1n : 0n, 4096);
    }
    for (const file of core.files.slice(0, 32)) memory.readAvailable(file.start, buffer.subarray(0, 256));
    for (const thread of core.threads.slice(0, 8)) {
      const rsp = thread.registers.readBigUInt64LE(8 * 19);
      memory.readAvailable(rsp, buffer.subarray(0, 512));
    }
    void [core.signal, core.process, core.auxv.size, core.problems.length];
  } finally {
    memory.close();
    core.close();
  }
}

module.exports = { fuzz };
