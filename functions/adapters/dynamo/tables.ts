/**
 * The DynamoDB tables: one definition used by the stores, the CDK stack and the local
 * runtime (which creates them on DynamoDB Local), so the three cannot drift.
 *
 * - connections: one item per user (`user_id`), the seed's fields plus sync state, and
 *   beside it the user's schedule item (`user_id` = `__schedule__#<user id>`, a key no user
 *   id can take: subjects starting `__` are refused). The schedule item is small (about
 *   300 bytes: 1 write unit) and holds what every sync changes: the due time, the lease
 *   (claiming it is the lease), the per-user Garmin fetch log, lastSyncTime and the probe's
 *   time; so a sync that finds nothing new writes it twice (dispatch's claim, the end; the
 *   worker's start too when the run may refresh the tokens, core/sync/claimed-run.ts) and never the 2–6 KB
 *   connection item with the encrypted tokens. Why here and not in the data table's
 *   `__rate__` partition: the sparse GSI `due` (`due_shard`, `next_sync_time`) stays where
 *   connections written by earlier versions are still scheduled, so dispatch finds both
 *   kinds in one index and moves a legacy one into its schedule item when it claims it;
 *   and the connection and its schedule are read together (one BatchGetItem) and written
 *   together (a connect is one transaction). A disconnect deletes the connection item and
 *   unschedules the schedule item (due time, lease removed) but keeps its fetch log, so a
 *   disconnect resets no limit; the other logs stay in the data table's `__rate__` partitions.
 * - data: everything synced per user (`user_id`, `sk`): activities (`ACT#<id>`, LSI
 *   `by_start` on `start_local`), daily summaries (`DAY#<date>`), the profile and the sync
 *   lease (TTL). Partitions whose key starts with RESERVED_PARTITION_PREFIX belong to the
 *   service, never to a user: the Garmin guard state (`__system__`) and the rate-limit logs
 *   (`__rate__#…`, TTL), which a user's erasure must not reset.
 * - attempts: connect attempts (`user_id`, `attempt_id`) with a TTL; also the MFA
 *   mailbox the Python bridge polls, and the only table the bridge may touch.
 * - events: each user's change feed (`user_id`, `sk` = `EVT#<sequence>`, TTL) and its
 *   sequence counter (`SEQ`), functions/adapters/events/dynamo-event-feed.ts. A table of
 *   its own: a disconnect erases it explicitly (the counter stays, so positions keep
 *   increasing), and only the functions that emit or read events may touch it.
 */
import { MFA_MAILBOX_FIELDS } from '../../core/shared/bridge-protocol';
import { ENV } from '../../core/shared/env';
import { RESERVED_PARTITION_PREFIX } from '../../core/shared/reserved-partitions';
import type { RateScope } from '../../core/shared/ports';

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  name: string;
  type: AttributeType;
}

export type IndexProjection = 'KEYS_ONLY' | 'ALL';

export interface TableSpec {
  /** Environment variable holding the table's name in every function. */
  envVar: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  ttlAttribute?: string;
  /**
   * What an index carries: `due` is read keys-only (dispatch needs user_id + next_sync_time),
   * `by_start` serves whole activities to the read API. DynamoDB Local and AWS get the same.
   */
  globalIndexes?: Array<{ name: string; partitionKey: KeyAttribute; sortKey: KeyAttribute; projection: IndexProjection }>;
  localIndexes?: Array<{ name: string; sortKey: KeyAttribute; projection: IndexProjection }>;
}

export const TABLES = {
  connections: {
    envVar: ENV.connectionsTable,
    partitionKey: { name: 'user_id', type: 'S' },
    globalIndexes: [
      { name: 'due', partitionKey: { name: 'due_shard', type: 'N' }, sortKey: { name: 'next_sync_time', type: 'S' }, projection: 'KEYS_ONLY' },
    ],
  },
  data: {
    envVar: ENV.dataTable,
    partitionKey: { name: 'user_id', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    ttlAttribute: 'expires_at',
    localIndexes: [{ name: 'by_start', sortKey: { name: 'start_local', type: 'S' }, projection: 'ALL' }],
  },
  events: {
    envVar: ENV.eventsTable,
    partitionKey: { name: 'user_id', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    ttlAttribute: 'expires_at',
  },
  attempts: {
    envVar: ENV.attemptsTable,
    partitionKey: { name: MFA_MAILBOX_FIELDS.partitionKey, type: 'S' },
    sortKey: { name: MFA_MAILBOX_FIELDS.sortKey, type: 'S' },
    ttlAttribute: MFA_MAILBOX_FIELDS.expiresAt,
  },
} as const satisfies Record<string, TableSpec>;

export type TableKey = keyof typeof TABLES;

/** The partition key of a user's schedule item in the connections table (see above). */
export const SCHEDULE_KEY_PREFIX = `${RESERVED_PARTITION_PREFIX}schedule__#`;

/** Sort-key prefixes of the data table. */
export const DATA_SK = {
  activity: 'ACT#',
  day: 'DAY#',
  /** Per-day wellness kinds: `<KIND>#<date>` (ports.ts WELLNESS_KINDS). */
  weight: 'WEIGHT#',
  hydration: 'HYDRATION#',
  sleep: 'SLEEP#',
  profile: 'PROFILE',
  rateLimit: 'RATE#',
  /** The API throttle's counters, `REQ#<kind>#<window start, epoch s>`, in the user's `__rate__#user#` partition. */
  apiRequests: 'REQ#',
  idempotencyKey: 'IDEM#',
} as const;

/**
 * The partitions of write Idempotency-Keys: one per user, outside the user's data, so that a
 * disconnect and reconnect within a key's lifetime cannot make a retry write twice.
 */
export const IDEMPOTENCY_PARTITION_PREFIX = `${RESERVED_PARTITION_PREFIX}idem__#`;

/** The partitions of the rate-limit logs: one per limited subject, outside every user's data. */
export const RATE_PARTITION_PREFIX = `${RESERVED_PARTITION_PREFIX}rate__#`;

/** The rate partition of one subject (an app user, a Garmin account, the service). */
export const ratePartition = (scope: RateScope, subject: string): string => `${RATE_PARTITION_PREFIX}${scope}#${subject}`;
