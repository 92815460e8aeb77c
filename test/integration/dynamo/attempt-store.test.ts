import { GetCommand, PutCommand, UpdateCommand } from '../../../functions/adapters/dynamo/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoAttemptStore } from '../../../functions/adapters/dynamo/attempt-store';
import { MFA_MAILBOX_FIELDS as MAILBOX } from '../../../functions/core/shared/bridge-protocol';
import type { AttemptRecord } from '../../../functions/core/shared/ports';
import { createTestTables, scanAll, type TestTables } from './tables';

let tables: TestTables;
let store: DynamoAttemptStore;

beforeAll(async () => {
  tables = await createTestTables();
  store = new DynamoAttemptStore(tables.doc, tables.names.attempts);
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
let counter = 0;
const ids = () => ({ userId: `user-${++counter}`, attemptId: `attempt-${counter}` });

const attempt = (userId: string, attemptId: string, overrides: Partial<AttemptRecord> = {}): AttemptRecord => ({
  userId,
  attemptId,
  status: 'pending',
  credentials: 'v1:ciphertext-credentials',
  rememberPassword: true,
  mfaSubmissions: 0,
  createdAt: new Date().toISOString(),
  expiresAt: nowSeconds() + 900,
  ...overrides,
});

const rawItem = async (userId: string, attemptId: string) =>
  (
    await tables.doc.send(
      new GetCommand({
        TableName: tables.names.attempts,
        Key: { [MAILBOX.partitionKey]: userId, [MAILBOX.sortKey]: attemptId },
        ConsistentRead: true,
      }),
    )
  ).Item;

/** What the Python bridge does when Garmin asks for a code (mailbox.py mark_mfa_required). */
const bridgeMarksMfaRequired = (userId: string, attemptId: string) =>
  tables.doc.send(
    new UpdateCommand({
      TableName: tables.names.attempts,
      Key: { [MAILBOX.partitionKey]: userId, [MAILBOX.sortKey]: attemptId },
      UpdateExpression: 'SET #s = :s, #r = :now REMOVE #c, #cid',
      ExpressionAttributeNames: { '#s': MAILBOX.status, '#r': MAILBOX.requestedAt, '#c': MAILBOX.code, '#cid': MAILBOX.codeId },
      ExpressionAttributeValues: { ':s': 'mfa_required', ':now': nowSeconds() },
    }),
  );

describe('DynamoAttemptStore', () => {
  it('reads an attempt back, including the outcome the bridge records', async () => {
    const { userId, attemptId } = ids();
    await store.create(attempt(userId, attemptId));
    await tables.doc.send(
      new UpdateCommand({
        TableName: tables.names.attempts,
        Key: { [MAILBOX.partitionKey]: userId, [MAILBOX.sortKey]: attemptId },
        UpdateExpression: 'SET #o = :o, #oid = :oid',
        ExpressionAttributeNames: { '#o': MAILBOX.outcome, '#oid': MAILBOX.outcomeCodeId },
        ExpressionAttributeValues: { ':o': 'invalid', ':oid': 'code-1' },
      }),
    );

    expect(await store.get(userId, attemptId, new Date())).toEqual({
      ...attempt(userId, attemptId),
      createdAt: expect.any(String),
      expiresAt: expect.any(Number),
      mfaOutcome: 'invalid',
      mfaOutcomeCodeId: 'code-1',
    });
    expect(await store.get(userId, 'no-such-attempt', new Date())).toBeUndefined();
  });

  it('never lets a new attempt overwrite an existing one', async () => {
    const { userId, attemptId } = ids();
    await store.create(attempt(userId, attemptId));
    await expect(store.create(attempt(userId, attemptId, { credentials: 'other' }))).rejects.toThrow();
    expect((await store.get(userId, attemptId, new Date()))?.credentials).toBe('v1:ciphertext-credentials');
  });

  it('treats an attempt past its expiry as absent although DynamoDB has not deleted it yet', async () => {
    const { userId, attemptId } = ids();
    const expiresAt = nowSeconds() + 900;
    await store.create(attempt(userId, attemptId, { expiresAt }));

    expect(await store.get(userId, attemptId, new Date((expiresAt - 1) * 1000))).toBeDefined();
    expect(await store.get(userId, attemptId, new Date(expiresAt * 1000))).toBeUndefined();
    expect(await rawItem(userId, attemptId)).toBeDefined();
  });

  it('accepts an MFA code only while the bridge waits for one', async () => {
    const { userId, attemptId } = ids();
    await store.create(attempt(userId, attemptId));
    expect(await store.submitMfaCode(userId, attemptId, '123456', 'code-1', 5)).toBe(false);
    expect(await rawItem(userId, attemptId)).not.toHaveProperty(MAILBOX.code);

    await bridgeMarksMfaRequired(userId, attemptId);
    expect((await store.get(userId, attemptId, new Date()))?.status).toBe('mfa_required');
    expect(await store.submitMfaCode(userId, attemptId, '123456', 'code-1', 5)).toBe(true);
    expect(await rawItem(userId, attemptId)).toMatchObject({ [MAILBOX.code]: '123456', [MAILBOX.codeId]: 'code-1' });

    await store.finish(userId, attemptId, 'connected');
    expect(await store.submitMfaCode(userId, attemptId, '654321', 'code-2', 5)).toBe(false);
    expect(await store.submitMfaCode(userId, 'no-such-attempt', '654321', 'code-3', 5)).toBe(false);
  });

  it('counts the codes and refuses any past the cap, even when several arrive at once', async () => {
    const { userId, attemptId } = ids();
    await store.create(attempt(userId, attemptId));
    await bridgeMarksMfaRequired(userId, attemptId);
    const posted = await Promise.all(Array.from({ length: 8 }, (_, i) => store.submitMfaCode(userId, attemptId, '123456', `code-${i}`, 3)));
    expect(posted.filter(Boolean)).toHaveLength(3);
    expect((await store.get(userId, attemptId, new Date()))?.mfaSubmissions).toBe(3);
  });

  it('does not change how an attempt ended, nor recreate an erased one', async () => {
    const { userId, attemptId } = ids();
    await store.create(attempt(userId, attemptId));
    await store.finish(userId, attemptId, 'failed', { code: 'MFA_ATTEMPTS_EXCEEDED', message: 'too many codes' });
    await store.finish(userId, attemptId, 'failed', { code: 'ATTEMPT_ENDED', message: 'later' });
    await store.finish(userId, attemptId, 'connected');
    expect(await store.get(userId, attemptId, new Date())).toMatchObject({ status: 'failed', error: { code: 'MFA_ATTEMPTS_EXCEEDED' } });
  });

  it('refuses a code for an expired attempt that still says mfa_required', async () => {
    const { userId, attemptId } = ids();
    await store.create(attempt(userId, attemptId, { expiresAt: nowSeconds() - 1 }));
    await bridgeMarksMfaRequired(userId, attemptId);
    expect(await store.submitMfaCode(userId, attemptId, '123456', 'code-1', 5)).toBe(false);
  });

  it('finishing erases the credentials and any unread code', async () => {
    const { userId, attemptId } = ids();
    await store.create(attempt(userId, attemptId));
    await bridgeMarksMfaRequired(userId, attemptId);
    await store.submitMfaCode(userId, attemptId, '123456', 'code-1', 5);

    await store.finish(userId, attemptId, 'failed', { code: 'GARMIN_MFA_INVALID', message: 'the code was not accepted' });

    const finished = await store.get(userId, attemptId, new Date());
    expect(finished).toMatchObject({ status: 'failed', error: { code: 'GARMIN_MFA_INVALID', message: 'the code was not accepted' } });
    expect(finished?.credentials).toBeUndefined();
    const item = await rawItem(userId, attemptId);
    expect(item).not.toHaveProperty('credentials');
    expect(item).not.toHaveProperty(MAILBOX.code);
  });

  it('finishing an attempt that is gone does not recreate it', async () => {
    const { userId, attemptId } = ids();
    await store.finish(userId, attemptId, 'failed', { code: 'INTERNAL', message: 'x' });
    expect(await rawItem(userId, attemptId)).toBeUndefined();
  });

  it("deletes all of one user's attempts, across batches, and nobody else's", async () => {
    const userId = 'user-with-many-attempts';
    const other = 'bystander';
    await Promise.all(Array.from({ length: 60 }, (_, i) => store.create(attempt(userId, `a-${i}`))));
    await store.create(attempt(other, 'a-0'));
    // An item the store did not write (as if the bridge created it) goes too.
    await tables.doc.send(
      new PutCommand({ TableName: tables.names.attempts, Item: { [MAILBOX.partitionKey]: userId, [MAILBOX.sortKey]: 'stray' } }),
    );

    // The stray item has no status: it is not a running attempt.
    expect(await store.deleteAllForUser(userId, new Date())).toEqual({ deleted: 61, running: 60 });

    const remaining = await scanAll(tables.doc, tables.names.attempts);
    expect(remaining.filter((item) => item[MAILBOX.partitionKey] === userId)).toEqual([]);
    expect(remaining.filter((item) => item[MAILBOX.partitionKey] === other)).toHaveLength(1);
    expect(await store.deleteAllForUser(userId, new Date())).toEqual({ deleted: 0, running: 0 });
  });
});
