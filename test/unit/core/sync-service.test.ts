import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../functions/core/limits';
import type { ConnectionRecord } from '../../../functions/core/ports';
import { keepTokensAlive } from '../../../functions/core/services/sync-service';

const NOW = new Date('2026-11-30T12:00:00Z');
const DAY_MS = 86_400_000;

const connection = (tokensRefreshedAt: string | undefined): ConnectionRecord => ({
  userId: 'u1',
  username: 'athlete@example.com',
  tokens: 'ciphertext',
  isActive: true,
  status: 'backing_off',
  consecutiveFailures: 3,
  cursors: tokensRefreshedAt ? { tokensRefreshedAt } : {},
  createdAt: new Date(NOW.getTime() - 60 * DAY_MS).toISOString(),
  version: 1,
});

describe('keepTokensAlive', () => {
  const refreshed = new Date(NOW.getTime() - 2 * DAY_MS).toISOString();
  const deadline = new Date(Date.parse(refreshed) + LIMITS.tokenKeepAliveSeconds * 1000).toISOString();

  it('brings a sync scheduled past the keep-alive deadline forward to it', () => {
    const farAway = new Date(NOW.getTime() + 40 * DAY_MS).toISOString();
    expect(keepTokensAlive(connection(refreshed), farAway, NOW)).toBe(deadline);
  });

  it('leaves a sync due before the deadline alone', () => {
    const soon = new Date(NOW.getTime() + 3600_000).toISOString();
    expect(keepTokensAlive(connection(refreshed), soon, NOW)).toBe(soon);
  });

  it('syncs at once when the deadline has passed, counting from the connection when no refresh is recorded', () => {
    const farAway = new Date(NOW.getTime() + 40 * DAY_MS).toISOString();
    expect(keepTokensAlive(connection(undefined), farAway, NOW)).toBe(NOW.toISOString());
  });
});
