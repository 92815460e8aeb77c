/**
 * The per-user API throttle's counters (functions/core/shared/request-throttle.ts): one
 * item per user, kind and window, `REQ#<kind>#<window start>` in the user's rate partition
 * `__rate__#user#<userId>` (outside the user's data, so a disconnect resets nothing). A
 * request is one UpdateItem: ADD 1 on the condition that the window holds fewer than the
 * limit, so it is exact under concurrency, needs no read, and a refused request writes nothing.
 */
import { UpdateCommand, type DocumentClient } from './client';
import type { ApiRequestKind, RequestCounter } from '../../core/shared/ports';
import { conditionally } from './conditional-write';
import { DATA_SK, TABLES, ratePartition } from './tables';

export class DynamoRequestCounter implements RequestCounter {
  constructor(
    private readonly doc: DocumentClient,
    private readonly table: string,
  ) {}

  async take(userId: string, kind: ApiRequestKind, windowStart: Date, windowSeconds: number, limit: number): Promise<boolean> {
    const startSeconds = Math.floor(windowStart.getTime() / 1000);
    const { written } = await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { user_id: ratePartition('user', userId), sk: `${DATA_SK.apiRequests}${kind}#${startSeconds}` },
          UpdateExpression: 'ADD #requests :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#requests) OR #requests < :limit',
          ExpressionAttributeNames: { '#requests': 'requests', '#ttl': TABLES.data.ttlAttribute },
          // The window's item is useless once it has ended; DynamoDB's TTL removes it some time after.
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': startSeconds + windowSeconds },
        }),
      ),
    );
    return written;
  }
}
