// The module contract (src/modules/module.ts): the module that claims a syscall by number sees
// it first, and when its handleSyscall returns true the monitor does nothing more with it;
// conflicting claims are refused when the modules load, naming both modules. And the routing
// table that decides all this, printed by --routing.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, exec, tempDir, umview } from './helpers.js';

/** A module file of the test's: `body` is the object literal's members. */
function moduleFile(name: string, body: string): string {
  const file = join(tempDir(), `${name}.mjs`);
  writeFileSync(file, `export default () => ({ name: '${name}', ${body} });\n`);
  return file;
}

describe('conflicting claims are refused when the modules load', () => {
  it('two modules listing the same syscall: exit 2, both modules named', async () => {
    const first = moduleFile('first-opener', `syscalls: ['openat'], handleSyscall: () => false`);
    const second = moduleFile('second-opener', `syscalls: ['getpid', 'openat'], handleSyscall: () => false`);
    const r = await umview(['-m', 'unreal', '-m', first, '-m', second], ['true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('umview-lite: modules first-opener and second-opener both claim the syscall openat\n');
  });

  it('a module serving the prefix unreal serves: exit 2, both modules named', async () => {
    const other = moduleFile('other-unreal', `paths: ['/unreal/'], mapPath: (p) => p`);
    const r = await umview(['-m', 'unreal', '-m', other], ['true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('umview-lite: modules unreal and other-unreal both serve the path prefix /unreal\n');
  });

  it('a module listing a path syscall while unreal serves paths is no conflict: it sees every call first', async () => {
    // It records the path as the program gave it: the monitor has not rewritten it yet.
    const seen = join(tempDir(), 'seen');
    const spy = join(tempDir(), 'spy.mjs');
    writeFileSync(spy, `import { appendFileSync } from 'node:fs';
      export default { name: 'spy', syscalls: ['openat'], handleSyscall(call) {
        const path = call.readString(1);
        if (path.includes('hostname')) appendFileSync(${JSON.stringify(seen)}, path + '\\n');
        return false;
      } };\n`);
    for (const mode of ['remap', 'proxy']) {
      writeFileSync(seen, '');
      const r = await umview(['-m', `unreal,mode=${mode}`, '-m', spy], ['cat', '/unreal/etc/hostname']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(readFileSync('/etc/hostname', 'utf8'));
      expect(readFileSync(seen, 'utf8')).toBe('/unreal/etc/hostname\n');
    }
  });
});

describe.each(['remap', 'proxy'])('a module returning true from handleSyscall (unreal in %s mode)', (mode) => {
  // It claims openat and returns true for /unreal paths without touching the call: the kernel
  // gets /unreal/etc/hostname as it is, which does not exist on the host. Were the monitor to
  // go on (rewrite the path, or open it in proxy mode), cat would print the file.
  const decider = (decides: boolean): string => moduleFile(`decider-${decides}`, `syscalls: ['openat'],
    handleSyscall(call) { return ${decides} && call.readString(1).startsWith('/unreal/'); }`);

  it('gets nothing more done by the monitor: the call runs as the program made it', async () => {
    const r = await umview(['-m', `unreal,mode=${mode}`, '-m', decider(true), '--stats'], ['cat', '/unreal/etc/hostname']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/cat: \/unreal\/etc\/hostname: No such file or directory/);
    expect(r.code).toBe(1);
    expect(Number(/syscalls virtualized\s+(\d+)/.exec(r.stderr)?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('returning false leaves the call to the monitor (the file is served)', async () => {
    const r = await umview(['-m', `unreal,mode=${mode}`, '-m', decider(false)], ['cat', '/unreal/etc/hostname']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(readFileSync('/etc/hostname', 'utf8'));
  });
});

describe('--routing', () => {
  it('prints the routing table alone (no command): prefixes, modes, claims and let-through rules', async () => {
    const claimer = moduleFile('claimer', `syscalls: ['getpid']`);
    const r = await exec(process.execPath, [cli, '-m', 'unreal,mode=proxy', '-m', 'bind,/srv=/data', '-m', claimer, '--routing']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^routing table\n/);
    expect(r.stdout).toMatch(/\n {2}\/unreal +unreal +proxy\n/);
    expect(r.stdout).toMatch(/\n {2}\/data +bind +remap\n/);
    expect(r.stdout).toMatch(/\n {2}module claimer +\| +never\n +getpid\n/);
    expect(r.stdout).toMatch(/\n {2}proxy > paths +\| +absolute path .*naming none of unreal, data, proc, dev\n/);
  });

  it('goes to stderr before a command runs', async () => {
    const r = await umview(['-m', 'unreal', '--routing'], ['echo', 'ran']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ran\n');
    expect(r.stderr).toMatch(/^routing table\n {2}path prefix +module +mode\n {2}\/unreal +unreal +remap\n/);
  });
});
