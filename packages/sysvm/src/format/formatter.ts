// strace-style lines for syscall stops:
//   formatSyscallEntry  -> `openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC`
//   formatSyscallExit   -> the rest: arguments the kernel wrote, `)` and ` = 3`
//   formatSyscallResult -> ` = 3` / ` = -1 ENOENT (No such file or directory)`
//   formatSyscall       -> the whole line
// Entry text is made from memory as it is at the entry stop (paths, input buffers), exit text
// from memory at the exit stop: a tracer calls the first at entry and the second at exit, as
// strace does. beginSyscall() does the same and also remembers what inout arguments held at
// entry, for `[128 => 16]`.
import { syscallArgCount, syscallName } from '@umview/ptrace-core';
import { captureValue, formatArg, needsCapture, phaseOf, resolveSpec, type ResolvedArgSpec } from './args.js';
import { formatResultValue, isErrorResult } from './result.js';
import { signatureOf } from './signatures.js';
import type { ArgContext, FormatOptions, SyscallCall, SyscallMemory, SyscallSignature } from './types.js';

const DEFAULT_STRING_LIMIT = 32;

/** What an unknown syscall is shown with: its raw arguments in hex, all at entry. */
function rawSignature(nr: number): SyscallSignature {
  const count = syscallArgCount(nr);
  const n = count >= 0 ? count : 6;
  return {
    name: syscallName(nr),
    args: Array.from({ length: n }, (_, i) => ({ kind: 'hex' as const, name: `arg${i}` })),
    result: { kind: 'long' },
  };
}

/** The signature used for `nr`: a described one, or the raw fallback. */
export function signatureFor(nr: number): SyscallSignature {
  return signatureOf(nr) ?? rawSignature(nr);
}

interface Shown {
  readonly index: number;
  readonly spec: ResolvedArgSpec;
  readonly phase: 'entry' | 'exit';
}

/** The arguments strace shows for this call, in order, with the phase each is printed in. An
 * argument printed at exit makes every later one wait for the exit too. */
function shownArgs(sig: SyscallSignature, call: SyscallCall): Shown[] {
  const out: Shown[] = [];
  let deferred = false;
  sig.args.forEach((raw, index) => {
    const spec = resolveSpec(raw, call.args);
    if (spec === undefined) return;
    if (phaseOf(spec) === 'exit') deferred = true;
    out.push({ index, spec, phase: deferred ? 'exit' : 'entry' });
  });
  return out;
}

interface ExitState {
  readonly result: bigint;
  readonly captured?: ReadonlyMap<number, bigint | undefined>;
}

function context(call: SyscallCall, index: number, mem: SyscallMemory, options: FormatOptions, exit?: ExitState): ArgContext {
  return {
    call,
    value: call.args[index] ?? 0n,
    index,
    mem,
    phase: exit ? 'exit' : 'entry',
    result: exit?.result,
    failed: exit ? isErrorResult(exit.result) : false,
    stringLimit: options.stringLimit ?? DEFAULT_STRING_LIMIT,
    captured: exit?.captured,
  };
}

function texts(shown: readonly Shown[], call: SyscallCall, mem: SyscallMemory, options: FormatOptions, exit?: ExitState): string[] {
  const out: string[] = [];
  for (const s of shown) {
    const text = formatArg(s.spec, context(call, s.index, mem, options, exit));
    if (text !== undefined) out.push(text);
  }
  return out;
}

/** What strace prints when the call starts: name, `(` and the arguments known at entry (no
 * trailing separator, no closing parenthesis). */
export function formatSyscallEntry(call: SyscallCall, mem: SyscallMemory, options: FormatOptions = {}): string {
  const sig = signatureFor(call.nr);
  const entry = shownArgs(sig, call).filter((s) => s.phase === 'entry');
  return `${sig.name}(${texts(entry, call, mem, options).join(', ')}`;
}

/** The result alone: ` = 3`, ` = 0x7f12a000`, ` = -1 ENOENT (No such file or directory)`,
 * ` = ?` for exit_group. `mem` serves results with a comment (poll's revents). */
export function formatSyscallResult(call: SyscallCall, result: bigint, mem?: SyscallMemory, options: FormatOptions = {}): string {
  const sig = signatureFor(call.nr);
  return formatResultValue(sig.result, result, context(call, 0, mem ?? NO_MEMORY, options, { result }));
}

/** What strace prints when the call returns, after the entry text: the arguments the kernel
 * wrote (and those after them), `)` and the result. */
export function formatSyscallExit(call: SyscallCall, result: bigint, mem: SyscallMemory, options: FormatOptions = {}): string {
  // Only a custom argument can print nothing; the others always show something.
  const entryShown = shownArgs(signatureFor(call.nr), call).filter((s) => s.phase === 'entry');
  const hasEntryArgs = entryShown.some((s) => s.spec.kind !== 'custom')
    || texts(entryShown.filter((s) => s.spec.kind === 'custom'), call, mem, options).length > 0;
  const { args, resultText } = exitParts(call, result, mem, options, undefined, hasEntryArgs);
  return `${args})${resultText}`;
}

type Captured = ReadonlyMap<number, bigint | undefined> | undefined;

function exitParts(call: SyscallCall, result: bigint, mem: SyscallMemory, options: FormatOptions, captured: Captured,
  hasEntryArgs: boolean): { args: string; resultText: string } {
  const sig = signatureFor(call.nr);
  const exit = { result, captured };
  const exitArgs = texts(shownArgs(sig, call).filter((s) => s.phase === 'exit'), call, mem, options, exit);
  const args = exitArgs.length === 0 ? '' : `${hasEntryArgs ? ', ' : ''}${exitArgs.join(', ')}`;
  const resultText = formatResultValue(sig.result, result, context(call, 0, mem, options, exit));
  return { args, resultText };
}

/** Pads the text before ` = ` to the result column (strace's -a; it uses 40): strace pads
 * with spaces so that `=` lands in that column, or leaves one space when the text is longer. */
function align(head: string, resultText: string, column: number | undefined): string {
  if (!column || !resultText.startsWith(' = ')) return head + resultText;
  return head.padEnd(column - 1) + resultText;
}

function joinLine(entry: string, call: SyscallCall, result: bigint, mem: SyscallMemory, options: FormatOptions, captured: Captured): string {
  const { args, resultText } = exitParts(call, result, mem, options, captured, !entry.endsWith('('));
  return align(`${entry}${args})`, resultText, options.alignResult);
}

/** The whole line, from memory as it is now (the exit stop). */
export function formatSyscall(call: SyscallCall, result: bigint, mem: SyscallMemory, options: FormatOptions = {}): string {
  return joinLine(formatSyscallEntry(call, mem, options), call, result, mem, options, undefined);
}

/** A call seen at its entry stop, waiting for its exit. */
export interface PendingSyscall {
  /** The entry text (what strace prints before the call returns). */
  readonly text: string;
  /** The whole line, given the result and memory at the exit stop. */
  finish(result: bigint, mem: SyscallMemory): string;
}

/** Formats the entry now and the exit later, remembering what inout arguments held at entry. */
export function beginSyscall(call: SyscallCall, mem: SyscallMemory, options: FormatOptions = {}): PendingSyscall {
  // The caller may reuse its argument array for the next stop: keep a copy.
  const frozen: SyscallCall = { ...call, args: [...call.args] };
  const text = formatSyscallEntry(frozen, mem, options);
  const captured = new Map<number, bigint | undefined>();
  for (const s of shownArgs(signatureFor(frozen.nr), frozen)) {
    if (needsCapture(s.spec)) captured.set(s.index, captureValue(s.spec, context(frozen, s.index, mem, options)));
  }
  return { text, finish: (result, exitMem) => joinLine(text, frozen, result, exitMem, options, captured) };
}

/** Memory that cannot be read (for results that need none). */
const NO_MEMORY: SyscallMemory = { readCString: () => undefined, read: () => undefined };
