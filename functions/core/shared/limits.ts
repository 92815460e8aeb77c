/**
 * The product's own limits and timings: Garmin call limits, cadences, backoff, login block,
 * keep-alive, reconcile window. Elsewhere by what they bound: AWS quotas (aws-limits.ts), the
 * bridge's sizes (bridge-protocol.ts BRIDGE_LIMITS, WRITE_LIMITS), page sizes (api-schemas.ts),
 * the change feed (events/rules.ts EVENT_LIMITS) and webhook retries (adapters/webhooks/delivery.ts).
 */
export const LIMITS = {
  /** Garmin's limits per user: authentication calls (logins, token imports) and syncs that call Garmin. */
  authCallsPerHour: 5,
  fetchesPerHour: 15,
  rateWindowSeconds: 3600,
  /**
   * Password logins per Garmin account (keyed by a hash of the lowercased username), across
   * app users: new app accounts must not buy an attacker more password guesses against one
   * Garmin account than its owner gets.
   */
  garminAccountLoginsPerHour: 5,
  /**
   * Password logins of the whole service: the scarce resource is our network's reputation
   * with Garmin's SSO (a block of it stops every user's logins, login-gate.ts). Steady-state
   * syncs never log in (tokens refresh), so logins come only from connects and from re-logins
   * after refused tokens; 60 an hour (one a minute on average) lets about 1,400 users connect
   * a day, while a burst of password guessing from many accounts stops after 60 tries
   * instead of reaching Garmin. Raise it with the user base, in steps, while watching for
   * LOGIN_BLOCKED.
   */
  serviceLoginsPerHour: 60,
  /**
   * MFA codes one connect attempt may submit. Each is forwarded to Garmin (two requests); a
   * person mistypes a code a few times, a guesser needs hundreds of thousands.
   */
  mfaSubmissionsPerAttempt: 5,

  /**
   * The per-user API throttle (services/request-throttle.ts): requests one user may make per
   * window, counted in a fixed window with one conditional DynamoDB write per request. API
   * Gateway's own throttle is stage-wide, so without this one user could use up everyone's
   * share. A read (GET) is a query or two; a change (POST, PATCH, DELETE) may hold a function
   * for a connect's wait or a sync, and most reach Garmin's own per-user limits above anyway.
   * An app that polls once a second stays below the read limit.
   */
  apiRequestsPerWindow: { read: 120, change: 30 },
  apiThrottleWindowSeconds: 60,
  /** Retry-After of a 503 SERVICE_BUSY: AWS's own retries (with backoff) already spent about a second. */
  storageBusyRetryAfterSeconds: 5,

  /** A connect attempt (with its encrypted credentials) lives this long. */
  attemptTtlSeconds: 15 * 60,
  /** How long POST /garmin/connection and POST .../mfa wait for an outcome before answering 202. */
  connectWaitMs: 20_000,
  /** How long the bridge waits in one invocation for MFA codes. */
  mfaWaitSeconds: 300,

  /**
   * A sync's bridge calls (fetch, re-login) carry the function's own deadline less this: when
   * a bridge deadline passes one Garmin request may still be in flight (garminconnect's
   * timeouts: 15 s for the API, 30 s for SSO, followed by an anti-bot pause of up to 20 s before
   * the next request, which is then refused), and the answer must still be stored.
   */
  syncFinishSeconds: 60,
  /**
   * A password re-login inside a sync (Garmin refused the tokens) starts only with this much of
   * the function's time left, so its bridge deadline leaves SSO at least a minute (a login is
   * about five requests and a pause of seconds). With less, the sync ends keeping its tokens and
   * cursors and is due again at once: the next sync logs in.
   */
  syncReloginMinSeconds: 120,

  /** A user's sync lease; longer than the sync worker's timeout so it never expires mid-sync. */
  leaseTtlSeconds: 6 * 60,
  /** The stored profile is re-fetched from Garmin after this. */
  profileCacheTtlSeconds: 24 * 3600,
  /** A manual sync this soon after the last one answers from storage without calling Garmin. */
  manualSyncFreshnessSeconds: 5 * 60,

  /** Activities are re-fetched from this many days before the newest stored one (late uploads). */
  activityOverlapDays: 1,
  /** First sync after connecting goes back this far. */
  backfillDays: 90,
  /** Daily summaries fetched per sync (oldest first), so a backfill proceeds in resumable chunks. */
  summaryDatesPerSync: 31,
  /**
   * A day's summary may become final (never fetched again) this long after the day ended in
   * the user's zone, and only once a fetch finds it unchanged since the previous one (a day
   * fetched for the first time that late, e.g. by a backfill, is final at once).
   */
  summaryFinalAfterHours: 12,
  /** A past day that is still provisional is re-fetched at most this often (today: every sync). */
  summaryRecheckSeconds: 4 * 3600,

  /** Weight, hydration and sleep of today are re-read at most this often (each costs requests; past days always). */
  wellnessRecheckSeconds: 2 * 3600,

  /** A write's Idempotency-Key is kept this long: a retry within it never writes twice. */
  idempotencyKeySeconds: 24 * 3600,

  /**
   * A scheduled sync first asks when the device last uploaded (one request) and stops there
   * when nothing came since (sync/sync-plan.ts). What that time cannot show (manual weigh-ins,
   * hydration and activities, a scale, other sources of today's summary) is checked by a plan
   * of its own fullSyncSeconds after the last plan, put off while the user sleeps but never
   * past fullSyncMaxSeconds.
   */
  fullSyncSeconds: 12 * 3600,
  fullSyncMaxSeconds: 24 * 3600,
  /**
   * Adaptive cadence (sync/cadence.ts): the next scheduled sync comes after syncIntervalSeconds
   * while the app reads the user's data (within cadenceReadWindowSeconds) or around the hours
   * they usually upload in (with at least cadenceUsualShare of the busiest hour's uploads),
   * after cadenceQuietSeconds in other waking hours, at most cadenceSleepSeconds in their night
   * (their longest run of hours without uploads), and after cadenceDormantSeconds once nothing
   * was uploaded for cadenceDormantAfterSeconds. Learnt from cadenceLearnUploads uploads on,
   * each fading by half over cadenceHalfLifeUploads later ones.
   */
  cadenceQuietSeconds: 30 * 60,
  cadenceSleepSeconds: 3 * 3600,
  cadenceDormantSeconds: 6 * 3600,
  cadenceDormantAfterSeconds: 3 * 24 * 3600,
  cadenceReadWindowSeconds: 3600,
  cadenceUsualShare: 0.25,
  cadenceLearnUploads: 8,
  cadenceHalfLifeUploads: 30,

  /** Scheduled sync cadence, and the backoff after failures. */
  syncIntervalSeconds: 15 * 60,
  backoffBaseSeconds: 15 * 60,
  backoffMaxSeconds: 24 * 3600,
  rateLimitedBackoffSeconds: 3600,
  /**
   * Garmin's SSO refused a login at every strategy (a block of this service's network):
   * no password login is tried for this long, doubled on each block that follows, capped.
   */
  loginBlockSeconds: 30 * 60,
  loginBlockMaxSeconds: 24 * 3600,

  /**
   * Garmin's refresh token lives about 30 days and rotates at every refresh. A connection
   * whose tokens were not refreshed for this long is synced whatever its schedule says
   * (backoff, breaker), so its refresh token never dies of idleness.
   */
  tokenKeepAliveSeconds: 7 * 24 * 3600,

  /**
   * Watches upload late and users edit or delete activities: once per this interval (and
   * on a forced manual sync) a sync re-reads the activities of the last
   * activityReconcileDays and makes storage match Garmin over that window.
   */
  activityReconcileDays: 30,
  activityReconcileSeconds: 24 * 3600,
  /**
   * A past day Garmin holds no wellness data for (watch not worn yet, not uploaded) stays
   * provisional and is re-read until this many days after it; then it is final as it is.
   */
  emptyDayGiveUpDays: 30,

  /** Due connections are spread over this many index partitions. */
  dueShards: 16,

  /**
   * Garmin's limits for the whole service (all users together): a budget of Garmin requests
   * per minute that dispatch reserves before claiming users, at this many requests per
   * scheduled sync (a no-change sync makes 2; headroom for yesterday's re-check, token refresh
   * and the daily profile).
   */
  garminRequestsPerMinute: 3000,
  estimatedRequestsPerSync: 3,
  /** Circuit breaker: open when this many distinct users got a Garmin 429 within the window. */
  breakerTripUsers: 10,
  breakerWindowSeconds: 60,
  /** Open this long, doubled on every re-trip from half-open, capped. */
  breakerCooldownSeconds: 5 * 60,
  breakerMaxCooldownSeconds: 3600,
  /** Half-open: these fractions of the normal load, each for one step, then closed; fewer 429s re-trip it. */
  breakerHalfOpenFractions: [0.1, 0.25, 0.5],
  breakerHalfOpenStepSeconds: 5 * 60,
  breakerHalfOpenTripUsers: 3,
} as const;
