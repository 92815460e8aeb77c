/** Users for the benchmark: one connected through the API, the rest seeded as caught-up copies of it with tokens of their own. */
import type { ConnectionRecord, GarminObject } from '../../functions/core/shared/ports';
import type { BenchRuntime } from './runtime';

export const ATHLETE = 'athlete@example.com';
export const PASSWORD = 'correct-horse';
const MINUTE = 60_000;

export const connectViaApi = async (rt: BenchRuntime, userId: string): Promise<void> => {
  const answer = await rt.api('POST /garmin/connection', { userId, body: { username: ATHLETE, password: PASSWORD } });
  if (answer.status !== 201) throw new Error(`connect answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  await rt.settleConnectWorkers();
};

const login = async (rt: BenchRuntime): Promise<string> => {
  const answer = await rt.services.deps.bridge.call({ op: 'login', username: ATHLETE, password: PASSWORD });
  if (!answer.ok || !answer.tokens) throw new Error('seeding login failed');
  return answer.tokens;
};

/** A connection as if connected and caught up: tokens from a real login (its own unless given), cursors copied from a caught-up user. */
export const seedUser = async (rt: BenchRuntime, template: ConnectionRecord, userId: string, profile: GarminObject | undefined, tokens?: string): Promise<void> => {
  const { deps } = rt.services;
  const blob = tokens ?? (await login(rt));
  await deps.connections.put({
    ...template,
    userId,
    password: await deps.vault.encrypt(userId, 'password', PASSWORD),
    tokens: await deps.vault.encrypt(userId, 'tokens', blob),
    nextSyncTime: new Date(rt.clock.now().getTime() - MINUTE).toISOString(),
    lastError: undefined,
    version: 1,
  });
  if (profile) await deps.data.putProfile(userId, profile, rt.clock.now());
};

const BATCH = 50;

/**
 * `count` caught-up users, each with tokens of its own login, or with `logins` fewer: the token
 * blobs of that many real logins, shared round robin (a login per user is most of the seeding
 * time at 10,000 users; access tokens outlive the run, so no sync refreshes a shared blob).
 */
export const seedUsers = async (rt: BenchRuntime, template: ConnectionRecord, profile: GarminObject | undefined, count: number, logins = count): Promise<string[]> => {
  const ids = Array.from({ length: count }, (_, i) => `bench-user-${String(i).padStart(5, '0')}`);
  const blobs: string[] = [];
  if (logins < count) for (let i = 0; i < logins; i += BATCH) blobs.push(...(await Promise.all(Array.from({ length: Math.min(BATCH, logins - i) }, () => login(rt)))));
  for (let i = 0; i < ids.length; i += BATCH) {
    await Promise.all(ids.slice(i, i + BATCH).map((userId, j) => seedUser(rt, template, userId, profile, blobs[(i + j) % Math.max(1, blobs.length)])));
  }
  return ids;
};
