/** The benchmark's results: their shape (bench/results.json) and the markdown table (bench/results.md). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DISPATCH } from '../../functions/core/sync/dispatch-service';
import { REPO_ROOT } from '../local/paths';
import { DISPATCH_RATE_MINUTES } from '../../infra/sizing';
import type { LogSnapshot } from './log-meter';
import type { MeterSnapshot } from './ddb-meter';
import type { BridgeImportResult, BundleResult } from './static';
import {
  ASSUMPTIONS,
  type Baseline,
  ENDPOINT_TYPES,
  OPTIONAL_TYPES,
  type Summary,
  TARGETS,
  costInputs,
  costLines,
  fmt,
  miss,
  requestsByDataType,
  summarize,
  summarizeNaive,
  syncWriteUnits,
} from './summary';

export interface SyncCost {
  samples: number;
  garminRequests: number;
  byEndpoint: Record<string, number>;
  logins: number;
  /** DataStore upserts (activities, summaries, profile) + connection writes (dispatch claim, final update). */
  itemsWritten: number;
  /** Every successful DynamoDB write (also the schedule item, the rate-limit logs, the budget). */
  allWrites: number;
  /** Conditional writes refused (unchanged items): nothing written, still billed. */
  refusedWrites: number;
  wru: number;
  rru: number;
  reads: number;
  byKind: MeterSnapshot;
}

export interface Throughput {
  users: number;
  claimed: number;
  processed: number;
  failed: number;
  /** Deliveries of a message that was already in flight (an emulator under concurrent receives). */
  duplicates: number;
  elapsedSeconds: number;
  syncsPerMinute: number;
  workers: number;
  bridgeProcesses: number;
  garminRequestsPerSync: number;
  loginsPerThousand: number;
  writesPerSync: number;
  wruPerSync: number;
  rruPerSync: number;
  /** Sync-worker wall time per job (its batch's time / batch size). */
  workerMsPerSync: number;
  /** Bridge invocations that carried fetches, per sync (a batch is one invocation). */
  bridgeInvocationsPerSync: number;
  /** Fetches (users) per such invocation, mean. */
  usersPerBridgeInvocation: number;
  bridgeFetchMsP50: number;
  /** Sync-worker invocations (SQS batches handed to it). */
  workerInvocations: number;
  /**
   * SQS requests of the run, as Lambda's event source mapping makes them: dispatch's
   * SendMessageBatch calls, ReceiveMessage calls that returned messages and that returned none
   * (on AWS the mapping's idle long polls, a fixed cost), DeleteMessageBatch calls.
   */
  sqsRequests: { send: number; receive: number; emptyReceive: number; delete: number };
  /** JSON log lines and bytes the functions and the bridge wrote during the run, at INFO (scripts/bench/log-meter.ts). */
  logs: LogSnapshot;
}

export interface DaySync {
  localTime: string;
  localDate: string;
  garminRequests: number;
  byEndpoint: Record<string, number>;
  itemsWritten: number;
  allWrites: number;
  /** Every write unit of the sync, its dispatch run's (`runWru`) included. */
  wru: number;
  /** The dispatch run's writes to the service-wide `__system__` item (budget windows): per run, not per claimed user. */
  runWru: number;
  rru: number;
  /** The sync-worker handler's wall time for this one job, and the bridge's own duration of its fetch (simulator at zero latency). */
  workerMs: number;
  bridgeMs: number;
}

export interface BenchResults {
  meta: {
    startedAt: string;
    durationSeconds: number;
    machine: string;
    users: number;
    workers: number;
    bridgeProcesses: number;
    limits: Record<string, number>;
  };
  static: { bundles: BundleResult[]; bridgeImport: BridgeImportResult };
  perSync: Record<'ours' | 'naive', { noChange: SyncCost; newActivity: SyncCost }>;
  backfill365: {
    days: number;
    activities: number;
    bound: number;
    done: boolean;
    ours: SyncCost & { chunks: number; progress: number[] };
    naive: SyncCost & { chunks: number; progress: number[] };
  };
  throughput: Record<'ours' | 'naive', Throughput>;
  budget: Array<{ claimed: number; leftForLater: number; reservedRequests: number }>;
  breaker: Array<{ step: string; breaker: string; claimed: number; garminRequests: number; rateLimitedSearches: number }>;
  day: { zone: string; syncs: DaySync[] };
  /** One dispatch run over many due connections (jobs kept, not sent to SQS). */
  scale?: {
    /** Connections made due for this run, and how many of all due ones one dispatch run found. */
    seeded: number;
    due: number;
    claimed: number;
    lostClaims: number;
    seconds: number;
    seedSeconds: number;
    /** The seeded connections per shard of the `due` index (its partition key). */
    perShard: number[];
    writes: number;
    wru: number;
    rru: number;
    /** Writes to the service-wide `__system__` partition (budget windows, breaker). */
    systemWrites: number;
    delaySecondsMax: number;
    claimConcurrency: number;
  };
  /** Freshness under the adaptive cadence (a watch that uploads): absent when the run did not measure it. */
  freshness?: { lagP50Minutes: number; lagP95Minutes: number; syncsPerUserDay: number };
}

const f = (n: number, digits = 2): string => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const mark = (ok: boolean) => (ok ? '✅' : '❌');

const endpoints = (byEndpoint: Record<string, number>): string =>
  Object.entries(byEndpoint)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([e, n]) => `${e} ${f(n)}`)
    .join(', ');

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

export const daySummary = (day: BenchResults['day']) => {
  const requests = day.syncs.map((s) => s.garminRequests);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const histogram: Record<number, number> = {};
  for (const r of requests) histogram[r] = (histogram[r] ?? 0) + 1;
  const typical = Object.entries(histogram).sort(([, a], [, b]) => b - a)[0]?.[0];
  return {
    syncs: requests.length,
    mean: mean(requests),
    min: Math.min(...requests),
    max: Math.max(...requests),
    typical: Number(typical ?? 0),
    histogram,
    itemsWritten: mean(day.syncs.map((s) => s.itemsWritten)),
    allWrites: mean(day.syncs.map((s) => s.allWrites)),
    wru: mean(day.syncs.map((s) => s.wru)),
    rru: mean(day.syncs.map((s) => s.rru)),
    workerMs: median(day.syncs.map((s) => s.workerMs)),
    bridgeMs: median(day.syncs.map((s) => s.bridgeMs)),
    above2: day.syncs.filter((s) => s.garminRequests > 2),
  };
};

/** Why a target of the summary is missed, where the reason is known from the run's own figures. */
const whyMissed = (key: keyof Summary, r: BenchResults): string => {
  const bundles = [...r.static.bundles].sort((a, b) => b.bytes - a.bytes);
  const largest = bundles[0];
  switch (key) {
    case 'maxHandlerBundleKb':
    case 'maxHandlerColdImportMs':
      return largest
        ? `largest, ${largest.handler}: ${largest.contents.map((c) => `${c.from} ${c.kb} KB`).join(', ')}. No AWS SDK ` +
            'client is left (DynamoDB, Secrets Manager, Lambda and SQS are signed calls, functions/adapters/aws: ~45 KB of the ' +
            "SDK's signer, HTTP handler, retry strategy and marshalling instead of ~230 KB). zod is zod/mini (34-43 KB with its " +
            "English messages; classic was ~100 KB), and what a function does not need at import is built on demand: the " +
            "answers' schemas (only the OpenAPI document reads them), the bridge protocol's (at a function's first bridge " +
            "call) and the events' (at its first event), so an API function builds ~300 zod schema objects at import instead " +
            "of ~850 (the routes' inputs, the stored items'; dispatch 52, deliver-events 27). What remains, in a profile of " +
            "the sync bundle's import, is about a third each: compiling the bundle, loading Node's own modules (http, https, " +
            'crypto), and building those schemas, which the first request parses with; see "Bundles and cold loads"'
        : '';
    case 'bridgeImportMs':
      return 'garminconnect (with requests and curl_cffi) is what every Garmin operation runs; boto3 is no longer imported (MFA mailbox only)';
    case 'costPerUserMonthUsd': {
      const lines = costLines(costInputs(r)).sort((a, b) => b.usd - a.usd);
      return `per user-month: ${lines
        .slice(0, 3)
        .map((l) => `${l.item} $${fmt(l.usd / ASSUMPTIONS.users)}`)
        .join(', ')} (docs/cost-model.md)`;
    }
    case 'noChangeSyncWriteUnits': {
      const w = syncWriteUnits(r);
      return `the sync's own ${f(w.own)} (schedule item, data), plus its dispatch run's ${f(w.perRun)} service-wide units / ${f(w.claimsPerRun, 0)} claims a run`;
    }
    case 'noChangeSyncGarminRequestsMean':
      return `by data type: ${Object.entries(requestsByDataType(r))
        .map(([type, n]) => `${type} ${f(n)}`)
        .join(', ')}`;
    default:
      return '';
  }
};

const summaryRows = (r: BenchResults, baseline: Baseline, row: (...cells: string[]) => void, lines: string[]) => {
  const now = summarize(r);
  const naive = summarizeNaive(r);
  const show = (v: number | null) => (v === null ? 'not measured' : fmt(v));
  row('figure (`summary` in bench/results.json)', 'target', 'now', 'before #14', 'naive');
  row('---', '---', '---', '---', '---');
  const misses: string[] = [];
  for (const key of Object.keys(TARGETS) as Array<keyof Summary>) {
    const t = TARGETS[key];
    const target = t.max !== undefined ? `≤ ${t.max}` : t.min !== undefined ? `≥ ${t.min}` : `< ${t.below}`;
    const missed = miss(key, now[key]);
    if (missed) misses.push(`* **${t.label}**: ${fmt(now[key] ?? 0)}, ${missed}. ${whyMissed(key, r)}`.trimEnd());
    row(`\`${key}\`: ${t.label}`, target, `**${show(now[key])}** ${now[key] === null ? '' : mark(!missed)}`.trimEnd(), show(baseline.summary[key]), show(naive[key]));
  }
  lines.push('', `Before #14: ${baseline.source}.`, '');
  if (misses.length) lines.push('Targets missed in this run, by how much, and why:', '', ...misses, '');
};

export const renderMarkdown = (r: BenchResults, baseline: Baseline): string => {
  const { ours, naive } = r.perSync;
  const d = daySummary(r.day);
  const w = syncWriteUnits(r);
  const t = r.throughput;
  const b = r.backfill365;
  const profileRequests = (cost: SyncCost) =>
    (cost.byEndpoint['social-profile'] ?? 0) + (cost.byEndpoint['user-settings'] ?? 0) + (cost.byEndpoint['personal-information'] ?? 0);
  const backfillProper = (cost: SyncCost) => (cost.byEndpoint['daily-summary'] ?? 0) + (cost.byEndpoint.activities ?? 0);
  const lines: string[] = [];
  const row = (...cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);

  lines.push('# Benchmark: scheduled sync vs a naive baseline', '');
  lines.push(
    `Run ${r.meta.startedAt} on ${r.meta.machine}, ${f(r.meta.durationSeconds, 0)} s in all. One process: the Garmin simulator, ` +
      'DynamoDB Local, ElasticMQ (SQS), moto (Secrets Manager), the real stdio Python bridge (pinned garminconnect) and the real ' +
      'handlers. **Naive** = log in with the password at every sync and re-fetch the last 7 days of activities and daily ' +
      'summaries (same bridge operations, same DataStore). Timings are noisy on this machine: compare the two columns.',
    '',
  );
  lines.push('## Summary', '');
  summaryRows(r, baseline, row, lines);
  lines.push('## Per sync', '');
  row('metric', 'target', 'ours', 'naive');
  row('---', '---', '---', '---');
  row(
    'Garmin requests per steady-state sync, no new data',
    '≤ 2',
    `**${f(ours.noChange.garminRequests)}** ${mark(ours.noChange.garminRequests <= 2)} (${endpoints(ours.noChange.byEndpoint)})`,
    `${f(naive.noChange.garminRequests)} (${endpoints(naive.noChange.byEndpoint)})`,
  );
  row(
    `… over a simulated day, ${d.syncs} syncs 15 min apart (mean; min–max)`,
    '≤ 2',
    `**${f(d.mean)}**; ${d.min}–${d.max} (${d.syncs - d.above2.length} of ${d.syncs} syncs ≤ 2) ${mark(d.mean <= 2)}`,
    `${f(naive.noChange.garminRequests)} every sync`,
  );
  row('Garmin requests per sync with one new activity', '–', `**${f(ours.newActivity.garminRequests)}** (${endpoints(ours.newActivity.byEndpoint)})`, `${f(naive.newActivity.garminRequests)}`);
  row('Logins per no-change sync', '0', `**${f(ours.noChange.logins)}** ${mark(ours.noChange.logins === 0)}`, f(naive.noChange.logins));
  row(
    `365-day backfill of the athlete: Garmin requests for summaries + activity pages (${b.days} days, ${b.activities} activities)`,
    `≤ ${b.bound} (1/day + 1 per 100 activities)`,
    `**${f(backfillProper(b.ours))}** ${mark(backfillProper(b.ours) <= b.bound)} in ${b.ours.chunks} chunks`,
    `${f(backfillProper(b.naive))} in one call`,
  );
  row(
    '… all Garmin requests of the backfill (with the profile and, for naive, its login)',
    '–',
    `${f(b.ours.garminRequests)} (${endpoints(b.ours.byEndpoint)}; profile ${f(profileRequests(b.ours))})`,
    `${f(b.naive.garminRequests)} (${endpoints(b.naive.byEndpoint)})`,
  );
  row(
    `Logins per 1,000 scheduled syncs (from the ${r.meta.users}-user run)`,
    '0',
    `**${f(t.ours.loginsPerThousand, 0)}** ${mark(t.ours.loginsPerThousand === 0)}`,
    f(t.naive.loginsPerThousand, 0),
  );
  row(
    'DynamoDB items written per no-change sync (DataStore upserts + connection writes)',
    '≤ 1',
    `**${f(ours.noChange.itemsWritten)}** ${mark(ours.noChange.itemsWritten <= 1)} (connection ${f(ours.noChange.byKind.connection.written)}, schedule ${f(ours.noChange.byKind.schedule.written)}, daily summary ${f(ours.noChange.byKind['daily-summary'].written)}, activity ${f(ours.noChange.byKind.activity.written)})`,
    `${f(naive.noChange.itemsWritten)} (connection ${f(naive.noChange.byKind.connection.written)}, daily summary ${f(naive.noChange.byKind['daily-summary'].written)}, activity ${f(naive.noChange.byKind.activity.written)})`,
  );
  row(
    '… all DynamoDB writes / refused conditional writes / WRU / RRU per no-change sync',
    '–',
    `${f(ours.noChange.allWrites)} / ${f(ours.noChange.refusedWrites)} / ${f(ours.noChange.wru)} / ${f(ours.noChange.rru)}`,
    `${f(naive.noChange.allWrites)} / ${f(naive.noChange.refusedWrites)} / ${f(naive.noChange.wru)} / ${f(naive.noChange.rru)}`,
  );
  row(
    `… of the simulated day's WRU: the sync's own / its dispatch run's service-wide \`__system__\` writes, per run (one user a run here; ≈ ${f(w.claimsPerRun, 0)} claims a run at ${ASSUMPTIONS.users.toLocaleString('en-US')} users)`,
    '–',
    `${f(w.own)} / ${f(w.perRun)} per run → **${f(w.perSync)}** per sync`,
    '–',
  );
  row(
    `User-syncs per minute, ${r.meta.users} users through dispatch → SQS → ${r.meta.workers} workers (simulator at zero latency)`,
    `${r.meta.users} in < 60 s`,
    `**${f(t.ours.syncsPerMinute, 0)}/min** (${t.ours.processed - t.ours.duplicates} in ${f(t.ours.elapsedSeconds, 1)} s) ${mark(t.ours.processed - t.ours.duplicates >= r.meta.users && t.ours.elapsedSeconds < 60)}`,
    `${f(t.naive.syncsPerMinute, 0)}/min (${t.naive.processed - t.naive.duplicates} in ${f(t.naive.elapsedSeconds, 1)} s)`,
  );
  row('… Garmin requests per sync in that run', '–', f(t.ours.garminRequestsPerSync), f(t.naive.garminRequestsPerSync));
  row('… DynamoDB writes / WRU / RRU per sync in that run', '–', `${f(t.ours.writesPerSync)} / ${f(t.ours.wruPerSync)} / ${f(t.ours.rruPerSync)}`, `${f(t.naive.writesPerSync)} / ${f(t.naive.wruPerSync)} / ${f(t.naive.rruPerSync)}`);
  const sqsOf = (x: Throughput) => {
    const n = Math.max(1, x.processed - x.duplicates);
    return `${f(x.sqsRequests.send / n)} / ${f(x.sqsRequests.receive / n)} / ${f(x.sqsRequests.delete / n)} (${x.sqsRequests.emptyReceive} idle receives)`;
  };
  const logsOf = (x: Throughput) => {
    const n = Math.max(1, x.processed - x.duplicates);
    const all = Object.values(x.logs);
    return `${f(all.reduce((s, l) => s + l.bytes, 0) / n, 0)} B in ${f(all.reduce((s, l) => s + l.lines, 0) / n)} lines (functions ${f(x.logs.functions.bytes / n, 0)}, EMF ${f(x.logs.metrics.bytes / n, 0)}, bridge ${f(x.logs.bridge.bytes / n, 0)})`;
  };
  row('… SQS requests per sync in that run: SendMessageBatch / ReceiveMessage / DeleteMessageBatch', '–', sqsOf(t.ours), sqsOf(t.naive));
  row('… JSON log bytes per sync in that run, at INFO (Lambda platform lines aside)', '–', logsOf(t.ours), logsOf(t.naive));
  row('… sync-worker ms per sync / bridge fetch ms (p50)', '–', `${f(t.ours.workerMsPerSync, 0)} / ${f(t.ours.bridgeFetchMsP50, 0)}`, `${f(t.naive.workerMsPerSync, 0)} / ${f(t.naive.bridgeFetchMsP50, 0)}`);
  row(
    '… bridge invocations per sync / users per bridge invocation',
    '–',
    `${f(t.ours.bridgeInvocationsPerSync)} / ${f(t.ours.usersPerBridgeInvocation)}`,
    `${f(t.naive.bridgeInvocationsPerSync)} / ${f(t.naive.usersPerBridgeInvocation)}`,
  );
  lines.push('');

  lines.push('## Bundles and cold loads', '');
  lines.push(
    'esbuild with the stack\'s options (infra/bundling.ts: ESM, node22, minified, no AWS SDK client, credentials from the ' +
      'environment only). Import = `await import(bundle)` in a fresh `node`, as deployed (the source map beside it, not loaded); ' +
      'process = the whole `node` run (median of 11). The naive baseline is a sync strategy inside the ' +
      'benchmark, not a separate function, so these are the same for both columns.',
    '',
  );
  row('handler', 'bundle', 'gzip', 'cold import', 'node process', 'largest parts');
  row('---', '---', '---', '---', '---', '---');
  for (const x of r.static.bundles) {
    row(x.handler, kb(x.bytes), kb(x.gzipBytes), `${f(x.importMs, 0)} ms`, `${f(x.processMs, 0)} ms`, x.contents.map((c) => `${c.from} ${c.kb} KB`).join(', '));
  }
  const bi = r.static.bridgeImport;
  lines.push(
    '',
    `Python bridge: \`import garmin_bridge.lambda_handler\` takes **${f(bi.importMs, 0)} ms** in a fresh interpreter ` +
      `(\`-X importtime\` cumulative ${f(bi.importtimeMs, 0)} ms; whole \`python -c\` process ${f(bi.processMs, 0)} ms).`,
    '',
  );

  lines.push('## A simulated day (ours)', '');
  lines.push(
    `One caught-up user (zone ${r.day.zone}) whose device does not upload, a scheduled sync every 15 minutes through dispatch → SQS → worker (dispatch runs every 5 minutes: the two runs between syncs look at the user and claim nothing, their reads counted with the next sync), ` +
      'the simulator\'s and our clocks moved together. Garmin requests per sync: ' +
      Object.entries(d.histogram)
        .map(([n, c]) => `${n} requests × ${c}`)
        .join(', ') +
      `. Items written per sync ${f(d.itemsWritten)}, all writes ${f(d.allWrites)}, WRU ${f(d.wru)}, RRU ${f(d.rru)} (means). ` +
      `Of the WRU, the dispatch run's writes to the service-wide \`__system__\` item (the Garmin budget's windows) are ` +
      `**${f(w.perRun)} per run**, whatever the number of users it claims; here every run claims this one user. ` +
      `\`noChangeSyncWriteUnits\` counts the sync's own **${f(w.own)}** plus that run's units shared by the users one run ` +
      `claims at ${ASSUMPTIONS.users.toLocaleString('en-US')} users (assumed, not run: ${ASSUMPTIONS.users.toLocaleString('en-US')} × ` +
      `${f(w.claimsPerRun * ((24 * 60) / DISPATCH_RATE_MINUTES) / ASSUMPTIONS.users, 1)} syncs per user-day / ${(24 * 60) / DISPATCH_RATE_MINUTES} runs a day ` +
      `≈ ${f(w.claimsPerRun, 0)} claims per run): **${f(w.perSync)}**. ` +
      `One sync alone (median): sync-worker handler ${f(d.workerMs, 0)} ms, of which the bridge's fetch ${f(d.bridgeMs, 0)} ms ` +
      '(Garmin answering at once; docs/cost-model.md adds Garmin\'s latency).',
    '',
  );
  if (d.above2.length) {
    lines.push('Syncs above 2 requests (local time: what they asked for):', '');
    for (const s of d.above2) lines.push(`* ${s.localDate} ${s.localTime}: ${s.garminRequests} (${endpoints(s.byEndpoint)})`);
    lines.push('');
  }

  if (r.scale) lines.push(...scaleSection(r.scale, r.meta.limits.syncIntervalSeconds ?? 900));

  lines.push('## What each data type costs per sync', '');
  const byType = requestsByDataType(r);
  const before = baseline.requestsByDataType;
  const all = (o: Record<string, number>) => Object.values(o).reduce((acc, n) => acc + n, 0);
  const withoutOptional = (o: Record<string, number>) => all(o) - OPTIONAL_TYPES.reduce((acc, k) => acc + (o[k] ?? 0), 0);
  lines.push(
    `Garmin requests per scheduled sync over the simulated day above, by the data type that asked for them (endpoints: ${Object.entries(ENDPOINT_TYPES)
      .map(([e, t]) => `${e} → ${t}`)
      .join(', ')}; others, such as the upload probe, by name). All default types enabled: **${f(all(byType))}** per sync; ` +
      `without ${OPTIONAL_TYPES.join(', ')} (activities, daily summaries and the profile: what a sync read before #13): ` +
      `**${f(withoutOptional(byType))}** (before #14: ${f(all(before))} and ${f(withoutOptional(before))}). ` +
      'The second figure is the first minus those types\' requests on the same day, not a run of its own.',
    '',
  );
  row('data type', 'requests per sync', 'before #14');
  row('---', '---', '---');
  for (const type of [...new Set([...Object.keys(byType), ...Object.keys(before)])]) row(type, f(byType[type] ?? 0), f(before[type] ?? 0));
  lines.push('');

  lines.push('## Budget and breaker, end to end', '');
  lines.push(
    `Budget of 600 Garmin requests/minute (${r.meta.limits.estimatedRequestsPerSync} reserved per sync), all ${r.meta.users} users due, ` +
      `jitter over 60 s (so up to two minute windows): dispatch run 1 claimed **${r.budget[0]?.claimed ?? 0}** ` +
      `(left ${r.budget[0]?.leftForLater ?? 0} due for later, reserved ${r.budget[0]?.reservedRequests ?? 0} requests); ` +
      `run 2 right after claimed **${r.budget[1]?.claimed ?? 0}**.`,
    '',
  );
  row('breaker step', 'state seen by dispatch', 'claimed', 'Garmin requests', '429 answers');
  row('---', '---', '---', '---', '---');
  for (const s of r.breaker) row(s.step, s.breaker, String(s.claimed), String(s.garminRequests), String(s.rateLimitedSearches));
  lines.push('');

  lines.push('## Where a target is missed, and why', '');
  lines.push(...notes(r, d));
  return `${lines.join('\n')}\n`;
};

/** DynamoDB's throughput limit of one partition (write units per second). */
const PARTITION_WCU_PER_SECOND = 1000;
const SCALE_USERS = 100_000;

const scaleSection = (x: NonNullable<BenchResults['scale']>, syncIntervalSeconds: number): string[] => {
  const perSecond = x.claimed / x.seconds;
  const mean = x.perShard.reduce((a, b) => a + b, 0) / x.perShard.length;
  const max = Math.max(...x.perShard);
  const wruPerClaim = x.wru / Math.max(1, x.claimed);
  const extrapolated = SCALE_USERS / perSecond;
  const period = DISPATCH_RATE_MINUTES * 60;
  const perRun = (SCALE_USERS * period) / syncIntervalSeconds;
  // A claim leaves the index alone; the sync's end moves the schedule's key in the KEYS_ONLY `due`
  // index (a delete and a put there, 1 WCU each), one end per claim.
  const shardWcu = (claimsPerSecond: number) => (claimsPerSecond / x.perShard.length) * 2 * (max / mean);
  return [
    '## Dispatch at scale', '',
    `${x.seeded.toLocaleString('en-US')} connections made due at once (in ${f(x.seedSeconds, 0)} s), one dispatch run over the ` +
      `**${x.due.toLocaleString('en-US')} due connections it found** ` +
      (x.due < x.seeded
        ? `(fewer than seeded: \`findDue\` reads each shard of the KEYS_ONLY \`due\` index up to the run's cap, ` +
          `~${Math.floor(x.due / x.perShard.length)} connections per shard here; the rest stays due for the next run; ` +
          'the jobs are kept instead of sent: '
        : '(the jobs are kept instead of sent: ') +
      `sending is ${Math.ceil(x.claimed / 10).toLocaleString('en-US')} SendMessageBatch calls, ` +
      `${DEFAULT_DISPATCH.sendConcurrency} at a time, overlapped with claiming). Claimed **${x.claimed.toLocaleString('en-US')}** ` +
      `(${x.lostClaims} lost) in **${f(x.seconds, 1)} s** against DynamoDB Local (${f(perSecond, 0)} claims/s, ${x.claimConcurrency} ` +
      `conditional writes in flight), delays spread over ${f(x.delaySecondsMax, 0)} s of the ${period} s period. ` +
      `DynamoDB: ${x.writes.toLocaleString('en-US')} writes, ${Math.round(x.wru).toLocaleString('en-US')} WRU (${f(wruPerClaim)} per claim), ${Math.round(x.rru).toLocaleString('en-US')} RRU; ` +
      `${x.systemWrites} writes to the service-wide \`__system__\` partition (budget windows, breaker).`,
    '',
    `The seeded connections per shard of the \`due\` index (its partition key, ${x.perShard.length} shards): ${x.perShard.join(', ')}; ` +
      `max/mean ${f(max / mean)}.`,
    '',
    `On paper for ${SCALE_USERS.toLocaleString('en-US')} users: at one sync per ${syncIntervalSeconds / 60} min a dispatch run every ` +
      `${DISPATCH_RATE_MINUTES} min claims ≈ ${Math.round(perRun).toLocaleString('en-US')}; all ${SCALE_USERS.toLocaleString('en-US')} due at ` +
      `once (after an outage) take ≈ ${f(extrapolated, 0)} s at this run's rate (extrapolated, not run) ${extrapolated <= period ? `(within one ${period} s period ✅)` : `(${f(extrapolated / period)}× the ${period} s period ❌: the rest stays due and the next run takes it). A claim took ${f((x.claimConcurrency / perSecond) * 1000, 0)} ms here (${x.claimConcurrency} in flight, DynamoDB Local sharing 2 cores with everything else); DynamoDB answers a conditional update in single-digit ms, so on AWS the same ${x.claimConcurrency} in flight would be ≈ ${(x.claimConcurrency / 0.01).toLocaleString('en-US')}/s at 10 ms`}. ` +
      `Capacity: ${Math.round(wruPerClaim * SCALE_USERS).toLocaleString('en-US')} WRU for the claims of ${SCALE_USERS.toLocaleString('en-US')} (on-demand; provisioned, a run within one period needs ${Math.round((wruPerClaim * SCALE_USERS) / period).toLocaleString('en-US')} WCU/s). ` +
      `Hot partitions: the table's partition key is the user, one write each per run; the claims leave the \`due\` index alone, and the syncs' ends ` +
      `(at most one key move per claim, only for a due time over an hour ahead; as fast as the workers end them) put on the busiest index shard ` +
      `≈ ${f(shardWcu(perSecond), 0)} WCU/s at this run's rate and ≈ ${f(shardWcu(SCALE_USERS / period), 0)} WCU/s if 100,000 claims are ` +
      `spread over one period, against ${PARTITION_WCU_PER_SECOND} WCU/s per partition ${shardWcu(SCALE_USERS / period) <= PARTITION_WCU_PER_SECOND ? '✅' : '❌'}; ` +
      `the \`__system__\` partition takes a few writes per run, not one per claim. Reads: a run reads every index key at or before its time, ` +
      'the due users and those whose key a sync left in the past within the hour (at most 12 looks, half a read unit each, before they are due); ' +
      `at ${SCALE_USERS.toLocaleString('en-US')} users awake that is ≈ ${SCALE_USERS.toLocaleString('en-US')} keys and schedule items a run (1,000 BatchGetItem calls, ` +
      `${(SCALE_USERS / 2).toLocaleString('en-US')} RRU), spread over the ${x.perShard.length} shards.`,
    '',
  ];
};

const notes = (r: BenchResults, d: ReturnType<typeof daySummary>): string[] => {
  const out: string[] = [];
  const { ours } = r.perSync;
  const b = r.backfill365;
  out.push(
    `* **Requests per no-change sync.** A scheduled sync of a caught-up user first asks Garmin when the device last ` +
      'synced (1 request) and stops there when nothing came since. What that time cannot show (manual weigh-ins, hydration ' +
      `and activities, edits) is checked ${(r.meta.limits.fullSyncSeconds ?? 0) / 3600} h after the last plan, out of the user's ` +
      `night, at most ${(r.meta.limits.fullSyncMaxSeconds ?? 0) / 3600} h apart: the activity list, today's summary with hydration, ` +
      'weight (4 requests; sleep and past days change only with a device sync and wait for the plan after it). ' +
      `${d.histogram[1] ?? 0} of ${d.syncs} syncs of the day cost 1 and the mean is ${f(d.mean)}. The daily profile refresh ` +
      '(3 requests) is in the day\'s mean when it falls in the day. Not in it: token refreshes. garminconnect refreshes the access token 15 min before it ' +
      'expires; with Garmin\'s access-token lifetime L that is one more request per (L − 15 min) per user (with the ' +
      'simulator\'s 1 h: one per 3 syncs, +0.33 per sync). The benchmark gives tokens a long lifetime so that moving the ' +
      'clock does not turn into 401s. With the lifetimes Garmin issues (18–30 h, recorded), a refresh a day adds per user-day 1 request, ' +
      'the worker\'s start write (1 unit: that run runs alone) and one write of the connection item with the new tokens (2–6 KB: 2–6 units), ' +
      'about +0.02 requests and +0.1 write units per sync at 58 syncs a day.',
  );
  out.push(
    `* **Items written per no-change sync: ${f(ours.noChange.itemsWritten)}.** Besides these the user's small schedule item is written ` +
      'twice (dispatch\'s claim, which is the lease and leaves the due time and the index key alone; the end with the next due time, ' +
      'lastSyncTime and the fetch log, which moves the key in the `due` index (2 more units) only for a due time over an hour ahead: a night, ' +
      'a dormant user, a long backoff; dispatch reads the others at each run until they are due, a look costing a twentieth of a move): ' +
      '2 units. A third write (the worker\'s start, so a job SQS delivers twice at once runs once) only when the run may refresh the tokens ' +
      '(about once a day: garminconnect refreshes 15 min before the access token expires) or the claim would run out first; ' +
      'the connection item with the tokens only when it changed. Today\'s summary is rewritten only when its content changed, but the simulator\'s today changes ' +
      'continuously (it models a watch that uploads all the time); against Garmin with no device upload since the last ' +
      'sync it is not written. Unchanged activities and summaries are read back (one query each) and not written at ' +
      `all (refused conditional writes: ${f(ours.noChange.refusedWrites)}; the naive baseline re-puts its whole window, ` +
      `${f(r.perSync.naive.noChange.refusedWrites)} refused writes that are billed anyway). All writes ${f(ours.noChange.allWrites)}, ` +
      `${f(ours.noChange.wru)} WRU per sync (schedule ${f(ours.noChange.byKind.schedule.wru)}, connection ${f(ours.noChange.byKind.connection.wru)}).`,
  );
  out.push(
    `* **365-day backfill: ${f(b.ours.garminRequests)} requests in all, against a bound of ${b.bound}.** One request per day ` +
      `(${f(b.ours.byEndpoint['daily-summary'] ?? 0)} daily summaries for ${b.days} days, today included), ` +
      `${f(b.ours.byEndpoint.activities ?? 0)} activity pages for ${b.activities} activities (the first chunk pages through all ` +
      'of them; the following chunks, minutes later, do not search again), and the profile once (social profile, user ' +
      'settings, personal information: 3) that the bound does not count: the connect\'s login already read the social ' +
      'profile and the settings, but the bridge\'s `login` returns only their basics, so the first sync reads them again ' +
      '(a `login` that returned them, and the zone, would save these). Progress after each chunk, as ' +
      `GET /garmin/connection shows it: ${b.ours.progress.join('% → ')}%.`,
  );
  const t = r.throughput;
  out.push(
    `* **Throughput.** ${t.ours.processed - t.ours.duplicates} syncs of ${r.meta.users} users (each with its own tokens) in ` +
      `${f(t.ours.elapsedSeconds, 1)} s with ${t.ours.workers} workers and ${t.ours.bridgeProcesses} bridge processes on ` +
      'this 2-core machine, where DynamoDB Local, ElasticMQ, moto, the simulator, the bridges and the handlers share the cores; the ' +
      'simulator answers at once, so this is our own cost per sync, not Garmin\'s latency. Dispatch ran with no jitter ' +
      '(spreadSeconds 0) to measure capacity; deployed, the jitter spreads the same syncs over the minutes between two ' +
      'dispatch runs on purpose. The machine is shared: with other test runs on it the same measurement has been up to ' +
      `twice as slow. Each worker invocation sent its batch's fetches to the bridge as one invocation: ` +
      `${f(t.ours.usersPerBridgeInvocation)} users per bridge invocation (naive: ${f(t.naive.usersPerBridgeInvocation)}). ` +
      scaleRunNote(),
  );
  return out;
};

/** bench/scale-10000.md: the 10,000-user run, a run of its own (scripts/bench/e2e.ts writes it). */
export const SCALE_RESULT_FILE = path.join(REPO_ROOT, 'bench', 'scale-10000.md');

/** The committed 10,000-user run's headline, read from the table e2e.ts writes; what to run when there is none. */
export const scaleRunNote = (markdown: string | undefined = existsSync(SCALE_RESULT_FILE) ? readFileSync(SCALE_RESULT_FILE, 'utf8') : undefined): string => {
  const command = '`npm run -s bench -- --users 10000 > bench/scale-10000.md`';
  const cell = (label: string) =>
    markdown
      ?.split('\n')
      .map((line) => line.replace(/\*/g, ''))
      .find((line) => line.startsWith(`| ${label} |`))
      ?.split('|')[2]
      ?.trim();
  const perMinute = cell('users per minute');
  const elapsed = cell('elapsed');
  const runs = cell('syncs run / failed records / duplicate deliveries');
  const when = /^Run (\S+)/m.exec(markdown ?? '')?.[1];
  if (!perMinute || !elapsed || !runs || !when) return `10,000 users end to end: not run yet (${command}, about 20 minutes).`;
  const [synced, failed] = runs.split('/').map((n) => n.trim());
  return (
    `10,000 users end to end, a run of its own (${command}; [bench/scale-10000.md](scale-10000.md), run ${when}): ` +
    `${synced} syncs, ${failed} failed, in ${elapsed}: **${perMinute} user-syncs per minute**.`
  );
};
