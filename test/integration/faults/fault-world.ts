/**
 * The fault tests' yardstick: a Garmin account whose every activity and day the test put
 * there (so "what Garmin holds" is known without asking our own code), what the app then
 * reads back, and the Garmin password logins the scenario cost (the simulator's counters).
 */
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import { addDays, localDate, localTimestamp } from '../../../functions/core/shared/local-time';
import { RECORDED_DAILY_SUMMARY } from '../../simulator/recorded';
import type { RawGarminActivity } from '../../support/simulator-client';
import type { Harness } from '../core/harness';
import { advance, newAccount, readActivities, recordedActivity } from '../garmin/garmin-world';

const ZONE = 'Europe/Berlin';

/** What one Garmin account holds: raw activities by id, raw daily summaries by date. */
export interface GarminHolds {
  email: string;
  activities: Map<string, RawGarminActivity>;
  days: Map<string, Record<string, unknown>>;
}

/** What a scenario lost, and what it cost. */
export interface FaultFigures {
  scenario: string;
  lostActivities: number;
  lostDays: number;
  lostTokens: number;
  logins: number;
  outcome: string;
}

let nextActivityId = 30_000_000_000;

const today = (h: Harness) => localDate(h.clock.now(), ZONE);

/** The recorded summary for `date`, uploaded by the device at 05:00 UTC today (after the day for past days). */
const recordedDay = (h: Harness, date: string, steps: number): Record<string, unknown> => ({
  ...(RECORDED_DAILY_SUMMARY as Record<string, unknown>),
  calendarDate: date,
  totalSteps: steps,
  lastSyncTimestampGMT: `${today(h)}T05:00:00.0`,
});

/**
 * Moves both clocks on to the next 14:00 in the accounts' zone, so every scenario runs at the
 * same hour of its day, whatever the hour of the run: a scenario's steps (token expiry
 * included) then stay within one local day, and yesterday is past the 12 h finality threshold
 * (a backfill between midnight and noon reads yesterday only at a later whole sync: see
 * docs/reliability.md).
 */
export const toAfternoon = async (h: Harness): Promise<void> => {
  const [hours = 0, minutes = 0, seconds = 0] = localTimestamp(h.clock.now(), ZONE).slice(11, 19).split(':').map(Number);
  const sinceMidnight = hours * 3600 + minutes * 60 + seconds;
  await advance(h, (14 * 3600 - sinceMidnight + 86_400) % 86_400);
};

/** A new account holding an activity and a whole day on each of the last `days` days. */
export const garminAccount = async (h: Harness, days = 3): Promise<GarminHolds> => {
  await h.sim.setClock(h.clock.now().toISOString());
  const holds: GarminHolds = { email: await newAccount(h), activities: new Map(), days: new Map() };
  for (let ago = days; ago >= 1; ago--) await upload(h, holds, ago);
  return holds;
};

/** The watch uploads: an activity `daysAgo` (0: today) and that day's summary (today's: provisional). */
export const upload = async (h: Harness, holds: GarminHolds, daysAgo = 0): Promise<void> => {
  const activity = await h.sim.addRawActivity(holds.email, recordedActivity(h, nextActivityId++, daysAgo));
  holds.activities.set(String(activity.activityId), activity);
  const date = addDays(today(h), -daysAgo);
  const summary = recordedDay(h, date, 4000 + holds.days.size * 100);
  await h.sim.setDay(holds.email, date, { summary });
  holds.days.set(date, summary);
};

/** Activities and days Garmin holds that the app does not read back as Garmin holds them. */
export const lost = async (h: Harness, user: string, holds: GarminHolds): Promise<{ activities: number; days: number }> => {
  const stored = await readActivities(h, user);
  const activities = [...holds.activities].filter(([id, activity]) => !isDeepStrictEqual(stored.get(id), activity)).length;
  const dates = [...holds.days.keys()].sort();
  const answer = await h.api('GET /garmin/daily-summaries', { userId: user, query: { from: dates[0] ?? '', to: dates.at(-1) ?? '' } });
  expect(answer.status).toBe(200);
  const read = new Map((answer.body.items as Array<{ date: string; garmin: unknown }>).map((item) => [item.date, item.garmin]));
  const days = [...holds.days].filter(([date, summary]) => !isDeepStrictEqual(read.get(date), summary)).length;
  return { activities, days };
};

/** Password logins (SSO sign-ins, either network) that reached Garmin for these accounts since the last counter reset. */
export const logins = async (h: Harness, ...emails: string[]): Promise<number> => {
  const { byAccount } = await h.sim.counters();
  return emails.reduce((sum, email) => sum + (byAccount[email]?.['sso-login'] ?? 0), 0);
};

/** Polls a condition (state, not time, is what is waited for). */
export const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** Requests that reached one Garmin endpoint for an account since the last counter reset. */
export const requests = async (h: Harness, email: string, endpoint: string): Promise<number> =>
  (await h.sim.counters()).byAccount[email]?.[endpoint] ?? 0;

const HEADER = ['scenario', 'lost activities', 'lost days', 'lost tokens', 'logins', 'outcome'];

/** The table docs/reliability.md holds. */
export const faultTable = (rows: FaultFigures[]): string =>
  [
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => (i >= 1 && i <= 4 ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.scenario} | ${r.lostActivities} | ${r.lostDays} | ${r.lostTokens} | ${r.logins} | ${r.outcome} |`),
  ].join('\n');
