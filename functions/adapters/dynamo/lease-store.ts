/**
 * The per-user sync lease: the `LEASE` item of the user's data partition. Syncs of one
 * user are serialised by it because two concurrent ones would burn each other's rotating
 * refresh token. `expires_at` is both the lease's end and its TTL.
 */
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LeaseStore } from '../../core/shared/ports';
import { conditionally } from './conditional-write';
import { DATA_SK, TABLES } from './tables';
import { epochSeconds } from './time';

const TTL = TABLES.data.ttlAttribute;

export class DynamoLeaseStore implements LeaseStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async acquire(userId: string, owner: string, ttlSeconds: number, now: Date): Promise<boolean> {
    const nowSeconds = epochSeconds(now);
    const { written } = await conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { user_id: userId, sk: DATA_SK.lease, owner, [TTL]: nowSeconds + ttlSeconds },
          // Free, or held by an expired lease that TTL deletion has not removed yet.
          ConditionExpression: 'attribute_not_exists(sk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': TTL },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      ),
    );
    return written;
  }

  async release(userId: string, owner: string): Promise<void> {
    // Refused when the lease expired and someone else holds it (or nobody does): nothing of ours to release.
    await conditionally(
      this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { user_id: userId, sk: DATA_SK.lease },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
  }
}
