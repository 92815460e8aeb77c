import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../../functions/core/shared/limits';
import type { ConnectionRecord } from '../../../../functions/core/shared/ports';
import { ConnectionService } from '../../../../functions/core/connect/connection-service';
import { REQUIRED_DATA_TYPES } from '../../../../functions/core/shared/data-types';
import { fakeDeps } from '../../../support/fakes/deps';
import { connectionRecord, refusal } from '../../../support/fakes/records';

const NOW = new Date('2026-11-30T12:00:00Z');

const RECORD: ConnectionRecord = connectionRecord({ tokens: 'sealed:u1:tokens:t', createdAt: NOW.toISOString(), version: 3 });

const setup = () => {
  const fakes = fakeDeps(NOW);
  return { ...fakes, service: new ConnectionService(fakes.deps) };
};

describe('ConnectionService.disconnect', () => {
  it('erases the connection, its data and its attempts, and announces it', async () => {
    const fakes = setup();
    await fakes.connections.put(RECORD);
    await fakes.data.upsertActivities('u1', [{ activityId: 1, startTimeLocal: '2026-11-29 08:00:00', startTimeGMT: '2026-11-29 07:00:00' }]);
    await fakes.attempts.create({ userId: 'u1', attemptId: 'a1', status: 'pending', rememberPassword: false, mfaSubmissions: 0, createdAt: NOW.toISOString(), expiresAt: NOW.getTime() / 1000 + LIMITS.attemptTtlSeconds });

    await fakes.service.disconnect('u1');

    expect(await fakes.connections.get('u1')).toBeUndefined();
    expect((await fakes.data.queryActivities('u1', { limit: 10 })).items).toEqual([]);
    expect(fakes.attempts.attempts.size).toBe(0);
    expect(fakes.events.published.map((e) => e.type)).toEqual(['connection.disconnected']);
  });

  it('ends a connect still running even without a connection', async () => {
    const fakes = setup();
    await fakes.attempts.create({ userId: 'u1', attemptId: 'a1', status: 'mfa_required', rememberPassword: false, mfaSubmissions: 0, createdAt: NOW.toISOString(), expiresAt: NOW.getTime() / 1000 + LIMITS.attemptTtlSeconds });

    await fakes.service.disconnect('u1');

    expect(fakes.attempts.attempts.size).toBe(0);
  });

  it('answers NOT_CONNECTED when there is nothing to end, and announces nothing', async () => {
    const fakes = setup();

    expect(await refusal(fakes.service.disconnect('u1'))).toBe('NOT_CONNECTED');
    expect(fakes.events.published).toEqual([]);
  });
});

describe('ConnectionService.selectDataTypes', () => {
  it('keeps the required types and applies the choice over a sync that saved meanwhile', async () => {
    const fakes = setup();
    await fakes.connections.put(RECORD);
    // A sync saves its cursors between the service's read and its write.
    fakes.connections.races.push((stored) => ({ ...stored, lastSyncTime: NOW.toISOString(), version: stored.version + 1 }));

    await fakes.service.selectDataTypes('u1', ['sleep']);

    const stored = await fakes.connections.get('u1');
    expect(stored?.dataTypes).toEqual(expect.arrayContaining(['sleep', ...REQUIRED_DATA_TYPES]));
    expect(stored?.dataTypes).toHaveLength(new Set(['sleep', ...REQUIRED_DATA_TYPES]).size);
    // The sync's write was kept, not overwritten.
    expect(stored?.lastSyncTime).toBe(NOW.toISOString());
  });

  it('answers NOT_CONNECTED without a connection', async () => {
    expect(await refusal(setup().service.selectDataTypes('u1', ['sleep']))).toBe('NOT_CONNECTED');
  });
});
