/**
 * Deleting every item of one partition: a keys-only query, page by page, and batch
 * deletes of 25 (BatchWriteItem's maximum), resubmitting what DynamoDB left unprocessed.
 */
import type { BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand, type DocumentClient, paginateQuery } from './client';
import { sleep } from './time';

const BATCH_SIZE = 25;
const MAX_UNPROCESSED_ROUNDS = 8;

type Key = Record<string, string>;
type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

export interface PartitionKeys {
  partitionKey: string;
  sortKey: string;
}

export interface DeleteOptions {
  /** Attributes to read besides the keys; the deleted items are returned with them. */
  alsoRead?: string[];
  /** Sort keys to leave in place (items whose lifetime is not the partition's, like a feed's sequence counter). */
  keep?: string[];
}

/** Deletes the partition's items (but `keep`) and returns them, keys and `alsoRead` attributes only. */
export const deletePartition = async (
  doc: DocumentClient,
  table: string,
  keys: PartitionKeys,
  partitionValue: string,
  options: DeleteOptions = {},
): Promise<Array<Record<string, unknown>>> => {
  const deleted: Array<Record<string, unknown>> = [];
  const extra = options.alsoRead ?? [];
  const keep = new Set(options.keep ?? []);
  const pages = paginateQuery(
    { client: doc },
    {
      TableName: table,
      KeyConditionExpression: '#pk = :pk',
      ProjectionExpression: ['#pk', '#sk', ...extra.map((_, i) => `#a${i}`)].join(', '),
      ExpressionAttributeNames: {
        '#pk': keys.partitionKey,
        '#sk': keys.sortKey,
        ...Object.fromEntries(extra.map((name, i) => [`#a${i}`, name])),
      },
      ExpressionAttributeValues: { ':pk': partitionValue },
      // The keys must be current: a deletion that misses a just-written item leaves data behind.
      ConsistentRead: true,
    },
  );
  for await (const page of pages) {
    const items = (page.Items ?? []).filter((item) => !keep.has(String(item[keys.sortKey])));
    const pageKeys = items.map(
      (item): Key => ({ [keys.partitionKey]: String(item[keys.partitionKey]), [keys.sortKey]: String(item[keys.sortKey]) }),
    );
    for (let i = 0; i < pageKeys.length; i += BATCH_SIZE) {
      await deleteBatch(doc, table, pageKeys.slice(i, i + BATCH_SIZE));
    }
    deleted.push(...items);
  }
  return deleted;
};

const deleteBatch = async (doc: DocumentClient, table: string, keys: Key[]): Promise<void> => {
  let requests: WriteRequests = keys.map((key) => ({ DeleteRequest: { Key: key } }));
  for (let round = 0; requests.length > 0; round++) {
    if (round === MAX_UNPROCESSED_ROUNDS) throw new Error(`${table}: ${requests.length} deletions left unprocessed`);
    if (round > 0) await sleep(2 ** round * 25);
    const result = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
    requests = result.UnprocessedItems?.[table] ?? [];
  }
};
