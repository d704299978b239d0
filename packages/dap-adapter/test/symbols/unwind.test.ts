// Unwinding a real stopped process, with gdb as the oracle: gdb stops the program, prints the
// registers, the whole stack and its backtrace; our unwinder must find the same frames.
import { afterAll, describe, expect, it } from 'vitest';
import {
  registersByDwarfNumber, SymbolFile, unwindStack, type MemoryMapping, type UnwindModule, type UnwindResult,
} from '../../src/symbols/index.js';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { compileFixture, compileProgram, gdbBatch, parseGdbMappings, parseGdbMemoryDump, parseGdbRegisters } from './helpers.js';

const opened = new Map<string, SymbolFile>();
function symbolFile(path: string): SymbolFile {
  let file = opened.get(path);
  if (file === undefined) {
    file = SymbolFile.open(path);
    opened.set(path, file);
  }
  return file;
}
afterAll(() => opened.forEach((file) => file.close()));

interface StoppedProcess {
  result: UnwindResult;
  /** gdb's frame pcs with inline frames folded into their physical frame. */
  gdbPcs: bigint[];
  mappings: MemoryMapping[];
  /** The module file and its bias for a run-time pc. */
  moduleOf(pc: bigint): { file: SymbolFile; bias: bigint } | undefined;
}

function stopAndUnwind(program: string, breakpoint: string, setup: string[] = []): StoppedProcess {
  const output = gdbBatch(program, [
    // Without libc's debug info gdb shows the physical frames only: with it, gdb also invents
    // "tail call frames" from DW_TAG_call_site data (qsort jumps to qsort_r), which no CFI
    // unwinder can see.
    'set debug-file-directory /nonexistent',
    ...setup,
    `break ${breakpoint}`, 'run', 'info registers', 'set backtrace past-main on', 'bt', 'info proc mappings',
    // The whole stack, up to its top: gdb stops at the unmapped page and runs the next command.
    'x/4096gx $rsp',
    // bt shows no pc for a signal trampoline frame: ask for it.
    'frame 1', 'print $pc',
  ]);
  const registers = registersByDwarfNumber(parseGdbRegisters(output));
  const mappings = parseGdbMappings(output);
  const readMemory = parseGdbMemoryDump(output);
  // Frame 0 shows no address when it has line info; other frames without an address are
  // inline frames ("#3  msort_with_tmp (...)") that share their caller's pc.
  const signalTrampoline = /^\$\d+ = \(void \(\*\)\(\)\) (0x[0-9a-f]+)/m.exec(output)?.[1];
  const gdbPcs = [...output.matchAll(/^#(\d+)\s+(?:(0x[0-9a-f]+) in |(<signal handler called>))?/gm)]
    .filter((match) => match[1] === '0' || match[2] !== undefined || match[3] !== undefined)
    .map((match) => {
      if (match[3] !== undefined) return BigInt(signalTrampoline!);
      return match[2] === undefined ? registers.get(16)! : BigInt(match[2]);
    });

  const biases = new Map<string, bigint>();
  const moduleOf = (pc: bigint): { file: SymbolFile; bias: bigint } | undefined => {
    const mapping = mappings.find((candidate) => candidate.path?.startsWith('/') && pc >= candidate.start && pc < candidate.end);
    if (mapping === undefined) return undefined;
    const file = symbolFile(mapping.path!);
    let bias = biases.get(mapping.path!);
    if (bias === undefined) {
      bias = file.elf.loadBiasFromMappings(mappings, mapping.path)!;
      biases.set(mapping.path!, bias);
    }
    return { file, bias };
  };
  const lookup = (pc: bigint): UnwindModule | undefined => {
    const module = moduleOf(pc);
    return module === undefined ? undefined : module.file.unwindModule(module.bias);
  };
  return { result: unwindStack(registers, readMemory, lookup), gdbPcs, mappings, moduleOf };
}

function functionName(process: StoppedProcess, pc: bigint): string | undefined {
  const module = process.moduleOf(pc);
  return module?.file.nearestSymbol(pc - module.bias)?.name;
}

describe('unwinding a stopped process', () => {
  skipEachWhen(missing.tool('gdb'));

  it('unwinds a qsort callback through libc back to main and _start, as gdb bt does', () => {
    const program = compileFixture('qsort.c', ['-g', '-O2']);
    const process = stopAndUnwind(program, 'cmp');
    const { frames, stopReason } = process.result;
    expect(frames.map((frame) => frame.pc)).toEqual(process.gdbPcs);
    expect(stopReason).toBe('outermost');
    expect(frames.every((frame, index) => index === frames.length - 1 || frame.method === 'cfi')).toBe(true);

    const names = frames.map((frame) => functionName(process, frame.lookupPc));
    expect(names[0]).toBe('cmp');
    const mainIndex = names.indexOf('main');
    expect(mainIndex).toBeGreaterThan(1);
    // Between cmp and main, only libc's sorting code.
    for (const frame of frames.slice(1, mainIndex)) expect(process.moduleOf(frame.pc)?.file.path).toMatch(/libc\.so\.6$/);
    expect(names[names.length - 1]).toBe('_start');
    // The source line of main's call to qsort, through main's DWARF.
    const exe = process.moduleOf(frames[mainIndex]!.pc)!;
    expect(exe.file.lineForAddress(frames[mainIndex]!.lookupPc - exe.bias)?.line).toBe(12);
  });

  it('falls back to the frame-pointer chain where there is no CFI', () => {
    const program = compileProgram('unwind-no-cfi', ['lines-main.c', 'lines-helper.c'], ['-O0', '-fno-asynchronous-unwind-tables', '-fno-inline']);
    const process = stopAndUnwind(program, 'clamp');
    const { frames, stopReason } = process.result;
    expect(frames.map((frame) => frame.pc)).toEqual(process.gdbPcs);
    const names = frames.map((frame) => functionName(process, frame.lookupPc));
    expect(names.slice(0, 3)).toEqual(['clamp', 'helper', 'main']);
    expect(frames.slice(0, 3).map((frame) => frame.method)).toEqual(['frame-pointer', 'frame-pointer', 'frame-pointer']);
    expect(frames[3]!.method).toBe('cfi'); // libc's __libc_start_call_main has CFI again
    expect(stopReason).toBe('outermost');
  });

  it('crosses a signal frame (registers restored from the ucontext by CFI expressions)', () => {
    const program = compileFixture('signal.c', ['-g', '-O0']);
    const process = stopAndUnwind(program, 'on_signal', ['handle SIGUSR1 nostop noprint pass']);
    const { frames, stopReason } = process.result;
    expect(frames.map((frame) => frame.pc)).toEqual(process.gdbPcs);
    expect(stopReason).toBe('outermost');
    // The trampoline is named by its pc: glibc puts a nop before __restore_rt so that pc - 1
    // still finds its FDE, but that nop belongs to no symbol.
    const names = frames.map((frame, index) => functionName(process, index === 1 ? frame.pc : frame.lookupPc));
    expect(names.slice(0, 5)).toEqual(['on_signal', '__restore_rt', 'kill', 'interrupted', 'main']);
    expect(frames[1]!.isSignalFrame).toBe(true);
    // The interrupted instruction is not a return address: it is looked up as it is.
    expect(frames[2]!.lookupPc).toBe(frames[2]!.pc);
    expect(frames[3]!.lookupPc).toBe(frames[3]!.pc - 1n);
  });

  it('stops with a reason, not an exception, when memory runs out', () => {
    const program = compileFixture('qsort.c', ['-g', '-O2']);
    const full = stopAndUnwind(program, 'cmp');
    const rsp = full.result.frames[0]!.registers.get(7)!;
    const registers = new Map(full.result.frames[0]!.registers);
    const noMemory = (address: bigint): Buffer => {
      throw new Error(`no memory at 0x${address.toString(16)} (rsp 0x${rsp.toString(16)})`);
    };
    const result = unwindStack(registers, noMemory, (pc) => {
      const module = full.moduleOf(pc);
      return module === undefined ? undefined : module.file.unwindModule(module.bias);
    });
    expect(result.stopReason).toBe('memory-error');
    expect(result.frames).toHaveLength(1);
    expect(result.message).toMatch(/no memory/);
  });
});
