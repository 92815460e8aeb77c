/**
 * The one DynamoDB document client the stores share: lib-dynamodb's commands (the same names,
 * plain-object inputs and outputs) over DynamoDB's API without the SDK's client
 * (adapters/aws/dynamodb-api.ts), marshalled by @aws-sdk/util-dynamodb (~5 KB). The SDK's
 * client brought ~170 KB of protocol, schema and middleware machinery into every bundle.
 * Endpoint, region and credentials come from the standard AWS environment
 * (AWS_ENDPOINT_URL_DYNAMODB, as the SDK reads it, points it at DynamoDB Local).
 */
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { type marshallOptions, marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type DynamoDbApi, type DynamoDbOperation, dynamoDbApi } from '../aws/dynamodb-api';

/** An answer as lib-dynamodb gives it, less the SDK's response metadata. */
type Answer<O> = Omit<O, '$metadata'>;

/** One operation's input; the type parameter `O` is the answer `send` resolves to. */
abstract class DocumentCommand<I extends object, O> {
  /** Never set: it carries the answer's type to `send`. */
  declare readonly answer?: O;

  constructor(
    readonly operation: DynamoDbOperation,
    readonly input: I,
  ) {}
}

export class GetCommand extends DocumentCommand<GetCommandInput, Answer<GetCommandOutput>> {
  constructor(input: GetCommandInput) {
    super('GetItem', input);
  }
}
export class PutCommand extends DocumentCommand<PutCommandInput, Answer<PutCommandOutput>> {
  constructor(input: PutCommandInput) {
    super('PutItem', input);
  }
}
export class UpdateCommand extends DocumentCommand<UpdateCommandInput, Answer<UpdateCommandOutput>> {
  constructor(input: UpdateCommandInput) {
    super('UpdateItem', input);
  }
}
export class DeleteCommand extends DocumentCommand<DeleteCommandInput, Answer<DeleteCommandOutput>> {
  constructor(input: DeleteCommandInput) {
    super('DeleteItem', input);
  }
}
export class QueryCommand extends DocumentCommand<QueryCommandInput, Answer<QueryCommandOutput>> {
  constructor(input: QueryCommandInput) {
    super('Query', input);
  }
}
export class ScanCommand extends DocumentCommand<ScanCommandInput, Answer<ScanCommandOutput>> {
  constructor(input: ScanCommandInput) {
    super('Scan', input);
  }
}
export class BatchGetCommand extends DocumentCommand<BatchGetCommandInput, Answer<BatchGetCommandOutput>> {
  constructor(input: BatchGetCommandInput) {
    super('BatchGetItem', input);
  }
}
export class BatchWriteCommand extends DocumentCommand<BatchWriteCommandInput, Answer<BatchWriteCommandOutput>> {
  constructor(input: BatchWriteCommandInput) {
    super('BatchWriteItem', input);
  }
}
export class TransactWriteCommand extends DocumentCommand<TransactWriteCommandInput, Answer<TransactWriteCommandOutput>> {
  constructor(input: TransactWriteCommandInput) {
    super('TransactWriteItems', input);
  }
}

export interface DocumentClient {
  send<I extends object, O>(command: DocumentCommand<I, O>): Promise<O>;
}

const MARSHALL: marshallOptions = {
  // Optional fields of records and raw Garmin objects may be undefined: omit them.
  removeUndefinedValues: true,
  // Items are plain objects; a class instance reaching a store is a bug, not data.
  convertClassInstanceToMap: false,
};

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Where items are, by field name, in DynamoDB's requests and answers: the names are the API's
 * own and never a table's or an attribute's (lib-dynamodb marshals the same fields, per command).
 * `Responses` maps tables to lists of items.
 */
const ITEM_FIELDS = new Set(['Item', 'Key', 'ExclusiveStartKey', 'ExpressionAttributeValues', 'Attributes', 'LastEvaluatedKey']);
const ITEM_LIST_FIELDS = new Set(['Items', 'Keys']);

/** A copy of `value` with every item in it converted by `convert`. */
const mapItems = (value: unknown, convert: (item: Json) => Json, field?: string): unknown => {
  if (field && ITEM_FIELDS.has(field) && isRecord(value)) return convert(value);
  if (field && ITEM_LIST_FIELDS.has(field) && Array.isArray(value)) return value.map((item: Json) => convert(item));
  if (field === 'Responses' && isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([table, items]) => [table, (items as Json[]).map((item) => convert(item))]));
  }
  if (Array.isArray(value)) return value.map((entry) => mapItems(entry, convert));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, mapItems(entry, convert, key)]));
  return value;
};

const toWire = (item: Json): Json => marshall(item, MARSHALL);
const fromWire = (item: Json): Json => unmarshall(item as Parameters<typeof unmarshall>[0]);

/**
 * Errors are DynamoDB's as the SDK raises them (signed-call.ts): ConditionalCheckFailedException's
 * `Item` and TransactionCanceledException's `CancellationReasons` stay marshalled, as with lib-dynamodb.
 */
export const createDocumentClient = (api: DynamoDbApi = dynamoDbApi()): DocumentClient => ({
  send: async <I extends object, O>(command: DocumentCommand<I, O>): Promise<O> =>
    mapItems(await api(command.operation, mapItems(command.input, toWire) as Json), fromWire) as O,
});

/** Every page of a query, in order, as lib-dynamodb's `paginateQuery` walks them (LastEvaluatedKey). */
export async function* paginateQuery(config: { client: DocumentClient }, input: QueryCommandInput): AsyncGenerator<Answer<QueryCommandOutput>> {
  let start = input.ExclusiveStartKey;
  do {
    const page = await config.client.send(new QueryCommand(start ? { ...input, ExclusiveStartKey: start } : input));
    yield page;
    start = page.LastEvaluatedKey;
  } while (start);
}
