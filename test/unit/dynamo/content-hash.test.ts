import { describe, expect, it } from 'vitest';
import { contentHash } from '../../../functions/adapters/dynamo/content-hash';

describe('contentHash', () => {
  it('ignores key order at every depth', () => {
    expect(contentHash({ a: 1, b: { c: [1, { d: 2, e: 3 }], f: null } })).toBe(
      contentHash({ b: { f: null, c: [1, { e: 3, d: 2 }] }, a: 1 }),
    );
  });

  it('sees every change of a value, of array order and of a key', () => {
    const base = contentHash({ a: 1, list: [1, 2] });
    expect(contentHash({ a: 2, list: [1, 2] })).not.toBe(base);
    expect(contentHash({ a: 1, list: [2, 1] })).not.toBe(base);
    expect(contentHash({ b: 1, list: [1, 2] })).not.toBe(base);
    expect(contentHash({ a: '1', list: [1, 2] })).not.toBe(base);
  });
});
