// What the resolver keeps of the guest's names (guest/known-paths.ts), and when it forgets them:
// the rules that let an unlink, rmdir or rename go on at its stop without an exit stop. The
// end-to-end cases, through real programs, are guest-root.test.ts's; here the window between
// a call's stop and its next stop, which no test can open at will with real threads.
import { describe, expect, it } from 'vitest';
import { KnownPaths } from '../../src/guest/known-paths.js';

describe('the names the guest root resolver keeps', () => {
  it('forgets a changed name with everything kept below it, and nothing else', () => {
    const known = new KnownPaths();
    known.addDirectory('/usr', '/r/usr');
    known.addDirectory('/usr/lib', '/r/usr/lib');
    known.addLink('/usr/lib/ld.so', '/lib/x86_64-linux-gnu/ld.so');
    known.addDirectory('/usr/libexec', '/r/usr/libexec');
    // Learned from a relative path: its start (the cwd) was never walked, so not kept.
    known.addDirectory('/home/a/src/deep', '/r/home/a/src/deep');
    known.changing(1, ['/usr/lib']);
    expect(known.get('/usr/lib')).toBeUndefined();
    expect(known.get('/usr/lib/ld.so')).toBeUndefined();
    expect(known.get('/usr/libexec')).toEqual({ directory: '/r/usr/libexec' });
    expect(known.get('/usr')).toEqual({ directory: '/r/usr' });
    known.changing(2, ['/home/a/']);
    expect(known.get('/home/a/src/deep')).toBeUndefined();
    // Named with a trailing slash (`rmdir /home/a/`): nothing below it is learned meanwhile either.
    known.addDirectory('/home/a/src', '/r/home/a/src');
    expect(known.get('/home/a/src')).toBeUndefined();
  });

  it('learns nothing at or below a changed name until the thread that changes it stops again', () => {
    const known = new KnownPaths();
    known.changing(7, ['/tmp/moved', '/tmp/target']);
    // Another thread walks the old tree between the stop and the call: not kept.
    known.addDirectory('/tmp/moved/sub', '/r/tmp/moved/sub');
    known.addLink('/tmp/target', '/etc');
    known.addDirectory('/tmp/moved-not', '/r/tmp/moved-not');
    expect(known.get('/tmp/moved/sub')).toBeUndefined();
    expect(known.get('/tmp/target')).toBeUndefined();
    expect(known.get('/tmp/moved-not')).toEqual({ directory: '/r/tmp/moved-not' });
    known.threadStopped(8); // another thread's stop says nothing of thread 7's call
    known.addDirectory('/tmp/moved/sub', '/r/tmp/moved/sub');
    expect(known.get('/tmp/moved/sub')).toBeUndefined();
    known.threadStopped(7); // its call has run: the new tree may be learned
    known.addDirectory('/tmp/moved/sub', '/r/tmp/moved/sub');
    expect(known.get('/tmp/moved/sub')).toEqual({ directory: '/r/tmp/moved/sub' });
  });

  it('a change of / holds every name until its thread stops', () => {
    const known = new KnownPaths();
    known.addDirectory('/etc', '/r/etc');
    known.changing(3, ['/']);
    expect(known.get('/etc')).toBeUndefined();
    known.addDirectory('/etc', '/r/etc');
    expect(known.get('/etc')).toBeUndefined();
    known.threadStopped(3);
    known.addDirectory('/etc', '/r/etc');
    expect(known.get('/etc')).toEqual({ directory: '/r/etc' });
  });
});
