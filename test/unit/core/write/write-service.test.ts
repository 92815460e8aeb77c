import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../../../functions/core/shared/ports';
import { type WriteInput, WriteService } from '../../../../functions/core/write/write-service';
import { failed, succeeded } from '../../../support/fakes/bridge';
import { fakeDeps } from '../../../support/fakes/deps';
import { connectionRecord, refusal } from '../../../support/fakes/records';

const NOW = new Date('2026-11-30T12:00:00Z');
const DATE = '2026-11-29';
const INTAKE: WriteInput = { kind: 'hydration', body: { date: DATE, ml: 250 } };
/** Garmin's day after the write (the fields of usersummary's hydration/daily answer). */
const DAY = { calendarDate: DATE, valueInML: 1250, goalInML: 2000, sweatLossInML: null };

const setup = async (record: Partial<ConnectionRecord> = {}) => {
  const fakes = fakeDeps(NOW);
  await fakes.connections.put(
    connectionRecord({ tokens: await fakes.vault.encrypt('u1', 'tokens', 'old-tokens'), createdAt: NOW.toISOString(), ...record }),
  );
  return { ...fakes, service: new WriteService(fakes.deps) };
};

describe('WriteService', () => {
  it('a retry with the same Idempotency-Key gets the first answer without reaching Garmin or announcing again', async () => {
    const fakes = await setup();
    fakes.bridge.answer('addHydration', succeeded({ date: DATE, written: {}, hydration: DAY }));

    const first = await fakes.service.write('u1', 'key-1', INTAKE);
    const retry = await fakes.service.write('u1', 'key-1', INTAKE);

    expect(first).toEqual({ status: 201, body: { date: DATE, hydration: expect.objectContaining({ intakeMl: 1250 }) } });
    expect(retry).toEqual(first);
    expect(fakes.bridge.ops()).toEqual(['addHydration']);
    expect(fakes.events.published.map((e) => e.type)).toEqual(['data.changed']);
    expect((await fakes.data.queryWellnessDays('u1', 'hydration', DATE, DATE)).map((d) => d.garmin)).toEqual([DAY]);
  });

  it('refuses the same key with another body', async () => {
    const fakes = await setup();
    fakes.bridge.answer('addHydration', succeeded({ date: DATE, written: {}, hydration: DAY }));
    await fakes.service.write('u1', 'key-1', INTAKE);

    expect(await refusal(fakes.service.write('u1', 'key-1', { kind: 'hydration', body: { date: DATE, ml: 500 } }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(fakes.bridge.ops()).toEqual(['addHydration']);
  });

  it('saves the tokens Garmin rotated before storing the day, so a storage failure loses none', async () => {
    const fakes = await setup();
    fakes.bridge.answer('addHydration', succeeded({ date: DATE, written: {}, hydration: DAY }, 'rotated-tokens'));
    fakes.data.failWrites = new Error('storage is down');

    await expect(fakes.service.write('u1', 'key-1', INTAKE)).rejects.toThrow('storage is down');

    const after = await fakes.connections.get('u1');
    expect(await fakes.vault.decrypt('u1', 'tokens', after?.tokens ?? '')).toBe('rotated-tokens');
    // The write reached Garmin: its key stays held, so a retry cannot write it twice.
    expect(await refusal(fakes.service.write('u1', 'key-1', INTAKE))).toBe('WRITE_IN_PROGRESS');
  });

  it('frees the key when the bridge sent Garmin nothing, so a retry writes', async () => {
    const fakes = await setup();
    fakes.bridge.answer('addHydration', { ...failed({ code: 'UPSTREAM_UNAVAILABLE', message: 'down' }), garminRequests: 0 });
    fakes.bridge.answer('addHydration', succeeded({ date: DATE, written: {}, hydration: DAY }));

    expect(await refusal(fakes.service.write('u1', 'key-1', INTAKE))).toBe('GARMIN_UNAVAILABLE');
    expect(await fakes.service.write('u1', 'key-1', INTAKE)).toMatchObject({ status: 201 });
    expect(fakes.bridge.ops()).toEqual(['addHydration', 'addHydration']);
  });

  it('answers NOT_CONNECTED for a connection that needs a new login, without calling Garmin', async () => {
    const fakes = await setup({ isActive: false, status: 'needs_reauth' });

    expect(await refusal(fakes.service.write('u1', 'key-1', INTAKE))).toBe('NOT_CONNECTED');
    expect(fakes.bridge.requests).toEqual([]);
    expect(fakes.idempotency.keys.size).toBe(0);
  });
});
