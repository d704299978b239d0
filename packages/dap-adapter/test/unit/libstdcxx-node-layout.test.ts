// Where libstdc++'s tree and hashtable nodes keep their element: the layout computed from the link
// part and the element's alignment (what the visualizers use when a program's debug information
// lacks the node type) against the node types g++ itself describes, for each container of the
// associative-containers fixture, 16-byte aligned elements included.
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { stripTypedefs, SymbolFile, type DwarfType, type RecordType } from '../../src/symbols/index.js';
import type { ValueHost } from '../../src/values/value.js';
import { elementOffset, instanceName, templateArgumentSpelling } from '../../src/visualizers/libstdcxx/node-layout.js';
import { cxxProgram } from '../dap/helpers.js';

/** Containers of the fixture (as g++ names them), with the member that holds the tree or table. */
const CONTAINERS: readonly [string, '_M_t' | '_M_h'][] = [
  ['std::map<int, int, std::less<int>, std::allocator<std::pair<int const, int> > >', '_M_t'],
  ['std::set<int, std::less<int>, std::allocator<int> >', '_M_t'],
  ['std::map<int, std::vector<int, std::allocator<int> >, std::less<int>, std::allocator<std::pair<int const, std::vector<int, std::allocator<int> > > > >', '_M_t'],
  ['std::unordered_set<int, std::hash<int>, std::equal_to<int>, std::allocator<int> >', '_M_h'],
  ['std::unordered_set<long double, std::hash<long double>, std::equal_to<long double>, std::allocator<long double> >', '_M_h'],
  ['std::unordered_multimap<int, int, std::hash<int>, std::equal_to<int>, std::allocator<std::pair<int const, int> > >', '_M_h'],
];

describe('libstdc++ node layouts', () => {
  skipEachWhen(missing.tool('c++', 'g++'));
  const opened: SymbolFile[] = [];
  afterAll(() => {
    for (const file of opened) file.close();
  });

  it('puts the element where g++ says its node type has it', () => {
    const file = SymbolFile.open(cxxProgram('cxx-associative'));
    opened.push(file);
    const dwarf = file.dwarf!;
    const typeNamed = (name: string): DwarfType | undefined => {
      const die = dwarf.cplusplus.type(name);
      return die === undefined ? undefined : dwarf.types.typeOf(die);
    };
    const knowing = { typeNamed } as unknown as ValueHost;
    const blind = {} as ValueHost;
    const offsets: string[] = [];
    for (const [name, member] of CONTAINERS) {
      const container = typeNamed(name) as RecordType | undefined;
      expect(container, name).toBeDefined();
      const implementation = stripTypedefs(container!.members.find((candidate) => candidate.name === member)!.type) as RecordType;
      const element = implementation.templateArguments[1]!.type;
      const tree = member === '_M_t';
      const link = typeNamed(tree ? 'std::_Rb_tree_node_base' : 'std::__detail::_Hash_node_base') as RecordType;
      const traits = tree ? undefined : stripTypedefs(implementation.templateArguments[9]!.type) as RecordType;
      const nodeName = tree
        ? instanceName('std::_Rb_tree_node', [templateArgumentSpelling(element)!])
        : instanceName('std::__detail::_Hash_node', [templateArgumentSpelling(element)!, traits!.templateArguments[0]!.value ? 'true' : 'false']);
      expect(typeNamed(nodeName), nodeName).toBeDefined();
      const described = elementOffset(knowing, nodeName, link.byteSize!, element);
      const computed = elementOffset(blind, undefined, link.byteSize!, element);
      offsets.push(`${nodeName}: ${computed}`);
      expect(`${nodeName}: ${computed}`).toBe(`${nodeName}: ${described}`);
    }
    // The long double hashtable's element follows its 8-byte link after 8 bytes of padding.
    expect(offsets).toContain('std::__detail::_Hash_node<long double, true>: 16');
  });
});
