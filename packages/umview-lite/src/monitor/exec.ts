// execve of a served path. An ELF program only needs its path rewritten. A `#!` script needs
// more: the kernel would pass the *host* path to the interpreter, and the script would see a
// different $0 than natively. So the monitor does what the kernel does for `#!` itself:
// execve(interpreter, [interpreter, optional-arg, script-as-the-guest-named-it, args...]).
import { ERRNO, syscallNumber } from '@umview/ptrace-core';
import type { SyscallCall } from '@umview/sysvm';
import type { PathTranslator } from '../paths/translator.js';
import { AT_EMPTY_PATH, AT_FDCWD } from '../linux.js';
import { placeArgvTable, placeStrings, readArgvPointers } from './argv-placement.js';
import { executableHead } from './file-heads.js';

const BINPRM_BUF_SIZE = 256; // what the kernel reads of a #! line
const EXECVE_NR = syscallNumber('execve')!;

interface Shebang {
  interpreter: string;
  argument: string | undefined;
}

/** The #! line of a host file, parsed as the kernel does, or undefined if it has none. */
export function readShebang(hostPath: string | Buffer): Shebang | undefined {
  // One lookup for the head and the right to execute it (a file the user may not execute is the
  // kernel's EACCES, not a script): most paths a shell tries while it searches $PATH do not
  // exist, and file-heads asks access() once per version of a file.
  const head = executableHead(hostPath);
  if (head === undefined || head[0] !== 0x23 || head[1] !== 0x21) return undefined;
  return parseShebang(head.subarray(0, BINPRM_BUF_SIZE));
}

/** The interpreter and optional argument of a file's first bytes that start with `#!`, as the
 * kernel splits them; undefined for an empty line. */
export function parseShebang(head: Buffer): Shebang | undefined {
  let line = head.subarray(2).toString('latin1');
  const nl = line.indexOf('\n');
  if (nl >= 0) line = line.slice(0, nl);
  line = line.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
  if (!line) return undefined;
  const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(line)!;
  return { interpreter: m[1]!, argument: m[2] || undefined };
}

/** Rewrites an execve (or execveat) of a served script into an execve of its interpreter.
 * Returns false when the file is not a script (the caller then just rewrites the path). The
 * script is named to its interpreter as the kernel would name it: the path as the program gave
 * it, or for execveat relative to a directory fd `/dev/fd/N/path` (`/dev/fd/N` with
 * AT_EMPTY_PATH). `interpreterCopy`: the host file to run for an interpreter served by a
 * file-system module (a copy of it: vfs/materialize.ts). */
export function rewriteScriptExec(call: SyscallCall, scriptGuestPath: string, scriptHostPath: string, translator: PathTranslator, interpreterCopy?: string): boolean {
  const shebang = readShebang(scriptHostPath);
  if (!shebang) return false;
  const at = call.name === 'execveat';
  const argvArg = at ? 2 : 1;
  let scriptName = scriptGuestPath;
  if (at) {
    const dirfd = call.int(0);
    const flags = call.int(4);
    if (scriptGuestPath === '' && (flags & AT_EMPTY_PATH) !== 0) scriptName = `/dev/fd/${dirfd}`;
    else if (!scriptGuestPath.startsWith('/') && dirfd !== AT_FDCWD) scriptName = `/dev/fd/${dirfd}/${scriptGuestPath}`;
  }
  const oldArgv = readArgvPointers(call, call.ptr(argvArg));
  if (oldArgv === undefined) {
    call.skip(-ERRNO.EFAULT);
    return true;
  }
  const interpreterHost = interpreterCopy ?? translator.translate(shebang.interpreter) ?? shebang.interpreter;
  const strings = [shebang.interpreter, ...(shebang.argument ? [shebang.argument] : []), scriptName];
  const [host, ...pointers] = placeStrings(call, [interpreterHost, ...strings]);
  if (at) {
    // execveat(dirfd, path, argv, envp, flags) becomes execve(interpreter, argv', envp).
    const envp = call.ptr(3);
    call.setNumber(EXECVE_NR);
    call.setArg(2, envp);
  }
  call.setArg(0, host!);
  // argv[0] of the script is replaced by its path, as the kernel does.
  call.setArg(1, placeArgvTable(call, [...pointers, ...oldArgv.slice(1)]));
  return true;
}

/** True when the host file is a `#!` script whose interpreter a module serves: the kernel
 * would look for the interpreter on the host, so the monitor must run it (see
 * rewriteScriptExec) even though the script's own path needs no rewriting. */
export function scriptNeedsMonitor(hostPath: string | Buffer, translator: PathTranslator): boolean {
  const shebang = readShebang(hostPath);
  return shebang !== undefined && translator.translate(shebang.interpreter) !== undefined;
}
