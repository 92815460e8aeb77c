/**
 * Counts what the benchmark's DynamoDB client does: every operation by kind of item
 * (connection, schedule, activity, daily summary, ...), items actually written, and the
 * capacity units DynamoDB reports (ReturnConsumedCapacity). A conditional write whose
 * condition fails writes nothing but is still billed (at least 1 WRU, by the item's size):
 * the meter estimates those from the size of the item it tried to write.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export type ItemKind =
  | 'connection'
  | 'activity'
  | 'daily-summary'
  | 'profile'
  | 'schedule'
  | 'rate-limit'
  | 'system'
  | 'attempt'
  | 'other';

export interface KindCounts {
  /** Successful PutItem/UpdateItem/DeleteItem (batch entries counted one each). */
  written: number;
  /** Conditional writes refused by their condition (nothing written, still billed). */
  refused: number;
  reads: number;
  wru: number;
  rru: number;
}

export type MeterSnapshot = Record<ItemKind, KindCounts>;

const KINDS: ItemKind[] = ['connection', 'activity', 'daily-summary', 'profile', 'schedule', 'rate-limit', 'system', 'attempt', 'other'];

const zero = (): KindCounts => ({ written: 0, refused: 0, reads: 0, wru: 0, rru: 0 });

export const emptySnapshot = (): MeterSnapshot => Object.fromEntries(KINDS.map((k) => [k, zero()])) as MeterSnapshot;

type Attr = Record<string, unknown>;

/** A key attribute, marshalled ({S: ...}) or not (the document client marshals late). */
const stringOf = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  return value && typeof value === 'object' && 'S' in value ? String((value as { S: unknown }).S) : undefined;
};

const kindOf = (table: string, key: Attr | undefined): ItemKind => {
  // The user's schedule item (due time, lease, fetch log) lives beside the connection.
  if (table.endsWith('-connections')) return stringOf(key?.user_id)?.startsWith('__schedule__#') ? 'schedule' : 'connection';
  if (table.endsWith('-attempts')) return 'attempt';
  if (stringOf(key?.user_id) === '__system__') return 'system';
  const sk = stringOf(key?.sk) ?? '';
  if (sk.startsWith('ACT#')) return 'activity';
  if (sk.startsWith('DAY#')) return 'daily-summary';
  if (sk === 'PROFILE') return 'profile';
  if (sk.startsWith('RATE#')) return 'rate-limit';
  return 'other';
};

const batchGetKind = (input: Attr): ItemKind => {
  const requests = Object.entries((input.RequestItems ?? {}) as Record<string, { Keys?: Attr[] }>);
  const kinds = new Set(requests.flatMap(([table, request]) => (request.Keys ?? []).map((key) => kindOf(table, key))));
  return kinds.size === 1 && kinds.has('schedule') ? 'schedule' : 'connection';
};

/** DynamoDB's item size, roughly: names plus values (good enough for started-KB billing). */
const sizeOf = (item: Attr | undefined): number => (item ? JSON.stringify(item).length : 0);

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);

export class DynamoMeter {
  private counts = emptySnapshot();
  /** Operations by command name, for the report. */
  readonly operations = new Map<string, number>();

  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = (context as { commandName?: string }).commandName ?? 'unknown';
        const input = args.input as Attr & { TableName?: string; Key?: Attr; Item?: Attr; ReturnConsumedCapacity?: string };
        this.operations.set(command, (this.operations.get(command) ?? 0) + 1);
        const table = input.TableName ?? '';
        const tracked = WRITES.has(command) || READS.has(command);
        if (tracked) input.ReturnConsumedCapacity = 'TOTAL';
        // A BatchGetItem here is a connection read with its schedule item (connection-store.ts), or
        // dispatch's read of the leases of the users it found due (schedule items only).
        const kind = command === 'BatchGetItemCommand' ? batchGetKind(input) : kindOf(table, input.Key ?? input.Item);
        try {
          const result = await next(args);
          type Consumed = { CapacityUnits?: number };
          const output = result.output as { ConsumedCapacity?: Consumed | Consumed[] };
          // A batch reports one entry per table.
          const consumed = output.ConsumedCapacity;
          const units = Array.isArray(consumed) ? consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0) : (consumed?.CapacityUnits ?? 0);
          if (WRITES.has(command)) {
            this.counts[kind].written += 1;
            this.counts[kind].wru += units || Math.max(1, Math.ceil(sizeOf(input.Item) / 1024));
          } else if (READS.has(command)) {
            this.counts[command === 'QueryCommand' && kind === 'other' ? this.queryKind(input) : kind].reads += 1;
            this.counts[command === 'QueryCommand' && kind === 'other' ? this.queryKind(input) : kind].rru += units;
          } else if (command === 'BatchWriteItemCommand') {
            this.counts.other.written += 1;
          }
          return result;
        } catch (error) {
          if (WRITES.has(command) && (error as Error).name === 'ConditionalCheckFailedException') {
            this.counts[kind].refused += 1;
            this.counts[kind].wru += Math.max(1, Math.ceil(sizeOf(input.Item) / 1024));
          }
          throw error;
        }
      },
      { step: 'initialize', name: 'benchDynamoMeter' },
    );
  }

  /** A query has no key: its kind is what its key condition asks for. */
  private queryKind(input: Attr & { TableName?: string }): ItemKind {
    const values = (input.ExpressionAttributeValues ?? {}) as Attr;
    const table = input.TableName ?? '';
    if (table.endsWith('-connections')) return 'connection';
    const text = JSON.stringify(values);
    if (text.includes('DAY#')) return 'daily-summary';
    if (typeof input.IndexName === 'string') return 'activity';
    return 'other';
  }

  snapshot(): MeterSnapshot {
    return JSON.parse(JSON.stringify(this.counts)) as MeterSnapshot;
  }
}

export const diffSnapshots = (after: MeterSnapshot, before: MeterSnapshot): MeterSnapshot => {
  const out = emptySnapshot();
  for (const kind of KINDS) {
    for (const field of Object.keys(out[kind]) as Array<keyof KindCounts>) out[kind][field] = after[kind][field] - before[kind][field];
  }
  return out;
};

export const totals = (snapshot: MeterSnapshot): KindCounts => {
  const sum = zero();
  for (const kind of KINDS) for (const field of Object.keys(sum) as Array<keyof KindCounts>) sum[field] += snapshot[kind][field];
  return sum;
};
