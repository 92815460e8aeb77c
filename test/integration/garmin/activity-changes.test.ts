/**
 * Garmin's activities change after the fact: watches upload days late, users edit and
 * delete. Reads must follow within a day without extra logins, and at once on a forced sync.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/shared/limits';
import { RECORDED_ACTIVITY } from '../../simulator/recorded';
import { harnessForFile } from '../core/harness';
import { advance, connectAndBackfill, newAccount, readActivities, recordedActivity, scheduledSync } from './garmin-world';

const h = harnessForFile();
beforeEach(async () => h.sim.reset());

describe('activities that change at Garmin after they were synced', () => {
  it('reads back raw objects with Garmin\'s real field set exactly as Garmin gave them', async () => {
    const email = await newAccount(h);
    const raw = recordedActivity(h, 31_000_001, 3);
    await h.sim.addRawActivity(email, raw);
    const user = await connectAndBackfill(h, email);

    const read = await readActivities(h, user);
    expect(read.get('31000001')).toEqual(raw);
    expect(Object.keys(read.get('31000001') ?? {})).toEqual(expect.arrayContaining(Object.keys(RECORDED_ACTIVITY as object)));
  });

  it('shows late uploads, edits and deletions within a day, without logging in again', async () => {
    const email = await newAccount(h);
    const kept = recordedActivity(h, 32_000_001, 20);
    const edited = recordedActivity(h, 32_000_002, 12);
    const deleted = recordedActivity(h, 32_000_003, 5);
    const newest = recordedActivity(h, 32_000_004, 1);
    for (const activity of [kept, edited, deleted, newest]) await h.sim.addRawActivity(email, activity);
    const user = await connectAndBackfill(h, email);
    expect([...(await readActivities(h, user)).keys()].sort()).toEqual(['32000001', '32000002', '32000003', '32000004']);
    await h.sim.resetCounters();

    // The watch uploads a run from 25 days ago; the user renames and retypes another, deletes a third.
    const late = recordedActivity(h, 32_000_005, 25);
    await h.sim.addRawActivity(email, late);
    const renamed = { ...edited, activityName: 'Renamed on Garmin', calories: 999.0, activityType: { ...(edited.activityType as object), typeKey: 'hiking' } };
    await h.sim.putActivity(email, renamed);
    await h.sim.deleteActivity(email, 32_000_003);

    // Scheduled syncs during the day look only past the newest activity.
    await advance(h, LIMITS.syncIntervalSeconds);
    await scheduledSync(h, user);
    expect((await readActivities(h, user)).has('32000005')).toBe(false);

    // Within a day one of them reconciles the last 30 days.
    await advance(h, LIMITS.activityReconcileSeconds);
    await scheduledSync(h, user);
    const read = await readActivities(h, user);
    expect([...read.keys()].sort()).toEqual(['32000001', '32000002', '32000004', '32000005']);
    expect(read.get('32000002')).toEqual(renamed);
    expect(read.get('32000005')).toEqual(late);
    expect(await h.sim.count('sso-login')).toBe(0);
  });

  it('reconciles at once on a forced manual sync, which counts against the fetch limit', async () => {
    const email = await newAccount(h);
    await h.sim.addRawActivity(email, recordedActivity(h, 33_000_001, 10));
    await h.sim.addRawActivity(email, recordedActivity(h, 33_000_002, 2));
    const user = await connectAndBackfill(h, email);
    await h.api('POST /garmin/sync', { userId: user });

    await h.sim.deleteActivity(email, 33_000_001);
    const late = recordedActivity(h, 33_000_003, 15);
    await h.sim.addRawActivity(email, late);

    const fresh = await h.api('POST /garmin/sync', { userId: user, body: {} });
    expect(fresh.body.status).toBe('fresh');
    const forced = await h.api('POST /garmin/sync', { userId: user, body: { force: true } });
    expect(forced.status).toBe(200);
    expect(forced.body.status).toBe('synced');
    expect([...(await readActivities(h, user)).keys()].sort()).toEqual(['33000002', '33000003']);

    let answer = forced;
    for (let n = 0; n < LIMITS.fetchesPerHour && answer.status === 200; n++) {
      answer = await h.api('POST /garmin/sync', { userId: user, body: { force: true } });
    }
    expect(answer.status).toBe(429);
    expect(answer.body.error?.code).toBe('RATE_LIMITED');
  });

  it('refuses a body that is not {force?: boolean}', async () => {
    const email = await newAccount(h);
    const user = await connectAndBackfill(h, email);
    for (const body of [{ force: 'yes' }, { force: true, extra: 1 }, null, [1]]) {
      const answer = await h.api('POST /garmin/sync', { userId: user, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error?.code).toBe('VALIDATION_ERROR');
    }
  });
});
