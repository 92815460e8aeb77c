/** docs/cost-model.md, rendered by `npm run bench` from the run's measured units and summary.ts's prices and assumptions. */
import { LIMITS } from '../../functions/core/shared/limits';
import { DEFAULT_DISPATCH } from '../../functions/core/sync/dispatch-service';
import { DISPATCH_RATE_MINUTES, MEMORY_MB, SYNC_BATCH_SIZE, SYNC_BATCHING_WINDOW_SECONDS, SYNC_MAX_CONCURRENCY } from '../../infra/sizing';
import type { BenchResults } from './report';
import { ASSUMPTIONS, type Baseline, type CostInputs, PRICES, batchUsers, costInputs, costLines, fmt, naiveCostInputs, summarize, syncWriteUnits } from './summary';

const usd = (n: number): string => `$${n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 1 ? n.toFixed(2) : fmt(n)}`;
const perUser = (inputs: CostInputs): number => costLines(inputs).reduce((s, l) => s + l.usd, 0) / ASSUMPTIONS.users;

export const renderCostModel = (r: BenchResults, baseline: Baseline): string => {
  const ours = costInputs(r);
  const writes = syncWriteUnits(r);
  const naive = naiveCostInputs(r);
  const before = baseline.costInputs.ours;
  const summary = summarize(r);
  const a = ASSUMPTIONS;
  const lines: string[] = [];
  const row = (...cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(
    '# Cost model: AWS per user-month, from measured units',
    '',
    `Rendered by \`npm run bench\` (run ${r.meta.startedAt}; \`scripts/bench/cost-model.ts\`, prices and assumptions in ` +
      '`scripts/bench/summary.ts`): edit those, not this page. The measured units are the benchmark\'s simulated day of one ' +
      'caught-up user (Garmin requests, DynamoDB write and read units per scheduled sync, `bench/results.md`) and its ' +
      'many-user run (SQS requests, log bytes); what one machine ' +
      'cannot measure is listed under assumptions. `docs/cost.md` is the first estimate, from first principles, before any measurement.',
    '',
    `**Result: ${usd(summary.costPerUserMonthUsd)} per user-month** (\`costPerUserMonthUsd\`, at ${a.users.toLocaleString('en-US')} users, ` +
      `${fmt(ours.syncsPerUserDay)} scheduled syncs per user-day); before issue #14 ${usd(baseline.summary.costPerUserMonthUsd)}, ` +
      `the naive baseline ${usd(perUser(naive))}. Target ≤ $0.01.`,
    '',
    '## Prices (us-east-1, on-demand, arm64 Lambda; public price pages, 2025; verify before quoting)',
    '',
  );
  row('item', 'price');
  row('---', '---');
  row('Lambda', `$${PRICES.lambdaGbSecond} per GB-s; $${fmt(PRICES.lambdaRequest * 1e6)} per million requests`);
  row(
    'DynamoDB on-demand',
    `$${fmt(PRICES.writeRequestUnit * 1e6)} per million WRU; $${fmt(PRICES.readRequestUnit * 1e6)} per million RRU; storage $${PRICES.storageGbMonth} per GB-month, PITR $${PRICES.pitrGbMonth}`,
  );
  row('SQS standard', `$${fmt(PRICES.sqsRequest * 1e6)} per million requests`);
  row('EventBridge Scheduler', `$${fmt(PRICES.schedulerInvocation * 1e6)} per million invocations`);
  row('Secrets Manager', `$${PRICES.secretMonth} per secret-month; $${fmt(PRICES.secretsCall * 10_000)} per 10,000 calls`);
  row('CloudWatch Logs', `ingestion $${PRICES.logsIngestGb} per GB; storage $${PRICES.logsStoreGbMonth} per GB-month`);
  lines.push('', '## Measured inputs, per scheduled sync', '');
  row('', 'now', 'before #14', 'naive');
  row('---', '---', '---', '---');
  const cells = (f: (i: CostInputs) => number) => [fmt(f(ours)), fmt(f(before)), fmt(f(naive))];
  row('scheduled syncs per user-day', ...cells((i) => i.syncsPerUserDay));
  row('Garmin requests', ...cells((i) => i.garminRequestsPerSync));
  row('DynamoDB WRU', ...cells((i) => i.wruPerSync));
  row('DynamoDB RRU', ...cells((i) => i.rruPerSync));
  row('syncs per worker and bridge invocation', ...cells((i) => i.usersPerInvocation ?? 1));
  row("Garmin requests of an invocation's slowest sync", ...cells((i) => i.slowestCallRequests ?? i.garminRequestsPerSync));
  row(
    'SQS requests (send, receive, delete; before #14 assumed)',
    ...cells((i) => i.sqsRequestsPerSync ?? a.unmeasuredSqsRequestsPerSync),
  );
  row('CloudWatch Logs KB (before #14 assumed)', ...cells((i) => i.logKbPerSync ?? a.unmeasuredLogKbPerSync));
  lines.push(
    '',
    '## Assumptions (not measurable on one machine)',
    '',
    `* Garmin answers in **${a.garminLatencySeconds} s per request** (the simulator answers at once). Compute is billed per ` +
      `invocation: a sync worker takes a batch of up to ${SYNC_BATCH_SIZE} jobs and sends their fetches to the bridge as one invocation, ` +
      `which runs them side by side and so lasts about as long as its slowest one: that sync's requests × ${a.garminLatencySeconds} s + ` +
      `${a.bridgeOwnSeconds} s of its own; the worker the bridge's time + ${a.workerOwnSeconds} s (its records run in parallel). The ` +
      "slowest sync's requests are the expected largest of a batch drawn from the simulated day's per-sync counts.",
    `* Syncs per invocation: the mean the ${r.meta.users.toLocaleString('en-US')}-user run measured ` +
      `(${fmt(r.throughput.ours.usersPerBridgeInvocation)}, every user due at once), but no more than the batching window gathers at ` +
      `${a.users.toLocaleString('en-US')} users: each dispatch run's jobs arrive spread over ${DEFAULT_DISPATCH.spreadSeconds} s, and a batch takes ` +
      `what arrives within ${SYNC_BATCHING_WINDOW_SECONDS} s of its first (${fmt(batchUsers(a.users, ours.syncsPerUserDay))} here; ` +
      `${fmt(batchUsers(100, ours.syncsPerUserDay))} at 100 users, where batching saves less). Lambda bills each invocation's whole ` +
      'duration, rounded to the millisecond; a batch of failures (Garmin 429) is as long as its slowest failure.',
    `* Memory as deployed (\`infra/sizing.ts\`): bridge ${MEMORY_MB.bridge} MB, sync worker ${MEMORY_MB.syncWorker} MB, dispatch ${MEMORY_MB.dispatch} MB; ` +
      `dispatch every ${DISPATCH_RATE_MINUTES} min, ${a.dispatchSecondsPerRun} s a run.`,
    `* A dispatch run's service-wide writes (the Garmin budget's windows, ${fmt(writes.perRun)} WRU a run as measured) are shared by the users ` +
      `it claims: ${a.users.toLocaleString('en-US')} users × ${fmt(ours.syncsPerUserDay)} syncs a day / ${(24 * 60) / DISPATCH_RATE_MINUTES} runs ≈ ` +
      `${fmt(writes.claimsPerRun)} claims a run, so a sync's WRU above is its own ${fmt(writes.own)} + ${fmt(writes.perRun)} / ${fmt(writes.claimsPerRun)}.`,
    `* SQS and logs are measured in the ${r.meta.users.toLocaleString('en-US')}-user run: dispatch's SendMessageBatch calls per sync, the ` +
      'ReceiveMessage and DeleteMessageBatch calls per worker invocation (shared by the syncs of an invocation above), and the JSON lines ' +
      'the functions and the bridge wrote at INFO (`bench/results.json` `throughput.ours.sqsRequests`, `.logs`); added ' +
      `with what no local run shows: the event source mapping's idle long polls, ${a.sqsIdlePollers} pollers every ${a.sqsLongPollSeconds} s ` +
      `(a fixed cost), Lambda's own platform lines, ${a.platformLogBytesPerInvocation} bytes per invocation of the worker and the bridge, and ` +
      `CloudWatch's ${a.logEventOverheadBytes} bytes per log event. Before #14 both were assumed: ${a.unmeasuredSqsRequestsPerSync} SQS requests ` +
      `and ${a.unmeasuredLogKbPerSync} KB of logs per sync.`,
    `* Storage ${a.storageMbPerUser} MB per user; the keyring read every 5 min by ${a.warmWorkerContainers} warm worker containers.`,
    `* ${a.days}-day month, ${a.users.toLocaleString('en-US')} users; free tiers ignored.`,
    '',
    `## Arithmetic, ${a.users.toLocaleString('en-US')} users, one month`,
    '',
  );
  const nowLines = costLines(ours);
  const beforeLines = costLines(before);
  const naiveLines = costLines(naive);
  row('item', 'now: how', 'now', 'before #14', 'naive');
  row('---', '---', '---', '---', '---');
  nowLines.forEach((l, i) => row(l.item, l.how, usd(l.usd), usd(beforeLines[i]?.usd ?? 0), usd(naiveLines[i]?.usd ?? 0)));
  const total = (ls: typeof nowLines) => ls.reduce((s, l) => s + l.usd, 0);
  row('**total**', '', `**${usd(total(nowLines))}**`, usd(total(beforeLines)), usd(total(naiveLines)));
  row('per user', '', `**$${fmt(total(nowLines) / a.users)}**`, `$${fmt(total(beforeLines) / a.users)}`, `$${fmt(total(naiveLines) / a.users)}`);
  const garminPerMonth = (i: CostInputs) => i.syncsPerUserDay * a.days * a.users * i.garminRequestsPerSync;
  lines.push(
    '',
    `Garmin's side, per month and ${a.users.toLocaleString('en-US')} users: ${fmt(garminPerMonth(ours) / 1e6)} M requests now, ` +
      `${fmt(garminPerMonth(before) / 1e6)} M before #14, ${fmt(garminPerMonth(naive) / 1e6)} M for the naive baseline (one SSO login per sync among them).`,
    '',
    `Fixed per month, whatever the number of users: the keyring secret ($${PRICES.secretMonth}), the scheduler ` +
      `(${usd(nowLines.find((l) => l.item === 'EventBridge Scheduler')?.usd ?? 0)}), the queue's idle polls ` +
      `(${usd(((a.sqsIdlePollers * a.days * 86_400) / a.sqsLongPollSeconds) * PRICES.sqsRequest)}) and dispatch's own compute; everything else ` +
      `scales with the users, so the per-user figure holds at 100,000 users.`,
    '',
  );
  lines.push(...capacity(ours));
  return `${lines.join('\n')}\n`;
};

/** What bounds the number of users before money does: Garmin's budget, then our own settings (today's values). */
const capacity = (ours: CostInputs): string[] => {
  const syncsPerUserHour = ours.syncsPerUserDay / 24;
  const perInvocation = ours.usersPerInvocation ?? 1;
  const workerSeconds = (ours.slowestCallRequests ?? ours.garminRequestsPerSync) * ASSUMPTIONS.garminLatencySeconds + ASSUMPTIONS.bridgeOwnSeconds + ASSUMPTIONS.workerOwnSeconds;
  const users = (syncsPerHour: number) => Math.floor(syncsPerHour / syncsPerUserHour).toLocaleString('en-US');
  const lines = [
    '## What bounds the number of users: Garmin, then our own settings',
    '',
    `At ${fmt(syncsPerUserHour)} scheduled syncs per user-hour (the run's cadence), with today's settings:`,
    '',
    '| setting | today | users it admits |',
    '| --- | --- | --- |',
    `| \`LIMITS.garminRequestsPerMinute\` (dispatch reserves \`estimatedRequestsPerSync\` = ${LIMITS.estimatedRequestsPerSync} per sync) | ${LIMITS.garminRequestsPerMinute.toLocaleString('en-US')} | ${users((LIMITS.garminRequestsPerMinute * 60) / LIMITS.estimatedRequestsPerSync)} |`,
    `| \`DEFAULT_DISPATCH.maxPerRun\`, a run every ${DISPATCH_RATE_MINUTES} min | ${DEFAULT_DISPATCH.maxPerRun.toLocaleString('en-US')} per run | ${users((DEFAULT_DISPATCH.maxPerRun * 60) / DISPATCH_RATE_MINUTES)} |`,
    `| \`SYNC_MAX_CONCURRENCY\` workers of ${fmt(perInvocation)} syncs (a batch holds a worker ≈ ${fmt(workerSeconds)} s with Garmin's latency) | ${SYNC_MAX_CONCURRENCY} | ${users((SYNC_MAX_CONCURRENCY * perInvocation * 3600) / workerSeconds)} |`,
    '',
    'Each must be raised together with Garmin\'s tolerance to go further; the benchmark\'s "Dispatch at scale" shows one run ' +
      'claiming tens of thousands without a hot partition.',
    '',
  ];
  return lines;
};
