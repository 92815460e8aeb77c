/**
 * Timeouts and memory of every function, derived from the product's own limits
 * (functions/core/shared/limits.ts) and the bridge client's per-operation timeouts, so a change
 * there moves the infrastructure with it, and a change that breaks an invariant fails
 * at synth instead of in production.
 */
import { DEFAULT_BRIDGE_TIMEOUTS_MS } from '../functions/adapters/bridge/timeouts';
import { AWS_LIMITS } from '../functions/core/shared/aws-limits';
import { BRIDGE_LIMITS } from '../functions/core/shared/bridge-protocol';
import { LIMITS } from '../functions/core/shared/limits';

const seconds = (ms: number): number => Math.ceil(ms / 1000);

/** API Gateway HTTP APIs answer 503 after 30 s, whatever the function does. */
export const API_GATEWAY_TIMEOUT_SECONDS = AWS_LIMITS.httpApiIntegrationTimeoutSeconds;

/** The bridge client aborts a login with MFA after the MFA wait plus a minute (bridge/timeouts.ts). */
const LOGIN_WITH_MFA_SECONDS = Math.max(seconds(DEFAULT_BRIDGE_TIMEOUTS_MS.login), LIMITS.mfaWaitSeconds + 60);

export const TIMEOUT_SECONDS = {
  /**
   * Lambda's maximum. Logins run Garmin's SSO chain (anti-bot pauses of 1-2 minutes) and
   * then wait up to LIMITS.mfaWaitSeconds for a code; callers give up on their own clock,
   * so the bridge itself is never the one that cuts a login short.
   */
  bridge: AWS_LIMITS.lambdaMaxTimeoutSeconds,
  /**
   * Waits up to LIMITS.connectWaitMs for the worker's verdict, and a token import calls the
   * bridge's `verify` synchronously. API Gateway answers at 30 s, but the function keeps
   * running until the import is stored: Garmin may already have rotated the tokens, and a
   * function killed then would throw away the only valid refresh token.
   */
  connect: seconds(DEFAULT_BRIDGE_TIMEOUTS_MS.verify) + 15,
  /** As long as the bridge may run: one login (SSO chain + MFA wait), then storing the connection. */
  connectWorker: AWS_LIMITS.lambdaMaxTimeoutSeconds,
  /**
   * Manual and scheduled syncs run the same SyncService under the same per-user lease:
   * one `fetch` (bridge timeout 120 s), a possible re-login with the stored password, the
   * writes. A worker's batch runs its syncs side by side (their fetches in one bridge
   * invocation, as long as its slowest call), so a batch takes as long as one sync. The function must finish before the lease (LIMITS.leaseTtlSeconds) expires,
   * or a second sync could start with the same refresh token. A manual sync's HTTP answer
   * is cut at 30 s by API Gateway; the function still finishes and stores what it got.
   */
  sync: LIMITS.leaseTtlSeconds - 60,
  syncWorker: LIMITS.leaseTtlSeconds - 60,
  /** A few index queries and at most DEFAULT_DISPATCH.maxPerRun conditional writes. */
  dispatch: 300,
  /** Reads only; API Gateway stops waiting at 30 s anyway. */
  read: 15,
  /** The deploy-time keyring initialiser: two Secrets Manager calls. */
  keyringInit: 60,
  /** One batch of webhooks, posted in parallel, each cut at WEBHOOK_RETRY.requestTimeoutMs (10 s). */
  deliverEvents: 30,
} as const;

export const MEMORY_MB = {
  /**
   * Python + curl_cffi; a login holds the SSO session and parses Garmin's JSON. A batch holds
   * up to SYNC_BATCH_SIZE clients at once, in threads that mostly wait on Garmin, and answers
   * at most maxResultBytes of Garmin JSON in all, as one fetch does.
   */
  bridge: 512,
  /** API functions: more memory is more CPU, which is what cold starts and latency need. */
  connect: 512,
  sync: 512,
  read: 512,
  /** Background functions mostly wait on the bridge: the smallest size that starts quickly. */
  connectWorker: 256,
  /**
   * A batch of syncs at once, mostly waiting on the bridge; their results together hold at most
   * BRIDGE_LIMITS.maxResultBytes of Garmin JSON, as one sync's did.
   */
  syncWorker: 256,
  dispatch: 256,
  keyringInit: 256,
  deliverEvents: 256,
} as const;

/** Sync jobs per worker invocation: its fetches go to the bridge as one batch, which holds at most this many. */
export const SYNC_BATCH_SIZE = BRIDGE_LIMITS.maxBatchCalls;
/**
 * How long the event source mapping may gather a batch: dispatch enqueues the due connections
 * of a run within seconds, so batches fill at once; a lone job waits at most this long.
 */
export const SYNC_BATCHING_WINDOW_SECONDS = 5;
/** SQS: a message stays invisible for 6 × the consumer's timeout plus the batching window (AWS guidance for Lambda). */
export const SYNC_QUEUE_VISIBILITY_SECONDS = 6 * TIMEOUT_SECONDS.syncWorker + SYNC_BATCHING_WINDOW_SECONDS;
/** Deliveries before a sync job lands in the DLQ. */
export const SYNC_MAX_RECEIVE_COUNT = 5;
/**
 * Simultaneous sync workers, each with up to SYNC_BATCH_SIZE syncs: at most 100 syncs talk to
 * Garmin at once (the service-wide budget, core/sync/budget.ts, caps their requests).
 */
export const SYNC_MAX_CONCURRENCY = 10;
/** How often dispatch looks for due connections; the cadence itself is LIMITS.syncIntervalSeconds. */
export const DISPATCH_RATE_MINUTES = 5;

/** The invariants the code relies on; checked at synth. */
export const checkSizing = (): void => {
  const problems: string[] = [];
  if (TIMEOUT_SECONDS.syncWorker >= LIMITS.leaseTtlSeconds) problems.push('sync worker timeout must be shorter than the sync lease');
  if (TIMEOUT_SECONDS.sync >= LIMITS.leaseTtlSeconds) problems.push('manual sync timeout must be shorter than the sync lease');
  if (TIMEOUT_SECONDS.syncWorker * 1000 < DEFAULT_BRIDGE_TIMEOUTS_MS.fetch) problems.push('sync worker cannot outlast a bridge fetch');
  // A sync's re-login starts only with LIMITS.syncReloginMinSeconds left (sync-service.ts): it must fit after a whole fetch.
  if (TIMEOUT_SECONDS.syncWorker * 1000 - DEFAULT_BRIDGE_TIMEOUTS_MS.fetch < LIMITS.syncReloginMinSeconds * 1000) {
    problems.push('sync worker leaves no time for a re-login after a fetch');
  }
  if (TIMEOUT_SECONDS.connect * 1000 < LIMITS.connectWaitMs) problems.push('connect function cannot outlast its own wait');
  if (TIMEOUT_SECONDS.connectWorker < LOGIN_WITH_MFA_SECONDS) problems.push('connect worker cannot outlast a login with MFA');
  if (TIMEOUT_SECONDS.bridge < LOGIN_WITH_MFA_SECONDS) problems.push('bridge cannot outlast a login with MFA');
  if (DISPATCH_RATE_MINUTES * 60 > LIMITS.syncIntervalSeconds) problems.push('dispatch must run at least once per sync interval');
  if (SYNC_QUEUE_VISIBILITY_SECONDS > 12 * 3600) problems.push('SQS visibility timeout is at most 12 h');
  if (SYNC_BATCH_SIZE > BRIDGE_LIMITS.maxBatchCalls) problems.push('a sync batch must fit one bridge batch');
  if (problems.length) throw new Error(`infra sizing: ${problems.join('; ')}`);
};
