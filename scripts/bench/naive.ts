/**
 * The naive baseline the benchmark compares against: what a first version of this backend
 * would do. At every sync it logs in with the stored password (no tokens kept) and re-fetches
 * a fixed window of the last 7 days of activities and daily summaries, through the same
 * bridge operations, stores them with the same DataStore (content-hashed upserts, so its
 * DynamoDB writes are not inflated on purpose), and reschedules the connection. No lease,
 * no per-user limit, no cursors. Its "backfill" is one login and one fetch of everything.
 */
import { fetchResultOf, type BridgeResponse, type FetchResult } from '../../functions/core/shared/bridge-protocol';
import { LIMITS } from '../../functions/core/shared/limits';
import { addDays, datesBetween, localDate } from '../../functions/core/shared/local-time';
import type { SyncJob } from '../../functions/core/shared/ports';
import type { ServiceDeps } from '../../functions/core/shared/deps';
import type { SyncRun } from '../../functions/core/sync/sync-service';

export const NAIVE_WINDOW_DAYS = 7;

const NOTHING = { activitiesWritten: 0, dailySummariesWritten: 0, profileUpdated: false };

export class NaiveSync {
  constructor(private readonly deps: ServiceDeps) {}

  run(job: SyncJob): Promise<SyncRun> {
    return this.sync(job.userId, NAIVE_WINDOW_DAYS, false);
  }

  /** The whole history at once: one login, one fetch of `days` days (and today), profile included. */
  backfill(userId: string, days: number): Promise<SyncRun> {
    return this.sync(userId, days + 1, true);
  }

  private async sync(userId: string, days: number, profile: boolean): Promise<SyncRun> {
    const { deps } = this;
    const now = deps.clock.now();
    const connection = await deps.connections.get(userId);
    if (!connection?.password) return { status: 'not_connected', ...NOTHING, garminRequests: 0 };
    const password = await deps.vault.decrypt(userId, 'password', connection.password);
    const login = await deps.bridge.call({ op: 'login', username: connection.username, password });
    if (!login.ok || !login.tokens) return this.failed(login);
    const today = localDate(now, connection.timeZone ?? 'UTC');
    const from = addDays(today, -(days - 1));
    const fetch = await deps.bridge.call({
      op: 'fetch',
      tokens: login.tokens,
      ...(connection.displayName ? { displayName: connection.displayName } : {}),
      activities: { startDate: from, maxPages: 100 },
      dailySummaries: { dates: datesBetween(from, today) },
      profile,
    });
    const result: FetchResult | undefined = fetch.ok ? fetchResultOf(fetch) : fetch.partial;
    const activitiesWritten = await deps.data.upsertActivities(userId, result?.activities?.items ?? []);
    const dailySummariesWritten = await deps.data.upsertDailySummaries(
      userId,
      (result?.dailySummaries?.items ?? []).flatMap((day) => ('summary' in day ? [{ date: day.date, summary: day.summary, final: day.date < today }] : [])),
    );
    if (result?.profile) await deps.data.putProfile(userId, { ...result.profile.basics, timeZone: result.profile.timeZone }, now);
    const changes = {
      lastSyncTime: now.toISOString(),
      nextSyncTime: new Date(now.getTime() + LIMITS.syncIntervalSeconds * 1000).toISOString(),
      ...(result?.profile?.timeZone ? { timeZone: result.profile.timeZone } : {}),
    };
    // Last write wins: a naive implementation has no lease; a concurrent copy of this sync just wrote the same.
    const updated = await deps.connections.update(userId, connection.version, changes).catch(async () => {
      const latest = await deps.connections.get(userId);
      return latest ? deps.connections.update(userId, latest.version, changes) : undefined;
    });
    return {
      status: fetch.ok ? 'synced' : 'failed',
      activitiesWritten,
      dailySummariesWritten,
      profileUpdated: result?.profile !== undefined,
      garminRequests: login.garminRequests + fetch.garminRequests,
      ...(fetch.ok ? {} : { error: fetch.error }),
      ...(updated ? { connection: updated } : {}),
    };
  }

  private failed(response: BridgeResponse): SyncRun {
    return {
      status: 'failed',
      ...NOTHING,
      garminRequests: response.garminRequests,
      ...(response.ok ? {} : { error: response.error }),
    };
  }
}
