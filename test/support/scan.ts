/** Every item of one user in the given tables, found by a full scan (proof, not a query). */
import { type DocumentClient, ScanCommand } from '../../functions/adapters/dynamo/client';

export const scanUserItems = async (
  doc: DocumentClient,
  tables: Record<string, string>,
  userId: string,
): Promise<Array<{ table: string; item: Record<string, unknown> }>> => {
  const found: Array<{ table: string; item: Record<string, unknown> }> = [];
  for (const table of Object.values(tables)) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
      for (const item of page.Items ?? []) {
        if (JSON.stringify(item).includes(userId)) found.push({ table, item });
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return found;
};

/**
 * What an erasure keeps of a user, by design: the Garmin call limits (the service's, in
 * `__rate__#` partitions, and the fetch log of the user's schedule item, unscheduled: so a
 * disconnect resets nothing) and the change feed's counter with
 * its `connection.disconnected` event (so an app polling the feed learns of the disconnect).
 */
export const keptAfterErasure = ({ table, item }: { table: string; item: Record<string, unknown> }): boolean =>
  String(item.user_id).startsWith('__rate__#') ||
  (String(item.user_id).startsWith('__schedule__#') && Object.keys(item).every((name) => ['user_id', 'fetches', 'disconnected'].includes(name))) ||
  (table.endsWith('-events') && (item.sk === 'SEQ' || String(item.body).includes('"type":"connection.disconnected"')));

/** Every item of the user an erasure must have removed (scanUserItems less what it keeps by design). */
export const personalItemsLeft = async (doc: DocumentClient, tables: Record<string, string>, userId: string) =>
  (await scanUserItems(doc, tables, userId)).filter((found) => !keptAfterErasure(found));
