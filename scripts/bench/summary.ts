/**
 * The benchmark's headline figures (the `summary` at the top of bench/results.json), the cost
 * model that turns measured units into dollars (docs/cost-model.md is rendered from it), and
 * the figures before issue #14 and of the naive baseline computed the same way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DISPATCH } from '../../functions/core/sync/dispatch-service';
import { DISPATCH_RATE_MINUTES, MEMORY_MB, SYNC_BATCH_SIZE, SYNC_BATCHING_WINDOW_SECONDS } from '../../infra/sizing';
import { REPO_ROOT } from '../local/paths';
import type { BenchResults, SyncCost, Throughput } from './report';

/** AWS list prices, us-east-1, on-demand, arm64 Lambda (public price pages, 2025; verify before quoting). */
export const PRICES = {
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  writeRequestUnit: 0.625 / 1e6,
  readRequestUnit: 0.125 / 1e6,
  storageGbMonth: 0.25,
  pitrGbMonth: 0.2,
  sqsRequest: 0.4 / 1e6,
  schedulerInvocation: 1 / 1e6,
  secretMonth: 0.4,
  secretsCall: 0.05 / 10_000,
  logsIngestGb: 0.5,
  logsStoreGbMonth: 0.03,
} as const;

/** What the benchmark cannot measure on one machine; each is stated in docs/cost-model.md. */
export const ASSUMPTIONS = {
  /** The simulator answers at once; Garmin does not. */
  garminLatencySeconds: 0.3,
  /** The bridge's own time per fetch besides Garmin's answers, and the worker's besides waiting for the bridge. */
  bridgeOwnSeconds: 0.05,
  workerOwnSeconds: 0.1,
  /**
   * Before the benchmark measured them (the "before #14" column keeps them): SQS requests per
   * sync (send batched by 10, receive, delete) and CloudWatch Logs KB per sync.
   */
  unmeasuredSqsRequestsPerSync: 2.1,
  unmeasuredLogKbPerSync: 2.1,
  /**
   * Lambda's event source mapping polls an idle queue with long polls of 20 s from 5 pollers
   * (AWS's documented minimum for standard queues): ReceiveMessage requests that find nothing,
   * a fixed cost whatever the number of users.
   */
  sqsIdlePollers: 5,
  sqsLongPollSeconds: 20,
  /**
   * Lambda's own lines per invocation (JSON log format: platform.start and platform.report with
   * the request id, durations and memory), which no local run writes; the worker's and the bridge's.
   */
  platformLogBytesPerInvocation: 450,
  /** CloudWatch Logs bills each event's bytes plus 26 (its event overhead). */
  logEventOverheadBytes: 26,
  /** Stored per user after the 90-day backfill (summaries, activities twice with their index copy). */
  storageMbPerUser: 0.7,
  /** A dispatch run at the user count below; the keyring read once per 5 min per warm worker container. */
  dispatchSecondsPerRun: 3,
  warmWorkerContainers: 2,
  /** The user count the per-user figure is computed at (fixed costs shared by them). */
  users: 1000,
  days: 30,
} as const;

export interface CostInputs {
  syncsPerUserDay: number;
  garminRequestsPerSync: number;
  wruPerSync: number;
  rruPerSync: number;
  /** Lambda invocations per worker invocation: the worker's and the bridge's (naive: login and fetch, one sync each). */
  invocationsPerSync?: number;
  /**
   * Syncs per worker invocation, their fetches in one bridge invocation (absent: 1, before
   * batching): measured in the 1,000-user run, bounded by how many jobs the batching window
   * gathers at ASSUMPTIONS.users (batchUsers).
   */
  usersPerInvocation?: number;
  /** Garmin requests of the slowest fetch of such a batch (absent: the mean): an invocation lasts about as long as it. */
  slowestCallRequests?: number;
  /** SQS requests per sync, measured (absent: ASSUMPTIONS.unmeasuredSqsRequestsPerSync). */
  sqsRequestsPerSync?: number;
  /** CloudWatch Logs KB per sync, measured lines plus the platform's assumed ones (absent: ASSUMPTIONS.unmeasuredLogKbPerSync). */
  logKbPerSync?: number;
}

export interface CostLine {
  item: string;
  how: string;
  usd: number;
}

/**
 * Users one dispatch run claims at `users` users (an assumption: every user at the measured
 * cadence, a run every DISPATCH_RATE_MINUTES, none left for a later run).
 */
export const claimsPerRun = (users: number, syncsPerUserDay: number): number => (users * syncsPerUserDay) / ((24 * 60) / DISPATCH_RATE_MINUTES);

/**
 * Jobs one worker invocation gets at `users` users: dispatch queues each run's due syncs spread
 * over DEFAULT_DISPATCH.spreadSeconds, and the event source mapping gathers what arrives within
 * its batching window after the first (at most SYNC_BATCH_SIZE).
 */
export const batchUsers = (users: number, syncsPerUserDay: number): number => {
  const arrivalsPerSecond = claimsPerRun(users, syncsPerUserDay) / DEFAULT_DISPATCH.spreadSeconds;
  return Math.min(SYNC_BATCH_SIZE, 1 + arrivalsPerSecond * SYNC_BATCHING_WINDOW_SECONDS);
};

/**
 * The expected largest of `n` syncs' Garmin requests drawn from `requests` (the simulated day's
 * per-sync counts): E[max] = Σₖ P(max ≥ k) = Σₖ (1 − F(k − 1)ⁿ).
 */
export const expectedSlowest = (requests: number[], n: number): number => {
  if (requests.length === 0) return 0;
  const top = Math.max(...requests);
  let sum = 0;
  for (let k = 1; k <= top; k++) sum += 1 - (requests.filter((r) => r <= k - 1).length / requests.length) ** n;
  return sum;
};

/** Monthly cost of `ASSUMPTIONS.users` users, line by line. */
export const costLines = (inputs: CostInputs): CostLine[] => {
  const a = ASSUMPTIONS;
  const syncs = inputs.syncsPerUserDay * a.days * a.users;
  const perInvocation = inputs.usersPerInvocation ?? 1;
  const invocationCount = syncs / perInvocation;
  // The batch's fetches wait on Garmin side by side: an invocation lasts about its slowest call.
  const bridgeSeconds = (inputs.slowestCallRequests ?? inputs.garminRequestsPerSync) * a.garminLatencySeconds + a.bridgeOwnSeconds;
  const workerSeconds = bridgeSeconds + a.workerOwnSeconds;
  const dispatchRuns = (a.days * 24 * 60) / DISPATCH_RATE_MINUTES;
  const gbSeconds =
    invocationCount * bridgeSeconds * (MEMORY_MB.bridge / 1024) +
    invocationCount * workerSeconds * (MEMORY_MB.syncWorker / 1024) +
    dispatchRuns * a.dispatchSecondsPerRun * (MEMORY_MB.dispatch / 1024);
  const storageGb = (a.storageMbPerUser * a.users) / 1024;
  const logKbPerSync = inputs.logKbPerSync ?? a.unmeasuredLogKbPerSync;
  const logsGb = (syncs * logKbPerSync) / 1024 / 1024;
  const sqsPerSync = inputs.sqsRequestsPerSync ?? a.unmeasuredSqsRequestsPerSync;
  const idlePolls = inputs.sqsRequestsPerSync === undefined ? 0 : a.sqsIdlePollers * ((a.days * 86_400) / a.sqsLongPollSeconds);
  const secretsCalls = a.warmWorkerContainers * 12 * 24 * a.days;
  const M = (n: number) => `${(n / 1e6).toFixed(2)} M`;
  const invocations = inputs.invocationsPerSync ?? 2;
  return [
    {
      item: 'Lambda compute',
      how: `${M(syncs)} syncs in ${M(invocationCount)} invocations of ${fmt(perInvocation)} × (bridge ${bridgeSeconds.toFixed(2)} s × ${MEMORY_MB.bridge} MB + worker ${workerSeconds.toFixed(2)} s × ${MEMORY_MB.syncWorker} MB) + ${dispatchRuns} dispatch runs × ${a.dispatchSecondsPerRun} s × ${MEMORY_MB.dispatch} MB = ${Math.round(gbSeconds).toLocaleString('en-US')} GB-s`,
      usd: gbSeconds * PRICES.lambdaGbSecond,
    },
    {
      item: 'Lambda requests',
      how: `${M(invocationCount)} × ${invocations} + ${dispatchRuns}`,
      usd: (invocationCount * invocations + dispatchRuns) * PRICES.lambdaRequest,
    },
    { item: 'DynamoDB writes', how: `${M(syncs)} × ${inputs.wruPerSync.toFixed(2)} WRU`, usd: syncs * inputs.wruPerSync * PRICES.writeRequestUnit },
    { item: 'DynamoDB reads', how: `${M(syncs)} × ${inputs.rruPerSync.toFixed(2)} RRU`, usd: syncs * inputs.rruPerSync * PRICES.readRequestUnit },
    { item: 'DynamoDB storage + PITR', how: `${storageGb.toFixed(2)} GB`, usd: storageGb * (PRICES.storageGbMonth + PRICES.pitrGbMonth) },
    {
      item: 'SQS',
      how: `${M(syncs)} × ${fmt(sqsPerSync)}${idlePolls ? ` + ${M(idlePolls)} idle polls` : ''}`,
      usd: (syncs * sqsPerSync + idlePolls) * PRICES.sqsRequest,
    },
    { item: 'EventBridge Scheduler', how: `${dispatchRuns} runs`, usd: dispatchRuns * PRICES.schedulerInvocation },
    { item: 'Secrets Manager', how: `1 secret + ${secretsCalls.toLocaleString('en-US')} calls`, usd: PRICES.secretMonth + secretsCalls * PRICES.secretsCall },
    { item: 'CloudWatch Logs', how: `${M(syncs)} × ${fmt(logKbPerSync)} KB = ${logsGb.toFixed(2)} GB`, usd: logsGb * (PRICES.logsIngestGb + PRICES.logsStoreGbMonth) },
  ];
};

export const costPerUserMonth = (inputs: CostInputs): number =>
  costLines(inputs).reduce((sum, line) => sum + line.usd, 0) / ASSUMPTIONS.users;

export interface Summary {
  /** Garmin requests per scheduled sync over a simulated day of one caught-up user (mean). */
  noChangeSyncGarminRequestsMean: number;
  /** DynamoDB write request units per scheduled sync over that day (mean): its own, plus its dispatch run's service-wide writes shared by the run's claims at ASSUMPTIONS.users (syncWriteUnits). */
  noChangeSyncWriteUnits: number;
  /** 15-minute freshness, Garmin answering in ASSUMPTIONS.garminLatencySeconds per request, PRICES. */
  costPerUserMonthUsd: number;
  maxHandlerColdImportMs: number;
  maxHandlerBundleKb: number;
  bridgeImportMs: number;
  /** Minutes from a device upload to the data being readable; null where the run did not measure it. */
  freshnessLagP50Minutes: number | null;
  freshnessLagP95Minutes: number | null;
  syncsPerUserDay: number;
  usersPerMinute: number;
}

/** A figure meets its target when ≤ max, ≥ min, or < below. */
export const TARGETS: Record<keyof Summary, { max?: number; min?: number; below?: number; label: string }> = {
  noChangeSyncGarminRequestsMean: { max: 1.1, label: 'Garmin requests per scheduled sync, a day with no upload (mean)' },
  noChangeSyncWriteUnits: { max: 3, label: 'DynamoDB write units per scheduled sync, same day (mean)' },
  costPerUserMonthUsd: { max: 0.01, label: 'USD per user-month, 15-min freshness, Garmin 0.3 s/request' },
  maxHandlerColdImportMs: { max: 50, label: 'slowest handler cold import (ms)' },
  maxHandlerBundleKb: { max: 300, label: 'largest handler bundle (KB, minified)' },
  bridgeImportMs: { max: 200, label: 'bridge import (ms)' },
  freshnessLagP50Minutes: { max: 15, label: 'freshness lag p50 (min)' },
  freshnessLagP95Minutes: { max: 60, label: 'freshness lag p95 (min)' },
  syncsPerUserDay: { below: 96, label: 'scheduled syncs per user-day (fewer than a fixed 15-min schedule: 96)' },
  usersPerMinute: { min: 1000, label: 'user-syncs per minute through dispatch → SQS → workers' },
};

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** The simulated day's cadence: one scheduled sync per interval (the adaptive cadence reports its own in `freshness`). */
const daySyncsPerDay = (r: BenchResults): number => 86_400 / (r.meta.limits.syncIntervalSeconds ?? 900);

const staticFigures = (r: BenchResults) => ({
  maxHandlerColdImportMs: Math.max(...r.static.bundles.map((b) => b.importMs)),
  maxHandlerBundleKb: Math.max(...r.static.bundles.map((b) => b.bytes)) / 1024,
  bridgeImportMs: r.static.bridgeImport.importMs,
});

/**
 * A scheduled sync's write units: its own (claim, start, end, data) plus its share of its dispatch
 * run's service-wide writes. In the simulated day each run claims that one user; at
 * ASSUMPTIONS.users the run's writes are shared by the users one run claims (claimsPerRun).
 */
export const syncWriteUnits = (r: BenchResults) => {
  const claims = claimsPerRun(ASSUMPTIONS.users, r.freshness?.syncsPerUserDay ?? daySyncsPerDay(r));
  const own = mean(r.day.syncs.map((s) => s.wru - s.runWru));
  const perRun = mean(r.day.syncs.map((s) => s.runWru));
  return { own, perRun, claimsPerRun: claims, perSync: own + perRun / claims };
};

/**
 * Ours, per scheduled sync: the simulated day's means, at the cadence the run measured; batched
 * as the 1,000-user run measured, no more than the batching window gathers at ASSUMPTIONS.users.
 */
export const costInputs = (r: BenchResults): CostInputs => {
  const syncsPerUserDay = r.freshness?.syncsPerUserDay ?? daySyncsPerDay(r);
  const requests = r.day.syncs.map((s) => s.garminRequests);
  const usersPerInvocation = Math.min(r.throughput.ours.usersPerBridgeInvocation, batchUsers(ASSUMPTIONS.users, syncsPerUserDay));
  return {
    syncsPerUserDay,
    garminRequestsPerSync: mean(requests),
    wruPerSync: syncWriteUnits(r).perSync,
    rruPerSync: mean(r.day.syncs.map((s) => s.rru)),
    usersPerInvocation,
    slowestCallRequests: expectedSlowest(requests, Math.max(1, Math.round(usersPerInvocation))),
    ...measuredQueueAndLogs(r.throughput.ours, usersPerInvocation, 2),
  };
};

/**
 * SQS requests and log KB per sync from a throughput run. Dispatch's sends are per sync as
 * measured; the event source mapping's receive and delete are per worker invocation, as measured,
 * shared by `usersPerInvocation` syncs (the model's batch, not necessarily the run's). Logs: the
 * run's lines per sync with CloudWatch's per-event overhead, plus Lambda's platform lines of
 * `invocations` functions per worker invocation, shared the same way.
 */
export const measuredQueueAndLogs = (t: Throughput, usersPerInvocation: number, invocations: number): Pick<CostInputs, 'sqsRequestsPerSync' | 'logKbPerSync'> => {
  const a = ASSUMPTIONS;
  const unique = Math.max(1, t.processed - t.duplicates);
  const batches = Math.max(1, t.workerInvocations);
  const tallies = Object.values(t.logs);
  const lines = tallies.reduce((s, l) => s + l.lines, 0);
  const bytes = tallies.reduce((s, l) => s + l.bytes, 0);
  return {
    sqsRequestsPerSync: t.sqsRequests.send / unique + (t.sqsRequests.receive + t.sqsRequests.delete) / batches / usersPerInvocation,
    logKbPerSync: ((bytes + lines * a.logEventOverheadBytes) / unique + (invocations * a.platformLogBytesPerInvocation) / usersPerInvocation) / 1024,
  };
};

/** Ours: the figures of this run. */
export const summarize = (r: BenchResults): Summary => {
  const inputs = costInputs(r);
  return {
    noChangeSyncGarminRequestsMean: inputs.garminRequestsPerSync,
    noChangeSyncWriteUnits: inputs.wruPerSync,
    costPerUserMonthUsd: costPerUserMonth(inputs),
    ...staticFigures(r),
    freshnessLagP50Minutes: r.freshness?.lagP50Minutes ?? null,
    freshnessLagP95Minutes: r.freshness?.lagP95Minutes ?? null,
    syncsPerUserDay: inputs.syncsPerUserDay,
    usersPerMinute: r.throughput.ours.syncsPerMinute,
  };
};

/** The naive baseline: every sync alike (login + 7 days), on a fixed 15-minute schedule. */
export const naiveCostInputs = (r: BenchResults): CostInputs => {
  const cost: SyncCost = r.perSync.naive.noChange;
  return {
    syncsPerUserDay: (24 * 60) / 15,
    garminRequestsPerSync: cost.garminRequests,
    wruPerSync: cost.wru,
    rruPerSync: cost.rru,
    invocationsPerSync: 3,
    // One sync per worker invocation; login and fetch are two bridge invocations.
    ...measuredQueueAndLogs(r.throughput.naive, 1, 3),
  };
};

export const summarizeNaive = (r: BenchResults): Summary => {
  const inputs = naiveCostInputs(r);
  const { syncsPerUserDay } = inputs;
  return {
    noChangeSyncGarminRequestsMean: inputs.garminRequestsPerSync,
    noChangeSyncWriteUnits: inputs.wruPerSync,
    costPerUserMonthUsd: costPerUserMonth(inputs),
    ...staticFigures(r),
    // A fixed 15-minute schedule: an upload waits for the next sync, 7.5 min on average (not measured).
    freshnessLagP50Minutes: null,
    freshnessLagP95Minutes: null,
    syncsPerUserDay,
    usersPerMinute: r.throughput.naive.syncsPerMinute,
  };
};

/** How far a figure is from its target: null when met or not measured. */
export const miss = (key: keyof Summary, value: number | null): string | null => {
  const t = TARGETS[key];
  if (value === null) return null;
  if (t.max !== undefined && value > t.max) return `${fmt(value - t.max)} over (${fmt(value / t.max)}× the target)`;
  if (t.min !== undefined && value < t.min) return `${fmt(t.min - value)} short`;
  if (t.below !== undefined && value >= t.below) return `not fewer than ${t.below}`;
  return null;
};

/** Three significant digits, whole numbers from 100 on. */
export const fmt = (n: number): string => (Number.isInteger(n) || Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3));

/** The data types a user may switch off (PATCH /garmin/connection); the others are always read. */
export const OPTIONAL_TYPES = ['weight', 'hydration', 'sleep'];

/** Garmin endpoints (the simulator's counter names) by the data type whose sync asks for them. */
export const ENDPOINT_TYPES: Record<string, string> = {
  activities: 'activities',
  'daily-summary': 'dailySummaries',
  'social-profile': 'profile',
  'user-settings': 'profile',
  'personal-information': 'profile',
  'weight-range': 'weight',
  'hydration-daily': 'hydration',
  'sleep-daily': 'sleep',
};

/**
 * Garmin requests per scheduled sync by data type over the simulated day (all default types
 * enabled). Endpoints of no type (the upload probe, token refreshes) are listed by name.
 */
export const requestsByDataType = (r: BenchResults): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const s of r.day.syncs) {
    for (const [endpoint, n] of Object.entries(s.byEndpoint)) {
      const type = ENDPOINT_TYPES[endpoint] ?? endpoint;
      out[type] = (out[type] ?? 0) + n / r.day.syncs.length;
    }
  }
  return out;
};

/** bench/baseline-before-14.json: the last run before issue #14, summarized by this module. */
export interface Baseline {
  source: string;
  summary: Summary;
  naive: Summary;
  /** What the cost of `summary` and `naive` was computed from. */
  costInputs: { ours: CostInputs; naive: CostInputs };
  requestsByDataType: Record<string, number>;
}

export const BASELINE_FILE = path.join(REPO_ROOT, 'bench', 'baseline-before-14.json');

export const loadBaseline = (): Baseline => JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
