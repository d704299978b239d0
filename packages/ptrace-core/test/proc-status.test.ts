// The one /proc/<pid>/status reader (ptrace-core/internal), against this process and a reaped one.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { readProcStatusField, readProcStatusNumber, readProcStatusNumbers } from '@umview/ptrace-core/internal';

it('reads a field as the kernel wrote it, per process or per thread', () => {
  expect(readProcStatusField(process.pid, 'Tgid')).toBe(String(process.pid));
  expect(readProcStatusNumber(process.pid, 'PPid')).toBe(process.ppid);
  expect(readProcStatusField(process.pid, 'Name')).toMatch(/^\S+$/); // the first line, no blanks around
  const umask = process.umask();
  expect(Number.parseInt(readProcStatusField(process.pid, 'Umask')!, 8)).toBe(umask);
  expect(readProcStatusField(process.pid, 'SigPnd', process.pid)).toMatch(/^[0-9a-f]{16}$/);
});

it('gives undefined for a field the kernel does not have, a non-number, or a process that is gone', () => {
  expect(readProcStatusField(process.pid, 'NoSuchField')).toBeUndefined();
  expect(readProcStatusField(process.pid, 'Tgi')).toBeUndefined(); // the start of a name is not a field
  expect(readProcStatusField(process.pid, 'Pid')).toBe(String(process.pid)); // not PPid's or TracerPid's value
  expect(readProcStatusNumber(process.pid, 'Name')).toBeUndefined();
  const reaped = spawnSync('/bin/true').pid!;
  expect(readProcStatusField(reaped, 'Tgid')).toBeUndefined();
});

it('reads several decimal fields in one read', () => {
  expect(readProcStatusNumbers(process.pid, ['Tgid', 'PPid', 'Name'])).toEqual({ Tgid: process.pid, PPid: process.ppid, Name: undefined });
  const reaped = spawnSync('/bin/true').pid!;
  expect(readProcStatusNumbers(reaped, ['Tgid'])).toBeUndefined();
});
