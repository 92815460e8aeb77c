/**
 * POST /garmin/weight with body composition through the handlers: the bridge's library uploads
 * it as a FIT file (add_body_composition), the simulator decodes it with Garmin's FIT SDK, and
 * the answer, the next sync and GET /garmin/weight show the composition.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../../functions/core/shared/local-time';
import { harnessForFile } from '../core/harness';
import { asDocumented, connectAndBackfill, newAccount, scheduledSync } from './garmin-world';

const h = harnessForFile();

const ROUTE = 'POST /garmin/weight';
const write = async (user: string, body: unknown, key: string = randomUUID()) =>
  asDocumented(ROUTE, await h.api(ROUTE, { userId: user, body, headers: { 'Idempotency-Key': key } }));

/** Requests of one Garmin account to one simulator endpoint. */
const requests = async (email: string, endpoint: string) => (await h.sim.counters()).byAccount[email]?.[endpoint] ?? 0;

/** A connected user of a fresh Berlin account, and the account's local day before today. */
const connected = async () => {
  const email = await newAccount(h, { seeded: false });
  const user = await connectAndBackfill(h, email);
  return { email, user, day: addDays(localDate(h.clock.now(), 'Europe/Berlin'), -1) };
};

const COMPOSITION = { bodyFatPct: 18.4, bodyWaterPct: 56.2, muscleMassKg: 33.1, boneMassKg: 3.4, bmi: 23.7 };

describe('weigh-ins with body composition', () => {
  it('uploads one FIT file however often the write is retried with its key; the answer, the sync and the read show the composition', async () => {
    const { email, user, day } = await connected();
    const key = randomUUID();
    // 07:15 in Berlin (UTC+1 in winter, +2 in summer) is on `day` either way.
    const body = { timestamp: `${day}T05:15:00Z`, weightKg: 74.35, ...COMPOSITION };

    const first = await write(user, body, key);
    const retry = await write(user, body, key);

    expect(first.status).toBe(201);
    expect(retry).toEqual(first);
    expect(await requests(email, 'fit-upload')).toBe(1);
    expect(await requests(email, 'weight-add')).toBe(0);
    const atGarmin = await h.sim.weighIns(email, day);
    expect(atGarmin).toHaveLength(1);
    expect(atGarmin[0]).toMatchObject({ weight: 74350, bodyFat: 18.4, bodyWater: 56.2, muscleMass: 33100, boneMass: 3400, bmi: 23.7, sourceType: 'FIT_FILE' });
    const shown = { date: day, time: `${day}T05:15:00.000Z`, weightKg: 74.35, ...COMPOSITION, source: 'FIT_FILE' };
    expect(first.body).toMatchObject({ date: day, weighIns: [shown] });

    // The next sync reads the day from Garmin again and keeps the composition.
    await scheduledSync(h, user);
    const read = await h.api('GET /garmin/weight', { userId: user, query: { from: day, to: day } });
    expect(read.status).toBe(200);
    expect(read.body.items).toMatchObject([shown]);
  });

  it('a weigh-in without composition stays a manual entry', async () => {
    const { email, user, day } = await connected();

    const answer = await write(user, { timestamp: `${day}T06:00:00Z`, weightKg: 70 });

    expect(answer.status).toBe(201);
    expect([await requests(email, 'weight-add'), await requests(email, 'fit-upload')]).toEqual([1, 0]);
    expect(answer.body).toMatchObject({ weighIns: [{ weightKg: 70, bodyFatPct: null, source: 'MANUAL' }] });
  });

  it('refuses out-of-range composition with 400, reaching Garmin not at all', async () => {
    const { email, user, day } = await connected();
    const at = `${day}T06:00:00Z`;

    const answers = await Promise.all([
      write(user, { timestamp: at, weightKg: 70, bodyFatPct: 0.5 }),
      write(user, { timestamp: at, weightKg: 70, bodyWaterPct: 101 }),
      write(user, { timestamp: at, weightKg: 70, muscleMassKg: 71 }),
      write(user, { timestamp: at, weightKg: 700, bmi: 30 }),
      write(user, { timestamp: at, weightKg: 70, visceralFat: 9 }),
    ]);

    expect(answers.map((a) => [a.status, a.body.error?.code])).toEqual(Array(5).fill([400, 'VALIDATION_ERROR']));
    expect(answers[2]?.body.error?.message).toContain('muscleMassKg');
    expect(answers[3]?.body.error?.message).toContain('weightKg');
    expect(await requests(email, 'fit-upload')).toBe(0);
    expect(await h.sim.weighIns(email, day)).toEqual([]);
  });
});
