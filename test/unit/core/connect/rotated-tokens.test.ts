import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../../../functions/core/shared/ports';
import { persistRotatedTokens } from '../../../../functions/core/connect/rotated-tokens';
import { TagVault } from '../../../support/fakes/basics';
import { MemoryConnectionStore } from '../../../support/fakes/connections';
import { connectionRecord } from '../../../support/fakes/records';

const NOW = new Date('2026-11-23T20:00:00Z');

const record = (overrides: Partial<ConnectionRecord> = {}): ConnectionRecord =>
  connectionRecord({ tokens: 'old-ciphertext', cursors: { activitiesNewestLocal: '2026-11-23 07:30:00' }, generation: 1, ...overrides });

/** The store holding `record()`, with `races` (concurrent writers) run one before each update. */
const storeWith = async (races: Array<(stored: ConnectionRecord) => ConnectionRecord | undefined> = []) => {
  const connections = new MemoryConnectionStore();
  await connections.put(record());
  connections.races.push(...races);
  return connections;
};

const vault = new TagVault();
const sealed = (tokens: string) => vault.encrypt('u1', 'tokens', tokens);

describe('persistRotatedTokens', () => {
  it('stores the tokens with their time and keeps the cursors', async () => {
    const connections = await storeWith();
    const refreshAt = NOW.getTime() / 1000 + 20 * 3600;
    const saved = await persistRotatedTokens({ connections, vault }, record(), 'new-blob', NOW, refreshAt);
    expect(saved?.tokens).toBe(await sealed('new-blob'));
    expect(saved?.cursors).toEqual({
      activitiesNewestLocal: '2026-11-23 07:30:00',
      tokensRefreshedAt: NOW.toISOString(),
      tokensRefreshAt: new Date(refreshAt * 1000).toISOString(),
    });
  });

  it('forgets an earlier refresh time when the new tokens have none', async () => {
    const connections = new MemoryConnectionStore();
    await connections.put({ ...record(), cursors: { tokensRefreshAt: '2026-11-23T10:00:00.000Z' } });
    const saved = await persistRotatedTokens({ connections, vault }, (await connections.get('u1'))!, 'new-blob', NOW, undefined);
    expect(saved?.cursors.tokensRefreshAt).toBeUndefined();
  });

  it('after a concurrent write of the same connection, applies them to its latest state', async () => {
    const moved = (stored: ConnectionRecord) => ({ ...stored, cursors: { ...stored.cursors, summariesFinalThrough: '2026-11-22' }, version: stored.version + 1 });
    const connections = await storeWith([moved]);
    const saved = await persistRotatedTokens({ connections, vault }, record(), 'new-blob', NOW, undefined);
    expect(saved?.tokens).toBe(await sealed('new-blob'));
    expect(saved?.cursors.summariesFinalThrough).toBe('2026-11-22');
    expect(saved?.cursors.tokensRefreshedAt).toBe(NOW.toISOString());
  });

  it('writes nothing to a connection of another generation, or none', async () => {
    const replaced = (stored: ConnectionRecord) => ({ ...stored, generation: 2, tokens: 'their-ciphertext', version: stored.version + 1 });
    const connections = await storeWith([replaced]);
    expect(await persistRotatedTokens({ connections, vault }, record(), 'new-blob', NOW, undefined)).toBeUndefined();
    expect((await connections.get('u1'))?.tokens).toBe('their-ciphertext');
    expect(connections.updates).toEqual([]);

    const erased = await storeWith([() => undefined]);
    expect(await persistRotatedTokens({ connections: erased, vault }, record(), 'new-blob', NOW, undefined)).toBeUndefined();
    expect(await erased.get('u1')).toBeUndefined();
  });
});
