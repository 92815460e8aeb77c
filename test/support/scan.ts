/** Every item of one user in the given tables, found by a full scan (proof, not a query). */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const scanUserItems = async (
  doc: DynamoDBDocumentClient,
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
