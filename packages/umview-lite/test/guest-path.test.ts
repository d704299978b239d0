// below(): the prefix test every path call goes through, several times. Plain paths take a
// string comparison; the others are split into components. Both ways must give one answer.
import { describe, expect, it } from 'vitest';
import { below } from '../src/paths/guest-path.js';

describe('below', () => {
  it.each([
    // plain paths: the string comparison
    ['/unreal/usr/x', '/unreal', '/usr/x'],
    ['/unreal/usr/x/', '/unreal', '/usr/x/'],
    ['/unreal', '/unreal', ''],
    ['/unreal/', '/unreal', ''],
    ['/unrealx/y', '/unreal', undefined],
    ['/unrea', '/unreal', undefined],
    ['/usr/x', '/unreal', undefined],
    ['/a/b', '/', '/a/b'],
    ['/', '/', ''],
    ['/srv/data/f', '/srv/data', '/f'],
    ['/srv/data/f', '/srv/data/', '/f'],
    ['/unreal/.hidden', '/unreal', '/.hidden'],
    ['/unreal/..x/y', '/unreal', '/..x/y'],
    // the others: split
    ['/unreal//usr/x', '/unreal', '/usr/x'],
    ['//unreal/usr', '/unreal', '/usr'],
    ['/../unreal/x', '/unreal', '/x'],
    ['/./unreal/x', '/unreal', '/x'],
    ['/unreal/./x', '/unreal', '/./x'],
    ['/unreal/../x', '/unreal', '/../x'],
    ['/unreal/x/.', '/unreal', '/x/.'],
    ['/unreal/x/..', '/unreal', '/x/..'],
    ['/unreal/.', '/unreal', '/.'],
    ['unreal/x', '/unreal', undefined],
  ])('below(%j, %j) is %j', (path, prefix, expected) => {
    expect(below(path, prefix)).toBe(expected);
  });
});
