import type { ProfileBasics } from '../bridge-protocol';
import { LIMITS } from '../limits';
import type { ConnectionRecord } from '../ports';
import type { ServiceDeps } from './deps';

export interface EstablishInput {
  userId: string;
  username: string;
  /** Plaintext, only when the user lets us remember it for re-logins. */
  password?: string;
  tokens: string;
  profile: ProfileBasics;
}

/**
 * Stores a verified connection and queues its backfill. Reconnecting the same Garmin
 * account keeps the sync cursors; connecting a different one first erases the old data.
 */
export const establishConnection = async (deps: ServiceDeps, input: EstablishInput): Promise<ConnectionRecord> => {
  const now = deps.clock.now();
  const existing = await deps.connections.get(input.userId);
  const sameAccount = existing?.username.toLowerCase() === input.username.toLowerCase();
  if (existing && !sameAccount) await deps.data.deleteAllForUser(input.userId);
  const record: ConnectionRecord = {
    userId: input.userId,
    username: input.username,
    ...(input.password !== undefined
      ? { password: await deps.vault.encrypt(input.userId, 'password', input.password) }
      : {}),
    tokens: await deps.vault.encrypt(input.userId, 'tokens', input.tokens),
    isActive: true,
    status: 'active',
    ...(input.profile.displayName ? { displayName: input.profile.displayName } : {}),
    ...(sameAccount && existing.timeZone ? { timeZone: existing.timeZone } : {}),
    ...(sameAccount && existing.lastSyncTime ? { lastSyncTime: existing.lastSyncTime } : {}),
    nextSyncTime: new Date(now.getTime() + LIMITS.syncIntervalSeconds * 1000).toISOString(),
    consecutiveFailures: 0,
    cursors: { ...(sameAccount ? existing.cursors : {}), tokensRefreshedAt: now.toISOString() },
    createdAt: sameAccount ? existing.createdAt : now.toISOString(),
    version: (existing?.version ?? 0) + 1,
  };
  await deps.connections.put(record);
  await deps.queue.enqueue([{ userId: input.userId, reason: 'backfill' }]);
  return record;
};
