import { describe, expect, it } from 'vitest';
import { SYNC_BATCH_SIZE } from '../../../infra/sizing';
import type { Throughput } from '../../../scripts/bench/report';
import { scaleRunNote } from '../../../scripts/bench/report';
import { ASSUMPTIONS, batchUsers, costLines, expectedSlowest, measuredQueueAndLogs } from '../../../scripts/bench/summary';

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

describe('SQS requests and logs per sync, from a run', () => {
  // 100 syncs in 10 worker invocations: 10 sends, 10 receives with messages, 10 deletes, 1,000 bytes in 120 lines.
  const run = {
    processed: 100,
    duplicates: 0,
    workerInvocations: 10,
    sqsRequests: { send: 10, receive: 10, emptyReceive: 40, delete: 10 },
    logs: { functions: { lines: 100, bytes: 800 }, metrics: { lines: 10, bytes: 100 }, bridge: { lines: 10, bytes: 100 } },
  } as Throughput;

  it('counts sends per sync and the mapping\'s receive and delete per invocation of the given batch, idle receives aside', () => {
    expect(measuredQueueAndLogs(run, 10, 2).sqsRequestsPerSync).toBeCloseTo(0.1 + 2 / 10);
    expect(measuredQueueAndLogs(run, 1, 3).sqsRequestsPerSync).toBeCloseTo(0.1 + 2);
  });

  it('adds CloudWatch\'s bytes per event and the platform lines of each invocation to the lines written', () => {
    const { logEventOverheadBytes: event, platformLogBytesPerInvocation: platform } = ASSUMPTIONS;
    expect(measuredQueueAndLogs(run, 10, 2).logKbPerSync).toBeCloseTo((1000 / 100 + (120 * event) / 100 + (2 * platform) / 10) / 1024);
  });

  it('prices idle long polls once per month, only where SQS was measured', () => {
    const sqs = (inputs: Parameters<typeof costLines>[0]) => costLines(inputs).find((l) => l.item === 'SQS')?.usd ?? 0;
    const sync = { syncsPerUserDay: 0, garminRequestsPerSync: 1, wruPerSync: 1, rruPerSync: 1 };
    const idle = (ASSUMPTIONS.sqsIdlePollers * ASSUMPTIONS.days * 86_400) / ASSUMPTIONS.sqsLongPollSeconds;
    expect(sqs({ ...sync, sqsRequestsPerSync: 0.3 })).toBeCloseTo(idle * 0.4e-6);
    expect(sqs(sync)).toBe(0);
  });
});

describe('the 10,000-user run in the report', () => {
  it('quotes the committed run\'s table', () => {
    const markdown = [
      '## 10,000 users end to end',
      '',
      'Run 2026-12-01T06:40:00.000Z on 2 × CPU',
      '',
      '| syncs run / failed records / duplicate deliveries | 10000 / 0 / 0 |',
      '| elapsed | 1000.0 s |',
      '| **users per minute** | **600** |',
    ].join('\n');
    expect(scaleRunNote(markdown)).toContain('10000 syncs, 0 failed, in 1000.0 s: **600 user-syncs per minute**');
    expect(scaleRunNote(markdown)).toContain('run 2026-12-01T06:40:00.000Z');
  });

  it('says how to run it when there is no result', () => {
    expect(scaleRunNote('')).toMatch(/not run yet .*--users 10000/);
  });
});
