// The dispatcher keeps each process's ids and umask between calls (src/vfs/credentials.ts):
// a call that changes them must be seen by the very next call on a mount, in the same process
// (no exec between), as the kernel sees it on a host directory.
import { describe, expect, it } from 'vitest';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { umview } from '../helpers.js';

const MOUNT = '/vfs-credentials-mount';

describe('the callers\' credentials on a mount', () => {
  skipEachWhen(missing.root() ?? missing.tool('perl', 'perl-base'));

  it('a setuid, setgroups and umask in the tracee are seen by its next call', async () => {
    // perl changes its ids and umask itself (setresuid, setgroups, umask: no exec), reading the
    // mount before and after each change.
    const script = `
      mkdir -m 700 ${MOUNT}/private && echo secret > ${MOUNT}/private/x && chmod 600 ${MOUNT}/private/x
      mkdir -m 770 ${MOUNT}/group && chgrp 4242 ${MOUNT}/group && echo shared > ${MOUNT}/group/y
      mkdir -m 1777 ${MOUNT}/tmp
      exec perl -e '
        sub show { my ($what, $path) = @_; if (open(my $f, "<", $path)) { print "$what: ", scalar(<$f>) } else { print "$what: $!\\n" } }
        show("root reads", "${MOUNT}/private/x");
        $) = "4242 4242"; $> = 999;
        show("uid 999 reads", "${MOUNT}/private/x");
        show("uid 999 in group 4242 reads", "${MOUNT}/group/y");
        $> = 0; $) = "0 0";
        show("root again reads", "${MOUNT}/private/x");
        umask(077); open(my $a, ">", "${MOUNT}/tmp/a") or die; close($a);
        umask(022); open(my $b, ">", "${MOUNT}/tmp/b") or die; close($b);
        printf("modes %o %o\\n", (stat("${MOUNT}/tmp/a"))[2] & 0777, (stat("${MOUNT}/tmp/b"))[2] & 0777);
      '`;
    const run = await umview(['-m', `tmpfs,${MOUNT}`], ['/bin/sh', '-c', script], { env: { PATH: process.env.PATH, LC_ALL: 'C' } });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe([
      'root reads: secret',
      'uid 999 reads: Permission denied',
      'uid 999 in group 4242 reads: shared',
      'root again reads: secret',
      'modes 600 644',
      '',
    ].join('\n'));
    expect(run.code).toBe(0);
  });
});
