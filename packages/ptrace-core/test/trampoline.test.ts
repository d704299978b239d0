import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@umview/test-fixtures';
import { arch } from '@umview/ptrace-core';

describe('spawn trampoline', () => {
  it('its machine code is exactly its assembly listing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 't.s'), arch.TRAMPOLINE_ASSEMBLY);
    execFileSync('as', ['-o', join(dir, 't.o'), join(dir, 't.s')]);
    execFileSync('objcopy', ['-O', 'binary', '-j', '.text', join(dir, 't.o'), join(dir, 't.bin')]);
    expect(readFileSync(join(dir, 't.bin')).toString('hex')).toBe(arch.TRAMPOLINE_CODE.toString('hex'));
  });
});

describe('hand-off client', () => {
  it('its machine code is exactly its assembly listing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'h.s'), arch.HAND_OFF_ASSEMBLY);
    execFileSync('as', ['-o', join(dir, 'h.o'), join(dir, 'h.s')]);
    execFileSync('objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'h.o'), join(dir, 'h.bin')]);
    expect(readFileSync(join(dir, 'h.bin')).toString('hex')).toBe(arch.HAND_OFF_CODE.toString('hex'));
  });
});
