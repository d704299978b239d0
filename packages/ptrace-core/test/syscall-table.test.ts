// The x86-64 syscall table against the machine's kernel headers: every call that
// asm/unistd_64.h defines has that number and that name in the table (and the reverse lookups
// agree). The calls newer than the header were added by hand and are not checked here.
import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { syscallName, syscallNumber } from '@umview/ptrace-core';

const CANDIDATES = ['/usr/include/x86_64-linux-gnu/asm/unistd_64.h', '/usr/include/asm/unistd_64.h'];
const header = CANDIDATES.find((path) => existsSync(path));

it("has the number and name of every call in the machine's asm/unistd_64.h", (ctx) => {
  if (header === undefined) ctx.skip(`no asm/unistd_64.h on this machine (looked at ${CANDIDATES.join(', ')}; install the kernel headers, e.g. linux-libc-dev)`);
  const defined = [...readFileSync(header!, 'utf8').matchAll(/^#define __NR_(\w+)\s+(\d+)\s*$/gm)]
    .map((m) => ({ name: m[1]!, nr: Number(m[2]) }));
  expect(defined.length).toBeGreaterThan(300);
  const wrong = defined.filter(({ name, nr }) => syscallName(nr) !== name || syscallNumber(name) !== nr)
    .map(({ name, nr }) => `${nr} ${name}: the table has ${syscallName(nr)} (and ${name} = ${syscallNumber(name)})`);
  expect(wrong).toEqual([]);
});
