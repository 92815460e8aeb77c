/**
 * Garmin rotated the tokens during a call (a refresh): the old refresh token is dead, so the
 * new ones are stored before anything else can fail. One rule for syncs and writes.
 */
import { type ConnectionRecord, type ConnectionStore, type SyncCursors, VersionConflictError, type Vault, withScheduleOf } from '../shared/ports';

/** The cursors of tokens Garmin issued at `now`: when, and when the library will refresh them (the bridge's epoch s; unknown: absent). */
export const issuedTokenCursors = (now: Date, refreshAt: number | undefined): Pick<SyncCursors, 'tokensRefreshedAt' | 'tokensRefreshAt'> => ({
  tokensRefreshedAt: now.toISOString(),
  tokensRefreshAt: refreshAt === undefined ? undefined : new Date(refreshAt * 1000).toISOString(),
});

/** Token saves racing other writes of the connection item (dispatch claims, a sync's save): a few rounds at most. */
const MAX_ATTEMPTS = 5;

/**
 * Stores `tokens` on the connection, fenced on its generation: a version conflict re-reads the
 * connection and applies them to its latest state; a connection of another generation
 * (disconnected, or another Garmin account connected meanwhile) gets nothing, since the tokens
 * belong to nobody now. Returns the connection as stored, or undefined when it is gone.
 */
export const persistRotatedTokens = async (
  deps: { connections: ConnectionStore; vault: Vault },
  connection: ConnectionRecord,
  tokens: string,
  now: Date,
  refreshAt: number | undefined,
): Promise<ConnectionRecord | undefined> => {
  const encrypted = await deps.vault.encrypt(connection.userId, 'tokens', tokens);
  let base: ConnectionRecord | undefined = connection;
  for (let attempt = 1; base && (base.generation ?? 0) === (connection.generation ?? 0); attempt++) {
    try {
      const cursors = { ...base.cursors, ...issuedTokenCursors(now, refreshAt) };
      return withScheduleOf(await deps.connections.update(base.userId, base.version, { tokens: encrypted, cursors }), base);
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt === MAX_ATTEMPTS) throw error;
    }
    base = await deps.connections.get(connection.userId);
  }
  return undefined;
};
