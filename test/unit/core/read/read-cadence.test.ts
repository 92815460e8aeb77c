import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../../functions/core/shared/limits';
import { recordRead } from '../../../../functions/core/read/read-cadence';
import { FixedClock } from '../../../support/fakes/basics';
import { MemoryScheduleStore } from '../../../support/fakes/schedules';

const NOW = new Date('2026-11-30T12:00:00Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();
const SOON = LIMITS.syncIntervalSeconds;

const setup = (nextSyncSeconds: number | undefined) => {
  const schedules = new MemoryScheduleStore();
  if (nextSyncSeconds !== undefined) schedules.due('u1', at(nextSyncSeconds));
  else schedules.records.set('u1', { userId: 'u1', fetches: [] });
  const clock = new FixedClock(NOW);
  return { schedules, clock, read: () => recordRead({ schedules, clock }, 'u1') };
};

describe('recordRead', () => {
  it('pulls a due time beyond the short cadence forward to it, with one write for all the reads of the window', async () => {
    const { schedules, clock, read } = setup(3 * 3600);
    await read();
    expect(await schedules.get('u1')).toMatchObject({ nextSyncTime: at(SOON), lastReadAt: NOW.toISOString() });
    for (let i = 0; i < 10; i++) {
      clock.advance(60);
      await read();
    }
    expect(schedules.writes.map((w) => w.op)).toEqual(['read']);
    // The next window's first read is recorded again.
    clock.advance(LIMITS.cadenceReadWindowSeconds);
    await read();
    expect(schedules.writes.map((w) => w.op)).toEqual(['read', 'read']);
  });

  it('records the read without moving a due time already within the short cadence', async () => {
    const { schedules, read } = setup(60);
    await read();
    expect(await schedules.get('u1')).toMatchObject({ nextSyncTime: at(60), lastReadAt: NOW.toISOString() });
  });

  it('leaves a leased schedule’s due time to the lease’s end, and an unscheduled user alone', async () => {
    const leased = setup(3 * 3600);
    await leased.schedules.acquire('u1', 'sync', at(300), NOW);
    await leased.read();
    expect(await leased.schedules.get('u1')).toMatchObject({ nextSyncTime: at(3 * 3600), lastReadAt: NOW.toISOString() });

    const unscheduled = setup(undefined);
    await unscheduled.read();
    expect(unscheduled.schedules.writes).toEqual([]);
  });
});
