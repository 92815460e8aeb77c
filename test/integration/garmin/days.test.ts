/**
 * Days as Garmin serves them: no wellness data yet (a watch that has not uploaded), empty
 * (204), privacy protected, and uploaded late. A day is final only once Garmin holds it
 * whole; a day with nothing to show affects that day only and is read again later.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/shared/limits';
import { addDays, localDate } from '../../../functions/core/shared/local-time';
import { RECORDED_DAILY_SUMMARY } from '../../simulator/recorded';
import { harnessForFile } from '../core/harness';
import { advance, connectAndBackfill, newAccount, scheduledSync } from './garmin-world';

const h = harnessForFile();
beforeEach(async () => h.sim.reset());

const ZONE = 'Europe/Berlin';
const daysAgo = (n: number) => addDays(localDate(h.clock.now(), ZONE), -n);

/** The recorded summary for `date`, last uploaded by the device at `lastSyncGmt` (UTC, Garmin's form). */
const recordedDay = (date: string, lastSyncGmt: string, steps = 5459) => ({
  ...(RECORDED_DAILY_SUMMARY as Record<string, unknown>),
  calendarDate: date,
  totalSteps: steps,
  lastSyncTimestampGMT: lastSyncGmt,
});

const readDays = async (user: string, from: string, to: string) => {
  const answer = await h.api('GET /garmin/daily-summaries', { userId: user, query: { from, to } });
  expect(answer.status).toBe(200);
  const items = answer.body.items as Array<{ date: string; final: boolean; garmin: Record<string, unknown> }>;
  return new Map(items.map((item) => [item.date, item]));
};

/** Enough time for provisional past days to be re-read, then one scheduled sync. */
const laterSync = async (user: string) => {
  await advance(h, LIMITS.summaryRecheckSeconds + 60);
  return scheduledSync(h, user);
};

describe('days Garmin does not hold whole', () => {
  it('never makes final a day without wellness data, and picks it up once the watch uploads', async () => {
    const email = await newAccount(h);
    const user = await connectAndBackfill(h, email);
    const day = daysAgo(3);
    const before = await readDays(user, day, day);
    expect(before.get(day)?.final ?? false).toBe(false);

    // The watch uploads three days late: the day now has its figures, uploaded after it ended.
    const uploadedAt = `${daysAgo(0)}T06:00:00.0`;
    await h.sim.setDay(email, day, { summary: recordedDay(day, uploadedAt) });
    await laterSync(user);
    await laterSync(user);
    const after = (await readDays(user, day, day)).get(day);
    expect(after?.garmin.totalSteps).toBe(5459);
    expect(after?.final).toBe(true);
  });

  it('keeps a day provisional while its last upload was before the day ended, and re-reads it', async () => {
    const email = await newAccount(h);
    const day = daysAgo(4);
    // Uploaded at 17:00 UTC that day (18:00 in Berlin), then the watch went quiet.
    await h.sim.setDay(email, day, { summary: recordedDay(day, `${day}T17:00:00.0`, 4000) });
    const user = await connectAndBackfill(h, email);
    await laterSync(user);
    expect((await readDays(user, day, day)).get(day)?.final).toBe(false);

    await h.sim.setDay(email, day, { summary: recordedDay(day, `${daysAgo(0)}T07:00:00.0`, 9000) });
    await laterSync(user);
    await laterSync(user);
    const read = (await readDays(user, day, day)).get(day);
    expect(read?.garmin.totalSteps).toBe(9000);
    expect(read?.final).toBe(true);
  });

  it('lets an empty (204) or privacy-protected day fail that day alone, read again later', async () => {
    const email = await newAccount(h);
    const [empty, hidden, fine] = [daysAgo(6), daysAgo(5), daysAgo(4)];
    const uploadedAt = `${daysAgo(1)}T06:00:00.0`;
    await h.sim.setDay(email, empty, { empty: true });
    await h.sim.setDay(email, hidden, { privacyProtected: true });
    await h.sim.setDay(email, fine, { summary: recordedDay(fine, uploadedAt) });
    const user = await connectAndBackfill(h, email);

    const connection = await h.runtime.services.deps.connections.get(user);
    expect(connection?.status).toBe('active');
    expect(connection?.lastError).toBeUndefined();
    expect((connection?.cursors.summariesFinalThrough ?? '') < empty).toBe(true);
    const days = await readDays(user, empty, fine);
    expect(days.has(empty)).toBe(false);
    expect(days.has(hidden)).toBe(false);
    expect(days.get(fine)?.garmin.totalSteps).toBe(5459);

    await h.sim.setDay(email, empty, { summary: recordedDay(empty, uploadedAt, 7000) });
    await h.sim.setDay(email, hidden, { summary: recordedDay(hidden, uploadedAt, 8000) });
    await laterSync(user);
    const later = await readDays(user, empty, fine);
    expect(later.get(empty)?.garmin.totalSteps).toBe(7000);
    expect(later.get(hidden)?.garmin.totalSteps).toBe(8000);
  });

  it('follows a display name the user changed on Garmin instead of failing the sync', async () => {
    const email = await newAccount(h);
    const user = await connectAndBackfill(h, email);
    const { connections } = h.runtime.services.deps;
    const before = await connections.get(user);
    // What we stored is the name from before the rename: Garmin refuses summaries under it.
    await connections.update(user, before?.version ?? 0, { displayName: 'name-before-the-rename' });

    const after = await laterSync(user);
    expect(after?.status).toBe('active');
    expect(after?.lastError).toBeUndefined();
    expect(after?.displayName).toBe(before?.displayName);
  });
});
