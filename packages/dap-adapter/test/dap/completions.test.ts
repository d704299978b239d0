// DAP's completions (the debug console): locals and arguments, members after `.` and `->`,
// globals and functions of the program, C++ members (bases and methods included) and names
// in a namespace; each candidate replaces exactly the typed prefix (start and length).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { launchCxxTo, launchTo, lineOf, program, source, startClient, stopClient, stoppedAfter } from './helpers.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

/** Completions with the cursor at the end of `text` (VS Code's 1-based column). */
async function complete(frameId: number, text: string, column = text.length + 1): Promise<DebugProtocol.CompletionItem[]> {
  return (await client.completionsRequest({ frameId, text, column })).body.targets;
}

function labels(items: readonly DebugProtocol.CompletionItem[]): string[] {
  return items.map((item) => item.label);
}

function item(items: readonly DebugProtocol.CompletionItem[], label: string): DebugProtocol.CompletionItem {
  const found = items.find((candidate) => candidate.label === label);
  if (found === undefined) throw new Error(`no ${label} in ${labels(items).join(', ')}`);
  return found;
}

/** What VS Code does with an item: replaces `length` characters from `start` (1-based) by the label. */
function applied(text: string, column: number, completion: DebugProtocol.CompletionItem): string {
  const start = (completion.start ?? column) - 1;
  return text.slice(0, start) + completion.label + text.slice(start + (completion.length ?? 0));
}

describe('completions in C', () => {
  skipEachWhen(missing.tool('cc'));

  it('says it supports them, with . > : as trigger characters', async () => {
    const response = await client.initializeRequest();
    expect(response.body?.supportsCompletionsRequest).toBe(true);
    expect(response.body?.completionTriggerCharacters).toEqual(['.', '>', ':']);
  });

  it('completes locals and arguments, and replaces only the typed prefix', async () => {
    const { frameId } = await launchTo(client, 'completions', '/* break here */');
    const items = await complete(frameId, 'wh');
    expect(labels(items)).toEqual(['whole']);
    expect(item(items, 'whole')).toMatchObject({ type: 'variable', start: 1, length: 2, detail: 'int' });
    // Locals first, then arguments, then globals: the order found, kept by sortText.
    const all = await complete(frameId, 's');
    expect(labels(all).slice(0, 2)).toEqual(['shape_ptr', 'scale']);
    expect([...all].sort((a, b) => a.sortText!.localeCompare(b.sortText!)).map((candidate) => candidate.label)).toEqual(labels(all));
    const text = '1 + sc';
    const arguments_ = await complete(frameId, text);
    expect(labels(arguments_)).toContain('scale');
    expect(applied(text, text.length + 1, item(arguments_, 'scale'))).toBe('1 + scale');
    // The cursor in the middle of the text: only what precedes it counts.
    const middle = await complete(frameId, 'heig + 1', 5);
    expect(applied('heig + 1', 5, item(middle, 'height'))).toBe('height + 1');
  });

  it('counts columns from 0 for a client that says so', async () => {
    const initialized = client.waitForEvent('initialized');
    await client.initializeRequest({ adapterID: 'umview', linesStartAt1: true, columnsStartAt1: false, pathFormat: 'path' });
    await client.launchRequest({ program: program('completions') } as never);
    await initialized;
    await client.setBreakpointsRequest({ source: { path: source('completions.c') }, breakpoints: [{ line: lineOf('completions.c', '/* break here */') }] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    const frameId = (await client.stackTraceRequest({ threadId: stopped.body.threadId! })).body.stackFrames[0]!.id;
    // The cursor after "1 + sc" is column 6 counted from 0; the word starts at 4.
    const items = (await client.completionsRequest({ frameId, text: '1 + sc', column: 6 })).body.targets;
    expect(item(items, 'scale')).toMatchObject({ start: 4, length: 2 });
  });

  it('gives VS Code no start: it replaces by length and would filter by a start read as 0-based', async () => {
    const initialized = client.waitForEvent('initialized');
    await client.initializeRequest({ adapterID: 'umview', clientID: 'vscode', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    await client.launchRequest({ program: program('completions') } as never);
    await initialized;
    await client.setBreakpointsRequest({ source: { path: source('completions.c') }, breakpoints: [{ line: lineOf('completions.c', '/* break here */') }] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    const frameId = (await client.stackTraceRequest({ threadId: stopped.body.threadId! })).body.stackFrames[0]!.id;
    const scale = item((await client.completionsRequest({ frameId, text: '1 + sc', column: 7 })).body.targets, 'scale');
    expect(scale.length).toBe(2);
    expect(scale.start).toBeUndefined();
  });

  it('completes members after . and ->', async () => {
    const { frameId } = await launchTo(client, 'completions', '/* break here */');
    const arrow = await complete(frameId, 'shape_ptr->');
    expect(labels(arrow)).toEqual(['origin', 'corner', 'label']);
    expect(item(arrow, 'corner')).toMatchObject({ type: 'field', start: 12, length: 0, detail: 'struct point *' });
    const nested = await complete(frameId, 'shape_ptr->corner->y');
    expect(labels(nested)).toEqual(['ycoord']);
    expect(applied('shape_ptr->corner->y', 21, nested[0]!)).toBe('shape_ptr->corner->ycoord');
    const dot = await complete(frameId, '(*shape_ptr).origin.x');
    expect(labels(dot)).toEqual(['xcoord']);
    expect(await complete(frameId, 'width.')).toEqual([]);
    expect(await complete(frameId, 'no_such_thing->')).toEqual([]);
  });

  it('completes globals, file statics and functions of the program', async () => {
    const { frameId } = await launchTo(client, 'completions', '/* break here */');
    expect(item(await complete(frameId, 'global_c'), 'global_counter').type).toBe('variable');
    expect(labels(await complete(frameId, 'file_l'))).toContain('file_limit');
    expect(item(await complete(frameId, 'compute_'), 'compute_area').type).toBe('function');
    expect(labels(await complete(frameId, 'zzz_nothing'))).toEqual([]);
  });

  it('answers a very long line at once, from its end', async () => {
    const { frameId } = await launchTo(client, 'completions', '/* break here */');
    const text = `${'a'.repeat(200_000)} + ${'b::'.repeat(50_000)}x + glob`;
    const items = await complete(frameId, text);
    expect(item(items, 'global_counter')).toMatchObject({ start: text.length - 3, length: 4 });
  });
});

describe('completions in C++', () => {
  skipEachWhen(missing.tool('c++', 'g++'));

  it('completes members of a class and its base, its methods, and names in a namespace', async () => {
    const { frameId } = await launchCxxTo(client, 'cxx-completions', '// break here');
    const members = await complete(frameId, 'pointer->');
    expect(labels(members)).toEqual(expect.arrayContaining(['widget_size', 'widget_count', 'base_weight', 'widget_area']));
    expect(item(members, 'widget_area').type).toBe('function');
    expect(labels(await complete(frameId, 'widget.wid'))).toEqual(expect.arrayContaining(['widget_size', 'widget_area', 'widget_count']));
    const inNamespace = await complete(frameId, 'geometry::');
    expect(labels(inNamespace)).toEqual(expect.arrayContaining(['instances', 'Base', 'Widget', 'helper_twice']));
    expect(item(inNamespace, 'Widget').type).toBe('class');
    expect(item(inNamespace, 'helper_twice').type).toBe('function');
    const prefix = await complete(frameId, 'geometry::Widget::widget_c');
    expect(labels(prefix)).toEqual(['widget_count']);
    expect(applied('geometry::Widget::widget_c', 27, prefix[0]!)).toBe('geometry::Widget::widget_count');
    expect(item(await complete(frameId, 'geom'), 'geometry').type).toBe('module');
    // A file-scope C++ function: its symbol is mangled, its name comes from the debug information.
    expect(item(await complete(frameId, 'top_level_'), 'top_level_helper').type).toBe('function');
  });

  it('completes a member named alone in a method (this->name)', async () => {
    const { frameId } = await launchCxxTo(client, 'cxx-completions', 'return widget_size * widget_size');
    const items = await complete(frameId, 'widget_');
    expect(labels(items)).toEqual(expect.arrayContaining(['widget_size', 'widget_area', 'widget_count']));
    expect(item(items, 'widget_size')).toMatchObject({ type: 'field', detail: 'int', start: 1, length: 7 });
    expect(labels(await complete(frameId, 'this->base_'))).toEqual(['base_weight']);
  });
});
