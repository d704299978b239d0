// The expression before a `.` or `->` whose members the debug console completes.
import { describe, expect, it } from 'vitest';
import { leftOperand } from '../../src/inspect/completions.js';

describe('leftOperand', () => {
  it.each([
    ['shape', 'shape'],
    ['1 + shape', 'shape'],
    ['shape_ptr->corner', 'shape_ptr->corner'],
    ['x = a.b[i + 1].c', 'a.b[i + 1].c'],
    ['f((*p).q', '(*p).q'],
    ['geo::origin', 'geo::origin'],
    ['g(x)->y', 'g(x)->y'],
    ['a > b', 'b'],
    ['', ''],
  ])('%j ends with the operand %j', (text, operand) => {
    expect(leftOperand(text)).toBe(operand);
  });
});
