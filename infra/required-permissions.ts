/**
 * What each function's code calls on AWS, read from handler → service → adapter, and what
 * Lambda does on a function's behalf. test/infra/iam.test.ts checks each role against
 * this table with a real IAM evaluator in both directions: everything listed is allowed,
 * and nothing else is. The local runtime enforces the synthesized policies on every call
 * (scripts/local/aws-rules), so the integration suite fails on anything the code calls
 * that the stack does not grant, and test/integration/parity/iam-calls.test.ts fails on a
 * call this table does not list.
 */
import type { TableKey } from '../functions/adapters/dynamo/tables';
import type { FunctionName } from './constructs/functions';

export type PermissionTarget =
  | { table: TableKey; index?: string }
  | { queue: 'sync' | 'connectFailures' | 'webhooks' | 'webhookDeadLetters' }
  | { secret: 'keyring' | 'webhookSigning' }
  | { function: 'connectWorker' | 'bridge' }
  /** The function's own log group. */
  | { logs: 'own' };

export interface RequiredPermission {
  action: string;
  on: PermissionTarget;
  /** Who calls it: the function's code, or Lambda itself (logs, event source, destination). */
  by: 'code' | 'lambda';
}

const code = (on: PermissionTarget, ...actions: string[]): RequiredPermission[] => actions.map((action) => ({ action, on, by: 'code' }));
const lambda = (on: PermissionTarget, ...actions: string[]): RequiredPermission[] => actions.map((action) => ({ action, on, by: 'lambda' }));

const LOGS = lambda({ logs: 'own' }, 'logs:CreateLogStream', 'logs:PutLogEvents');
const KEYRING = code({ secret: 'keyring' }, 'secretsmanager:GetSecretValue');
const ENQUEUE = code({ queue: 'sync' }, 'sqs:SendMessage');
const INVOKE_BRIDGE = code({ function: 'bridge' }, 'lambda:InvokeFunction');
/** Events (functions/adapters/events): the feed's counter read, one transaction of Update + Puts, then the delivery queue. */
const PUBLISH_EVENTS = [
  ...code({ table: 'events' }, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
  ...code({ queue: 'webhooks' }, 'sqs:SendMessage'),
];

/** SyncService, for the manual sync and the worker alike. */
const SYNC = [
  ...LOGS,
  // Connection with its schedule item (BatchGetItem), the schedule alone (GetItem), and every state
  // change as a conditional UpdateItem: the lease, its end, the connection (connection-store.ts, schedule-store.ts).
  ...code({ table: 'connections' }, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'),
  // Login limits and Garmin budget/breaker (Get/Put/Update), Idempotency-Keys (Put/Delete), synced items, and a
  // user's erasure when a disconnect races the sync (keys-only Query + BatchWriteItem).
  ...code(
    { table: 'data' },
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:Query',
    'dynamodb:BatchWriteItem',
  ),
  // The activities changed in the reconcile window (SyncService.changedActivities).
  ...code({ table: 'data', index: 'by_start' }, 'dynamodb:Query'),
  ...KEYRING,
  ...INVOKE_BRIDGE,
  // The next chunk of a backfill.
  ...ENQUEUE,
  // data.changed, sync.failing, ... (functions/core/events).
  ...PUBLISH_EVENTS,
];

export const REQUIRED_PERMISSIONS: Record<FunctionName | 'bridge', RequiredPermission[]> = {
  connect: [
    ...LOGS,
    ...code({ table: 'connections' }, 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'),
    // Rate limit (Get/Put), the API throttle's counter (Update) and a disconnect's erasure of synced data (Query + BatchWriteItem).
    ...code({ table: 'data' }, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'),
    // Attempts and the MFA mailbox; a disconnect erases them too.
    ...code(
      { table: 'attempts' },
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
      'dynamodb:BatchWriteItem',
    ),
    ...KEYRING,
    ...ENQUEUE,
    ...code({ function: 'connectWorker' }, 'lambda:InvokeFunction'),
    // A token import is verified synchronously.
    ...INVOKE_BRIDGE,
    // connection.connected (token import), connection.disconnected; a disconnect erases the feed (Query + BatchWriteItem).
    ...PUBLISH_EVENTS,
    ...code({ table: 'events' }, 'dynamodb:Query', 'dynamodb:BatchWriteItem'),
  ],
  connectWorker: [
    ...LOGS,
    // ConditionCheckItem: the connection is written in one transaction with a check that the attempt still runs.
    ...code({ table: 'attempts' }, 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'),
    ...code({ table: 'connections' }, 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'),
    // Connecting another Garmin account erases the old account's data (Query + BatchWriteItem);
    // the service-wide login block (login-gate.ts: Get + Put).
    ...code({ table: 'data' }, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'),
    ...KEYRING,
    ...INVOKE_BRIDGE,
    // The first backfill chunk.
    ...ENQUEUE,
    // connection.connected.
    ...PUBLISH_EVENTS,
    // The async-invoke failure destination.
    ...lambda({ queue: 'connectFailures' }, 'sqs:SendMessage'),
  ],
  sync: SYNC,
  syncWorker: [
    ...SYNC,
    // The SQS event source mapping polls with the function's role.
    ...lambda(
      { queue: 'sync' },
      'sqs:ReceiveMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueUrl',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
    ),
  ],
  dispatch: [
    ...LOGS,
    ...code({ table: 'connections', index: 'due' }, 'dynamodb:Query'),
    // The leases of the users found due (BatchGet), the claim.
    ...code({ table: 'connections' }, 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'),
    // The service-wide Garmin request budget and circuit breaker (the data table's `__system__` items).
    ...code({ table: 'data' }, 'dynamodb:GetItem', 'dynamodb:UpdateItem'),
    ...ENQUEUE,
  ],
  read: [
    ...LOGS,
    // The connection with its schedule (BatchGet); a read of the user's data pulls the schedule forward (Get, Update).
    ...code({ table: 'connections' }, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'),
    // The profile (Get), daily summaries (Query), activities newest first (Query on by_start);
    // the per-user API throttle's counter (Update), as on every API function.
    ...code({ table: 'data' }, 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'),
    ...code({ table: 'data', index: 'by_start' }, 'dynamodb:Query'),
    // GET /garmin/changes.
    ...code({ table: 'events' }, 'dynamodb:Query'),
  ],
  deliverEvents: [
    ...LOGS,
    ...code({ secret: 'webhookSigning' }, 'secretsmanager:GetSecretValue'),
    // An event past the retry window goes to the dead-letter store.
    ...code({ queue: 'webhookDeadLetters' }, 'sqs:SendMessage'),
    // Each failed message's visibility set to its backoff (granted with the event source mapping).
    ...code({ queue: 'webhooks' }, 'sqs:ChangeMessageVisibility'),
    // The SQS event source mapping polls with the function's role.
    ...lambda({ queue: 'webhooks' }, 'sqs:ReceiveMessage', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'),
  ],
  bridge: [
    ...LOGS,
    // garmin_bridge/mailbox.py: poll for the MFA code, mark, take and record it.
    ...code({ table: 'attempts' }, 'dynamodb:GetItem', 'dynamodb:UpdateItem'),
  ],
};
