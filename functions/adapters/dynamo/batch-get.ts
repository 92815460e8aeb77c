/** BatchGetItem of any number of keys of one table, until DynamoDB has answered every key. */
import { BatchGetCommand, type DocumentClient } from './client';
import { sleep } from './time';

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_KEYS = 100;
/** Keys left unprocessed (throttling) are asked again after a short, growing pause, as AWS advises. */
const RETRY_BASE_MS = 25;
const RETRY_MAX_MS = 1_000;

export const batchGetAll = async (
  doc: DocumentClient,
  table: string,
  keys: Array<Record<string, unknown>>,
  options: { consistentRead?: boolean; projection?: string } = {},
): Promise<Array<Record<string, unknown>>> => {
  const items: Array<Record<string, unknown>> = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_KEYS) {
    let pending = keys.slice(i, i + BATCH_GET_KEYS);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1)));
      const { Responses, UnprocessedKeys } = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ...(options.consistentRead ? { ConsistentRead: true } : {}),
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
            },
          },
        }),
      );
      items.push(...(Responses?.[table] ?? []));
      pending = UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return items;
};
