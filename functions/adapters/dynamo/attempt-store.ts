/**
 * Connect attempts: one item per attempt (`user_id`, `attempt_id`) with a TTL. The item is
 * also the MFA mailbox the Python bridge polls, so the mailbox attributes are named by
 * MFA_MAILBOX_FIELDS, the protocol's shared list: the bridge sets the status to
 * `mfa_required`, consumes `mfa_code` and writes the outcome; this side posts the code.
 */
import { GetCommand, PutCommand, UpdateCommand, type DocumentClient } from './client';
import * as z from '../../core/shared/zod';
import { MFA_MAILBOX_FIELDS as MAILBOX, MFA_OUTCOMES } from '../../core/shared/bridge-protocol';
import type { AttemptRecord, AttemptStatus, AttemptStore } from '../../core/shared/ports';
import { AttemptStatusSchema } from '../../core/shared/statuses';
import { conditionally } from './conditional-write';
import { deletePartition } from './partition';
import { TABLES } from './tables';
import { epochSeconds } from './time';

const TTL = TABLES.attempts.ttlAttribute;
/** Statuses of an attempt that has not ended. */
const RUNNING: ReadonlySet<string> = new Set<AttemptStatus>(['pending', 'mfa_required']);

const AttemptItem = z.object({
  [MAILBOX.partitionKey]: z.string(),
  [MAILBOX.sortKey]: z.string(),
  [MAILBOX.status]: AttemptStatusSchema,
  credentials: z.optional(z.string()),
  remember_password: z.boolean(),
  error: z.optional(z.object({ code: z.string(), message: z.string() })),
  [MAILBOX.outcome]: z.optional(z.enum(MFA_OUTCOMES)),
  [MAILBOX.outcomeCodeId]: z.optional(z.string()),
  [MAILBOX.submissions]: z.optional(z.int()),
  created_at: z.string(),
  [TTL]: z.number(),
});

const fromItem = (raw: unknown): AttemptRecord => {
  const item = AttemptItem.parse(raw);
  return {
    userId: item[MAILBOX.partitionKey],
    attemptId: item[MAILBOX.sortKey],
    status: item[MAILBOX.status],
    credentials: item.credentials,
    rememberPassword: item.remember_password,
    error: item.error,
    mfaOutcome: item[MAILBOX.outcome],
    mfaOutcomeCodeId: item[MAILBOX.outcomeCodeId],
    mfaSubmissions: item[MAILBOX.submissions] ?? 0,
    createdAt: item.created_at,
    expiresAt: item[TTL],
  };
};

export class DynamoAttemptStore implements AttemptStore {
  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
  ) {}

  private key(userId: string, attemptId: string) {
    return { [MAILBOX.partitionKey]: userId, [MAILBOX.sortKey]: attemptId };
  }

  async create(attempt: AttemptRecord): Promise<void> {
    const item: z.input<typeof AttemptItem> = {
      ...this.key(attempt.userId, attempt.attemptId),
      [MAILBOX.status]: attempt.status,
      credentials: attempt.credentials,
      remember_password: attempt.rememberPassword,
      error: attempt.error,
      [MAILBOX.outcome]: attempt.mfaOutcome,
      [MAILBOX.outcomeCodeId]: attempt.mfaOutcomeCodeId,
      [MAILBOX.submissions]: attempt.mfaSubmissions,
      created_at: attempt.createdAt,
      [TTL]: attempt.expiresAt,
    };
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: item,
        // Attempt ids are unique; never let a new attempt take over another's mailbox.
        ConditionExpression: 'attribute_not_exists(#sk)',
        ExpressionAttributeNames: { '#sk': MAILBOX.sortKey },
      }),
    );
  }

  /** TTL deletion runs late (up to days), so an item past its expiry is treated as gone. */
  async get(userId: string, attemptId: string, now: Date): Promise<AttemptRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: this.key(userId, attemptId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const attempt = fromItem(Item);
    return attempt.expiresAt * 1000 <= now.getTime() ? undefined : attempt;
  }

  async submitMfaCode(userId: string, attemptId: string, code: string, codeId: string, maxSubmissions: number): Promise<boolean> {
    const { written } = await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(userId, attemptId),
          UpdateExpression: 'SET #code = :code, #codeId = :codeId ADD #submissions :one',
          // The port gives no clock here; the wall clock is the one DynamoDB's TTL uses anyway.
          // Counted in the same write: concurrent submissions cannot pass the cap together.
          ConditionExpression: '#status = :waiting AND #ttl > :now AND (attribute_not_exists(#submissions) OR #submissions < :max)',
          ExpressionAttributeNames: {
            '#code': MAILBOX.code,
            '#codeId': MAILBOX.codeId,
            '#status': MAILBOX.status,
            '#ttl': TTL,
            '#submissions': MAILBOX.submissions,
          },
          ExpressionAttributeValues: {
            ':code': code,
            ':codeId': codeId,
            ':waiting': 'mfa_required',
            ':now': epochSeconds(new Date()),
            ':one': 1,
            ':max': maxSubmissions,
          },
        }),
      ),
    );
    return written;
  }

  async finish(
    userId: string,
    attemptId: string,
    status: 'connected' | 'failed',
    error?: { code: string; message: string },
  ): Promise<void> {
    const erase = `REMOVE #credentials, #code${error ? '' : ', #error'}`;
    // Refused when gone or ended already: its credentials were erased when it ended.
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(userId, attemptId),
          UpdateExpression: `SET #status = :status${error ? ', #error = :error' : ''} ${erase}`,
          // Only a running attempt: an update would otherwise recreate an erased one (without a
          // TTL), and an attempt that ended keeps the reason it ended with.
          ConditionExpression: '#status IN (:pending, :waiting)',
          ExpressionAttributeNames: {
            '#status': MAILBOX.status,
            '#credentials': 'credentials',
            '#code': MAILBOX.code,
            '#error': 'error',
          },
          ExpressionAttributeValues: {
            ':status': status,
            ':pending': 'pending',
            ':waiting': 'mfa_required',
            ...(error ? { ':error': error } : {}),
          },
        }),
      ),
    );
  }

  async deleteAllForUser(userId: string, now: Date): Promise<{ deleted: number; running: number }> {
    const deleted = await deletePartition(
      this.doc,
      this.table,
      { partitionKey: MAILBOX.partitionKey, sortKey: MAILBOX.sortKey },
      userId,
      { alsoRead: [MAILBOX.status, TTL] },
    );
    const running = deleted.filter(
      (item) => RUNNING.has(String(item[MAILBOX.status])) && Number(item[TTL]) > epochSeconds(now),
    ).length;
    return { deleted: deleted.length, running };
  }
}
