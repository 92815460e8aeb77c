/**
 * The events the backend pushes to the app (webhooks) and keeps in each user's change feed
 * (GET /garmin/changes): one zod schema per type, versioned, defined here once. The webhook
 * body, the feed item and the OpenAPI's `webhooks` section are all this envelope.
 *
 * No event carries a credential, a token or a health value: only ids, dates, times and
 * error codes, so the app fetches what changed through the API it already uses.
 */
import * as z from '../shared/zod';
import { IsoDate } from '../shared/bridge-protocol';
import { once } from '../shared/once';

/**
 * The events' schemas, built on the first call (once): by the first event a function records,
 * reads or delivers rather than at import, which many invocations never do.
 */
export const eventSchemas = once(() => {
  const IsoTime = z.iso.datetime();
  const ActivityIds = z.array(z.string().check(z.regex(/^\d+$/)));
  const Dates = z.array(IsoDate);

  /** The fields every event has; `id` is the `webhook-id` too (stable across retries: receivers dedupe on it). */
  const envelope = <T extends string, D extends z.ZodMiniType>(type: T, data: D) =>
    z.strictObject({
      id: z.string().check(z.regex(/^evt_[0-9a-f]{32}$/)),
      type: z.literal(type),
      /** Bumped when the type's `data` changes incompatibly; the type keeps its name. */
      version: z.literal(1),
      /** When it happened (the backend's clock). */
      timestamp: IsoTime,
      userId: z.string().check(z.minLength(1)),
      data,
    });

  const ConnectionConnected = envelope('connection.connected', z.strictObject({}));
  const ConnectionNeedsReauth = envelope(
    'connection.needs_reauth',
    /** The error code that made it (TOKEN_REJECTED, GARMIN_INVALID_CREDENTIALS, ...). */
    z.strictObject({ reason: z.string().check(z.minLength(1)) }),
  );
  const ConnectionDisconnected = envelope(
    'connection.disconnected',
    /** Everything synced for the user is erased: the app drops what it holds. */
    z.strictObject({ dataErased: z.literal(true) }),
  );
  const ConnectionBlocked = envelope(
    'connection.blocked',
    /** Garmin refuses this service's logins: the connection's re-login waits until `retryAt`. */
    z.strictObject({ retryAt: IsoTime }),
  );
  const ConnectionTokensExpiring = envelope(
    'connection.tokens_expiring',
    /** Garmin's refresh token dies at `expiresAt` unless a sync refreshes it first; after that the user must log in again. */
    z.strictObject({ refreshedAt: IsoTime, expiresAt: IsoTime }),
  );
  const SyncFailing = envelope(
    'sync.failing',
    z.strictObject({ consecutiveFailures: z.int().check(z.positive()), errorCode: z.string().check(z.minLength(1)), nextSyncTime: z.optional(IsoTime) }),
  );
  const SyncRecovered = envelope('sync.recovered', z.strictObject({ failuresBefore: z.int().check(z.positive()) }));
  const BackfillCompleted = envelope('backfill.completed', z.strictObject({ from: z.optional(IsoDate) }));
  const DataChanged = envelope(
    'data.changed',
    z.strictObject({
      activities: z.strictObject({ added: ActivityIds, updated: ActivityIds, deleted: ActivityIds }),
      days: z.strictObject({ added: Dates, updated: Dates }),
      /**
       * Dates whose weigh-ins, hydration or sleep changed (by a sync or a write). Added to version 1
       * (an additive change): events recorded before it lack it, every event since has it.
       */
      wellness: z.optional(z.strictObject({ weight: Dates, hydration: Dates, sleep: Dates })),
    }),
  );

  const AppEvent = z.discriminatedUnion('type', [
    ConnectionConnected,
    ConnectionNeedsReauth,
    ConnectionDisconnected,
    ConnectionBlocked,
    ConnectionTokensExpiring,
    SyncFailing,
    SyncRecovered,
    BackfillCompleted,
    DataChanged,
  ]);

  /** Each type's schema by name (the OpenAPI webhooks section, docs). */
  const EVENT_SCHEMAS = {
    'connection.connected': ConnectionConnected,
    'connection.needs_reauth': ConnectionNeedsReauth,
    'connection.disconnected': ConnectionDisconnected,
    'connection.blocked': ConnectionBlocked,
    'connection.tokens_expiring': ConnectionTokensExpiring,
    'sync.failing': SyncFailing,
    'sync.recovered': SyncRecovered,
    'backfill.completed': BackfillCompleted,
    'data.changed': DataChanged,
  } as const satisfies Record<z.infer<typeof AppEvent>['type'], z.ZodMiniType>;

  return { AppEvent, EVENT_SCHEMAS };
});

export type AppEvent = z.infer<ReturnType<typeof eventSchemas>['AppEvent']>;
export type AppEventType = AppEvent['type'];
export type EventData<T extends AppEventType> = Extract<AppEvent, { type: T }>['data'];
