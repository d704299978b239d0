// PathTranslator: guest path -> host path through the path modules (pure path arithmetic, no
// file system), and the one shortcut it offers the let-through: the tail of a path below a
// prefix mapped onto the host's root, '..' included (rootMappedTail).
import { describe, expect, it } from 'vitest';
import { bind } from '../src/modules/bind.js';
import { unreal } from '../src/modules/unreal.js';
import type { UmviewModule } from '../src/modules/module.js';
import { RoutingTable } from '../src/monitor/routing.js';
import { PathTranslator } from '../src/paths/translator.js';

function translator(modules: UmviewModule[]): PathTranslator {
  const table = new RoutingTable(modules);
  return new PathTranslator(table.paths, table.prefixHeads);
}

describe('PathTranslator.rootMappedTail', () => {
  const t = translator([unreal(), bind({ '/srv/data': '/data' })]);

  it("gives the rest below /unreal, '..' and '.' included, as the kernel may resolve it", () => {
    expect(t.rootMappedTail('/unreal/usr/share/doc/bash/..')).toBe('/usr/share/doc/bash/..');
    expect(t.rootMappedTail('/unreal/a/../../b')).toBe('/a/../../b'); // above /unreal: '/' on both sides
    expect(t.rootMappedTail('/unreal/usr/./x/..')).toBe('/usr/./x/..');
  });

  it('gives nothing where the rest names a prefix again, or the prefix is not mapped onto the root', () => {
    expect(t.rootMappedTail('/unreal/../unreal/x')).toBeUndefined(); // climbs back into /unreal
    expect(t.rootMappedTail('/unreal/unreal/x/..')).toBeUndefined(); // two hops
    expect(t.rootMappedTail('/unreal/tmp/../data/x')).toBeUndefined(); // names /data's head
    expect(t.rootMappedTail('/data/x/..')).toBeUndefined(); // bind: /data is /srv/data, not '/'
    expect(t.rootMappedTail('/unrealx/a/..')).toBeUndefined();
    expect(t.rootMappedTail('/unreal')).toBeUndefined();
    expect(t.rootMappedTail('relative/unreal/..')).toBeUndefined();
  });

  it('has nothing to give without a root-mapped prefix', () => {
    expect(translator([bind({ '/srv/data': '/data' })]).rootMappedTail('/data/x/..')).toBeUndefined();
  });
});
