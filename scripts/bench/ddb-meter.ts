/**
 * Counts what the benchmark's DynamoDB client does: every operation by kind of item
 * (connection, schedule, activity, daily summary, ...), items actually written, and the
 * capacity units DynamoDB reports (ReturnConsumedCapacity). A conditional write whose
 * condition fails writes nothing but is still billed (at least 1 WRU, by the item's size):
 * the meter estimates those from the size of the item it tried to write.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDbApi } from '../../functions/adapters/aws/dynamodb-api';

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

/** A key attribute as DynamoDB's API carries it ({S: ...}). */
const stringOf = (value: unknown): string | undefined =>
  value && typeof value === 'object' && 'S' in value ? String((value as { S: unknown }).S) : undefined;

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

/** DynamoDB's item size, roughly: names plus values, unmarshalled (good enough for started-KB billing). */
const sizeOf = (item: Attr | undefined): number => (item ? JSON.stringify(unmarshall(item as Parameters<typeof unmarshall>[0])).length : 0);

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);

export class DynamoMeter {
  private counts = emptySnapshot();
  /** Operations by command name, for the report. */
  readonly operations = new Map<string, number>();

  /** The API `api` metered: each operation counted, its capacity asked for and added up. */
  wrap(api: DynamoDbApi): DynamoDbApi {
    return async (command, wire) => {
      const input = wire as Attr & { TableName?: string; Key?: Attr; Item?: Attr };
      this.operations.set(command, (this.operations.get(command) ?? 0) + 1);
      const table = input.TableName ?? '';
      const tracked = WRITES.has(command) || READS.has(command);
      // A BatchGetItem here is a connection read with its schedule item (connection-store.ts), or
      // dispatch's read of the leases of the users it found due (schedule items only).
      const kind = command === 'BatchGetItem' ? batchGetKind(input) : kindOf(table, input.Key ?? input.Item);
      try {
        const output = await api(command, tracked ? { ...input, ReturnConsumedCapacity: 'TOTAL' } : input);
        type Consumed = { CapacityUnits?: number };
        // A batch reports one entry per table.
        const consumed = output.ConsumedCapacity as Consumed | Consumed[] | undefined;
        const units = Array.isArray(consumed) ? consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0) : (consumed?.CapacityUnits ?? 0);
        if (WRITES.has(command)) {
          this.counts[kind].written += 1;
          this.counts[kind].wru += units || Math.max(1, Math.ceil(sizeOf(input.Item) / 1024));
        } else if (READS.has(command)) {
          this.counts[command === 'Query' && kind === 'other' ? this.queryKind(input) : kind].reads += 1;
          this.counts[command === 'Query' && kind === 'other' ? this.queryKind(input) : kind].rru += units;
        } else if (command === 'BatchWriteItem') {
          this.counts.other.written += 1;
        }
        return output;
      } catch (error) {
        if (WRITES.has(command) && (error as Error).name === 'ConditionalCheckFailedException') {
          this.counts[kind].refused += 1;
          this.counts[kind].wru += Math.max(1, Math.ceil(sizeOf(input.Item) / 1024));
        }
        throw error;
      }
    };
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
