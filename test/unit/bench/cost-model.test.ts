import { describe, expect, it } from 'vitest';
import { SYNC_BATCH_SIZE } from '../../../infra/sizing';
import { batchUsers, costLines, expectedSlowest } from '../../../scripts/bench/summary';

const compute = (lines: ReturnType<typeof costLines>): number => lines.find((l) => l.item === 'Lambda compute')?.usd ?? 0;

describe('the cost model of batched syncs', () => {
  it("takes a batch's slowest sync as the expected largest of its draws", () => {
    // Alone, the slowest is the mean; of ten, nearly always the one sync with 5 requests.
    expect(expectedSlowest([1, 1, 1, 5], 1)).toBeCloseTo(2);
    expect(expectedSlowest([1, 1, 1, 5], 10)).toBeCloseTo(1 + 4 * (1 - 0.75 ** 10));
    expect(expectedSlowest([3, 3], 10)).toBeCloseTo(3);
  });

  it('batches no more jobs than the batching window gathers', () => {
    expect(batchUsers(100_000, 59)).toBe(SYNC_BATCH_SIZE);
    expect(batchUsers(100, 59)).toBeGreaterThan(1);
    expect(batchUsers(100, 59)).toBeLessThan(3);
    expect(batchUsers(1, 1)).toBeCloseTo(1, 2);
  });

  it('bills compute per invocation: ten syncs of one invocation cost less than ten invocations', () => {
    const sync = { syncsPerUserDay: 59, garminRequestsPerSync: 1.3, wruPerSync: 3, rruPerSync: 2 };
    const alone = costLines(sync);
    const batched = costLines({ ...sync, usersPerInvocation: 10, slowestCallRequests: 3.5 });
    expect(compute(batched)).toBeLessThan(compute(alone) / 2);
    const requests = (lines: ReturnType<typeof costLines>) => lines.find((l) => l.item === 'Lambda requests')?.usd ?? 0;
    expect(requests(batched)).toBeLessThan(requests(alone));
  });
});
