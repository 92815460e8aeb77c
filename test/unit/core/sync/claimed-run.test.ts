import { describe, expect, it } from 'vitest';
import { claimedRunMustStart } from '../../../../functions/core/sync/claimed-run';
import { LIMITS } from '../../../../functions/core/shared/limits';
import type { ConnectionRecord, ScheduleRecord } from '../../../../functions/core/shared/ports';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();
const claimed = (untilSeconds: number): ScheduleRecord => ({ userId: 'u1', fetches: [], lease: { owner: 'claim-1', until: at(untilSeconds) } });
const connection = (cursors: ConnectionRecord['cursors'], isActive = true) =>
  ({ userId: 'u1', username: 'a@example.com', tokens: 'sealed', isActive, status: 'active', consecutiveFailures: 0, cursors, createdAt: at(-86400), version: 3 }) as ConnectionRecord;

describe('claimedRunMustStart', () => {
  const run = LIMITS.leaseTtlSeconds;

  it('writes nothing when the claim outlasts the run and the tokens cannot be refreshed in it', () => {
    expect(claimedRunMustStart(claimed(run + 60), connection({ tokensRefreshAt: at(run + 1) }), NOW)).toBe(false);
  });

  it('extends a claim that would run out before the run can end', () => {
    expect(claimedRunMustStart(claimed(run - 1), connection({ tokensRefreshAt: at(20 * 3600) }), NOW)).toBe(true);
  });

  it('runs alone when the library may refresh the tokens during the run, or when that time is unknown', () => {
    expect(claimedRunMustStart(claimed(900), connection({ tokensRefreshAt: at(run) }), NOW)).toBe(true);
    expect(claimedRunMustStart(claimed(900), connection({ tokensRefreshAt: at(-60) }), NOW)).toBe(true);
    expect(claimedRunMustStart(claimed(900), connection({}), NOW)).toBe(true);
  });

  it('writes nothing for a user no longer connected: the run only unschedules them', () => {
    expect(claimedRunMustStart(claimed(900), undefined, NOW)).toBe(false);
    expect(claimedRunMustStart(claimed(900), connection({}, false), NOW)).toBe(false);
  });
});
