#!/usr/bin/env node
// A tiny strace: runs a command traced and prints each system call it makes with its raw
// arguments and result, one line per call, following children and threads.
//   node examples/strace-lite.mjs [--] command [args...]
import { Tracer, SpawnError, isTraceeGone, syscallArgCount, syscallName, shellExitCode } from '@umview/ptrace-core';

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
if (argv.length === 0) {
  console.error('usage: strace-lite [--] command [args...]');
  process.exit(2);
}

const tracer = new Tracer();
let root;
try {
  root = tracer.spawn(argv[0], argv.slice(1));
} catch (error) {
  console.error(`strace-lite: ${error.message}`);
  process.exit(error instanceof SpawnError && error.code === 'ENOENT' ? 127 : 126);
}
root.syscall();
const pending = new Map(); // tid -> text of the call in progress
const out = (line) => process.stderr.write(`${line}\n`);
let exitStatus = 0;
for (const stop of tracer.stops()) {
  const tag = `[${stop.tid}]`;
  switch (stop.kind) {
    case 'syscall-enter': {
      const args = stop.args.slice(0, syscallArgCount(stop.nr)).map((a) => `0x${a.toString(16)}`);
      pending.set(stop.tid, `${syscallName(stop.nr)}(${args.join(', ')})`);
      break;
    }
    case 'syscall-exit': {
      const call = pending.get(stop.tid) ?? `${syscallName(stop.nr)}(...)`;
      pending.delete(stop.tid);
      out(`${tag} ${call} = ${stop.result}`);
      break;
    }
    case 'signal':
      out(`${tag} --- signal ${stop.signal} ---`);
      break;
    case 'exited':
    case 'killed':
      if (pending.has(stop.tid)) out(`${tag} ${pending.get(stop.tid)} = ?`);
      out(`${tag} +++ ${stop.kind === 'exited' ? `exited with ${stop.code}` : `killed by signal ${stop.signal}`} +++`);
      if (stop.tid === root.tid) exitStatus = shellExitCode(stop.status);
      continue;
    default:
      break;
  }
  try {
    stop.tracee.syscall(stop.kind === 'signal' ? stop.signal : 0);
  } catch (error) {
    if (!isTraceeGone(error)) throw error;
  }
}
process.exit(exitStatus);
