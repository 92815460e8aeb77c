/**
 * The sync worker's batches through the real bridge (stdio, as the deployed worker's one
 * Lambda invocation per SQS batch), the simulator and DynamoDB Local: one bridge invocation
 * per batch, each user's result stored for that user, one user's Garmin failure that user's
 * alone, a crashed invocation failing only the records it held (redelivered, nothing lost),
 * and a batch of big backfills within Lambda's 6 MB answer.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AWS_LIMITS } from '../../../functions/core/shared/aws-limits';
import { killBridgeProcess } from '../../../scripts/local/fault-injection';
import { harnessForFile, PASSWORD } from '../core/harness';
import { claimedJob } from '../../support/claim';
import { eventually, garminAccount, type GarminHolds, lost, requests, toAfternoon, upload } from '../faults/fault-world';
import { newAccount, readActivities, recordedActivity } from '../garmin/garmin-world';

// A failed record is visible again at once: the next drain is SQS's redelivery.
const h = harnessForFile({ syncVisibilityTimeoutSeconds: 0 });

beforeEach(async () => {
  await h.sim.clearFaults();
  await toAfternoon(h);
});

interface Connected {
  holds: GarminHolds;
  user: string;
}

/** `n` Garmin accounts with data, each connected (password kept or not) and backfilled. */
const connectedUsers = async (n: number, rememberPassword = true): Promise<Connected[]> => {
  const users: Connected[] = [];
  for (let i = 0; i < n; i++) {
    const holds = await garminAccount(h, 2);
    const user = h.newUser();
    const body = { username: holds.email, password: PASSWORD, rememberPassword };
    expect((await h.api('POST /garmin/connection', { userId: user, body })).status).toBe(201);
    users.push({ holds, user });
  }
  await h.runtime.drainQueue();
  await h.sim.resetCounters();
  return users;
};

/** What dispatch enqueues for these due connections, in one send. */
const scheduledJobs = async (users: Connected[]): Promise<void> => {
  const { schedules, queue, clock } = h.runtime.services.deps;
  await queue.enqueue(await Promise.all(users.map(({ user }) => claimedJob(schedules, user, clock.now()))));
};

/** The bridge invocations that carried fetches from here on, as the number of fetches each carried. */
const fetchInvocations = () => {
  const mark = h.runtime.bridge.stats.fetchesPerInvocation.length;
  return () => h.runtime.bridge.stats.fetchesPerInvocation.slice(mark);
};

const connection = (user: string) => h.runtime.services.deps.connections.get(user);

describe('sync batches', () => {
  it("makes one bridge invocation for a batch of users' syncs and stores each user's own data", async () => {
    const users = await connectedUsers(4);
    for (const { holds } of users) await upload(h, holds);
    const invocations = fetchInvocations();

    await scheduledJobs(users);
    const run = await h.runtime.work();

    expect(run).toMatchObject({ processed: 4, failed: 0 });
    expect(invocations()).toEqual([4]);
    for (const { holds, user } of users) {
      expect(await lost(h, user, holds)).toEqual({ activities: 0, days: 0 });
      expect(await connection(user)).toMatchObject({ status: 'active', consecutiveFailures: 0 });
    }
  });

  it("keeps one user's 429, 5xx or rejected tokens from the others' syncs", async () => {
    const [limited, failing, revoked, fine] = (await connectedUsers(4, false)) as [Connected, Connected, Connected, Connected];
    for (const { holds } of [limited, failing, revoked, fine]) await upload(h, holds);
    await h.sim.fault({ account: limited.holds.email, endpoint: 'activities', status: 429, retryAfter: 600 });
    await h.sim.fault({ account: failing.holds.email, endpoint: 'activities', status: 503 });
    await h.sim.revoke(revoked.holds.email);
    const invocations = fetchInvocations();

    await scheduledJobs([limited, failing, revoked, fine]);
    const run = await h.runtime.work();

    // Garmin failures are the connections' to handle, never a failed record.
    expect(run).toMatchObject({ processed: 4, failed: 0 });
    expect(invocations()).toEqual([4]);
    expect(await connection(limited.user)).toMatchObject({ status: 'backing_off', lastError: { code: 'RATE_LIMITED' } });
    expect(await connection(failing.user)).toMatchObject({ status: 'backing_off', lastError: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(await connection(revoked.user)).toMatchObject({ status: 'needs_reauth', isActive: false });
    expect(await connection(fine.user)).toMatchObject({ status: 'active', consecutiveFailures: 0 });
    expect(await lost(h, fine.user, fine.holds)).toEqual({ activities: 0, days: 0 });
  });

  it('fails only the records a crashed invocation held; their redelivery loses nothing', async () => {
    const [bystander, ...users] = (await connectedUsers(4)) as [Connected, ...Connected[]];
    for (const { holds } of users) await upload(h, holds);
    // Another user's stale delivery of an earlier job in the same SQS batch: it needs no bridge.
    const { queue } = h.runtime.services.deps;
    await queue.enqueue([{ userId: bystander.user, reason: 'scheduled', dueAt: '2000-01-01T00:00:00.000Z' }]);
    // Garmin holds the day reads; the bridge dies while they are in flight.
    for (const { holds } of users) await h.sim.fault({ account: holds.email, endpoint: 'daily-summary', latencyMs: 2000 });
    await scheduledJobs(users);
    const invocations = fetchInvocations();

    // The one SQS batch of four, and no redelivery yet.
    const working = h.runtime.work({ target: 4 });
    await eventually('the day reads at Garmin', async () => {
      const counts = await Promise.all(users.map(({ holds }) => requests(h, holds.email, 'daily-summary')));
      return counts.every((n) => n >= 1);
    });
    killBridgeProcess();
    const crashed = await working;
    await h.sim.clearFaults();

    // The three syncs in the invocation failed; the stale job beside them did not.
    expect(crashed).toMatchObject({ processed: 4, failed: 3 });
    expect(invocations()).toEqual([3]);
    // SQS redelivers them; a new bridge process syncs them in one invocation.
    expect(await h.runtime.work()).toMatchObject({ processed: 3, failed: 0 });
    expect(invocations()).toEqual([3, 3]);
    for (const { holds, user } of users) {
      expect(await lost(h, user, holds)).toEqual({ activities: 0, days: 0 });
      const synced = await connection(user);
      expect(synced?.status).toBe('active');
      expect(synced?.lastError).toBeUndefined();
    }
  });

  it("keeps a batch of big backfills within Lambda's 6 MB answer, and loses nothing", async () => {
    const PER_USER = 600;
    const accounts: Array<{ email: string; sent: Array<Record<string, unknown>> }> = [];
    for (let a = 0; a < 3; a++) {
      const email = await newAccount(h);
      // Seven a day over the backfill window, oldest first: about 2.7 MB of Garmin JSON each.
      const sent = Array.from({ length: PER_USER }, (_, n) => recordedActivity(h, 50_000_000 + a * 10_000 + n, 88 - Math.floor(n / 7)));
      for (let i = 0; i < sent.length; i += 50) {
        await Promise.all(sent.slice(i, i + 50).map((activity) => h.sim.addRawActivity(email, activity as Parameters<typeof h.sim.addRawActivity>[1])));
      }
      accounts.push({ email, sent });
    }
    expect(JSON.stringify(accounts.map((a) => a.sent)).length).toBeGreaterThan(AWS_LIMITS.lambdaSyncPayloadBytes);
    const users: string[] = [];
    for (const { email } of accounts) {
      const user = h.newUser();
      expect((await h.api('POST /garmin/connection', { userId: user, body: { username: email, password: PASSWORD } })).status).toBe(201);
      users.push(user);
    }
    const invocations = fetchInvocations();

    // The backfill chunks of the three users, batch after batch (the stdio bridge enforces the 6 MB each way).
    const run = await h.runtime.work({ stopOnFailedBatch: true });

    expect(run.failed).toBe(0);
    expect(Math.max(...invocations())).toBe(3);
    for (const [i, user] of users.entries()) {
      const read = await readActivities(h, user);
      expect(read.size).toBe(PER_USER);
      expect(read.get(String(50_000_000 + i * 10_000 + 321))).toEqual(accounts[i]?.sent[321]);
      expect((await connection(user))?.cursors.backfillDone).toBe(true);
    }
  });
});
