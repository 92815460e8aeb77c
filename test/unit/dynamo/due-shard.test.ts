import { describe, expect, it } from 'vitest';
import { dueShardOf } from '../../../functions/adapters/dynamo/connection-store';
import { LIMITS } from '../../../functions/core/shared/limits';

describe('dueShardOf', () => {
  it('is stable and spreads users over every shard', () => {
    expect(dueShardOf('user-1')).toBe(dueShardOf('user-1'));
    const counts = new Array<number>(LIMITS.dueShards).fill(0);
    for (let i = 0; i < 3200; i++) {
      const shard = dueShardOf(`user-${i}`);
      expect(Number.isInteger(shard) && shard >= 0 && shard < LIMITS.dueShards).toBe(true);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    // 200 expected per shard; a broken hash lands far outside this.
    for (const count of counts) expect(count).toBeGreaterThan(120);
  });
});
