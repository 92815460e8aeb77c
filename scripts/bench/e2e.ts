/**
 * `npm run bench -- --users 10000`: that many connected users end to end on this machine, as
 * deployed: dispatch runs → SQS (ElasticMQ) → sync workers taking batches of 10 → one bridge
 * invocation per batch (stdio bridge processes) → the Garmin simulator, DynamoDB Local metered.
 * Prints users per minute, failures (must be 0), Garmin requests, DynamoDB units, SQS requests,
 * log bytes and the batching figures as markdown on stdout (`> bench/scale-10000.md` keeps it).
 * Not part of the default `npm run bench` (it takes about 15 minutes on 2 cores).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { SimulatorClient } from '../../test/support/simulator-client';
import { processTable } from '../local/process-table';
import { diffSnapshots, totals } from './ddb-meter';
import { diffLogs } from './log-meter';
import { startBenchRuntime } from './runtime';
import { ATHLETE, connectViaApi, seedUsers } from './seed';
import { startBenchStack } from './stack';

const flag = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number ≥ 1`);
  return value;
};

const USERS = flag('users', 10_000);
/** Sync-worker instances receiving at once, and bridge processes (Lambda instances of the bridge). */
const WORKERS = flag('workers', 10);
const BRIDGES = flag('bridges', 2);
/** Distinct real logins whose tokens the seeded users share (see seedUsers). */
const LOGINS = flag('logins', Math.min(USERS, 200));
const MINUTE = 60_000;

const log = (line: string) => process.stderr.write(`[bench:e2e] ${line}\n`);

/** CPU seconds used so far by each process group (an emulator's, or this process's with its bridges), from /proc. */
const cpuSecondsByGroup = (): Map<number, number> => {
  const out = new Map<number, number>();
  for (const { group, cpuSeconds } of processTable()) out.set(group, (out.get(group) ?? 0) + cpuSeconds);
  return out;
};

const stack = await startBenchStack();
const sim = new SimulatorClient(stack.simulator.endpoint);
const rt = await startBenchRuntime({ prefix: `e2e-${randomUUID().slice(0, 8)}`, garminBaseUrl: stack.simulator.endpoint, bridgeProcesses: BRIDGES });
try {
  // Access tokens outlive the run: no sync refreshes (and rotates) a blob that users share.
  await sim.tokenTtl(ATHLETE, 30 * 86_400);
  log('one user connected through the API and backfilled: the template of the others');
  await connectViaApi(rt, 'e2e-template');
  await rt.work({ workers: 1, idleMs: 2000 });
  const { connections, data } = rt.services.deps;
  const template = await connections.get('e2e-template');
  if (!template?.cursors.backfillDone) throw new Error('the template user did not finish its backfill');
  const profile = (await data.getProfile('e2e-template'))?.profile;
  await connections.delete('e2e-template');

  log(`seeding ${USERS} caught-up users (${LOGINS} real logins)`);
  const seedStarted = performance.now();
  const users = await seedUsers(rt, template, profile, USERS, LOGINS);
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  log(`${USERS} users through dispatch → SQS → ${WORKERS} workers (batches of 10) → ${BRIDGES} bridge processes`);
  await sim.resetCounters();
  const ddbBefore = rt.meter.snapshot();
  const logsBefore = rt.logs.snapshot();
  const sqsBefore = { ...rt.sqsCalls };
  const invocationMark = rt.bridge.stats.fetchesPerInvocation.length;
  const cpuBefore = cpuSecondsByGroup();
  const started = performance.now();
  // Dispatch runs as deployed (at most DEFAULT_DISPATCH.maxPerRun claims each, well within its
  // timeout), back to back instead of every 5 minutes, until nothing is due; workers receive
  // meanwhile, as on AWS. No Garmin budget holds syncs back here.
  const dispatched = { claimed: 0, runs: 0, done: false };
  const dispatching = (async () => {
    for (;;) {
      const d = await rt.dispatch({ spreadSeconds: 0, requestsPerMinute: 1_000_000_000 });
      dispatched.runs++;
      dispatched.claimed += d.claimed;
      if (d.claimed === 0) break;
    }
    dispatched.done = true;
  })();
  const [, run] = await Promise.all([
    dispatching,
    // The queue may stay empty while a dispatch run claims: the goal, not idleness, ends the work.
    rt.work({ workers: WORKERS, target: () => (dispatched.done ? dispatched.claimed : Number.POSITIVE_INFINITY), idleMs: 120_000 }),
  ]);
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuSecondsByGroup();
  const cpuOf = (group: number) => (cpuAfter.get(group) ?? 0) - (cpuBefore.get(group) ?? 0);
  const ownGroup = processTable().find((p) => p.pid === process.pid)?.group ?? process.pid;
  const cpu: Array<[string, number]> = [
    ['handlers, dispatch and the receive loop (node) with the 2 bridge processes (Python)', cpuOf(ownGroup)],
    ['DynamoDB Local', cpuOf(stack.dynamodb.pid)],
    ['ElasticMQ (SQS)', cpuOf(stack.sqs.pid)],
    ['Garmin simulator', cpuOf(stack.simulator.pid)],
  ];
  const ddb = totals(diffSnapshots(rt.meter.snapshot(), ddbBefore));
  const logs = diffLogs(rt.logs.snapshot(), logsBefore);
  const sends = (rt.sqsCalls['dispatch:SendMessageBatch'] ?? 0) - (sqsBefore['dispatch:SendMessageBatch'] ?? 0);
  const counters = await sim.counters();
  const invocations = rt.bridge.stats.fetchesPerInvocation.slice(invocationMark);

  // Every user synced now, as the connections say (not the worker's word for it).
  const syncedAfter = rt.clock.now().getTime() - seconds * 1000 - MINUTE;
  let synced = 0;
  for (let i = 0; i < users.length; i += 100) {
    const read = await Promise.all(users.slice(i, i + 100).map((userId) => connections.get(userId)));
    synced += read.filter((c) => c?.status === 'active' && Date.parse(c.lastSyncTime ?? '') >= syncedAfter).length;
  }
  const unique = Math.max(1, run.processed - run.duplicates);
  const perSync = (n: number) => (n / unique).toFixed(3);
  const logBytes = (source: keyof typeof logs) => `${(logs[source].bytes / unique).toFixed(0)} B in ${(logs[source].lines / unique).toFixed(2)} lines`;
  const rows: Array<[string, string]> = [
    ['users (seeded in)', `${USERS} (${seedSeconds.toFixed(0)} s, ${LOGINS} real logins)`],
    ['claimed by dispatch (runs)', `${dispatched.claimed} (${dispatched.runs})`],
    ['syncs run / failed records / duplicate deliveries', `${run.processed - run.duplicates} / ${run.failed} / ${run.duplicates}`],
    ['connections synced (active, synced in this run)', String(synced)],
    ['elapsed', `${seconds.toFixed(1)} s`],
    ['**users per minute**', `**${Math.round((unique / seconds) * 60).toLocaleString('en-US')}**`],
    ['bridge invocations / users per invocation', `${invocations.length} / ${(invocations.reduce((s, n) => s + n, 0) / Math.max(1, invocations.length)).toFixed(2)}`],
    ['Garmin requests per sync / logins', `${(counters.total / unique).toFixed(2)} / ${counters.byEndpoint['sso-login'] ?? 0}`],
    ['DynamoDB WRU / RRU per sync', `${(ddb.wru / unique).toFixed(2)} / ${(ddb.rru / unique).toFixed(2)}`],
    ['DynamoDB WRU / RRU in all', `${Math.round(ddb.wru).toLocaleString('en-US')} / ${Math.round(ddb.rru).toLocaleString('en-US')}`],
    [
      'SQS requests per sync: SendMessageBatch / ReceiveMessage with messages / DeleteMessageBatch (idle receives)',
      `${perSync(sends)} / ${perSync(run.receives)} / ${perSync(run.deleteBatches)} = **${perSync(sends + run.receives + run.deleteBatches)}** (${run.emptyReceives})`,
    ],
    [
      'log bytes per sync (JSON lines at INFO, Lambda platform lines aside): dispatch and sync worker / their EMF metrics / bridge',
      `${logBytes('functions')} / ${logBytes('metrics')} / ${logBytes('bridge')}`,
    ],
    [
      `CPU seconds of the ${seconds.toFixed(0)} s (${os.cpus().length} cores: ${(os.cpus().length * seconds).toFixed(0)} available, shared with whatever else runs)`,
      cpu.map(([name, s]) => `${name} ${s.toFixed(0)}`).join('; '),
    ],
  ];
  process.stdout.write(
    [
      `## ${USERS.toLocaleString('en-US')} users end to end`,
      '',
      `Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, by ` +
        `\`npm run -s bench -- --users ${USERS} > bench/scale-${USERS}.md\` (scripts/bench/e2e.ts): dispatch runs back to back (every user due ` +
        `at once, no jitter) → SQS (ElasticMQ) → ${WORKERS} sync workers taking batches of 10 → ${BRIDGES} stdio bridge processes → the Garmin ` +
        'simulator (answering at once), DynamoDB Local metered, the AWS rules enforced.',
      '',
      '| | |',
      '|---|---|',
      ...rows.map(([k, v]) => `| ${k} | ${v} |`),
      '',
    ].join('\n'),
  );
  if (run.failed > 0 || synced < USERS) {
    log(`FAILED: ${run.failed} failed records, ${USERS - synced} users not synced`);
    process.exitCode = 1;
  }
} finally {
  await rt.stop().catch(() => undefined);
  await stack.stopAll();
}
