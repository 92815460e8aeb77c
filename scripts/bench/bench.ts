/**
 * `npm run bench`: the scheduled sync measured side by side with a naive baseline, in one
 * process, over the real pieces (Garmin simulator, DynamoDB Local, ElasticMQ's SQS, the real stdio
 * Python bridge with the pinned garminconnect, the real handlers). Writes bench/results.json
 * and bench/results.md and prints the table. See scripts/bench/README.md for what each
 * number means and how it is measured.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SimulatorClient, type SimCounters } from '../../test/support/simulator-client';
import { dueShardOf } from '../../functions/adapters/dynamo/schedule-store';
import { LIMITS } from '../../functions/core/shared/limits';
import { DEFAULT_DISPATCH } from '../../functions/core/sync/dispatch-service';
import { SyncService } from '../../functions/core/sync/sync-service';
import { DISPATCH_RATE_MINUTES } from '../../infra/sizing';
import { addDays, localDate, localTimestamp } from '../../functions/core/shared/local-time';
import { EMPTY_HISTOGRAM, countUpload } from '../../functions/core/sync/cadence';

import { REPO_ROOT } from '../local/paths';
import { type MeterSnapshot, diffSnapshots, emptySnapshot, totals } from './ddb-meter';
import { type LogSnapshot, diffLogs } from './log-meter';
import { NaiveSync } from './naive';
import { ATHLETE, connectViaApi, PASSWORD, seedUser, seedUsers } from './seed';
import { renderMarkdown, type BenchResults, type SyncCost, type Throughput } from './report';
import { BenchClock, type BenchRuntime, startBenchRuntime } from './runtime';
import { startBenchStack } from './stack';
import { measureBridgeImport, measureBundles } from './static';
import { renderCostModel } from './cost-model';
import { loadBaseline, summarize } from './summary';

const USERS = Number(process.env.BENCH_USERS ?? 1000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 10);
const BRIDGES = Number(process.env.BENCH_BRIDGES ?? 2);
const DAY_STEPS = Number(process.env.BENCH_DAY_STEPS ?? 96);
/** Due connections of the dispatch-at-scale run: seeding and claiming 10,000 takes ~2 min here; 100,000 is extrapolated in the report. */
const SCALE_DUE = Number(process.env.BENCH_SCALE_DUE ?? 10_000);
const MINUTE = 60_000;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const started = Date.now();
const results: Partial<BenchResults> = {};

// --------------------------------------------------------------------------------------
// Helpers
// --------------------------------------------------------------------------------------

interface Measured<T> {
  value: T;
  counters: SimCounters;
  ddb: MeterSnapshot;
  /** The JSON log lines written meanwhile (scripts/bench/log-meter.ts). */
  logs: LogSnapshot;
  /** dispatch's SendMessageBatch calls meanwhile. */
  sqsSends: number;
}

const nonZero = (counts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

const DISPATCH_SENDS = 'dispatch:SendMessageBatch';

const measure = async <T>(sim: SimulatorClient, rt: BenchRuntime, run: () => Promise<T>): Promise<Measured<T>> => {
  await sim.resetCounters();
  const before = rt.meter.snapshot();
  const logsBefore = rt.logs.snapshot();
  const sendsBefore = rt.sqsCalls[DISPATCH_SENDS] ?? 0;
  const value = await run();
  return {
    value,
    counters: await sim.counters(),
    ddb: diffSnapshots(rt.meter.snapshot(), before),
    logs: diffLogs(rt.logs.snapshot(), logsBefore),
    sqsSends: (rt.sqsCalls[DISPATCH_SENDS] ?? 0) - sendsBefore,
  };
};

/** Items the brief counts: DataStore upserts (activities, summaries, profile) + connection writes (claim, update). */
const itemsWritten = (ddb: MeterSnapshot): number =>
  ddb.connection.written + ddb.activity.written + ddb['daily-summary'].written + ddb.profile.written;

const costOf = (samples: Array<Measured<unknown>>): SyncCost => {
  const n = samples.length;
  const mean = (f: (m: Measured<unknown>) => number) => samples.reduce((s, m) => s + f(m), 0) / n;
  const endpoints = new Set(samples.flatMap((m) => Object.keys(nonZero(m.counters.byEndpoint))));
  const ddbSum = samples.reduce((acc, m) => {
    const t = totals(m.ddb);
    return { written: acc.written + t.written, refused: acc.refused + t.refused, wru: acc.wru + t.wru, rru: acc.rru + t.rru, reads: acc.reads + t.reads };
  }, { written: 0, refused: 0, wru: 0, rru: 0, reads: 0 });
  const byKind = emptySnapshot();
  for (const m of samples) {
    for (const [kind, counts] of Object.entries(m.ddb) as Array<[keyof MeterSnapshot, MeterSnapshot[keyof MeterSnapshot]]>) {
      for (const [field, v] of Object.entries(counts) as Array<[keyof typeof counts, number]>) byKind[kind][field] += v / n;
    }
  }
  return {
    samples: n,
    garminRequests: mean((m) => m.counters.total),
    byEndpoint: Object.fromEntries([...endpoints].map((e) => [e, mean((m) => m.counters.byEndpoint[e as keyof SimCounters['byEndpoint']] ?? 0)])),
    logins: mean((m) => m.counters.byEndpoint['sso-login'] ?? 0),
    itemsWritten: mean((m) => itemsWritten(m.ddb)),
    allWrites: ddbSum.written / n,
    refusedWrites: ddbSum.refused / n,
    wru: ddbSum.wru / n,
    rru: ddbSum.rru / n,
    reads: ddbSum.reads / n,
    byKind,
  };
};

const makeDue = async (rt: BenchRuntime, userId: string): Promise<void> => {
  const { schedules } = rt.services.deps;
  // The schedule's own writes: a lease taken and ended with the due time a second ago.
  const now = rt.clock.now();
  const owner = `bench-${userId}`;
  if (!(await schedules.acquire(userId, owner, new Date(now.getTime() + 60_000).toISOString(), now))) throw new Error(`${userId} is leased`);
  await schedules.end(userId, owner, { nextSyncTime: new Date(now.getTime() - 1000).toISOString() });
};

/** One scheduled sync of whoever is due, through the real dispatch → SQS → sync-worker path. */
const scheduledSync = async (rt: BenchRuntime): Promise<{ workerMs: number; bridgeMs: number; runWru: number }> => {
  const before = rt.meter.snapshot();
  const dispatched = await rt.dispatch({ spreadSeconds: 0 });
  // The run's service-wide writes (budget windows): one run's, whatever the number of users it claims.
  const runWru = diffSnapshots(rt.meter.snapshot(), before).system.wru;
  const worked = await rt.work({ workers: 1, target: dispatched.claimed, idleMs: 3000 });
  if (dispatched.claimed !== 1 || worked.processed !== 1) throw new Error(`expected one sync, got ${JSON.stringify({ dispatched, worked: worked.processed })}`);
  return { workerMs: worked.batchMs[0] ?? 0, bridgeMs: rt.bridge.stats.fetchDurationsMs.at(-1) ?? 0, runWru };
};

/** A watch that uploads a few times a day: these local times, each moved by up to ±UPLOAD_JITTER_MINUTES. */
const UPLOAD_TIMES = ['07:10', '12:40', '18:30', '22:05'];
const UPLOAD_JITTER_MINUTES = 20;
/** Days of those uploads the adaptive cadence has learnt before the measured day. */
const LEARNT_DAYS = 14;
const ADAPTIVE_STEP_MINUTES = 5;

/** The instants of one local day's uploads (deterministic jitter). */
const uploadsOn = (date: string, zone: string, random: () => number): number[] =>
  UPLOAD_TIMES.map((time) => {
    const naive = Date.parse(`${date}T${time}:00Z`);
    const offset = Date.parse(`${localTimestamp(new Date(naive), zone).slice(0, 19)}Z`) - naive;
    return naive - offset + Math.round((random() * 2 - 1) * UPLOAD_JITTER_MINUTES) * MINUTE;
  });

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;

/**
 * Freshness under the adaptive cadence: the user's histogram holds LEARNT_DAYS of the upload
 * routine (what the probe would have counted), then a simulated day of that routine (device
 * syncs at the simulator), dispatch every ADAPTIVE_STEP_MINUTES, a sync whenever the user is due.
 * An upload's data is readable once a whole plan ran after the probe saw it; its lag is that
 * sync's time minus the upload's.
 */
const adaptiveDay = async (sim: SimulatorClient, rt: BenchRuntime, userId: string, zone: string) => {
  const { connections } = rt.services.deps;
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const first = localDate(rt.clock.now(), zone);
  let histogram = EMPTY_HISTOGRAM;
  for (let d = -LEARNT_DAYS; d < 0; d++) for (const at of uploadsOn(addDays(first, d), zone, random)) histogram = countUpload(histogram, new Date(at), zone);
  const connection = await connections.get(userId);
  if (!connection) throw new Error('adaptive day: the user vanished');
  await connections.update(userId, connection.version, { cursors: { ...connection.cursors, uploadHours: histogram.hours, uploadsSeen: histogram.uploads } });
  const dayStart = rt.clock.now().getTime();
  const dayEnd = dayStart + 86_400_000;
  const uploads = [...uploadsOn(first, zone, random), ...uploadsOn(addDays(first, 1), zone, random)].filter((at) => at > dayStart && at <= dayEnd).sort((a, b) => a - b);
  const readable = new Map<number, number>();
  let syncs = 0;
  // Past the day until every upload of it is readable (those syncs are not the day's).
  while (rt.clock.now().getTime() < dayEnd || (readable.size < uploads.length && rt.clock.now().getTime() < dayEnd + LIMITS.cadenceSleepSeconds * 1000)) {
    const before = rt.clock.now().getTime();
    rt.clock.offsetMs += ADAPTIVE_STEP_MINUTES * MINUTE;
    const now = rt.clock.now().getTime();
    await setSimClock(sim, rt.clock.now());
    const uploaded = uploads.filter((at) => at > before && at <= now).at(-1);
    if (uploaded !== undefined) await sim.deviceSync(ATHLETE, new Date(uploaded).toISOString());
    const dispatched = await rt.dispatch({ spreadSeconds: 0 });
    if (dispatched.claimed === 0) continue;
    await rt.work({ workers: 1, target: dispatched.claimed, idleMs: 3000 });
    if (now <= dayEnd) syncs++;
    // Readable once the probe saw the upload and a plan ran with it (a check between probes reads less).
    const cursors = (await connections.get(userId))?.cursors;
    const whole = Date.parse(cursors?.fullSyncAt ?? '');
    const seen = Date.parse(cursors?.deviceUploadAt ?? '');
    for (const at of uploads) if (!readable.has(at) && whole >= at && seen >= at) readable.set(at, whole);
  }
  const lags = uploads.map((at) => ((readable.get(at) ?? rt.clock.now().getTime()) - at) / MINUTE).sort((a, b) => a - b);
  log(`adaptive day: ${syncs} syncs, ${uploads.length} uploads, lags (min) ${lags.map((l) => l.toFixed(0)).join(', ')}`);
  return { lagP50Minutes: quantile(lags, 0.5), lagP95Minutes: quantile(lags, 0.95), syncsPerUserDay: syncs };
};

const setSimClock = async (sim: SimulatorClient, now: Date) => {
  const response = await fetch(`${sim.url}/__sim/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ now: now.toISOString() }),
  });
  if (!response.ok) throw new Error(`simulator clock: ${response.status}`);
};

const throughputOf = (
  claimed: number,
  work: Awaited<ReturnType<BenchRuntime['work']>>,
  elapsedMs: number,
  measured: Measured<unknown>,
  fetchMs: number[],
  /** Fetches per bridge invocation during the run (BridgeStats.fetchesPerInvocation). */
  fetchesPerInvocation: number[],
): Throughput => {
  const sorted = [...fetchMs].sort((a, b) => a - b);
  const batchPerJob = work.batchMs.reduce((s, v) => s + v, 0) / Math.max(1, work.processed);
  const unique = Math.max(1, work.processed - work.duplicates);
  return {
    users: USERS,
    claimed,
    processed: work.processed,
    failed: work.failed,
    duplicates: work.duplicates,
    elapsedSeconds: elapsedMs / 1000,
    syncsPerMinute: ((work.processed - work.duplicates) / elapsedMs) * MINUTE,
    workers: WORKERS,
    bridgeProcesses: BRIDGES,
    garminRequestsPerSync: measured.counters.total / unique,
    loginsPerThousand: ((measured.counters.byEndpoint['sso-login'] ?? 0) / unique) * 1000,
    writesPerSync: totals(measured.ddb).written / unique,
    wruPerSync: totals(measured.ddb).wru / unique,
    rruPerSync: totals(measured.ddb).rru / unique,
    workerMsPerSync: batchPerJob,
    bridgeFetchMsP50: sorted[Math.floor(sorted.length / 2)] ?? 0,
    bridgeInvocationsPerSync: fetchesPerInvocation.length / unique,
    usersPerBridgeInvocation: fetchesPerInvocation.reduce((s, n) => s + n, 0) / Math.max(1, fetchesPerInvocation.length),
    workerInvocations: work.batchSizes.length,
    sqsRequests: { send: measured.sqsSends, receive: work.receives, emptyReceive: work.emptyReceives, delete: work.deleteBatches },
    logs: measured.logs,
  };
};

// --------------------------------------------------------------------------------------
// The run
// --------------------------------------------------------------------------------------

log('static: bundling the handlers and timing cold imports');
// Medians of 11 fresh processes: on a shared 2-core machine 5 left ±20% between runs of the same bundle.
results.static = { bundles: await measureBundles(11), bridgeImport: measureBridgeImport(11) };

log('starting DynamoDB Local, moto (Secrets Manager), ElasticMQ (SQS) and the Garmin simulator');
const stack = await startBenchStack();
const sim = new SimulatorClient(stack.simulator.endpoint);
const runtimes: BenchRuntime[] = [];
try {
  // Long-lived access tokens: the simulated day below moves the simulator's clock, and token
  // refreshes are accounted for separately (see the report), not as an artefact of time travel.
  await sim.tokenTtl(ATHLETE, 30 * 86_400);

  const rt = await startBenchRuntime({ prefix: `bench-${randomUUID().slice(0, 8)}`, garminBaseUrl: stack.simulator.endpoint, bridgeProcesses: BRIDGES });
  runtimes.push(rt);
  // The naive baseline calls the bridge one sync at a time, unbatched.
  const naiveDeps = { ...rt.functions.syncWorker.services.deps, bridge: rt.bridge };
  const naiveRt = rt.withSync(new NaiveSync(naiveDeps));
  const naive = new NaiveSync(naiveDeps);

  // ---- ours: one user, connected through the API, 90-day backfill, then steady state ----
  log('ours: connect + 90-day backfill of one user');
  const steady = 'bench-steady';
  await connectViaApi(rt, steady);
  await rt.work({ workers: 1, idleMs: 2000 });
  const steadyView = await rt.api('GET /garmin/connection', { userId: steady });
  if (!(steadyView.body.connection as { backfill: { done: boolean } }).backfill.done) throw new Error('the 90-day backfill did not finish');

  log('ours: no-change syncs and a sync with one new activity');
  const oursNoChange: Array<Measured<unknown>> = [];
  for (let i = 0; i < 3; i++) {
    await makeDue(rt, steady);
    oursNoChange.push(await measure(sim, rt, () => scheduledSync(rt)));
  }
  await sim.addActivity(ATHLETE, { typeKey: 'running' });
  await makeDue(rt, steady);
  const oursNewActivity = await measure(sim, rt, () => scheduledSync(rt));

  // ---- naive: same scenarios ----
  log('naive: no-change syncs and a sync with one new activity');
  const naiveUser = 'bench-naive';
  const template = await rt.services.deps.connections.get(steady);
  if (!template) throw new Error('steady user vanished');
  const steadyProfile = (await rt.services.deps.data.getProfile(steady))?.profile;
  await seedUser(rt, template, naiveUser, steadyProfile);
  await scheduledSync(naiveRt); // first run stores its 7-day window: not a no-change sync
  const naiveNoChange: Array<Measured<unknown>> = [];
  for (let i = 0; i < 3; i++) {
    await makeDue(rt, naiveUser);
    naiveNoChange.push(await measure(sim, rt, () => scheduledSync(naiveRt)));
  }
  await sim.addActivity(ATHLETE, { typeKey: 'cycling' });
  await makeDue(rt, naiveUser);
  const naiveNewActivity = await measure(sim, rt, () => scheduledSync(naiveRt));

  results.perSync = {
    ours: { noChange: costOf(oursNoChange), newActivity: costOf([oursNewActivity]) },
    naive: { noChange: costOf(naiveNoChange), newActivity: costOf([naiveNewActivity]) },
  };

  // ---- 365-day backfill ----
  log('ours: connect + 365-day backfill');
  const deep = 'bench-backfill-365';
  // The workers' own sync service, its backfill reaching 365 days instead of LIMITS.backfillDays.
  const deepRt = rt.withSync(new SyncService({ ...rt.functions.syncWorker.services.deps, backfillDays: 365 }));
  await connectViaApi(rt, deep);
  const fetchesBefore = rt.bridge.stats.calls.fetch ?? 0;
  const backfillOurs = await measure(sim, rt, async () => {
    // Chunk by chunk, to watch the progress the API shows.
    const progress: number[] = [];
    for (;;) {
      const run = await deepRt.work({ workers: 1, target: 1, idleMs: 2000 });
      if (run.processed === 0) break;
      const view = await rt.api('GET /garmin/connection', { userId: deep });
      progress.push((view.body.connection as { backfill: { percent: number } }).backfill.percent);
    }
    return { chunks: (rt.bridge.stats.calls.fetch ?? 0) - fetchesBefore, progress };
  });
  const deepView = await rt.api('GET /garmin/connection', { userId: deep });
  const deepConnection = deepView.body.connection as { backfill: { from: string; done: boolean; through: string | null } };
  const storedDays = (await rt.services.deps.data.queryDailySummaries(deep, deepConnection.backfill.from, '2999-12-31')).length;
  let storedActivities = 0;
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await rt.services.deps.data.queryActivities(deep, { from: deepConnection.backfill.from, limit: 500, ...(cursor ? { cursor } : {}) });
    storedActivities += page.items.length;
    cursor = page.nextCursor;
  }

  log('naive: 365-day backfill (one login, one fetch of everything)');
  const naiveDeep = 'bench-naive-365';
  await rt.services.deps.connections.put({ ...template, userId: naiveDeep, password: await rt.services.deps.vault.encrypt(naiveDeep, 'password', PASSWORD), cursors: {}, nextSyncTime: undefined });
  const backfillNaive = await measure(sim, rt, () => naive.backfill(naiveDeep, 365));

  results.backfill365 = {
    days: storedDays,
    activities: storedActivities,
    bound: storedDays + Math.ceil(storedActivities / 100),
    done: deepConnection.backfill.done,
    ours: { ...costOf([backfillOurs]), chunks: backfillOurs.value.chunks, progress: backfillOurs.value.progress },
    naive: { ...costOf([backfillNaive]), chunks: 1, progress: [] },
  };

  // ---- 1,000 users through dispatch → SQS → workers ----
  log(`seeding ${USERS} users (each with its own tokens from its own login)`);
  const big = await startBenchRuntime({ prefix: `bench-${randomUUID().slice(0, 8)}`, garminBaseUrl: stack.simulator.endpoint, bridgeProcesses: BRIDGES, clock: new BenchClock() });
  runtimes.push(big);
  const caughtUp = await rt.services.deps.connections.get(steady);
  if (!caughtUp) throw new Error('steady user vanished');
  await seedUsers(big, caughtUp, steadyProfile, USERS);

  log(`ours: ${USERS} users through dispatch → SQS → ${WORKERS} workers`);
  const fetchMark = big.bridge.stats.fetchDurationsMs.length;
  const invocationMark = big.bridge.stats.fetchesPerInvocation.length;
  let oursRun!: Awaited<ReturnType<BenchRuntime['work']>>;
  let oursDispatch!: Awaited<ReturnType<BenchRuntime['dispatch']>>;
  let t0 = performance.now();
  // Workers run while dispatch claims and queues, chunk by chunk, as on AWS.
  const pipeline = async (runtime: BenchRuntime, dispatchOptions: Parameters<BenchRuntime['dispatch']>[0]) => {
    let claimed: number | undefined;
    const dispatching = runtime.dispatch(dispatchOptions).then((d) => {
      claimed = d.claimed;
      return d;
    });
    const [d, w] = await Promise.all([dispatching, runtime.work({ workers: WORKERS, target: () => claimed ?? Number.POSITIVE_INFINITY, idleMs: 5000 })]);
    return { d, w };
  };
  const oursBig = await measure(sim, big, async () => {
    t0 = performance.now();
    ({ d: oursDispatch, w: oursRun } = await pipeline(big, { spreadSeconds: 0 }));
  });
  const oursElapsed = performance.now() - t0;

  log(`naive: ${USERS} users through dispatch → SQS → ${WORKERS} workers`);
  big.clock.offsetMs += 16 * MINUTE;
  const bigNaive = big.withSync(new NaiveSync({ ...big.functions.syncWorker.services.deps, bridge: big.bridge }));
  const naiveFetchMark = big.bridge.stats.fetchDurationsMs.length;
  const naiveInvocationMark = big.bridge.stats.fetchesPerInvocation.length;
  let naiveRun!: Awaited<ReturnType<BenchRuntime['work']>>;
  let naiveDispatch!: Awaited<ReturnType<BenchRuntime['dispatch']>>;
  const naiveBig = await measure(sim, big, async () => {
    t0 = performance.now();
    // The naive baseline has no budget: its syncs cost ~14 requests, not the 3 ours reserve.
    ({ d: naiveDispatch, w: naiveRun } = await pipeline(bigNaive, { spreadSeconds: 0, requestsPerMinute: 1_000_000 }));
  });
  const naiveElapsed = performance.now() - t0;
  results.throughput = {
    ours: throughputOf(
      oursDispatch.claimed,
      oursRun,
      oursElapsed,
      oursBig,
      big.bridge.stats.fetchDurationsMs.slice(fetchMark, naiveFetchMark),
      big.bridge.stats.fetchesPerInvocation.slice(invocationMark, naiveInvocationMark),
    ),
    naive: throughputOf(
      naiveDispatch.claimed,
      naiveRun,
      naiveElapsed,
      naiveBig,
      big.bridge.stats.fetchDurationsMs.slice(naiveFetchMark),
      big.bridge.stats.fetchesPerInvocation.slice(naiveInvocationMark),
    ),
  };

  // ---- the budget and the breaker, end to end ----
  log('budget: 600 requests/minute, all users due');
  big.clock.offsetMs += 16 * MINUTE;
  const budgetRuns = [];
  for (let i = 0; i < 2; i++) budgetRuns.push(await big.dispatchOnly({ requestsPerMinute: 600, spreadSeconds: 60 }));

  log('breaker: Garmin answers 429 to every activity search');
  big.clock.offsetMs += 16 * MINUTE;
  const fault = await sim.fault({ account: ATHLETE, endpoint: 'activities', status: 429, retryAfter: 60 });
  void fault;
  const breakerSteps: BenchResults['breaker'] = [];
  const tripped = await measure(sim, big, async () => {
    const d = await big.dispatch({ spreadSeconds: 0, maxPerRun: 40, requestsPerMinute: 1_000_000 });
    // One worker (10 syncs at a time): syncs already calling Garmin when it trips cannot be recalled.
    const w = await big.work({ workers: 1, target: d.claimed, idleMs: 5000 });
    return { d, w };
  });
  const statuses = tripped.counters.byEndpoint.activities ?? 0;
  breakerSteps.push({ step: '40 syncs queued while Garmin answers 429 to every activity search (1 worker, 10 at a time)', breaker: tripped.value.d.breaker, claimed: tripped.value.d.claimed, garminRequests: tripped.counters.total, rateLimitedSearches: statuses });
  const afterTrip = await big.dispatchOnly({ spreadSeconds: 0, maxPerRun: 100 });
  breakerSteps.push({ step: 'next dispatch', breaker: afterTrip.breaker, claimed: afterTrip.claimed, garminRequests: 0, rateLimitedSearches: 0 });
  await sim.clearFaults();
  for (const minutes of [5, 5, 5, 5]) {
    big.clock.offsetMs += minutes * MINUTE + 1000;
    const d = await big.dispatchOnly({ spreadSeconds: 0, maxPerRun: 100 });
    breakerSteps.push({ step: `+${minutes} min`, breaker: d.breaker, claimed: d.claimed, garminRequests: 0, rateLimitedSearches: 0 });
  }
  results.budget = budgetRuns.map((r) => ({ claimed: r.claimed, leftForLater: r.leftForLater, reservedRequests: r.reservedRequests }));
  results.breaker = breakerSteps;

  // ---- dispatch at scale: SCALE_DUE more connections due at once, one run ----
  log(`scale: seeding ${SCALE_DUE} due connections`);
  big.clock.offsetMs += 16 * MINUTE;
  const seedStarted = performance.now();
  const dueAt = new Date(big.clock.now().getTime() - MINUTE).toISOString();
  const scaleIds = Array.from({ length: SCALE_DUE }, (_, i) => `scale-user-${String(i).padStart(6, '0')}`);
  for (let i = 0; i < SCALE_DUE; i += 200) {
    // Dispatch reads the schedule only: the tokens are the caught-up user's, never used here.
    await Promise.all(scaleIds.slice(i, i + 200).map((userId) => big.services.deps.connections.put({ ...caughtUp, userId, nextSyncTime: dueAt, version: 1 })));
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  // The `due` index's partition key of each seeded connection: how evenly they spread.
  const perShard = Array.from({ length: LIMITS.dueShards }, () => 0);
  for (const userId of scaleIds) perShard[dueShardOf(userId)] = (perShard[dueShardOf(userId)] ?? 0) + 1;
  const now = big.clock.now();
  // What one run finds: findDue reads each shard until it has the run's cap of claimable users.
  const found = await Promise.all(Array.from({ length: LIMITS.dueShards }, async (_, shard) => (await big.services.deps.schedules.findDue(shard, now, 10 * SCALE_DUE)).length));
  const due = found.reduce((a, b) => a + b, 0);
  log(`scale: one dispatch run over ${due} due connections (the jobs are kept, not sent to SQS)`);
  const scaleBefore = big.meter.snapshot();
  const scaleStarted = performance.now();
  const scaleRun = await big.dispatchOnly({ maxPerRun: due, spreadSeconds: DISPATCH_RATE_MINUTES * 60, requestsPerMinute: 1_000_000_000 });
  const scaleSeconds = (performance.now() - scaleStarted) / 1000;
  const scaleDdb = diffSnapshots(big.meter.snapshot(), scaleBefore);
  const jobDelays = scaleRun.jobs.map((j) => j.delaySeconds ?? 0);
  results.scale = {
    seeded: SCALE_DUE,
    due,
    claimed: scaleRun.claimed,
    lostClaims: scaleRun.lostClaims,
    seconds: scaleSeconds,
    seedSeconds,
    perShard,
    writes: totals(scaleDdb).written,
    wru: totals(scaleDdb).wru,
    rru: totals(scaleDdb).rru,
    systemWrites: scaleDdb.system.written,
    delaySecondsMax: Math.max(0, ...jobDelays),
    claimConcurrency: DEFAULT_DISPATCH.claimConcurrency,
  };

  // ---- a simulated day of one caught-up user, every 15 minutes (dispatch every 5) ----
  log(`ours: a simulated day (${DAY_STEPS} scheduled syncs of one user, 15 min apart)`);
  // Only the steady user stays scheduled in this runtime.
  for (const other of [naiveUser, deep, naiveDeep]) await rt.services.deps.connections.delete(other);
  const day: BenchResults['day']['syncs'] = [];
  const zone = caughtUp.timeZone ?? 'UTC';
  // A day with no device upload (the definition): the simulator would count the end of
  // each of its generated activities as one, so the device's last upload is held where the
  // user's last probe saw it.
  const lastSeen = (await rt.services.deps.connections.get(steady))?.cursors.deviceUploadAt;
  if (lastSeen === undefined) throw new Error('the steady user\'s probe never saw an upload');
  await sim.deviceSync(ATHLETE, lastSeen);
  for (let step = 0; step < DAY_STEPS; step++) {
    const m = await measure(sim, rt, async () => {
      // Dispatch runs every 5 minutes: the runs between two syncs look at the user (its index key
      // stays in the past within the hour) and claim nothing; their reads belong to the next sync.
      for (let look = 0; look < 2; look++) {
        rt.clock.offsetMs += 5 * MINUTE;
        await setSimClock(sim, rt.clock.now());
        const looked = await rt.dispatch({ spreadSeconds: 0 });
        if (looked.claimed !== 0) throw new Error('the day\'s user was due before its 15 minutes');
      }
      rt.clock.offsetMs += 5 * MINUTE + 5000;
      await setSimClock(sim, rt.clock.now());
      return scheduledSync(rt);
    });
    const now = rt.clock.now();
    day.push({
      localTime: new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(now),
      localDate: localDate(now, zone),
      garminRequests: m.counters.total,
      byEndpoint: nonZero(m.counters.byEndpoint),
      itemsWritten: itemsWritten(m.ddb),
      allWrites: totals(m.ddb).written,
      wru: totals(m.ddb).wru,
      runWru: m.value.runWru,
      rru: totals(m.ddb).rru,
      workerMs: m.value.workerMs,
      bridgeMs: m.value.bridgeMs,
    });
  }
  results.day = { zone, syncs: day };

  // ---- freshness under the adaptive cadence, the same user ----
  log('ours: a simulated day under the adaptive cadence (freshness lag, syncs per user-day)');
  results.freshness = await adaptiveDay(sim, rt, steady, zone);
  await setSimClock(sim, new Date());
} finally {
  for (const rt of runtimes) await rt.stop().catch(() => undefined);
  await stack.stopAll();
}

results.meta = {
  startedAt: new Date(started).toISOString(),
  durationSeconds: (Date.now() - started) / 1000,
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  users: USERS,
  workers: WORKERS,
  bridgeProcesses: BRIDGES,
  limits: {
    syncIntervalSeconds: LIMITS.syncIntervalSeconds,
    summaryFinalAfterHours: LIMITS.summaryFinalAfterHours,
    summaryRecheckSeconds: LIMITS.summaryRecheckSeconds,
    summaryDatesPerSync: LIMITS.summaryDatesPerSync,
    fullSyncSeconds: LIMITS.fullSyncSeconds,
    fullSyncMaxSeconds: LIMITS.fullSyncMaxSeconds,
    garminRequestsPerMinute: LIMITS.garminRequestsPerMinute,
    estimatedRequestsPerSync: LIMITS.estimatedRequestsPerSync,
  },
};

const full = results as BenchResults;
const outDir = path.join(REPO_ROOT, 'bench');
mkdirSync(outDir, { recursive: true });
// The headline figures first, then everything they come from.
writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify({ summary: summarize(full), ...full }, null, 2)}\n`);
const baseline = loadBaseline();
writeFileSync(path.join(REPO_ROOT, 'docs', 'cost-model.md'), renderCostModel(full, baseline));
const markdown = renderMarkdown(full, baseline);
writeFileSync(path.join(outDir, 'results.md'), markdown);
process.stdout.write(`${markdown}\n`);
log(`done in ${full.meta.durationSeconds.toFixed(0)} s; wrote bench/results.md and bench/results.json`);
