/**
 * The schedule item end to end (handlers, queue, bridge, simulator, DynamoDB Local with the
 * synthesized IAM): a connection an older version scheduled keeps syncing, and the app's reads
 * pull the schedule with at most one write per window.
 */
import { GetCommand, UpdateCommand } from '../../../functions/adapters/dynamo/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/dynamo/client';
import { dueShardOf, scheduleKey } from '../../../functions/adapters/dynamo/schedule-store';
import { LIMITS } from '../../../functions/core/shared/limits';
import { advance, connectAndBackfill, newAccount } from '../garmin/garmin-world';
import { harnessForFile } from './harness';

const h = harnessForFile();
beforeEach(async () => h.sim.reset());

const doc = createDocumentClient();
const raw = async (key: Record<string, string>) =>
  (await doc.send(new GetCommand({ TableName: h.runtime.tables.connections, Key: key, ConsistentRead: true }))).Item;

describe('the schedule item', () => {
  it('keeps a connection an older version scheduled on its connection item syncing: dispatch moves it into the schedule item', async () => {
    const user = await connectAndBackfill(h, await newAccount(h));
    const before = await h.runtime.services.deps.connections.get(user);
    // As the version before the schedule item left it: due on the connection item, no schedule item.
    const due = new Date(h.clock.now().getTime() - 60_000).toISOString();
    await doc.send(
      new UpdateCommand({
        TableName: h.runtime.tables.connections,
        Key: scheduleKey(user),
        UpdateExpression: 'REMOVE due_at, next_sync_time, due_shard, last_sync_time, probed_at',
      }),
    );
    await doc.send(
      new UpdateCommand({
        TableName: h.runtime.tables.connections,
        Key: { user_id: user },
        UpdateExpression: 'SET next_sync_time = :due, due_shard = :shard, last_sync_time = :last',
        ExpressionAttributeValues: { ':due': due, ':shard': dueShardOf(user), ':last': before?.lastSyncTime },
      }),
    );
    expect((await h.runtime.services.deps.connections.get(user))?.nextSyncTime).toBe(due);

    const dispatched = await h.runtime.dispatch({ spreadSeconds: 0 });
    expect(dispatched.claimed).toBe(1);
    await h.runtime.drainQueue();

    const after = await h.runtime.services.deps.connections.get(user);
    expect(after?.lastSyncTime && after.lastSyncTime > (before?.lastSyncTime ?? '')).toBe(true);
    expect(after?.nextSyncTime && after.nextSyncTime > h.clock.now().toISOString()).toBe(true);
    expect(await raw({ user_id: user })).not.toHaveProperty('next_sync_time');
    // Due in 15 minutes: the index key stays where the claim put it, dispatch looks until then.
    expect(await raw(scheduleKey(user))).toMatchObject({ due_at: after?.nextSyncTime, next_sync_time: due, due_shard: dueShardOf(user) });
    expect(await raw(scheduleKey(user))).not.toHaveProperty('lease_owner');
    // Once, not again: nobody is due now.
    expect((await h.runtime.dispatch({ spreadSeconds: 0 })).claimed).toBe(0);
  });

  it('app reads pull a later due time to the short cadence, with one write per user and window', async () => {
    const user = await connectAndBackfill(h, await newAccount(h));
    const later = new Date(h.clock.now().getTime() + 3 * 3600_000).toISOString();
    await doc.send(
      new UpdateCommand({ TableName: h.runtime.tables.connections, Key: scheduleKey(user), UpdateExpression: 'SET due_at = :later, next_sync_time = :later', ExpressionAttributeValues: { ':later': later } }),
    );
    const from = new Date(h.clock.now().getTime() - 7 * 86_400_000).toISOString().slice(0, 10);
    const to = h.clock.now().toISOString().slice(0, 10);

    const readFrom = h.clock.now().toISOString();
    expect((await h.api('GET /garmin/energy', { userId: user, query: { from, to } })).status).toBe(200);
    const pulled = await raw(scheduleKey(user));
    const readAt = String(pulled?.read_at);
    expect(readAt >= readFrom && readAt <= h.clock.now().toISOString()).toBe(true);
    const soon = new Date(Date.parse(readAt) + LIMITS.syncIntervalSeconds * 1000).toISOString();
    expect(pulled).toMatchObject({ due_at: soon, next_sync_time: soon });
    expect((await h.api('GET /garmin/connection', { userId: user })).body).toMatchObject({ connection: { nextSyncTime: soon } });

    // Further reads within the window write nothing, even after the due time moved away again.
    await doc.send(
      new UpdateCommand({ TableName: h.runtime.tables.connections, Key: scheduleKey(user), UpdateExpression: 'SET due_at = :later, next_sync_time = :later', ExpressionAttributeValues: { ':later': later } }),
    );
    await advance(h, 60);
    expect((await h.api('GET /garmin/activities', { userId: user })).status).toBe(200);
    expect((await h.api('GET /garmin/sleep', { userId: user, query: { from, to } })).status).toBe(200);
    expect(await raw(scheduleKey(user))).toMatchObject({ due_at: later, next_sync_time: later });

    // A bad request records nothing.
    await advance(h, LIMITS.cadenceReadWindowSeconds);
    expect((await h.api('GET /garmin/activities', { userId: user, query: { cursor: 'forged' } })).status).toBe(400);
    expect(await raw(scheduleKey(user))).toMatchObject({ due_at: later, next_sync_time: later });
  });

  it('a sync’s end moves the due index only for a due time over an hour ahead or before the index looks; dispatch looks at the others without claiming', async () => {
    const user = await connectAndBackfill(h, await newAccount(h));
    const { schedules } = h.runtime.services.deps;
    const now = h.clock.now();
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
    const endAt = async (due: string, lookAt: string) => {
      expect(await schedules.acquire(user, 'a-sync', at(300), now)).toBeDefined();
      expect(await schedules.end(user, 'a-sync', { nextSyncTime: due }, { lookAt, now })).toBe(true);
      return raw(scheduleKey(user));
    };
    // As a claim leaves it: due, and the index looking, a minute ago.
    await doc.send(
      new UpdateCommand({
        TableName: h.runtime.tables.connections,
        Key: scheduleKey(user),
        UpdateExpression: 'SET due_at = :looked, next_sync_time = :looked',
        ExpressionAttributeValues: { ':looked': at(-60) },
      }),
    );
    // Within the hour: only the due time moves; the index still looks at the past minute.
    expect(await endAt(at(900), at(-60))).toMatchObject({ due_at: at(900), next_sync_time: at(-60) });
    await h.runtime.dispatch({ spreadSeconds: 0 });
    expect((await schedules.get(user))?.lease).toBeUndefined();
    // A night ahead: the key moves, dispatch stops looking until then.
    expect(await endAt(at(3 * 3600), at(-60))).toMatchObject({ due_at: at(3 * 3600), next_sync_time: at(3 * 3600) });
    // Earlier than the index looks: it must look then.
    expect(await endAt(at(600), at(3 * 3600))).toMatchObject({ due_at: at(600), next_sync_time: at(600) });
    // Due: claimed at the next look.
    await advance(h, 601);
    await h.runtime.dispatch({ spreadSeconds: 0 });
    expect((await schedules.get(user))?.lease).toBeDefined();
    await h.runtime.drainQueue();
  });

  it('an app read pulls the due time alone when the index already looks earlier', async () => {
    const user = await connectAndBackfill(h, await newAccount(h));
    const looked = new Date(h.clock.now().getTime() - 60_000).toISOString();
    const later = new Date(h.clock.now().getTime() + 3 * 3600_000).toISOString();
    await doc.send(
      new UpdateCommand({
        TableName: h.runtime.tables.connections,
        Key: scheduleKey(user),
        UpdateExpression: 'SET due_at = :later, next_sync_time = :looked',
        ExpressionAttributeValues: { ':later': later, ':looked': looked },
      }),
    );
    expect((await h.api('GET /garmin/activities', { userId: user })).status).toBe(200);
    const pulled = await raw(scheduleKey(user));
    expect(pulled?.next_sync_time).toBe(looked);
    expect(Date.parse(String(pulled?.due_at))).toBeLessThanOrEqual(h.clock.now().getTime() + LIMITS.syncIntervalSeconds * 1000);
  });
});
