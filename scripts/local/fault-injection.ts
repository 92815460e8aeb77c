/**
 * Faults injected at the local runtime's real seams, for the fault tests
 * (test/integration/faults/): DynamoDB throttling as the service answers it, a clock of
 * its own per function, and the stdio bridge process killed mid-call. Garmin's own faults
 * are the simulator's (`/__sim/faults`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import { AwsServiceError, type CallGuard } from '../../functions/adapters/aws/signed-call';
import type { TableKey } from '../../functions/adapters/dynamo/tables';
import type { Clock } from '../../functions/core/shared/ports';
import type { FunctionName } from './aws-rules/stack-policies';
import type { DeployedFunction } from './deployed-functions';

export interface DynamoThrottle {
  table: TableKey;
  /** DynamoDB operations refused (`PutItem`, `UpdateItem`, `TransactWriteItems`, …); default all. */
  operations?: string[];
  /** Only requests naming an item of this table whose sort key starts with this (`ACT#`, `LEASE`). */
  skPrefix?: string;
  /** How many requests to refuse, each attempt counting (3 per call, as the SDK's standard retries); default: until cleared. */
  count?: number;
}

type AttributeMap = Record<string, { S?: string } | undefined>;
type Named = { TableName?: string; Item?: AttributeMap; Key?: AttributeMap };

/** The (table, item key) pairs a low-level DynamoDB request names; a query or scan names its table alone. */
const touched = (input: Record<string, unknown>): Array<{ table: string; key?: AttributeMap }> => {
  const found: Array<{ table: string; key?: AttributeMap }> = [];
  const add = (named: Named | undefined) => {
    if (named?.TableName) found.push({ table: named.TableName, ...(named.Item ?? named.Key ? { key: named.Item ?? named.Key } : {}) });
  };
  add(input as Named);
  for (const item of (input.TransactItems as Array<Record<string, Named>> | undefined) ?? []) {
    add(item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck ?? item.Get);
  }
  const batch = input.RequestItems as Record<string, Array<Record<string, Named>> | { Keys?: AttributeMap[] }> | undefined;
  for (const [table, requests] of Object.entries(batch ?? {})) {
    const keys = Array.isArray(requests) ? requests.map((r) => r.PutRequest?.Item ?? r.DeleteRequest?.Key) : (requests.Keys ?? []);
    for (const key of keys) found.push({ table, ...(key ? { key } : {}) });
  }
  return found;
};

/** What the running function is, so a clock or a fault can tell the functions apart. */
const current = new AsyncLocalStorage<FunctionName>();

export class FaultInjector {
  private throttles: Array<DynamoThrottle & { left: number }> = [];
  private readonly skewsMs = new Map<FunctionName, number>();
  /** Requests refused so far, per table. */
  readonly refused: Record<TableKey, number> = { connections: 0, data: 0, attempts: 0, events: 0 };

  constructor(private readonly tables: Record<TableKey, string>) {}

  /** Refuses the matching requests with ProvisionedThroughputExceededException (below the SDK's retries, as DynamoDB does). */
  throttle(spec: DynamoThrottle): void {
    this.throttles.push({ ...spec, left: spec.count ?? Number.POSITIVE_INFINITY });
  }

  /** Ends every fault and zeroes the counts. */
  clear(): void {
    this.throttles = [];
    this.skewsMs.clear();
    for (const table of Object.keys(this.refused) as TableKey[]) this.refused[table] = 0;
  }

  /** `fn`'s clock runs this many seconds ahead (negative: behind) of the others. */
  skewClock(fn: FunctionName, seconds: number): void {
    this.skewsMs.set(fn, seconds * 1000);
  }

  /** `base` as each function sees it (its skew added); outside a function, `base` itself. */
  clock(base: Clock): Clock {
    return {
      now: () => {
        const fn = current.getStore();
        return new Date(base.now().getTime() + (fn ? (this.skewsMs.get(fn) ?? 0) : 0));
      },
    };
  }

  /** Makes every invocation of each function known to `clock` (its connect-worker invocations included). */
  attach(functions: Record<FunctionName, DeployedFunction>): void {
    for (const [name, fn] of Object.entries(functions) as Array<[FunctionName, DeployedFunction]>) {
      const invoke = fn.invoke.bind(fn);
      fn.invoke = (run) => current.run(name, () => invoke(run));
    }
  }

  /**
   * The throttling, as a function's DynamoDB calls meet it: before each attempt, inside the
   * retries (signed-call.ts `beforeAttempt`), as on AWS.
   */
  readonly dynamoAttempt: CallGuard = async (service, operation, input) => {
    const table = service === 'dynamodb' ? this.match(operation, input) : undefined;
    if (!table) return;
    this.refused[table] += 1;
    throw new AwsServiceError(
      'ProvisionedThroughputExceededException',
      400,
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
      undefined,
    );
  };

  private match(operation: string, input: Record<string, unknown>): TableKey | undefined {
    const names = touched(input);
    for (const throttle of this.throttles) {
      if (throttle.left <= 0) continue;
      if (throttle.operations && !throttle.operations.includes(operation)) continue;
      const table = this.tables[throttle.table];
      const hit = names.some((n) => n.table === table && (!throttle.skPrefix || (n.key?.sk?.S ?? '').startsWith(throttle.skPrefix)));
      if (!hit) continue;
      throttle.left -= 1;
      return throttle.table;
    }
    return undefined;
  }
}

/**
 * Kills (SIGKILL: no answer, no flush) the stdio bridge child of this process, as a crash of
 * the bridge would end a call in flight; the transport starts a new one on the next call.
 * Returns the killed pid.
 */
export const killBridgeProcess = (): number => {
  const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes('garmin_bridge serve'));
  if (children.length !== 1) throw new Error(`expected one bridge process of pid ${process.pid}, found ${children.length}`);
  const pid = Number(children[0]?.split(/\s+/)[0]);
  process.kill(pid, 'SIGKILL');
  return pid;
};
