/**
 * Push to the app, end to end: the real handlers publish events, the deliver-events
 * function (as deployed: its own IAM identity and timeout) POSTs them to a real HTTP
 * receiver on 127.0.0.1, which verifies every one with the standardwebhooks library.
 * Retries are driven round by round (`deliver({ dueNow })`: the backoff has passed on the
 * simulated clock), never by sleeping.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsApi } from '../../../functions/adapters/aws/secrets-api';
import { runWebhooksCli } from '../../../functions/adapters/webhooks/webhooks-cli';
import { type AppEventType, eventSchemas } from '../../../functions/core/events/schema';
import { WebhookReceiver } from '../../../scripts/local/webhook-receiver';
import { harnessForFile, PASSWORD, startHarness } from '../core/harness';
import { advance, connectAndBackfill, newAccount, recordedActivity, scheduledSync } from '../garmin/garmin-world';

const receiver = new WebhookReceiver();
const HOUR = 3600;
const DAY = 24 * HOUR;

// No real backoff: each test's `deliver({ dueNow: true })` is the passing of it.
const h = harnessForFile(async () => ({ webhookUrl: await receiver.start(), webhookBackoffSeconds: () => 0 }));
beforeAll(() => {
  receiver.useSecret(h.runtime.webhooks!.secret);
});
afterAll(() => receiver.stop());

const deliver = (dueNow = false) => h.runtime.webhooks!.deliver({ dueNow });
const eventsOf = (user: string) => receiver.delivered().filter((e) => e.userId === user);
const typesOf = (user: string) => eventsOf(user).map((e) => e.type);

/** Every event of the user's feed after `cursor`, following nextCursor; and the cursor to continue from. */
const readFeed = async (user: string, cursor?: string) => {
  const items: Array<Record<string, unknown>> = [];
  for (;;) {
    const answer = await h.api('GET /garmin/changes', { userId: user, query: { limit: '3', ...(cursor ? { cursor } : {}) } });
    expect(answer.status).toBe(200);
    items.push(...(answer.body.items as Array<Record<string, unknown>>));
    cursor = answer.body.nextCursor as string;
    if (!answer.body.hasMore) return { items, cursor };
  }
};

describe('webhooks', () => {
  it('every event type is delivered, verified by the standardwebhooks library, without credentials or tokens', async () => {
    // connection.connected, data.changed, backfill.completed
    const email = await newAccount(h, { seeded: true, days: 5 });
    // The seeded days may hold no activity (each day has none three times in ten): one for sure.
    await h.sim.addRawActivity(email, recordedActivity(h, 879_001, 1));
    const user = await connectAndBackfill(h, email);
    // sync.failing after three failed syncs in a row, sync.recovered at the next success
    await h.sim.fault({ account: email, endpoint: 'daily-summary', status: 503, count: 1000 });
    for (let i = 0; i < 3; i++) {
      await advance(h, HOUR);
      await scheduledSync(h, user);
    }
    await h.sim.clearFaults();
    await advance(h, HOUR);
    await scheduledSync(h, user);
    // connection.needs_reauth: refused tokens and no password to log in again with
    const other = await newAccount(h);
    const reauthUser = h.newUser();
    expect((await h.api('POST /garmin/connection', { userId: reauthUser, body: { username: other, password: PASSWORD, rememberPassword: false } })).status).toBe(201);
    await h.sim.revoke(other);
    await scheduledSync(h, reauthUser);
    // connection.disconnected
    expect((await h.api('DELETE /garmin/connection', { userId: reauthUser })).status).toBe(204);
    // connection.blocked: the tokens are refused and the re-login meets Garmin's block
    await h.sim.revoke(email);
    await h.sim.blockSso({ status: 429, accounts: [email] });
    await advance(h, HOUR);
    await scheduledSync(h, user);
    await h.sim.unblockSso();
    // The login gate closed for this runtime: let it open again for the tests that follow.
    await advance(h, 2 * HOUR);

    await deliver();
    const seen = new Set([...typesOf(user), ...typesOf(reauthUser)]);
    // tokens_expiring has its own test below (it needs weeks).
    expect([...seen].sort()).toEqual((Object.keys(eventSchemas().EVENT_SCHEMAS) as AppEventType[]).filter((t) => t !== 'connection.tokens_expiring').sort());
    expect(receiver.refused).toEqual([]);
    const byType = Object.fromEntries(eventsOf(user).map((e) => [e.type, e]));
    expect(byType['sync.failing']?.data).toMatchObject({ consecutiveFailures: 3 });
    expect(byType['sync.recovered']?.data).toEqual({ failuresBefore: 3 });
    expect(byType['connection.blocked']?.data.retryAt).toEqual(expect.any(String));
    expect(eventsOf(reauthUser).find((e) => e.type === 'connection.needs_reauth')?.data).toEqual({ reason: 'TOKEN_REJECTED' });
    const changed = eventsOf(user).filter((e) => e.type === 'data.changed');
    const added = changed.flatMap((e) => (e.data.activities as { added: string[] }).added);
    expect(added.length).toBeGreaterThan(0);
    expect((await h.api('GET /garmin/activities', { userId: user, query: { limit: '100' } })).body.items).toHaveLength(new Set(added).size);
    // Ids, dates, codes and times only.
    const bodies = receiver.requests.map((r) => r.body).join('\n');
    expect(bodies).not.toContain(PASSWORD);
    expect(bodies).not.toMatch(/token"\s*:|oauth|di_token|refresh_token/i);
  });

  it('a receiver that answers 500 and then 200 gets the event once delivered, with the same webhook-id', async () => {
    const email = await newAccount(h);
    const before = receiver.requests.length;
    let user = '';
    let refused = 0;
    // The first attempt of this user's connection.connected is answered 500.
    receiver.statusFor = (event) => (event.userId === user && event.type === 'connection.connected' && refused++ === 0 ? 500 : undefined);
    user = await connectAndBackfill(h, email);
    const connected = async () => receiver.requests.slice(before).filter((r) => r.event.userId === user && r.event.type === 'connection.connected');
    await deliver();
    expect((await connected()).map((r) => r.status)).toEqual([500]);
    await deliver(true);
    const attempts = await connected();
    expect(attempts.map((r) => r.status)).toEqual([500, 200]);
    expect(new Set(attempts.map((r) => r.id)).size).toBe(1);
    // Nothing more once delivered.
    await deliver(true);
    expect(await connected()).toHaveLength(2);
    expect(eventsOf(user).filter((e) => e.type === 'connection.connected')).toHaveLength(1);
    receiver.statusFor = undefined;
  });

  it('a receiver down for a simulated day gets everything afterwards', async () => {
    const email = await newAccount(h);
    receiver.defaultStatus = 503;
    const user = await connectAndBackfill(h, email);
    await h.sim.addRawActivity(email, recordedActivity(h, 880_001, 0));
    await advance(h, HOUR);
    await scheduledSync(h, user);
    for (let hours = 0; hours < 22; hours += 2) {
      await deliver(true);
      await advance(h, 2 * HOUR);
    }
    expect(typesOf(user)).toEqual([]);
    receiver.defaultStatus = 200;
    await deliver(true);
    expect(typesOf(user)).toEqual(expect.arrayContaining(['connection.connected', 'data.changed']));
    expect(eventsOf(user).flatMap((e) => (e.type === 'data.changed' ? (e.data.activities as { added: string[] }).added : []))).toContain('880001');
  });

  it('past the retry window an event is dead-lettered, and the operator\'s replay delivers it', async () => {
    const email = await newAccount(h);
    receiver.defaultStatus = 500;
    const user = await connectAndBackfill(h, email);
    for (let hours = 0; hours <= 26; hours += 2) {
      await deliver(true);
      await advance(h, 2 * HOUR);
    }
    receiver.defaultStatus = 200;
    // Nothing is left to retry: the event waits in the dead-letter queue.
    await deliver(true);
    expect(typesOf(user)).toEqual([]);
    const { queues } = h.runtime.webhooks!;
    const printed: string[] = [];
    await runWebhooksCli(['replay', '--dlq-url', queues.dlqUrl, '--queue-url', queues.queueUrl], { sqs: new SQSClient({}), secretsManager: secretsApi() }, (line) => printed.push(line));
    expect(printed.join()).toMatch(/replayed [1-9]\d* dead-lettered/);
    await deliver();
    expect(typesOf(user)).toContain('connection.connected');
  });

  it('the feed after a cursor holds exactly the webhooks since then, in order; after a disconnect the old cursor continues with it', async () => {
    const email = await newAccount(h, { seeded: true, days: 3 });
    const user = await connectAndBackfill(h, email);
    await deliver(true);
    const { cursor } = await readFeed(user);
    const deliveredBefore = new Set(eventsOf(user).map((e) => e.id));
    await h.sim.addRawActivity(email, recordedActivity(h, 880_102, 0));
    await advance(h, HOUR);
    await scheduledSync(h, user);
    await deliver(true);
    const webhooksSince = eventsOf(user).filter((e) => !deliveredBefore.has(e.id));
    const { items, cursor: next } = await readFeed(user, cursor);
    expect(items.length).toBeGreaterThan(0);
    expect(items.map((e) => e.id).sort()).toEqual(webhooksSince.map((e) => e.id).sort());
    // The feed carries the very events the webhooks did.
    for (const item of items) expect(webhooksSince.find((e) => e.id === item.id)).toEqual(item);
    expect(items.flatMap((e) => (e.type === 'data.changed' ? (e.data as { activities: { added: string[] } }).activities.added : []))).toContain('880102');

    // A disconnect erases the feed with the data: the cursor continues with the disconnect alone.
    expect((await h.api('DELETE /garmin/connection', { userId: user })).status).toBe(204);
    expect((await readFeed(user, next)).items.map((e) => e.type)).toEqual(['connection.disconnected']);
    expect((await readFeed(user)).items.map((e) => e.type)).toEqual(['connection.disconnected']);
  });

  it('tokens_expiring comes days before the simulator\'s refresh token dies', async () => {
    const email = await newAccount(h);
    // An access token that outlives the refresh token: syncs succeed and never refresh.
    const refreshTtl = 2_591_999;
    await h.sim.tokenLifetimes(email, { accessTtlSeconds: 40 * DAY, refreshTtlSeconds: refreshTtl });
    const user = await connectAndBackfill(h, email);
    const refreshDiesAt = h.clock.now().getTime() + refreshTtl * 1000;
    let warnedAt: number | undefined;
    for (let day = 0; day < 29 && warnedAt === undefined; day += 2) {
      await advance(h, 2 * DAY);
      await scheduledSync(h, user);
      await deliver(true);
      if (typesOf(user).includes('connection.tokens_expiring')) warnedAt = h.clock.now().getTime();
    }
    expect(warnedAt).toBeDefined();
    expect(refreshDiesAt - warnedAt!).toBeGreaterThan(7 * DAY * 1000);
    const warning = eventsOf(user).find((e) => e.type === 'connection.tokens_expiring')!;
    // The expected expiry, within the seconds between Garmin issuing the token and our storing it.
    expect(Math.abs(Date.parse(warning.data.expiresAt as string) - refreshDiesAt)).toBeLessThan(60_000);
    expect(typesOf(user).filter((t) => t === 'connection.tokens_expiring')).toHaveLength(1);
  });
});

describe('change feed', () => {
  it('a cursor older than the feed keeps answers 410 FEED_CURSOR_EXPIRED; another user\'s cursor 400', async () => {
    const email = await newAccount(h);
    const user = await connectAndBackfill(h, email);
    const { cursor } = await readFeed(user);
    const foreign = await h.api('GET /garmin/changes', { userId: h.newUser(), query: { cursor } });
    expect(foreign.status).toBe(400);
    await advance(h, 31 * DAY);
    const expired = await h.api('GET /garmin/changes', { userId: user, query: { cursor } });
    expect(expired.status).toBe(410);
    expect(expired.body.error?.code).toBe('FEED_CURSOR_EXPIRED');
  });
});

describe('webhook URL at runtime', () => {
  it('a private or metadata address is refused after resolution: nothing is posted, the event waits and is finally dead-lettered', async () => {
    const guarded = await startHarness({ webhookUrl: 'http://169.254.169.254/latest/meta-data/', webhookBackoffSeconds: () => 0 });
    try {
      const email = await newAccount(guarded);
      await connectAndBackfill(guarded, email);
      expect(await guarded.runtime.webhooks!.deliver({ dueNow: true })).toBe(0);
      await advance(guarded, DAY + HOUR);
      // Past the retry window: moved to the dead-letter queue (the round counts it as done).
      expect(await guarded.runtime.webhooks!.deliver({ dueNow: true })).toBeGreaterThan(0);
    } finally {
      await guarded.runtime.stop();
    }
  });
});
