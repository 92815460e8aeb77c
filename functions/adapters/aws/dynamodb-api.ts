/**
 * DynamoDB's low-level API over its JSON 1.0 protocol (what the SDK's client speaks), signed by
 * signed-call.ts: operations on marshalled items ({S: …}). The stores use it through the
 * document client (adapters/dynamo/client.ts), which marshals.
 */
import { type SignedCallOptions, jsonCaller } from './signed-call';

export type DynamoDbOperation =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'Scan'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'TransactWriteItems';

/** One operation: its input and answer as DynamoDB's API names them. The local runtime wraps it (the benchmark's meter). */
export type DynamoDbApi = (operation: DynamoDbOperation, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

export const dynamoDbApi = (options?: SignedCallOptions): DynamoDbApi & { destroy(): void } =>
  jsonCaller('dynamodb', 'DynamoDB_20120810', '1.0', options);
