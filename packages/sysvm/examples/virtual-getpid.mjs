#!/usr/bin/env node
// sysvm in a few lines: run a command whose getpid() always answers 4242, whose opens of
// /etc/motd read /etc/hostname instead, and log every openat it makes.
//   node examples/virtual-getpid.mjs [command args...]   (default: sh -c 'echo $$; cat /etc/motd')
import { SyscallFilter, SyscallTracer } from '@umview/sysvm';

const command = process.argv.length > 2 ? process.argv.slice(2) : ['sh', '-c', 'echo "pid $$"; cat /etc/motd'];
const vm = new SyscallTracer({ backend: 'seccomp', filter: SyscallFilter.of(['getpid', 'openat']) });
vm.spawn(command[0], command.slice(1));
const status = vm.runSync((event) => {
  if (event.kind !== 'syscall') return;
  if (event.name === 'getpid') event.skip(4242); // SKIPCALL: the kernel runs nothing
  if (event.name === 'openat') {
    const path = event.readString(1);
    process.stderr.write(`openat ${path}\n`);
    if (path === '/etc/motd') event.setArg(1, event.placeString('/etc/hostname')); // restored after the call
  }
});
process.exit(status);
