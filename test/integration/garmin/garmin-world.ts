/** Accounts of their own on the simulator, fed Garmin's raw objects, and time moved on both sides. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { addDays, localDate, localTimestamp } from '../../../functions/core/shared/local-time';
import { OPENAPI_FILE } from '../../../scripts/local/openapi';
import { RECORDED_ACTIVITY } from '../../simulator/recorded';
import type { RawGarminActivity } from '../../support/simulator-client';
import { type ApiAnswer, type Harness, PASSWORD } from '../core/harness';
import { OpenApiChecker } from '../demo/openapi-check';
import { claimedJob } from '../../support/claim';

let openapi: OpenApiChecker | undefined;
const ACCOUNT_ZONE = 'Europe/Berlin';

/** Fails unless `answer` is what the OpenAPI document says `routeKey` answers with this status; returns it. */
export const asDocumented = (routeKey: string, answer: ApiAnswer): ApiAnswer => {
  openapi ??= new OpenApiChecker(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Record<string, unknown>);
  const [method = '', template = ''] = routeKey.split(' ');
  const headers = new Headers(Object.entries(answer.headers).map(([name, value]) => [name, String(value)]));
  openapi.check(method, template, { status: answer.status, headers, body: answer.body, text: JSON.stringify(answer.body) });
  return answer;
};

/** A fresh simulator account (no generated data unless seeded) in Europe/Berlin. */
export const newAccount = async (h: Harness, options: { seeded?: boolean; days?: number } = {}): Promise<string> => {
  const email = `u-${randomUUID().slice(0, 12)}@example.com`;
  await h.sim.createAccount({ email, password: PASSWORD, timeZone: ACCOUNT_ZONE, ...options });
  return email;
};

/** Connects `email` for a new app user and runs the backfill; returns the app user. */
export const connectAndBackfill = async (h: Harness, email: string): Promise<string> => {
  const user = h.newUser();
  const answer = await h.api('POST /garmin/connection', { userId: user, body: { username: email, password: PASSWORD } });
  expect(answer.status).toBe(201);
  await h.runtime.drainQueue();
  return user;
};

const pad = (n: number) => String(n).padStart(2, '0');
/** "YYYY-MM-DD HH:MM:SS" of an instant in UTC (Garmin's startTimeGMT form). */
const garminTime = (d: Date) =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

/** The recorded Garmin activity with another id, started at 07:30 UTC on the account's (Berlin) calendar
 * day `daysAgo` before today there, whatever the hour of the run (near midnight UTC the two days differ). */
export const recordedActivity = (h: Harness, activityId: number, daysAgo: number, changes: Record<string, unknown> = {}): RawGarminActivity => {
  const day = addDays(localDate(h.clock.now(), ACCOUNT_ZONE), -daysAgo);
  const start = new Date(`${day}T07:30:00Z`);
  return {
    ...(RECORDED_ACTIVITY as Record<string, unknown>),
    ...changes,
    activityId,
    startTimeGMT: garminTime(start),
    startTimeLocal: localTimestamp(start, ACCOUNT_ZONE).slice(0, 19).replace('T', ' '),
  };
};

/** Moves the app's clock and Garmin's together. */
export const advance = async (h: Harness, seconds: number): Promise<void> => {
  h.clock.advance(seconds);
  await h.sim.setClock(h.clock.now().toISOString());
};

/** Every activity the app reads, by id, paging through the API's cursor. */
export const readActivities = async (h: Harness, user: string): Promise<Map<string, Record<string, unknown>>> => {
  const read = new Map<string, Record<string, unknown>>();
  let cursor: string | undefined;
  do {
    const page = await h.api('GET /garmin/activities', { userId: user, query: { limit: '100', ...(cursor ? { cursor } : {}) } });
    expect(page.status).toBe(200);
    for (const item of page.body.items as Array<{ activityId: string; garmin: Record<string, unknown> }>) read.set(item.activityId, item.garmin);
    cursor = (page.body.nextCursor as string | null) ?? undefined;
  } while (cursor);
  return read;
};

/** What dispatch does when the connection is due: one scheduled sync through the queue; the connection after it. */
export const scheduledSync = async (h: Harness, user: string) => {
  const { connections, schedules, queue } = h.runtime.services.deps;
  await queue.enqueue([await claimedJob(schedules, user, h.clock.now())]);
  await h.runtime.drainQueue();
  return connections.get(user);
};
