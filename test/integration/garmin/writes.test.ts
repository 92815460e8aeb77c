/** POST /garmin/weight and /garmin/hydration through the handlers: idempotent, limited, read back. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/shared/limits';
import { addDays, localDate } from '../../../functions/core/shared/local-time';
import { harnessForFile } from '../core/harness';
import { advance, asDocumented, connectAndBackfill, newAccount, scheduledSync } from './garmin-world';

const h = harnessForFile();

/** A write with a new key unless one is given (`null`: without the header); every answer as the OpenAPI documents it. */
const write = async (user: string, route: 'weight' | 'hydration', body: unknown, key: string | null = randomUUID()) => {
  const routeKey = `POST /garmin/${route}`;
  return asDocumented(routeKey, await h.api(routeKey, { userId: user, body, ...(key === null ? {} : { headers: { 'Idempotency-Key': key } }) }));
};

/** A connected user of a fresh Berlin account, and the account's local day `daysAgo` days back. */
const connected = async (daysAgo = 1) => {
  const email = await newAccount(h, { seeded: false });
  const user = await connectAndBackfill(h, email);
  return { email, user, day: addDays(localDate(h.clock.now(), 'Europe/Berlin'), -daysAgo) };
};

describe('writes', () => {
  it('adds a weigh-in once however often it is retried with its key, and the next read shows it', async () => {
    const { email, user, day } = await connected();
    const key = randomUUID();
    // 07:15 in Berlin (UTC+1 in winter, +2 in summer) is on `day` either way.
    const body = { timestamp: `${day}T05:15:00Z`, weightKg: 72.4 };

    const first = await write(user, 'weight', body, key);
    const retry = await write(user, 'weight', { weightKg: 72.4, timestamp: `${day}T05:15:00Z` }, key);

    expect(first.status).toBe(201);
    expect(retry).toEqual(first);
    const weighIns = await h.sim.weighIns(email, day);
    expect(weighIns).toHaveLength(1);
    expect(weighIns[0]).toMatchObject({ weight: 72400, sourceType: 'MANUAL' });
    expect(first.body).toMatchObject({ date: day, weighIns: [{ date: day, weightKg: 72.4, source: 'MANUAL' }] });
    const read = await h.api('GET /garmin/weight', { userId: user, query: { from: day, to: day } });
    expect(read.body.items).toEqual(first.body.weighIns);
    // A sync after it keeps what Garmin holds.
    await scheduledSync(h, user);
    const after = await h.api('GET /garmin/weight', { userId: user, query: { from: day, to: day } });
    expect(after.body.items).toMatchObject([{ weightKg: 72.4 }]);
  });

  it('refuses a key reused for another body, a missing key and body fat out of range, writing nothing', async () => {
    const { email, user, day } = await connected();
    const key = randomUUID();
    expect((await write(user, 'weight', { timestamp: `${day}T05:15:00Z`, weightKg: 70 }, key)).status).toBe(201);

    const reused = await write(user, 'weight', { timestamp: `${day}T05:15:00Z`, weightKg: 71 }, key);
    const noKey = await write(user, 'weight', { timestamp: `${day}T06:15:00Z`, weightKg: 71 }, null);
    const bodyFat = await write(user, 'weight', { timestamp: `${day}T06:15:00Z`, weightKg: 71, bodyFatPct: 120 });
    const noOffset = await write(user, 'weight', { timestamp: `${day}T06:15:00`, weightKg: 71 });
    const longAgo = await write(user, 'weight', { timestamp: '0001-01-01T06:15:00Z', weightKg: 71 });

    expect(reused.status).toBe(422);
    expect(reused.body.error?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect([noKey, bodyFat, noOffset, longAgo].map((a) => [a.status, a.body.error?.code])).toEqual(Array(4).fill([400, 'VALIDATION_ERROR']));
    expect(bodyFat.body.error?.message).toContain('bodyFatPct');
    expect(await h.sim.weighIns(email, day)).toHaveLength(1);
  });

  it('adds hydration to the day once per key, and the next read shows the intake', async () => {
    const { user, day } = await connected(2);
    const key = randomUUID();

    const first = await write(user, 'hydration', { date: day, ml: 250 }, key);
    const retry = await write(user, 'hydration', { date: day, ml: 250 }, key);
    const second = await write(user, 'hydration', { date: day, ml: 300 });

    expect(first.status).toBe(201);
    expect(retry).toEqual(first);
    const intake = (first.body.hydration as { intakeMl: number }).intakeMl;
    expect(second.body).toMatchObject({ date: day, hydration: { date: day, intakeMl: intake + 300 } });
    const read = await h.api('GET /garmin/hydration', { userId: user, query: { from: day, to: day } });
    expect(read.body.items).toEqual([second.body.hydration]);
  });

  it("counts writes against the user's Garmin calls and refuses them with 429 and Retry-After when over", async () => {
    const { email, user, day } = await connected();
    const answers = [];
    for (let i = 0; i <= LIMITS.fetchesPerHour; i++) answers.push(await write(user, 'weight', { timestamp: `${day}T05:${String(10 + i)}:00Z`, weightKg: 70 + i / 10 }));

    const accepted = answers.filter((a) => a.status === 201).length;
    const refused = answers.at(-1);
    // The backfill took some of the hour's calls; the writes got the rest.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(LIMITS.fetchesPerHour);
    expect(refused?.status).toBe(429);
    expect(refused?.body.error?.code).toBe('RATE_LIMITED');
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    expect(await h.sim.weighIns(email, day)).toHaveLength(accepted);
    // A refused write took no key: its retry after the wait goes through.
    const key = randomUUID();
    expect((await write(user, 'hydration', { date: day, ml: 100 }, key)).status).toBe(429);
    h.clock.advance(LIMITS.rateWindowSeconds);
    expect((await write(user, 'hydration', { date: day, ml: 100 }, key)).status).toBe(201);
  });

  it('writes once when the same key arrives twice at the same time', async () => {
    const { email, user, day } = await connected();
    const key = randomUUID();
    const body = { timestamp: `${day}T05:15:00Z`, weightKg: 66.6 };

    const answers = await Promise.all([write(user, 'weight', body, key), write(user, 'weight', body, key)]);

    // One wrote; the other saw its claim (still running: 409, or done: the same answer).
    expect([[201, 201], [201, 409]]).toContainEqual(answers.map((a) => a.status).sort());
    expect(await h.sim.weighIns(email, day)).toHaveLength(1);
  });

  it('frees the key of a write refused while a sync holds the tokens, so its retry writes', async () => {
    const { email, user, day } = await connected();
    const { schedules } = h.runtime.services.deps;
    const key = randomUUID();
    const body = { timestamp: `${day}T05:15:00Z`, weightKg: 64 };
    const until = new Date(h.clock.now().getTime() + LIMITS.leaseTtlSeconds * 1000).toISOString();
    expect(await schedules.acquire(user, 'a-sync', until, h.clock.now())).toBeDefined();

    const busy = await write(user, 'weight', body, key);
    expect(await schedules.end(user, 'a-sync', {})).toBe(true);
    const retry = await write(user, 'weight', body, key);

    expect([busy.status, busy.body.error?.code, Number(busy.headers['retry-after'])]).toEqual([409, 'GARMIN_CALL_IN_PROGRESS', 5]);
    expect(retry.status).toBe(201);
    expect(await h.sim.weighIns(email, day)).toHaveLength(1);
  });

  it('refuses writes while the service-wide breaker is open (Garmin is rate-limiting the service), freeing the key', async () => {
    const { user, day } = await connected();
    const guard = h.runtime.services.deps.garminGuard;
    const now = h.clock.now();
    const reopenAt = new Date(now.getTime() + 300_000);
    const version = (await guard.readBreaker())?.version;
    await guard.writeBreaker({ openedAt: now.toISOString(), reopenAt: reopenAt.toISOString(), trips: 1, version: (version ?? 0) + 1 }, version, reopenAt);
    // Past the guard's cache of the breaker it read for the earlier writes.
    h.clock.advance(10);
    const key = randomUUID();
    await h.sim.resetCounters();

    const refused = await write(user, 'hydration', { date: day, ml: 200 }, key);
    await advance(h, 300);
    const retried = await write(user, 'hydration', { date: day, ml: 200 }, key);

    expect([refused.status, refused.body.error?.code]).toEqual([429, 'GARMIN_RATE_LIMITED']);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(retried.status).toBe(201);
    // Only the retry reached Garmin.
    expect(await h.sim.count('hydration-log')).toBe(1);
  });

  it('answers 404 NOT_CONNECTED without a connection', async () => {
    const answer = await write(h.newUser(), 'hydration', { date: '2026-01-05', ml: 100 });
    expect([answer.status, answer.body.error?.code]).toEqual([404, 'NOT_CONNECTED']);
  });
});
