import { afterEach, describe, expect, it } from 'vitest';
import { Registers, SIGNALS, SI_CODE, Tracer, arch, syscallNumber } from '@umview/ptrace-core';
import { fixture } from './helpers.js';

let tracer: Tracer;
afterEach(() => tracer?.close());

describe('registers and resuming', () => {
  it('names every register of user_regs_struct and round-trips them', () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(fixture('getppid-loop'), ['1']);
    const regs = tracee.getRegisters();
    expect(Object.keys(regs.toJSON())).toEqual([...arch.REGISTER_NAMES]);
    expect(regs.pc).toBe(regs.rip);
    expect(regs.sp).toBe(regs.rsp);
    expect(regs.cs).toBe(0x33n); // 64-bit user code segment
    const saved = regs.clone();
    regs.r12 = 0x1234_5678_9abc_def0n;
    tracee.setRegisters();
    expect(tracee.getRegisters().r12).toBe(0x1234_5678_9abc_def0n);
    tracee.setRegisters(saved);
    expect(tracee.getRegisters().r12).toBe(saved.r12);
    expect(new Registers(saved.bytes).toJSON()).toEqual(saved.toJSON());
  });

  it('reads the FP/SSE and XSAVE regsets', () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(fixture('getppid-loop'), ['1']);
    const fp = tracee.getFpRegisters();
    expect(fp.length).toBe(512);
    expect(fp.readUInt32LE(24)).toBe(0x1f80); // MXCSR's reset value
    expect(fp.readUInt16LE(0)).toBe(0x37f); // x87 control word's reset value
    const xstate = tracee.getXState();
    expect(xstate.length).toBeGreaterThanOrEqual(576); // legacy area + XSAVE header
    expect(xstate.subarray(0, 32)).toEqual(fp.subarray(0, 32));
    fp.writeUInt32LE(0x1fc0, 24); // set DAZ
    tracee.setFpRegisters(fp);
    expect(tracee.getFpRegisters().readUInt32LE(24)).toBe(0x1fc0);
  });

  it('single-steps one instruction at a time', () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(fixture('getppid-loop'), ['1']);
    const start = tracee.getRegisters().rip;
    // The exec stop is inside execve: the first step only returns to user mode (a step trap
    // at the same pc, as the kernel reports the syscall exit); the second runs an instruction.
    const step = (code: number) => {
      tracee.singleStep();
      const stop = tracer.wait()!;
      expect(stop).toMatchObject({ kind: 'signal', signal: SIGNALS.SIGTRAP });
      if (stop.kind === 'signal') expect(stop.siginfo.code).toBe(code);
      return tracee.getRegisters().rip;
    };
    // The kernel's syscall-exit step report says TRAP_BRKPT; a hardware single-step trap
    // (DR6.BS) says TRAP_TRACE.
    expect(step(SI_CODE.TRAP_BRKPT)).toBe(start);
    const after = step(SI_CODE.TRAP_TRACE);
    // ld.so's entry is `mov rdi, rsp` (3 bytes) on x86-64 glibc.
    expect(after - start).toBe(3n);
  });

  it('emulates syscalls with sysemu: an entry stop, the call not run, no exit stop', () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(fixture('getppid-loop'), ['3']);
    tracee.syscall();
    const getppid = syscallNumber('getppid')!;
    for (let stop = tracer.wait(); stop; stop = tracer.wait()) {
      if (stop.kind === 'syscall-exit' && stop.nr === getppid) {
        tracee.sysemu(); // the next syscall stops at entry and is not run
        expect(tracer.wait()).toMatchObject({ kind: 'syscall-enter', nr: getppid });
        tracee.sysemu(); // no exit stop for an emulated call: next is the third call's entry
        expect(tracer.wait()).toMatchObject({ kind: 'syscall-enter', nr: getppid });
        const regs = tracee.getRegisters();
        regs.syscallResult = 0n;
        tracee.setRegisters();
        tracee.cont();
        expect(tracer.wait()).toMatchObject({ kind: 'exited', code: 0 });
        return;
      }
      stop.tracee.syscall();
    }
    expect.unreachable();
  });

  it('reads registers in the 64-bit layout even when the thread is set to 32-bit mode (cs 0x23)', () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(fixture('getppid-loop'), ['1']);
    const regs = tracee.getRegisters();
    const saved = regs.clone();
    regs.cs = 0x23n;
    tracee.setRegisters();
    const again = tracee.getRegisters();
    expect(again.cs).toBe(0x23n);
    expect(again.rip).toBe(saved.rip);
    expect(again.rsp).toBe(saved.rsp);
    tracee.setRegisters(saved);
    expect(tracee.getRegisters().cs).toBe(0x33n);
  });
});
