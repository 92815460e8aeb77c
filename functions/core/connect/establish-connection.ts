import type { ProfileBasics } from '../shared/bridge-protocol';
import { EventRecorder } from '../events/recorder';
import { LIMITS } from '../shared/limits';
import type { ConnectionRecord } from '../shared/ports';
import type { ServiceDeps } from '../shared/deps';
import { issuedTokenCursors } from './rotated-tokens';

export interface EstablishInput {
  userId: string;
  username: string;
  /** Plaintext, only when the user lets us remember it for re-logins. */
  password?: string;
  tokens: string;
  /** When the library will refresh `tokens` (the bridge's tokensRefreshAt, epoch s). */
  tokensRefreshAt?: number | undefined;
  profile: ProfileBasics;
}

/** A new connection's generation: above the replaced one's, and at least the clock's epoch ms (it follows any before a disconnect). */
const nextGeneration = (now: Date, existing: ConnectionRecord | undefined): number =>
  Math.max(now.getTime(), (existing?.generation ?? 0) + 1);

/**
 * Stores a verified connection and queues its backfill. Reconnecting the same Garmin
 * account keeps the sync cursors and the generation; connecting a different one starts a
 * new generation and erases the old data. The write is fenced: only if the connection is
 * still the one read here and, for a connect attempt, only while the attempt runs (a
 * disconnect erases it). Undefined when the fence refused it: nothing was stored.
 */
export const establishConnection = async (
  deps: ServiceDeps,
  input: EstablishInput,
  attemptId?: string,
): Promise<ConnectionRecord | undefined> => {
  const now = deps.clock.now();
  const existing = await deps.connections.get(input.userId);
  const sameAccount = existing?.username.toLowerCase() === input.username.toLowerCase();
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
    // The user's choice of what to sync survives a re-login to the same account.
    ...(sameAccount && existing.dataTypes ? { dataTypes: existing.dataTypes } : {}),
    ...(sameAccount && existing.lastSyncTime ? { lastSyncTime: existing.lastSyncTime } : {}),
    nextSyncTime: new Date(now.getTime() + LIMITS.syncIntervalSeconds * 1000).toISOString(),
    consecutiveFailures: 0,
    cursors: { ...(sameAccount ? existing.cursors : {}), ...issuedTokenCursors(now, input.tokensRefreshAt) },
    createdAt: sameAccount ? existing.createdAt : now.toISOString(),
    generation: sameAccount ? (existing.generation ?? 0) : nextGeneration(now, existing),
    version: (existing?.version ?? 0) + 1,
  };
  if (!(await deps.connections.put(record, { replaces: existing?.generation, ...(attemptId ? { attemptId } : {}) }))) return undefined;
  // After the fenced write, so a refused connect erases nothing. A sync of the old account
  // still running holds the lease (no new sync starts meanwhile) and erases what it writes
  // once it finds the generation changed (SyncService.save).
  if (existing && !sameAccount) await deps.data.deleteAllForUser(input.userId);
  await deps.queue.enqueue([{ userId: input.userId, reason: 'backfill' }]);
  await new EventRecorder(deps).connected(input.userId);
  return record;
};
