/**
 * Probe first: a scheduled sync asks Garmin when the device last uploaded and stops there
 * when nothing came since; an upload brings the whole plan. Through the handlers, the
 * queue, the real bridge and the simulator.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/shared/limits';
import { harnessForFile } from '../core/harness';
import { advance, connectAndBackfill, newAccount, readActivities, recordedActivity, scheduledSync } from './garmin-world';

const h = harnessForFile();
beforeEach(async () => h.sim.reset());

/** Connected, backfilled, and one scheduled sync run (it learns the device's upload time). */
const caughtUp = async (): Promise<{ email: string; user: string }> => {
  const email = await newAccount(h);
  await h.sim.addRawActivity(email, recordedActivity(h, 41_000_001, 2), new Date(h.clock.now().getTime() - 3_600_000).toISOString());
  const user = await connectAndBackfill(h, email);
  await advance(h, LIMITS.syncIntervalSeconds);
  const learned = await scheduledSync(h, user);
  expect(learned?.cursors.deviceUploadAt).toBeDefined();
  await h.sim.resetCounters();
  return { email, user };
};

/** The Garmin requests made since the counters were reset, by endpoint. */
const byEndpoint = async (): Promise<Record<string, number>> =>
  Object.fromEntries(Object.entries((await h.sim.counters()).byEndpoint).filter(([, count]) => count > 0));

describe('a scheduled sync probes first', () => {
  it('no upload since the last probe: one Garmin request and nothing else', async () => {
    const { user } = await caughtUp();
    const before = await h.runtime.services.deps.connections.get(user);

    await advance(h, LIMITS.syncIntervalSeconds);
    const after = await scheduledSync(h, user);

    expect(await byEndpoint()).toEqual({ 'device-last-used': 1 });
    expect(after?.lastSyncTime).toBeDefined();
    expect(after?.cursors).toEqual({ ...before?.cursors, probedAt: after?.lastSyncTime });
    expect(after?.nextSyncTime && after.nextSyncTime > h.clock.now().toISOString()).toBe(true);
  });

  it('an upload since then: the whole plan runs and the new activity is readable', async () => {
    const { email, user } = await caughtUp();
    const newest = recordedActivity(h, 41_000_002, 0);
    await h.sim.addRawActivity(email, newest, h.clock.now().toISOString());

    await advance(h, LIMITS.syncIntervalSeconds);
    const after = await scheduledSync(h, user);

    const counted = await byEndpoint();
    expect(counted['device-last-used']).toBe(1);
    expect(counted.activities).toBe(1);
    expect((await readActivities(h, user)).get('41000002')).toEqual(newest);
    expect(after?.cursors.fullSyncAt).toBe(after?.lastSyncTime);
  });

  it('a device sync without a new activity also brings the whole plan (wellness may have come)', async () => {
    const { email, user } = await caughtUp();
    await advance(h, LIMITS.syncIntervalSeconds);
    const uploadedAt = h.clock.now().toISOString();
    await h.sim.deviceSync(email, uploadedAt);

    const after = await scheduledSync(h, user);

    expect((await byEndpoint())['daily-summary']).toBeGreaterThanOrEqual(1);
    expect(after?.cursors.deviceUploadAt).toBe(uploadedAt);
  });

  it('checks what the probe cannot see, unprobed, LIMITS.fullSyncSeconds after the last plan: no sleep, no past day', async () => {
    const { user } = await caughtUp();
    await advance(h, LIMITS.fullSyncSeconds);

    const after = await scheduledSync(h, user);

    const counted = await byEndpoint();
    expect(counted['device-last-used']).toBeUndefined();
    expect(counted.activities).toBeGreaterThanOrEqual(1);
    expect(counted['daily-summary']).toBe(1);
    expect(counted['hydration-daily']).toBe(1);
    expect(counted['weight-range']).toBe(1);
    expect(counted['sleep-daily']).toBeUndefined();
    expect(after?.cursors.fullSyncAt).toBe(after?.lastSyncTime);
  });

  it('a manual sync never probes', async () => {
    const { user } = await caughtUp();
    await advance(h, LIMITS.manualSyncFreshnessSeconds);

    const answer = await h.api('POST /garmin/sync', { userId: user });

    expect(answer.body.status).toBe('synced');
    const counted = await byEndpoint();
    expect(counted['device-last-used']).toBeUndefined();
    expect(counted.activities).toBe(1);
  });
});
