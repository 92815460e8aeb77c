import { describe, expect, it } from 'vitest';
import { type ConnectionRecord, type ConnectionStore, type Vault, VersionConflictError } from '../../../../functions/core/ports';
import { persistRotatedTokens } from '../../../../functions/core/services/rotated-tokens';

const NOW = new Date('2026-11-23T20:00:00Z');

const record = (overrides: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
  userId: 'u1',
  username: 'athlete@example.com',
  tokens: 'old-ciphertext',
  isActive: true,
  status: 'active',
  consecutiveFailures: 0,
  cursors: { activitiesNewestLocal: '2026-11-23 07:30:00' },
  createdAt: '2026-01-01T00:00:00.000Z',
  generation: 1,
  version: 1,
  ...overrides,
});

/** One stored connection with optimistic versions; `races` versions are taken by another writer first. */
class OneConnection implements Pick<ConnectionStore, 'get' | 'update'> {
  updates = 0;
  constructor(
    public stored: ConnectionRecord | undefined,
    private races: Array<(stored: ConnectionRecord) => ConnectionRecord | undefined> = [],
  ) {}
  get = async (): Promise<ConnectionRecord | undefined> => this.stored;
  update = async (_userId: string, expected: number, changes: Partial<ConnectionRecord>): Promise<ConnectionRecord> => {
    const race = this.races.shift();
    if (race && this.stored) this.stored = race(this.stored);
    if (!this.stored || this.stored.version !== expected) throw new VersionConflictError('connection');
    this.updates++;
    this.stored = { ...this.stored, ...changes, version: this.stored.version + 1 };
    return this.stored;
  };
}

const vault: Vault = { encrypt: async (_u, _p, plaintext) => `enc(${plaintext})`, decrypt: async (_u, _p, c) => c };
const deps = (store: OneConnection) => ({ connections: store as unknown as ConnectionStore, vault });

describe('persistRotatedTokens', () => {
  it('stores the tokens with their time and keeps the cursors', async () => {
    const store = new OneConnection(record());
    const saved = await persistRotatedTokens(deps(store), record(), 'new-blob', NOW);
    expect(saved?.tokens).toBe('enc(new-blob)');
    expect(saved?.cursors).toEqual({ activitiesNewestLocal: '2026-11-23 07:30:00', tokensRefreshedAt: NOW.toISOString() });
  });

  it('after a concurrent write of the same connection, applies them to its latest state', async () => {
    const moved = (stored: ConnectionRecord) => ({ ...stored, cursors: { ...stored.cursors, summariesFinalThrough: '2026-11-22' }, version: stored.version + 1 });
    const store = new OneConnection(record(), [moved]);
    const saved = await persistRotatedTokens(deps(store), record(), 'new-blob', NOW);
    expect(saved?.tokens).toBe('enc(new-blob)');
    expect(saved?.cursors.summariesFinalThrough).toBe('2026-11-22');
    expect(saved?.cursors.tokensRefreshedAt).toBe(NOW.toISOString());
  });

  it('writes nothing to a connection of another generation, or none', async () => {
    const replaced = (stored: ConnectionRecord) => ({ ...stored, generation: 2, tokens: 'their-ciphertext', version: stored.version + 1 });
    const store = new OneConnection(record(), [replaced]);
    expect(await persistRotatedTokens(deps(store), record(), 'new-blob', NOW)).toBeUndefined();
    expect(store.stored?.tokens).toBe('their-ciphertext');
    expect(store.updates).toBe(0);

    const erased = new OneConnection(record(), [() => undefined]);
    expect(await persistRotatedTokens(deps(erased), record(), 'new-blob', NOW)).toBeUndefined();
  });
});
