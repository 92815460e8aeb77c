/** PATCH /garmin/connection {dataTypes}: what the syncs read, shown in GET /garmin/connection. */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/shared/limits';
import { DATA_TYPES } from '../../../functions/core/shared/ports';
import { harnessForFile } from '../core/harness';
import { advance, asDocumented, connectAndBackfill, newAccount, scheduledSync } from './garmin-world';

const h = harnessForFile();

const patch = async (userId: string, body: unknown) => asDocumented('PATCH /garmin/connection', await h.api('PATCH /garmin/connection', { userId, body }));
const dataTypesOf = (answer: { body: Record<string, unknown> }) => (answer.body.connection as { dataTypes: string[] }).dataTypes;

/** Garmin requests per endpoint of one scheduled sync, once wellness is due again. */
const nextSyncReads = async (user: string, email: string) => {
  await advance(h, LIMITS.wellnessRecheckSeconds);
  // The watch uploaded: the scheduled sync's probe lets its whole plan run.
  await h.sim.deviceSync(email, h.clock.now().toISOString());
  await h.sim.resetCounters();
  await scheduledSync(h, user);
  const endpoints = ['activities', 'daily-summary', 'weight-range', 'hydration-daily', 'sleep-daily'] as const;
  return Object.fromEntries(await Promise.all(endpoints.map(async (e) => [e, await h.sim.count(e)] as const)));
};

describe('what is synced', () => {
  it('syncs every type by default, and from the next sync on only what the user selected', async () => {
    const email = await newAccount(h, { seeded: true, days: 3 });
    const user = await connectAndBackfill(h, email);
    expect(dataTypesOf(await h.api('GET /garmin/connection', { userId: user }))).toEqual([...DATA_TYPES]);

    const patched = await patch(user, { dataTypes: ['weight', 'profile', 'dailySummaries', 'weight'] });

    expect(patched.status).toBe(200);
    // Canonical order, once each, and the same in GET.
    expect(dataTypesOf(patched)).toEqual(['dailySummaries', 'profile', 'weight']);
    expect(dataTypesOf(await h.api('GET /garmin/connection', { userId: user }))).toEqual(['dailySummaries', 'profile', 'weight']);
    const narrowed = await nextSyncReads(user, email);
    expect(narrowed).toMatchObject({ activities: 0, 'weight-range': 1, 'hydration-daily': 0, 'sleep-daily': 0 });
    expect(narrowed['daily-summary']).toBeGreaterThan(0);

    await patch(user, { dataTypes: [...DATA_TYPES] });
    const all = await nextSyncReads(user, email);
    expect(all.activities).toBeGreaterThan(0);
    expect(all['hydration-daily']).toBeGreaterThan(0);
    expect(all['sleep-daily']).toBeGreaterThan(0);
  });

  it('always keeps the day plan and the profile, refuses an unknown type; 404 without a connection', async () => {
    const user = await connectAndBackfill(h, await newAccount(h, { seeded: false }));
    const kept = await patch(user, { dataTypes: ['weight'] });
    expect(kept.status).toBe(200);
    expect(dataTypesOf(kept)).toEqual(['dailySummaries', 'profile', 'weight']);
    await patch(user, { dataTypes: [...DATA_TYPES] });
    const refused = await Promise.all([patch(user, { dataTypes: ['dailySummaries', 'profile', 'steps'] }), patch(user, {})]);
    expect(refused.map((a) => [a.status, a.body.error?.code])).toEqual(Array(2).fill([400, 'VALIDATION_ERROR']));
    expect(dataTypesOf(await h.api('GET /garmin/connection', { userId: user }))).toEqual([...DATA_TYPES]);

    const nobody = await patch(h.newUser(), { dataTypes: [...DATA_TYPES] });
    expect([nobody.status, nobody.body.error?.code]).toEqual([404, 'NOT_CONNECTED']);
  });
});
