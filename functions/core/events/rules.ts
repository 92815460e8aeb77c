/**
 * When the backend tells the app something: each event is derived from what a service
 * just did (a connection state before and after a sync, the ids a sync wrote), never
 * from a second source of truth, so an event cannot claim what storage does not hold.
 */
import type { ConnectionRecord, WellnessKind } from '../shared/ports';
import type { AppEventType, EventData } from './schema';

export const EVENT_LIMITS = {
  /** `sync.failing` once this many syncs in a row have failed; `sync.recovered` at the next success after it. */
  syncFailingAfter: 3,
  /**
   * Garmin's refresh token dies this long after it was issued (2,591,999 s as recorded) unless
   * a refresh rotates it first. Our estimate starts when we stored it, seconds after Garmin issued it.
   */
  refreshTokenLifetimeSeconds: 2_591_999,
  /** `connection.tokens_expiring` once the tokens went unrefreshed this long: 9 days before they die. */
  tokensWarnAfterSeconds: 21 * 24 * 3600,
  /** Ids and dates per `data.changed` (a backfill writes hundreds): well under DynamoDB's 400 KB item and SQS's 1 MiB. */
  maxIdsPerEvent: 500,
  /** How long the change feed keeps an event (and so how old a cursor may be). */
  feedRetentionSeconds: 30 * 24 * 3600,
} as const;

export interface EventDraft<T extends AppEventType = AppEventType> {
  type: T;
  data: EventData<T>;
}

const draft = <T extends AppEventType>(type: T, data: EventData<T>): EventDraft => ({ type, data }) as EventDraft;

/** What a sync (or a write) added, rewrote or deleted. */
export interface DataChanges {
  activities: { added: string[]; updated: string[]; deleted: string[] };
  days: { added: string[]; updated: string[] };
  /** The dates whose stored weigh-ins, hydration or sleep changed (added, rewritten or emptied). */
  wellness: Record<WellnessKind, string[]>;
}

export const NO_DATA_CHANGES: DataChanges = {
  activities: { added: [], updated: [], deleted: [] },
  days: { added: [], updated: [] },
  wellness: { weight: [], hydration: [], sleep: [] },
};

/** Where each kind of change lives in DataChanges (the same slots in every event). */
const SLOTS: Array<(c: DataChanges) => string[]> = [
  (c) => c.activities.added,
  (c) => c.activities.updated,
  (c) => c.activities.deleted,
  (c) => c.days.added,
  (c) => c.days.updated,
  (c) => c.wellness.weight,
  (c) => c.wellness.hydration,
  (c) => c.wellness.sleep,
];

/** `data.changed` events for what a sync wrote, split so that none holds more than `max` ids and dates. */
export const dataChangedEvents = (changes: DataChanges, max: number = EVENT_LIMITS.maxIdsPerEvent): EventDraft[] => {
  const events: EventDraft[] = [];
  let current = structuredClone(NO_DATA_CHANGES);
  let count = 0;
  for (const slot of SLOTS) {
    for (const id of slot(changes)) {
      if (count === max) {
        events.push(draft('data.changed', current));
        current = structuredClone(NO_DATA_CHANGES);
        count = 0;
      }
      slot(current).push(id);
      count++;
    }
  }
  if (count > 0) events.push(draft('data.changed', current));
  return events;
};

const time = (iso: string | undefined): number => (iso ? Date.parse(iso) : Number.NaN);

/** When the connection's refresh token was issued (at connect, or by the last refresh). */
const refreshedAt = (c: ConnectionRecord): string => c.cursors.tokensRefreshedAt ?? c.createdAt;

/** The last sync that reached Garmin before this one: its success or its failure. */
const previousAttempt = (c: ConnectionRecord): number =>
  Math.max(time(c.lastSyncTime) || 0, time(c.lastError?.at) || 0, time(refreshedAt(c)));

/**
 * What a sync that reached Garmin changed about the connection, as events. Each fires on
 * the transition only (the state before says whether it was announced already), so a
 * retried or repeated sync announces nothing twice.
 */
export const connectionEvents = (before: ConnectionRecord, after: ConnectionRecord, now: Date): EventDraft[] => {
  const events: EventDraft[] = [];
  const n = EVENT_LIMITS.syncFailingAfter;
  if (after.status === 'needs_reauth' && before.status !== 'needs_reauth') {
    events.push(draft('connection.needs_reauth', { reason: after.lastError?.code ?? 'UNKNOWN' }));
  }
  if (after.lastError?.code === 'LOGIN_BLOCKED' && before.lastError?.code !== 'LOGIN_BLOCKED') {
    events.push(draft('connection.blocked', { retryAt: after.nextSyncTime ?? now.toISOString() }));
  }
  if (before.consecutiveFailures < n && after.consecutiveFailures >= n) {
    events.push(
      draft('sync.failing', {
        consecutiveFailures: after.consecutiveFailures,
        errorCode: after.lastError?.code ?? 'UNKNOWN',
        ...(after.nextSyncTime ? { nextSyncTime: after.nextSyncTime } : {}),
      }),
    );
  }
  if (before.consecutiveFailures >= n && after.consecutiveFailures === 0) {
    events.push(draft('sync.recovered', { failuresBefore: before.consecutiveFailures }));
  }
  if (!before.cursors.backfillDone && after.cursors.backfillDone) {
    events.push(draft('backfill.completed', after.cursors.backfillFrom ? { from: after.cursors.backfillFrom } : {}));
  }
  // The refresh token ages while syncs fail, are held back or never need a refresh: warn
  // once per issued token, at the first sync past the threshold (the state before says
  // whether an earlier sync was past it already).
  const issued = refreshedAt(after);
  const warnAt = Date.parse(issued) + EVENT_LIMITS.tokensWarnAfterSeconds * 1000;
  if (after.status !== 'needs_reauth' && issued === refreshedAt(before) && previousAttempt(before) < warnAt && warnAt <= now.getTime()) {
    const expiresAt = new Date(Date.parse(issued) + EVENT_LIMITS.refreshTokenLifetimeSeconds * 1000).toISOString();
    events.push(draft('connection.tokens_expiring', { refreshedAt: issued, expiresAt }));
  }
  return events;
};
