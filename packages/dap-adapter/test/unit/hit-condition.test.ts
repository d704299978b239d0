import { describe, expect, it } from 'vitest';
import { parseHitCondition } from '../../src/breakpoints/hit-condition.js';

const stopsAmong = (condition: string, hits = 10): number[] => {
  const test = parseHitCondition(condition);
  return Array.from({ length: hits }, (_, index) => index + 1).filter((count) => test(count));
};

describe('hit conditions', () => {
  it.each([
    ['3', [3, 4, 5, 6]],
    ['>=3', [3, 4, 5, 6]],
    [' == 2 ', [2]],
    ['=2', [2]],
    ['>4', [5, 6]],
    ['<3', [1, 2]],
    ['<=2', [1, 2]],
    ['%3', [3, 6]],
  ])('"%s" stops on hits %j (of 6)', (condition, expected) => {
    expect(stopsAmong(condition, 6)).toEqual(expected);
  });

  it.each(['', 'often', '>= x', '3.5', '-1', '%0'])('rejects "%s" with a message', (condition) => {
    expect(() => parseHitCondition(condition)).toThrow(/invalid hit condition/);
  });
});
